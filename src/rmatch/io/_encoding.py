"""Decoding the bytes of a text export: BOMs, UTF-8, UTF-16, then detection.

A file that is not UTF-8 (Excel's "CSV" on Windows: cp1252, Shift-JIS, GBK ...) is
decoded with the encoding charset-normalizer finds most likely on a sample of the
file. When several encodings fit the sample equally well and read it differently,
the reading says so (``uncertain``); when no encoding reads the whole file, the
undecodable bytes become U+FFFD and the reading says how many (``replaced``).
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from rmatch.errors import Issue

_SAMPLE_BYTES = 1 << 17  # bytes of the file the detector looks at (start, middle, end)
_TIE = 0.01  # detector "chaos" within this of the best counts as equally good
# Among equally good encodings, the ones exports are usually written in first.
_PREFERRED = (
    "cp1252",
    "cp932",
    "gb18030",
    "big5",
    "cp949",
    "cp1251",
    "cp1250",
    "cp1254",
    "cp1253",
    "cp1257",
    "cp1258",
    "cp1255",
    "cp1256",
    "cp874",
)
# Characters a Western (cp1252) text has beyond ASCII letters: punctuation.
_WESTERN_MARKS = frozenset("\u00a0“”‘’–—…€•°·«»¿¡ªº")
_NOT_WESTERN = frozenset("ÐðÝýÞþ")


@dataclass(frozen=True)
class Decoded:
    """The text of a file and how it was read.

    Attributes
    ----------
    text : str
        The text, without a byte-order mark.
    encoding : str
        The encoding used (Python codec name).
    uncertain : tuple of str
        Other encodings that fit the file as well and read it differently
        (empty when the encoding is certain).
    replaced : int
        Bytes no encoding could read, replaced by U+FFFD.
    first_replaced : int
        Line (1-based) of the first replaced byte, 0 when none.
    """

    text: str
    encoding: str
    uncertain: tuple[str, ...] = ()
    replaced: int = 0
    first_replaced: int = 0


def codec_name(encoding: str) -> str | None:
    """Return the Python codec name of a text encoding, or None when unknown.

    Parameters
    ----------
    encoding : str
        Any name Python knows (``"Shift-JIS"``, ``"latin-1"``, ``"cp1252"``).

    Returns
    -------
    str or None

    Examples
    --------
    >>> codec_name("Shift-JIS"), codec_name("no such thing")
    ('shift_jis', None)
    """
    try:
        return codecs.lookup(encoding).name
    except (LookupError, TypeError, ValueError):
        return None


def sample_lines(data: bytes) -> bytes:
    """Start, middle and end of ``data``, cut at line ends (multibyte-safe)."""
    if len(data) <= _SAMPLE_BYTES:
        return data
    part = _SAMPLE_BYTES // 3
    pieces = [data[:part]]
    for start in (len(data) // 2, len(data) - part):
        begin = data.find(b"\n", start) + 1
        pieces.append(data[begin : begin + part] if begin else b"")
    return b"\n".join(p[: p.rfind(b"\n") + 1] or p for p in pieces)


def _western(text: str) -> bool:
    """Every non-ASCII character is a Latin-1 letter or common punctuation.

    Not the Icelandic letters (ÐðÝýÞþ): in cp1252 they are the bytes of Turkish
    ĞğİıŞş (cp1254), so such a text is not clearly Western.
    """
    return all(
        ch < "\x80"
        or ch in _WESTERN_MARKS
        or (ch.isalpha() and ch < "\u0180" and ch not in _NOT_WESTERN)
        for ch in set(text)
    )


def _with_replacement(data: bytes, encoding: str) -> Decoded:
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
    first = text.find("\ufffd")
    line = text.count("\n", 0, first) + 1 if first >= 0 else 0
    return Decoded(text, encoding, replaced=max(bad, 1), first_replaced=line)


def _detected(data: bytes) -> Decoded:
    """Decode bytes that are not UTF-8 with the encoding found most likely."""
    from charset_normalizer import from_bytes

    results = [
        r
        for r in from_bytes(sample_lines(data))
        if not r.encoding.startswith(("utf_16", "utf_32"))  # found by NUL bytes
    ]
    if not results:
        # Nothing reads it: mostly UTF-8 with broken bytes, or binary garbage.
        return _with_replacement(data, "utf-8")
    best = min(r.chaos for r in results)
    texts: dict[str, str] = {}  # encoding -> its reading of the sample
    for r in results:
        if r.chaos <= best + _TIE:
            for name in (r.encoding, *r.could_be_from_charset):
                texts.setdefault(codec_name(name) or name, str(r))
    if "cp1252" in texts and _western(texts["cp1252"]):
        order = ["cp1252"]  # Excel's "CSV" on Western Windows
    else:  # cp1252 reads anything; when its text is not Western, it comes last
        rank = {n: k for k, n in enumerate(_PREFERRED[1:])}
        order = sorted(texts, key=lambda n: rank.get(n, len(rank) + (n == "cp1252")))
    for name in order:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        uncertain = tuple(n for n in order if texts[n] != texts[name])
        return Decoded(text, name, uncertain=uncertain[:6])
    return _with_replacement(data, order[0])


def utf8_bytes(decoded: Decoded, data: bytes) -> bytes | None:
    """``decoded.text`` as UTF-8: the file's own bytes when they are (else None)."""
    if decoded.encoding != "utf-8" or decoded.replaced:
        return None
    return data.removeprefix(codecs.BOM_UTF8)


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode the bytes of a text export.

    Parameters
    ----------
    data : bytes
    encoding : str, optional
        Use this encoding (undecodable bytes are replaced and counted). Default:
        a byte-order mark, UTF-8, UTF-16 (NUL bytes), then detection.

    Returns
    -------
    Decoded
    """
    if encoding is not None:
        name = codec_name(encoding) or encoding
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            return _with_replacement(data, name)
        return Decoded(text.removeprefix("\ufeff"), name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            pass
    # UTF-16 without a BOM: every other byte is NUL for Latin text (and text in
    # UTF-8 or a legacy code page has no NUL bytes at all).
    if len(data) >= 4 and len(data) % 2 == 0 and b"\x00" in data:
        for name, nuls in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
            if nuls.count(0) > len(data) // 4:
                try:
                    return Decoded(data.decode(name), name)
                except UnicodeDecodeError:
                    continue
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    utf8 = _with_replacement(data.removeprefix(codecs.BOM_UTF8), "utf-8")
    if _mostly_utf8(utf8):
        return utf8
    return _detected(data)


def _mostly_utf8(decoded: Decoded) -> bool:
    """UTF-8 with a few broken bytes: twice as many good non-ASCII characters."""
    good = sum(1 for ch in decoded.text if ch > "\x7f") - decoded.text.count("\ufffd")
    return good >= 2 * decoded.replaced


def encoding_issues(decoded: Decoded, name: str) -> tuple[Issue, ...]:
    """Warnings about a guessed encoding and replaced bytes."""
    fix = (
        f"if names or answers look wrong, give the encoding (read_people(..., "
        f'encoding=...) or encoding = "..." in [mapping]), e.g. '
        f"encoding='{(decoded.uncertain or ('cp1252',))[0]}', or save the file "
        "as CSV UTF-8"
    )
    found: list[Issue] = []
    if decoded.uncertain:
        found.append(
            Issue(
                f"the file is not UTF-8 and its encoding is not certain: it was "
                f"read as {decoded.encoding}, but "
                f"{', '.join(decoded.uncertain[:4])} fit it as well and read it "
                "differently",
                fix,
                file=name,
                value=decoded.encoding,
                severity="warning",
                code="uncertain_encoding",
            )
        )
    if decoded.replaced:
        found.append(
            Issue(
                f"{decoded.replaced} byte(s) cannot be read as {decoded.encoding} "
                "and were replaced by \ufffd (the first on this line)",
                fix,
                file=name,
                row=decoded.first_replaced or None,
                value=decoded.encoding,
                severity="warning",
                code="replaced_characters",
            )
        )
    return tuple(found)

"""A fast path for plain CSV files: pandas' C tokenizer, records counted by numpy.

Python's ``csv`` module reads a large export at about the speed of the rest of the
read together. Files whose quoting is plain (a double quote opens a field right
after a delimiter or a line break and closes it right before one, ``""`` inside)
are read by pandas instead; the fields of every record are counted on the bytes
(quote parity), so short rows and row numbers come out exactly as the ``csv``
module gives them. Anything else returns None and takes the ``csv`` module's path.
"""

from __future__ import annotations

import codecs
import csv
import io as _io

import numpy as np
import pandas as pd

from rmatch.io._edges import may_need_strip
from rmatch.io._encoding import sample_lines

_QUOTE, _LF, _CR = 34, 10, 13
_CSV_DELIMITERS = (",", "\t", ";")


def _field_counts(data: np.ndarray, delimiter: int) -> tuple[np.ndarray, bool] | None:
    """Fields of every record (0 for an empty line) and whether some cell may need
    stripping (see `_edges`); None when quoting is not plain.

    A byte is inside a quoted field when an odd number of quotes comes before it;
    only the positions of quotes, delimiters and line feeds are looked at.
    """
    quotes = np.flatnonzero(data == _QUOTE)
    if quotes.size % 2:
        return None  # a quote never closed: the csv module reports it
    last = data.size - 1
    if quotes.size:
        opening, closing = quotes[0::2], quotes[1::2]
        before = data[np.maximum(opening - 1, 0)]
        starts_field = (opening == 0) | np.isin(before, (delimiter, _LF, _QUOTE))
        after = data[np.minimum(closing + 1, last)]
        ends_field = (closing == last) | np.isin(after, (delimiter, _LF, _CR, _QUOTE))
        if not (starts_field.all() and ends_field.all()):
            return None

    feeds = np.flatnonzero(data == _LF)
    ends = feeds[np.searchsorted(quotes, feeds) % 2 == 0]  # line feeds outside quotes
    if data[-1] != _LF:
        ends = np.append(ends, data.size)
    starts = np.concatenate(([0], ends[:-1] + 1))
    # Delimiters of each record, less those inside its quoted fields (a quoted
    # field never spans records: its line feeds are inside quotes too).
    delimiters = np.flatnonzero(data == delimiter)
    counts = np.searchsorted(delimiters, ends) - np.searchsorted(delimiters, starts) + 1
    spans = None
    if quotes.size:
        spans = (
            np.searchsorted(delimiters, quotes[0::2]),
            np.searchsorted(delimiters, quotes[1::2]),
        )
        record = np.searchsorted(ends, quotes[0::2])
        counts -= np.bincount(
            record, weights=spans[1] - spans[0], minlength=ends.size
        ).astype(counts.dtype)[: ends.size]
    length = ends - starts
    crlf_only = (length == 1) & (data[np.minimum(starts, last)] == _CR)
    strip = may_need_strip(data, delimiter, quotes, delimiters, feeds, spans)
    return np.where((length == 0) | crlf_only, 0, counts), strip


def line_count(text: str | bytes) -> int:
    """Lines of a text or its bytes (a last line without a line feed counts)."""
    feed = "\n" if isinstance(text, str) else b"\n"
    return text.count(feed) + (not text.endswith(feed))  # type: ignore[arg-type]


def flat(rows: np.ndarray, lines: int) -> bool:
    """Whether every record of a text the fast path read is one line.

    ``rows`` are the 1-based record numbers of the records kept (the last one is
    at most the number of records, which is at most ``lines``, the text's
    `line_count`). When the last is the last line, no record spans two lines,
    so no cell holds a line break (a carriage return only comes before a line
    feed on the fast path).
    """
    return bool(rows.size) and int(rows[-1]) == lines


def delimiter_of(text: str, suffix: str) -> str:
    """The delimiter of a CSV text (tab for ``.tsv``): the one that splits the
    first line into the most cells."""
    if suffix == ".tsv":
        return "\t"
    first = text[: text.find("\n")] if "\n" in text[:65536] else text[:65536]
    best, best_count = ",", 0
    for delimiter in _CSV_DELIMITERS:
        try:
            count = len(next(csv.reader([first], delimiter=delimiter), []))
        except csv.Error:
            continue
        if count > best_count:
            best, best_count = delimiter, count
    return best


def undecoded_utf8(data: bytes, suffix: str) -> tuple[bytes, str, int] | None:
    """What the fast path needs of a file's bytes, undecoded, or None.

    ``(utf8, delimiter, lines)``: the bytes without a UTF-8 byte-order mark, the
    delimiter of the first line and the number of lines. None unless the first
    line is UTF-8 within the first 64 kB, so are samples of the start, middle and
    end, and no byte is NUL or starts a UTF-16 byte-order mark: the text is
    decoded first then (`fast_csv` reads bytes with pandas, which decodes every
    cell strictly, so a file it reads is UTF-8).
    """
    utf8 = data.removeprefix(codecs.BOM_UTF8)
    head = utf8[:65536]
    if (
        b"\n" not in head
        or b"\x00" in data
        or data.startswith((b"\xff\xfe", b"\xfe\xff"))
    ):
        return None
    try:
        first = head[: head.index(b"\n") + 1].decode("utf-8")
        # start, middle and end too: a cp1252 export with an ASCII header would
        # otherwise be parsed whole by pandas before its first accent sends it back
        sample_lines(utf8).decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = line_count(utf8)
    return utf8, delimiter_of(first, suffix), lines


def fast_csv(
    text: str | None, delimiter: str, utf8: bytes | None = None
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray] | None:
    """Read a plain CSV text with pandas.

    ``utf8`` is ``text`` encoded as UTF-8 when the caller has it (the file's own
    bytes): it is not encoded again. ``text`` may then be None (bytes that may
    not be UTF-8: None when a cell is not).

    Returns
    -------
    (columns, counts, numbers) or None
        ``columns``: one ``object`` array of stripped cells per column (every
        record that has text, header rows included, padded with ``""``);
        ``counts``: the fields of each of those records; ``numbers``: their
        1-based record numbers. None when the file needs the ``csv`` module.
    """
    encoded = utf8 if utf8 is not None else (text or "").encode("utf-8")
    if (
        len(delimiter) != 1
        or not encoded
        or (b"\r" in encoded and encoded.count(b"\r") != encoded.count(b"\r\n"))
    ):
        return None
    data = np.frombuffer(encoded, dtype=np.uint8)
    found = _field_counts(data, ord(delimiter))
    if found is None or not found[0].any():
        return None
    counts, strip = found
    width = int(counts.max())
    try:
        frame = pd.read_csv(
            _io.BytesIO(encoded),  # bytes: pandas reads them faster than text
            encoding="utf-8",
            sep=delimiter,
            header=None,
            names=list(range(width)),
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            skipinitialspace=True,
            quoting=csv.QUOTE_MINIMAL,
            engine="c",
        )
    except (ValueError, pd.errors.ParserError):  # pragma: no cover - fallback
        return None
    if len(frame) != counts.size:
        return None
    n = len(frame)
    columns = [
        np.fromiter(map(str.strip, frame[j].to_numpy()), dtype=object, count=n)
        if strip
        else frame[j].to_numpy(dtype=object)
        for j in range(width)
    ]
    # A record has text when some cell has: each column is looked at only on the
    # records the columns before it left empty (usually none after the first).
    filled = np.zeros(counts.size, dtype=bool)
    empty = np.arange(counts.size)
    for column in columns:
        if not empty.size:
            break
        filled[empty] = column[empty] != ""
        empty = empty[~filled[empty]]
    keep = np.flatnonzero(filled)
    return (
        [column[keep] for column in columns],
        counts[keep],
        keep.astype(np.int64) + 1,
    )

"""Whether any cell of a plain CSV text may start or end with whitespace.

``str.strip`` on every cell of a large export costs about a tenth of reading it.
Most exports never pad a cell, and that shows on the bytes: a cell's first byte
follows a field boundary (the start of the text, a delimiter outside quotes, a line
break, an opening quote) and its last byte precedes one (a delimiter outside quotes,
a line break, a closing quote, the end of the text). When no byte next to a
boundary can belong to a whitespace character, stripping changes no cell and is
skipped.

Multi-byte whitespace (``\\xa0``, ``\\u2000``...) is compared whole. The test errs
on the side of stripping: a line break or escaped quote inside a quoted field is
looked at like a boundary.
"""

from __future__ import annotations

import numpy as np

_LF, _CR = 10, 13

#: Every character ``str.isspace`` accepts (what ``str.strip()`` removes).
SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
    + "\u2028\u2029\u202f\u205f\u3000"
)


def _keys(width: int) -> np.ndarray:
    """The UTF-8 encodings ``width`` bytes long among `SPACES`, as integers."""
    return np.array(
        sorted(
            int.from_bytes(char.encode("utf-8"), "big")
            for char in SPACES
            if len(char.encode("utf-8")) == width
        ),
        dtype=np.int64,
    )


_ASCII = np.zeros(256, dtype=bool)
_ASCII[[ord(char) for char in SPACES if ord(char) < 128]] = True
_WIDE = {width: _keys(width) for width in (2, 3)}


def _spaces(
    data: np.ndarray, at: np.ndarray, ascii: np.ndarray, *, ends: bool
) -> np.ndarray:
    """For each ``at`` (clipped to the text): does a whitespace character start
    (or, ``ends``, end) there."""
    found = np.take(data, at, mode="clip")
    out: np.ndarray = ascii[found]
    wide = np.flatnonzero(found >= 0x80)  # part of a multi-byte character
    for width, keys in _WIDE.items() if wide.size else ():
        key = np.zeros(wide.size, dtype=np.int64)
        for k in range(width):
            offset = k - width + 1 if ends else k
            key = (key << 8) | np.take(data, at[wide] + offset, mode="clip")
        out[wide] |= np.isin(key, keys)
    return out


def may_need_strip(
    data: np.ndarray,
    delimiter: int,
    quotes: np.ndarray,
    delimiters: np.ndarray,
    feeds: np.ndarray,
    inside: tuple[np.ndarray, np.ndarray] | None,
) -> bool:
    """True unless no cell of ``data`` (UTF-8 bytes) can begin or end with whitespace.

    Parameters
    ----------
    data : numpy.ndarray
        The text's bytes (``uint8``), plain quoting (see ``_fastcsv``).
    delimiter : int
        The delimiter's byte.
    quotes, delimiters, feeds : numpy.ndarray
        Positions of every double quote, delimiter and line feed.
    inside : (numpy.ndarray, numpy.ndarray) or None
        For each quoted field (opening, closing quote paired in order), the index
        in ``delimiters`` of its first delimiter and of the first one after it;
        None when there are no quotes.
    """
    if data.size == 0:
        return False
    ascii = _ASCII.copy()
    # a neighbouring boundary is an empty cell, not whitespace of one
    ascii[[delimiter, _LF, _CR]] = False
    end = data.size - 1
    edges = np.array([0, end])
    if (
        _spaces(data, edges[:1], ascii, ends=False).any()
        or _spaces(data, edges[1:], ascii, ends=True).any()
    ):
        return True
    for step in (1, -1):
        flagged = _spaces(data, delimiters + step, ascii, ends=step < 0)
        if not flagged.any():
            continue
        if inside is None:
            return True
        # delimiters inside quoted fields are text: are all flagged ones there?
        seen = np.zeros(delimiters.size + 1, dtype=np.int64)
        np.cumsum(flagged, out=seen[1:])
        if int((seen[inside[1]] - seen[inside[0]]).sum()) < int(seen[-1]):
            return True
    # every carriage return ends a line (a lone one takes the csv module's path)
    before = np.maximum(feeds - 1, 0)
    returns = before[data[before] == _CR]
    for bounds in (feeds, returns):
        if _spaces(data, bounds + 1, ascii, ends=False).any():
            return True
        if _spaces(data, bounds - 1, ascii, ends=True).any():
            return True
    # inside quotes a line break or the delimiter is part of the cell
    return bool(
        _spaces(data, quotes[0::2] + 1, _ASCII, ends=False).any()
        or _spaces(data, quotes[1::2] - 1, _ASCII, ends=True).any()
    )

"""Time stamps of a common ``strftime`` format read with array arithmetic.

[`parse_timestamps()`][rmatch.parsing.parse_timestamps] reads a column with one
format (``%m/%d/%Y %H:%M:%S`` for a Google Forms export). pandas' ``strptime``
reads it cell by cell; here the characters of every cell are laid out in one
array, the cells are grouped by their *shape* (each digit written ``9``, the
other characters kept: ``9/9/9999 9:99:99``), each distinct shape is matched
against the format once, and the numbers of the cells that fit are read column
by column. Only a strict subset of what ``strptime`` accepts is read here (4-digit
year, 1 or 2-digit month, day and hour, 2-digit minutes and seconds, single
literal characters, values in range); every other cell is left to pandas, so the
result is the same as pandas' for every cell.
"""

from __future__ import annotations

import re

import numpy as np

from rmatch.parsing._batch import equal_rows

# The directives read here and the digits each may have.
_DIRECTIVES = {
    "Y": "(9999)",
    "m": "(99?)",
    "d": "(99?)",
    "H": "(99?)",
    "M": "(99)",
    "S": "(99)",
}
_WIDEST = 24  # longer cells are left to pandas
_FIRST_YEAR, _LAST_YEAR = 1900, 2200  # other years are left to pandas
_LIMITS = {"m": (1, 12), "H": (0, 23), "M": (0, 59), "S": (0, 59)}


def _shape_pattern(fmt: str) -> tuple[re.Pattern[str], list[str]] | None:
    """The regular expression of the shapes ``fmt`` reads and its directives."""
    parts: list[str] = []
    names: list[str] = []
    k = 0
    while k < len(fmt):
        char = fmt[k]
        if char == "%":
            name = fmt[k + 1 : k + 2]
            if name not in _DIRECTIVES or name in names:
                return None
            parts.append(_DIRECTIVES[name])
            names.append(name)
            k += 2
            continue
        if char.isdigit() or (char.isspace() and char != " "):
            return None
        parts.append(re.escape(char))
        k += 1
    if not {"Y", "m", "d"} <= set(names):
        return None
    return re.compile("".join(parts)), names


def fast_seconds(texts: list[str], fmt: str) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since 1970 of the texts of a simple shape, read with ``fmt``.

    Parameters
    ----------
    texts : list of str
        Stripped cells.
    fmt : str
        A ``strftime`` format.

    Returns
    -------
    tuple of numpy.ndarray
        ``float64`` seconds of each text (NaN where not read here) and the
        positions of the texts not read here (to be read by pandas).
    """
    n = len(texts)
    seconds = np.full(n, np.nan)
    pattern = _shape_pattern(fmt)
    if pattern is None or n == 0:
        return seconds, np.arange(n)
    shape_re, names = pattern
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    short = np.flatnonzero((lengths > 0) & (lengths <= _WIDEST))
    done = np.zeros(n, dtype=bool)
    if short.size:
        chosen = texts if short.size == n else [texts[k] for k in short.tolist()]
        cells = np.array(chosen, dtype=f"U{_WIDEST}")
        codes = cells.view(np.uint32).reshape(len(short), _WIDEST)
        # an embedded NUL would read as padding: such cells are left to pandas
        whole = (codes != 0).sum(axis=1) == lengths[short]
        digits = (codes >= 48) & (codes <= 57)
        shapes = np.where(digits, np.uint32(57), codes)
        which, first = equal_rows(shapes)
        for g, at in enumerate(first.tolist()):
            text = shapes[at]
            shape = "".join(map(chr, text[text != 0].tolist()))
            found = shape_re.fullmatch(shape)
            if found is None:
                continue
            rows = np.flatnonzero((which == g) & whole)
            if not rows.size:
                continue
            values = {}
            for i, name in enumerate(names, start=1):
                start, end = found.span(i)
                value = np.zeros(rows.size, dtype=np.int64)
                for col in range(start, end):
                    value = value * 10 + (codes[rows, col].astype(np.int64) - 48)
                values[name] = value
            ok = _read(values, seconds, short[rows])
            done[short[rows[ok]]] = True
    return seconds, np.flatnonzero(~done)


def _read(
    values: dict[str, np.ndarray], seconds: np.ndarray, at: np.ndarray
) -> np.ndarray:
    """Write the seconds of the fields in range at ``at``; the mask of those."""
    year, month, day = values["Y"], values["m"], values["d"]
    ok = (year >= _FIRST_YEAR) & (year <= _LAST_YEAR) & (day >= 1)
    for name, (low, high) in _LIMITS.items():
        if name in values:
            ok &= (values[name] >= low) & (values[name] <= high)
    months = (year - 1970) * 12 + np.clip(month, 1, 12) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    following = (months + 1).astype("datetime64[M]").astype("datetime64[D]")
    ok &= day <= (following - first).astype(np.int64)
    days = first.astype(np.int64) + day - 1
    clock = values.get("H", 0) * 3600 + values.get("M", 0) * 60 + values.get("S", 0)
    # as pandas divides nanoseconds: to float first, then by 1e9 (so the same
    # double, not always the exact number of seconds)
    total = ((days * 86400 + clock) * 1_000_000_000).astype(np.float64) / 1e9
    seconds[at[ok]] = total[ok]
    return ok

"""Comparison keys of whole columns: normalized e-mails and names.

Used wherever two rows are compared to find one person twice (the survey's
de-duplication, the HR join, and
[`rmatch.validate.validate_people()`][rmatch.validate.validate_people]).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from rmatch.parsing._batch import missing_plain
from rmatch.parsing._text import (
    MISSING_TEXT,
    is_missing,
    normalize_email,
    normalize_token,
)


def _per_distinct(values: np.ndarray, fn: Callable[[object], str]) -> np.ndarray:
    """``fn`` of every cell, computed once per distinct value."""
    series = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = np.array([fn(u) for u in uniques], dtype=object)
    out: np.ndarray = mapped[codes] if len(uniques) else np.array([], dtype=object)
    return out


def _ascii_keys(values: np.ndarray) -> np.ndarray | None:
    """`email_keys` of a column of ASCII text without line feeds, lowered at once.

    None when some cell is not such text (then cell by cell).
    """
    cells = values.tolist()
    if not set(map(type, cells)) <= {str}:
        return None
    joined = "\n".join(cells)
    if not joined.isascii() or joined.count("\n") != max(len(cells) - 1, 0):
        return None
    missing, keys = missing_plain(joined.lower().split("\n") if cells else [])
    out = np.empty(len(keys), dtype=object)
    out[:] = keys
    out[missing] = ""  # "", "nan", "n/a" ...
    return out


def email_keys(values: np.ndarray) -> np.ndarray:
    """Return [`normalize_email()`][rmatch.parsing.normalize_email] of a whole column.

    Parameters
    ----------
    values : numpy.ndarray
        The cells (``object``); each distinct value is normalized once.

    Returns
    -------
    numpy.ndarray
        ``object`` array of case-folded, stripped addresses (``""`` for blanks).

    Examples
    --------
    >>> email_keys(np.array([" Ana@Corp.COM", None], dtype=object)).tolist()
    ['ana@corp.com', '']
    """
    values = np.asarray(values, dtype=object)
    whole = _ascii_keys(values)
    if whole is not None:
        return whole
    # Fast path, the same result as normalize_email: plain ASCII text needs only
    # strip + lower (ASCII has no invisible characters and casefold == lower);
    # None marks the cells that need normalize_email.
    keys = [
        ("" if len(t := v.strip().lower()) <= 4 and (not t or t in MISSING_TEXT) else t)
        if type(v) is str and v.isascii()
        else None
        for v in values.tolist()
    ]
    out = np.empty(len(values), dtype=object)
    out[:] = keys
    rest = np.fromiter((k is None for k in keys), dtype=bool, count=len(keys))
    if rest.any():
        out[rest] = _per_distinct(values[rest], normalize_email)
    return out


def name_keys(values: np.ndarray) -> np.ndarray:
    """Return [`normalize_token()`][rmatch.parsing.normalize_token] of a whole column.

    Text is always a name (``"Na"`` is one); only non-text gaps are blank (``""``).

    Parameters
    ----------
    values : numpy.ndarray
        The cells (``object``); each distinct value is normalized once.

    Returns
    -------
    numpy.ndarray
        ``object`` array of keys: white space collapsed, case-folded.

    Examples
    --------
    >>> name_keys(np.array(["Ana  SILVA", None], dtype=object)).tolist()
    ['ana silva', '']
    """
    return _per_distinct(
        values,
        lambda v: (
            "" if not isinstance(v, str) and is_missing(v) else normalize_token(str(v))
        ),
    )


def repeats(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose non-blank key was seen before, and the first row of that key.

    Parameters
    ----------
    keys : numpy.ndarray
        One key per row (e.g. `email_keys` or `name_keys`); ``""`` is blank.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``(first, position)``: positions in ascending order, each paired with the
        first row of its key.

    Examples
    --------
    >>> repeats(np.array(["a", "b", "a", "", "", "a"], dtype=object))
    (array([0, 0]), array([2, 5]))
    """
    codes, _ = pd.factorize(pd.Series(keys, dtype=object))
    if codes.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    if (codes >= 0).all():  # numbered in order of appearance: no sort needed
        seen = np.maximum.accumulate(codes)
        first_of = np.flatnonzero(np.concatenate(([True], codes[1:] > seen[:-1])))
    else:
        _, first_of = np.unique(codes, return_index=True)
    first = first_of[codes]
    position = np.arange(codes.size)
    later = (first != position) & (np.asarray(keys, dtype=object) != "")
    return first[later].astype(np.int64), position[later].astype(np.int64)

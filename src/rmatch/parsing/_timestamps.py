"""A column of form time stamps: the date order decided once, parsed by pandas."""

from __future__ import annotations

import datetime as _dt
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pandas.errors import OutOfBoundsDatetime
from pandas.tseries.api import guess_datetime_format

from rmatch.parsing._dates import parse_datetime
from rmatch.parsing._fast_stamps import fast_seconds
from rmatch.parsing._text import ParseError, quoted

#: Date orders of [`parse_timestamps()`][rmatch.parsing.parse_timestamps].
DATE_ORDERS = ("day_first", "month_first")

# a/b/yyyy, a.b.yyyy or a-b-yyyy at the start of a cell
_NUMERIC_DATE = r"^\s*([0-9]{1,2})([/.-])([0-9]{1,2})\2[0-9]{2,4}(?![0-9])"
_NUMERIC_RE = re.compile(_NUMERIC_DATE)
_PREFIX = 11  # characters a match of _NUMERIC_RE reads: 2 + 1 + 2 + 1 + 4, then one
_EPOCH = _dt.datetime(1970, 1, 1)
_EPOCH_UTC = pd.Timestamp(0, tz="UTC")
_FORMATS_TRIED = 4  # distinct formats tried with pandas before parsing cell by cell


@dataclass(frozen=True)
class Timestamps:
    """A column of time stamps read by `parse_timestamps()`.

    Attributes
    ----------
    seconds : numpy.ndarray
        ``float64`` seconds since 1970-01-01 of each value (UTC when the value had
        a time zone, as written otherwise); NaN for a missing or unreadable value.
    order : str
        How ``a/b/yyyy`` dates were read: ``"day_first"``, ``"month_first"``, or,
        when the values could not decide it, ``"ambiguous"`` (every first and
        second field is 12 or less: read by the rule of
        [`parse_datetime()`][rmatch.parsing.parse_datetime]), ``"mixed"`` (both
        orders occur: each value read on its own) or ``"none"`` (no such dates).
    errors : dict of int to ParseError
        Position -> why the value could not be read.
    """

    seconds: np.ndarray
    order: str
    errors: dict[int, ParseError] = field(default_factory=dict)

    def datetime(self, position: int) -> _dt.datetime | None:
        """The naive datetime of one value (``None`` when missing or unreadable)."""
        value = float(self.seconds[position])
        if np.isnan(value):
            return None
        return _EPOCH + _dt.timedelta(microseconds=round(value * 1e6))


def date_order(texts: Sequence[str]) -> str:
    """Decide how the ``a/b/yyyy`` dates of a column are written.

    Parameters
    ----------
    texts : sequence of str
        The values of one column.

    Returns
    -------
    str
        ``"day_first"`` when some first field is over 12, ``"month_first"`` when
        some second field is, ``"mixed"`` when both happen, ``"ambiguous"`` when
        neither does and ``"none"`` when no value is such a date.

    Examples
    --------
    >>> date_order(["24/10/2026 09:15:00", "3/10/2026 10:00:00"])
    'day_first'
    >>> date_order(["3/10/2026"])
    'ambiguous'
    """
    match = _NUMERIC_RE.match
    # A match reads at most 11 characters past the leading white space: each
    # distinct start of a text is matched once (the texts share their dates).
    whole = list(map(str, texts))
    if whole:
        spaced = np.char.isspace(np.array(whole, dtype="U1"))
        starts = dict.fromkeys(np.array(whole, dtype=f"U{_PREFIX}").tolist())
        starts.update(dict.fromkeys(whole[k] for k in np.flatnonzero(spaced)))
    else:
        starts = {}
    found = [m for m in map(match, starts) if m is not None]
    if not found:
        return "none"
    first = np.fromiter((int(m[1]) for m in found), dtype=np.int64, count=len(found))
    second = np.fromiter((int(m[3]) for m in found), dtype=np.int64, count=len(found))
    day_first, month_first = bool((first > 12).any()), bool((second > 12).any())
    if day_first and month_first:
        return "mixed"
    if day_first:
        return "day_first"
    return "month_first" if month_first else "ambiguous"


def _distinct_texts(cells: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Codes of each cell's stripped text and the distinct texts (first seen first).

    Each distinct cell is stripped once; a column with missing or non-text cells
    is stripped cell by cell (``None`` is the empty text, others their ``str``).
    """
    if cells.ndim == 1:
        raw_codes, raw = pd.factorize(pd.Series(cells, dtype=object))
        distinct = raw.tolist()
        if (raw_codes >= 0).all() and set(map(type, distinct)) <= {str}:
            stripped = list(map(str.strip, distinct))
            if stripped == distinct:  # nothing to strip: already distinct
                return raw_codes, stripped
            inner, uniques = pd.factorize(pd.Series(stripped, dtype=object))
            return inner[raw_codes], [str(u) for u in uniques.tolist()]
    texts = [
        "" if v is None else str(v).strip()
        for v in (cells.tolist() if cells.ndim == 1 else cells)
    ]
    codes, uniques = pd.factorize(pd.Series(texts, dtype=object))
    return codes, [str(u) for u in uniques.tolist()]


def _with_format(texts: list[str], fmt: str) -> np.ndarray:
    """Seconds of each text read with ``fmt`` (NaN where it does not fit)."""
    seconds, rest = fast_seconds(texts, fmt)
    if rest.size:
        seconds[rest] = _pandas_format([texts[k] for k in rest.tolist()], fmt)
    return seconds


def _pandas_format(texts: list[str], fmt: str) -> np.ndarray:
    """Seconds of each text read by pandas with ``fmt`` (NaN where it does not fit)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stamps = pd.to_datetime(
            pd.Series(texts, dtype=object), format=fmt, errors="coerce", utc=True
        )
    try:
        seconds = (stamps - _EPOCH_UTC) / pd.Timedelta(seconds=1)
    except OutOfBoundsDatetime:  # a year past 2262: in the column's own unit
        unit = stamps.dt.unit
        seconds = (stamps - _EPOCH_UTC.as_unit(unit)) / pd.Timedelta(seconds=1).as_unit(
            unit
        )
    return seconds.to_numpy(dtype=np.float64, na_value=np.nan)


def parse_timestamps(
    values: Sequence[object] | np.ndarray,
    *,
    order: str | None = None,
) -> Timestamps:
    """Parse a column of form time stamps, deciding the date order once.

    Each cell of an export such as ``24/10/2026 09:15:00`` and ``3/10/2026
    10:00:00`` is ambiguous on its own: the column decides. Distinct values are
    parsed once, by pandas with the format of the column (vectorized); the values
    that do not fit it are read by
    [`parse_datetime()`][rmatch.parsing.parse_datetime] with the same order.

    Parameters
    ----------
    values : sequence of str
        The column; empty cells are missing values.
    order : str, optional
        ``"day_first"``, ``"month_first"`` or a ``strftime`` format such as
        ``"%d/%m/%Y %H:%M:%S"`` (values that do not match it are errors).
        Default: decided from the values (see
        [`date_order()`][rmatch.parsing.date_order]).

    Returns
    -------
    Timestamps

    Raises
    ------
    ParseError
        ``order`` is not one of the above.

    Examples
    --------
    >>> stamps = parse_timestamps(["24/10/2026 09:15:00", "3/10/2026 10:00:00"])
    >>> stamps.order, str(stamps.datetime(1))
    ('day_first', '2026-10-03 10:00:00')
    """
    if order is not None and order not in DATE_ORDERS and "%" not in str(order):
        raise ParseError(
            f"date order {quoted(order)} is unknown",
            "use 'day_first', 'month_first' or a strftime format such as "
            "'%d/%m/%Y %H:%M:%S'",
        )
    codes, words = _distinct_texts(np.asarray(values, dtype=object))
    seconds = np.full(len(words), np.nan)
    filled = np.fromiter(map(bool, words), dtype=bool, count=len(words))
    found = order if order is not None else date_order(list(filter(None, words)))
    day_first = {"day_first": True, "month_first": False}.get(found)
    failed: dict[int, ParseError] = {}
    if order is not None and order not in DATE_ORDERS:  # an explicit format
        seconds = _with_format(words, order)
        for k in np.flatnonzero(filled & np.isnan(seconds)).tolist():
            failed[k] = ParseError(
                f"date {quoted(words[k])} does not match the format {order!r}",
                "correct the value or the date_format option",
            )
    else:
        todo = filled.copy()
        for _ in range(_FORMATS_TRIED):
            left = np.flatnonzero(todo & np.isnan(seconds))
            if not left.size or found == "mixed":
                break
            first = words[int(left[0])]
            numeric = _NUMERIC_RE.match(first)
            first_day = day_first
            if numeric is not None and first_day is None:  # ambiguous: the rule
                first_day = numeric[2] != "/"
            fmt = guess_datetime_format(first, dayfirst=bool(numeric and first_day))
            if fmt is None:
                break
            seconds[left] = _with_format(
                words if left.size == len(words) else [words[k] for k in left.tolist()],
                fmt,
            )
            todo[left[np.isnan(seconds[left])][:1]] = False  # not this format
        for k in np.flatnonzero(filled & np.isnan(seconds)).tolist():
            try:
                stamp = parse_datetime(words[k], day_first=day_first)
            except ParseError as error:
                failed[k] = error
                continue
            if stamp is not None:
                seconds[k] = (stamp - _EPOCH).total_seconds()
    errors: dict[int, ParseError] = {}
    if failed:
        for position in np.flatnonzero(np.isin(codes, list(failed))).tolist():
            errors[position] = failed[int(codes[position])]
    out = seconds[codes] if len(words) else np.full(len(codes), np.nan)
    return Timestamps(seconds=out, order=found, errors=errors)

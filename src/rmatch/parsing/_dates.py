"""Form time stamps (used for "latest answer wins")."""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np

from rmatch.parsing._text import (
    MAX_LEN,
    ParseError,
    is_missing,
    is_number,
    quoted,
    to_text,
)
from rmatch.parsing._timezones import parse_timezone

# ------------------------------------------------------------------------ timestamps

_MONTH_ABBR = "janfebmaraprmayjunjulaugsepoctnovdec"
_MONTHS = {_MONTH_ABBR[3 * i : 3 * i + 3]: i + 1 for i in range(12)}
_TIME_PART = (
    r"(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,](?P<F>[0-9]{1,6})[0-9]*)?)?"
    r"\s*(?P<mer>[ap])?\.?(?(mer)m\.?)"
)
_DATE_PARTS = (
    r"(?P<Y>[0-9]{4})(?P<s1>[-/.])(?P<Ym>[0-9]{1,2})(?P=s1)(?P<Yd>[0-9]{1,2})",
    r"(?P<a>[0-9]{1,2})(?P<s2>[-/.])(?P<b>[0-9]{1,2})(?P=s2)(?P<y>[0-9]{4}|[0-9]{2})",
    r"(?P<mon1>[^\W\d_]{3,9})\.?\s+(?P<d1>[0-9]{1,2})(?:st|nd|rd|th)?,?\s+(?P<y1>[0-9]{4})",
    r"(?P<d2>[0-9]{1,2})(?:st|nd|rd|th)?\s+(?P<mon2>[^\W\d_]{3,9})\.?,?\s+(?P<y2>[0-9]{4})",
)
_TIMESTAMP = re.compile(
    rf"^(?:{'|'.join(_DATE_PARTS)})(?:(?:\s*[t,]\s*|\s+)(?:at\s+)?{_TIME_PART})?\s*(?P<tz>.*)$"
)


def _date_of(match: re.Match[str], day_first: bool | None) -> tuple[int, int, int]:
    if match["Y"]:
        return int(match["Y"]), int(match["Ym"]), int(match["Yd"])
    if match["a"]:
        a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
        year += 2000 if len(match["y"]) == 2 else 0
        if day_first is None:
            day_first = match["s2"] != "/" or a > 12
        if not day_first:
            return year, a, b  # US month/day/year, as Google Forms writes it
        return year, b, a  # day.month.year or day/month/year
    month_name = match["mon1"] or match["mon2"]
    month = _MONTHS.get(month_name[:3])
    if month is None:
        raise ValueError(month_name)
    return int(match["y1"] or match["y2"]), month, int(match["d1"] or match["d2"])


def _naive_utc(value: _dt.datetime) -> _dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=None)
    return value.astimezone(_dt.UTC).replace(tzinfo=None)


def parse_datetime(
    value: object, *, day_first: bool | None = None
) -> _dt.datetime | None:
    """Parse a form time stamp (used for "latest answer wins").

    Parameters
    ----------
    value : object
        A ``datetime`` / ``date`` / ``numpy.datetime64`` or text: ISO 8601
        (``"2024-05-01T10:00:00+02:00"``), ``"3/17/2020 8:14:08"``, ``"2024/05/01
        10:00:00 AM GMT+2"``, ``"17.03.2020 08:14"``, ``"May 1, 2024 10:00 AM"``;
        seconds, am/pm and a trailing time zone (anything
        [`parse_timezone()`][rmatch.parsing.parse_timezone] reads) are optional.
    day_first : bool, optional
        Read ``a/b/yyyy`` (and ``a.b.yyyy``, ``a-b-yyyy``) as day/month/year
        (``True``) or month/day/year (``False``). Default: the rule in the notes.
        A whole column is better read with
        [`parse_timestamps()`][rmatch.parsing.parse_timestamps], which decides the
        order from all of its values.

    Returns
    -------
    datetime.datetime or None
        A *naive* datetime so that values can always be compared: a value with a
        time zone is converted to UTC, one without is kept as written. ``None``
        for a missing value.

    Raises
    ------
    ParseError
        Unreadable or impossible dates.

    Notes
    -----
    Without ``day_first``, ``a/b/yyyy`` is month/day/year unless ``a`` is over 12;
    ``a.b.yyyy`` and ``a-b-yyyy`` are day.month.year. Two-digit years are 20yy.

    Examples
    --------
    >>> parse_datetime("3/17/2020 8:14:08")
    datetime.datetime(2020, 3, 17, 8, 14, 8)
    >>> parse_datetime("2024/05/01 10:00:00 AM GMT+2")
    datetime.datetime(2024, 5, 1, 8, 0)
    >>> parse_datetime("3/10/2026 9:15", day_first=True)
    datetime.datetime(2026, 10, 3, 9, 15)
    """
    if is_missing(value):
        return None
    fix = "write dates as YYYY-MM-DD HH:MM:SS (ISO 8601)"
    try:
        if isinstance(value, _dt.datetime):
            return _naive_utc(value)
        if isinstance(value, _dt.date):
            return _dt.datetime(value.year, value.month, value.day)
        if isinstance(value, np.datetime64):
            seconds = value.astype("datetime64[us]").astype(np.int64)
            return _dt.datetime(1970, 1, 1) + _dt.timedelta(microseconds=int(seconds))
    except (ValueError, OverflowError, TypeError) as exc:
        raise ParseError(f"date {quoted(value)} is out of range", fix) from exc
    if is_number(value) or isinstance(value, bool | np.bool_):
        raise ParseError(f"{quoted(value)} is a number, not a date", fix)
    text = to_text(value)
    if len(text) > MAX_LEN:
        raise ParseError(f"cannot read date {quoted(text)}", fix)
    try:
        return _naive_utc(_dt.datetime.fromisoformat(text))
    except (ValueError, OverflowError):
        pass
    match = _TIMESTAMP.match(" ".join(text.casefold().split()))
    if match is None:
        raise ParseError(f"cannot read date {quoted(text)}", fix)
    try:
        year, month, day = _date_of(match, day_first)
        hour = int(match["H"] or 0)
        if match["mer"]:
            if not 1 <= hour <= 12:
                raise ValueError(hour)
            hour = hour % 12 + (12 if match["mer"] == "p" else 0)
        micro = int((match["F"] or "0").ljust(6, "0"))
        stamp = _dt.datetime(
            year, month, day, hour, int(match["M"] or 0), int(match["S"] or 0), micro
        )
        if match["tz"]:
            stamp = stamp.replace(tzinfo=parse_timezone(match["tz"]))
        return _naive_utc(stamp)
    except (ValueError, OverflowError) as exc:
        raise ParseError(
            f"date {quoted(text)} is not a valid date and time", fix
        ) from exc

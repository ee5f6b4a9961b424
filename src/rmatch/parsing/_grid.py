"""Checkbox grids of days × day periods (Google / Microsoft Forms)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rmatch.parsing._availability import (
    DAY_WORDS,
    normalize_intervals,
    time_range,
    tokenize_availability,
)
from rmatch.parsing._day_names import day_key, local_day
from rmatch.parsing._sets import parse_set
from rmatch.parsing._text import (
    MAX_LEN,
    ParseError,
    is_missing,
    normalize_token,
    quoted,
    to_text,
)
from rmatch.parsing._week import (
    DAY_MINUTES,
)

# ---------------------------------------------------------------------- period grid

_DEFAULT_PERIODS: dict[str, tuple[str, str]] = {
    "early morning": ("06:00", "08:00"),
    "morning": ("08:00", "12:00"),
    "lunch": ("12:00", "13:00"),
    "afternoon": ("12:00", "17:00"),
    "evening": ("17:00", "21:00"),
    "night": ("21:00", "24:00"),
}
_HHMM = re.compile(r"^([0-9]{1,2})(?::([0-9]{2}))?$")


def _period_time(text: object, label: str) -> int:
    match = _HHMM.match(to_text(text)) if isinstance(text, str) else None
    if (
        match is None
        or int(match[2] or 0) > 59
        or int(match[1]) * 60 + int(match[2] or 0) > 1440
    ):
        raise ParseError(
            f"period {quoted(label)} has time {quoted(text)}; expected HH:MM",
            "define periods as {'Morning': ('08:00', '12:00')}",
        )
    return int(match[1]) * 60 + int(match[2] or 0)


def parse_period_grid(
    answers: Mapping[str, object],
    periods: Mapping[str, tuple[str, str]] | None = None,
    days: Mapping[str, str] | None = None,
) -> list[tuple[int, int]]:
    """Parse a checkbox grid of days × day periods (Google / Microsoft Forms).

    Parameters
    ----------
    answers : mapping of str to object
        Day label -> ticked period labels, e.g. ``{"Monday": "Morning, Evening",
        "Tuesday": ""}``. Day labels may be full grid column headers such as
        ``"Availability [Monday]"``; ``"Weekdays"`` / ``"Weekends"`` work too, and
        so do the day names of Vietnamese (``Thứ Hai``, ``T2``, ``Chủ Nhật``),
        French, German, Spanish, Portuguese, Italian, Dutch, Polish, Turkish,
        Indonesian, Russian, Japanese (``月曜日``), Chinese (``星期一``, ``周一``) and
        Korean, with or without diacritics. Period labels are separated by ``,``
        or ``;`` (or given as a list).
    periods : mapping of str to (str, str), optional
        Period label -> (start, end) as ``"HH:MM"`` local time. Default: Early
        morning 06:00-08:00, Morning 08:00-12:00, Lunch 12:00-13:00, Afternoon
        12:00-17:00, Evening 17:00-21:00, Night 21:00-24:00. A label that is not
        defined but holds a time range (``"9-12"``, ``"Morning (9am-12pm)"``) is
        read as that range.
    days : mapping of str to str, optional
        More day labels: label -> an English day (``{"Dilluns": "Mon"}``),
        compared without case, spaces and hyphens. They win over the built-in
        names.

    Returns
    -------
    list of (int, int)
        Local minute-of-week intervals as
        [`parse_availability()`][rmatch.parsing.parse_availability] returns.

    Raises
    ------
    ParseError
        Unknown day or period labels (listing the known ones).

    Examples
    --------
    >>> parse_period_grid({"Monday": "Morning, Evening", "Tuesday": ""})
    [(480, 720), (1020, 1260)]
    >>> parse_period_grid({"Thứ Ba": "Morning"})
    [(1920, 2160)]
    """
    table = _DEFAULT_PERIODS if periods is None else periods
    if not isinstance(answers, Mapping) or not isinstance(table, Mapping):
        raise ParseError(
            "a period grid must be a mapping of day -> ticked periods",
            "pass e.g. {'Monday': 'Morning, Evening'}",
        )
    lookup: dict[str, tuple[int, int]] = {}
    for label, bounds in table.items():
        if not isinstance(bounds, tuple | list) or len(bounds) != 2:
            raise ParseError(
                f"period {quoted(label)} must be a (start, end) pair",
                "define periods as {'Morning': ('08:00', '12:00')}",
            )
        start, end = (_period_time(b, to_text(label)) for b in bounds)
        if end <= start:
            raise ParseError(
                f"period {quoted(label)} ends before it starts",
                "define periods as {'Morning': ('08:00', '12:00')}",
            )
        lookup[normalize_token(to_text(label))] = (start, end)
    extra = _extra_days(days)
    known = ", ".join(sorted(lookup))
    intervals: list[tuple[int, int]] = []
    for day_label, ticked in answers.items():
        labels = sorted(parse_set(ticked, separators=(",", ";", "\n")))
        if not labels:
            continue
        numbers = _grid_days(day_label, extra)
        for label in labels:
            start, end = _grid_period(label, lookup, known)
            for day in numbers:
                intervals.append((day * DAY_MINUTES + start, day * DAY_MINUTES + end))
    return normalize_intervals(intervals)


def _extra_days(days: Mapping[str, str] | None) -> dict[str, tuple[int, ...]]:
    """``days`` keyed like grid rows, each label's day numbers."""
    if days is None:
        return {}
    if not isinstance(days, Mapping):
        raise ParseError(
            "days must be a mapping of grid row -> day",
            "pass e.g. {'Dilluns': 'Mon'}",
        )
    out: dict[str, tuple[int, ...]] = {}
    for label, day in days.items():
        out[day_key(to_text(label))] = _grid_days(day, {})
    return out


def _grid_days(
    day_label: object, extra: Mapping[str, tuple[int, ...]]
) -> tuple[int, ...]:
    text = normalize_token(to_text(day_label)) if not is_missing(day_label) else ""
    bracket = re.search(r"\[([^\[\]]*)\]\s*$", text)
    inner = bracket[1] if bracket else text
    if extra:
        found = extra.get(day_key(inner))
        if found is None and bracket:
            found = extra.get(day_key(text))
        if found is not None:
            return found
    key = inner.strip(" .:").replace(" ", "")
    if key in DAY_WORDS and len(key) > 1:
        return DAY_WORDS[key]
    local = local_day(inner)
    if local is not None:
        return (local,)
    raise ParseError(
        f"grid row {quoted(day_label)} is not a day",
        "name grid rows Monday .. Sunday (or Weekdays / Weekends, or the day "
        "names of the survey's language), or map them to days with a days "
        'table ([mapping.days] "Thứ Hai" = "Mon")',
    )


def _grid_period(
    label: str, lookup: Mapping[str, tuple[int, int]], known: str
) -> tuple[int, int]:
    if label in lookup:
        return lookup[label]
    # a time written in the label wins over the label's name: "Morning (9am-12pm)"
    for candidate in (*re.findall(r"\(([^()]*)\)", label), label):
        if re.search(r"[0-9]", candidate) and len(candidate) <= MAX_LEN:
            try:
                tokens = tokenize_availability(candidate)
                if [k for k, _ in tokens] == ["time", "dash", "time"]:
                    return time_range(candidate, tokens[0][1], tokens[2][1])
            except ParseError:
                continue
    name = label.split("(", 1)[0].strip()
    if name in lookup:
        return lookup[name]
    raise ParseError(f"unknown period {quoted(label)}", f"use one of: {known}")

"""Weekly availability text to local minute-of-week intervals."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rmatch.parsing._text import (
    ParseError,
    flatten,
    is_missing,
    quoted,
    split_items,
    to_text,
)
from rmatch.parsing._week import (
    DAY_MINUTES,
    SLOT_MINUTES,
)

_WEEK_MINUTES = 7 * DAY_MINUTES

# ---------------------------------------------------------------------- availability

_AVAIL_FIX = (
    "write each item as a day and a time range, e.g. 'Mon 09:00-11:00', "
    "'Mon-Fri 9am-5pm' or '6:00-7:00pm F', and separate items with ';'"
)
# day word or abbreviation (casefolded) -> day numbers, Monday = 0
DAY_WORDS: dict[str, tuple[int, ...]] = {}
for _index, _names in enumerate(
    (
        ("m", "mo", "mon", "monday"),
        ("t", "tu", "tue", "tues", "tuesday"),
        ("w", "we", "wed", "weds", "wednesday"),
        ("th", "thu", "thur", "thurs", "thursday"),
        ("f", "fr", "fri", "friday"),
        ("sa", "sat", "saturday"),
        ("su", "sun", "sunday"),
    )
):
    for _name in _names:
        DAY_WORDS[_name] = (_index,)
        if _name.endswith("day"):
            DAY_WORDS[_name + "s"] = (_index,)
for _name in ("weekday", "weekdays", "workday", "workdays", "businessdays"):
    DAY_WORDS[_name] = (0, 1, 2, 3, 4)
for _name in ("weekend", "weekends"):
    DAY_WORDS[_name] = (5, 6)
for _name in ("daily", "everyday", "anyday", "alldays"):
    DAY_WORDS[_name] = (0, 1, 2, 3, 4, 5, 6)

_PERIOD_WORDS: dict[str, tuple[int, int]] = {
    "earlymorning": (6 * 60, 8 * 60),
    "morning": (8 * 60, 12 * 60),
    "lunch": (12 * 60, 13 * 60),
    "lunchtime": (12 * 60, 13 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 21 * 60),
    "night": (21 * 60, 24 * 60),
    "allday": (0, 24 * 60),
    "anytime": (0, 24 * 60),
}
for _name in list(_PERIOD_WORDS):
    _PERIOD_WORDS[_name + "s"] = _PERIOD_WORDS[_name]
_DASH_WORDS = frozenset({"to", "until", "till", "til", "through", "thru"})
_JOIN_WORDS = frozenset({"and", "or"})
_FILLER_WORDS = frozenset(
    {"from", "at", "on", "between", "every", "each", "the", "in", "hrs", "hr", "h"}
)
_PHRASES = (
    (re.compile(r"\bearly\s+mornings?\b"), " earlymorning "),
    (re.compile(r"\b(?:all|whole)\s+day\b"), " allday "),
    (re.compile(r"\bany\s*time\b"), " anytime "),
    (re.compile(r"\bevery\s*day\b"), " everyday "),
    (re.compile(r"\bany\s+day\b"), " anyday "),
    (re.compile(r"\ball\s+days\b"), " alldays "),
    (re.compile(r"\bbusiness\s+days\b"), " businessdays "),
)
_AV_TOKEN = re.compile(
    r"(?P<time>(?<![0-9])(?P<h>[0-9]{1,2})(?:[:.h](?P<m>[0-9]{2})|h(?![^\W\d_]))?"
    r"(?![0-9])(?:\s*(?P<mer>[ap])\.?(?:m\b\.?|(?![^\W\d_])))?)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<dash>[-‐‑‒–—―−~])"
    r"|(?P<join>[,&/+])"
    r"|(?P<skip>[\s().:!])"
)
_NOON, _MIDNIGHT = "noon", "midnight"


def _avail_error(item: str, reason: str) -> ParseError:
    return ParseError(f"cannot read availability {quoted(item)}: {reason}", _AVAIL_FIX)


def tokenize_availability(item: str) -> list[tuple[str, Any]]:
    """Split one availability item into tokens.

    Parameters
    ----------
    item : str
        One item such as ``"Mon-Fri 9am-5pm"``.

    Returns
    -------
    list of (str, object)
        ``("time", (hour, minute, meridiem))``, ``("day", days)``,
        ``("range", (start, end))``, ``("dash", None)`` or ``("join", None)``.

    Raises
    ------
    ParseError
        An unexpected character or an unknown word.
    """
    text = item.casefold()
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    tokens: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        match = _AV_TOKEN.match(text, pos)
        if match is None:
            raise _avail_error(item, f"unexpected {text[pos]!r}")
        pos = match.end()
        kind = match.lastgroup
        if kind == "time":
            minute = int(match["m"]) if match["m"] else 0
            tokens.append(("time", (int(match["h"]), minute, match["mer"])))
        elif kind == "word":
            word = match[0]
            if word in DAY_WORDS:
                tokens.append(("day", DAY_WORDS[word]))
            elif word in _PERIOD_WORDS:
                tokens.append(("range", _PERIOD_WORDS[word]))
            elif word in ("noon", "midday"):
                tokens.append(("time", (12, 0, _NOON)))
            elif word == "midnight":
                tokens.append(("time", (0, 0, _MIDNIGHT)))
            elif word in _DASH_WORDS:
                tokens.append(("dash", None))
            elif word in _JOIN_WORDS:
                tokens.append(("join", None))
            elif word not in _FILLER_WORDS:
                raise _avail_error(item, f"unknown word {word!r}")
        elif kind in ("dash", "join"):
            tokens.append((kind, None))
    return tokens


def _clock(item: str, hour: int, minute: int, meridiem: str | None) -> int:
    """Minutes after midnight of a 24-hour or am/pm time (24:00 -> 1440)."""
    if minute > 59:
        raise _avail_error(item, f"minute {minute} is not 0-59")
    if meridiem in ("a", "p"):
        if not 0 <= hour <= 12:
            raise _avail_error(item, f"hour {hour} is not 1-12 with am/pm")
        return ((hour % 12) + (12 if meridiem == "p" else 0)) * 60 + minute
    if hour > 24 or (hour == 24 and minute):
        raise _avail_error(item, f"time {hour}:{minute:02d} is after 24:00")
    return hour * 60 + minute


def _span(start: int, end: int) -> tuple[bool, int]:
    """Sort key preferring the shortest non-empty range from ``start`` to ``end``."""
    length = (end - start) % DAY_MINUTES
    return length == 0, length


def time_range(
    item: str, start: tuple[int, int, Any], end: tuple[int, int, Any]
) -> tuple[int, int]:
    """Resolve a start and end time to minutes ``[s, e)``; ``e`` may pass 24:00.

    Parameters
    ----------
    item : str
        The item the times come from, for error messages.
    start, end : (int, int, object)
        ``(hour, minute, meridiem)`` time tokens of `tokenize_availability()`.

    Returns
    -------
    (int, int)
        Minutes after the day's midnight; an end before the start wraps to the
        next day.

    Raises
    ------
    ParseError
        Impossible, ambiguous or empty ranges.
    """
    (sh, sm, smer), (eh, em, emer) = start, end
    s_ampm = smer in ("a", "p")
    e_ampm = emer in ("a", "p")
    if e_ampm and smer is None and 1 <= sh <= 12:
        # "6:00-7:00pm": the end's am/pm applies to the start too, unless the other
        # half of the day gives a shorter range ("11-1pm" is 11:00-13:00).
        e = _clock(item, eh, em, emer)
        other = "a" if emer == "p" else "p"
        s = min(
            (_clock(item, sh, sm, emer), _clock(item, sh, sm, other)),
            key=lambda x: _span(x, e),
        )
    elif s_ampm and emer is None and 1 <= eh <= 12:
        # "9am-5" is 09:00-17:00, "10pm-2" is 22:00-02:00
        s = _clock(item, sh, sm, smer)
        other = "a" if smer == "p" else "p"
        e = min(
            (_clock(item, eh, em, smer), _clock(item, eh, em, other)),
            key=lambda x: _span(s, x),
        )
    else:
        s = _clock(item, sh, sm, smer if s_ampm else None)
        e = _clock(item, eh, em, emer if e_ampm else None)
        if not (s_ampm or e_ampm) and 0 < e < s and 1 <= sh <= 12 and 1 <= eh <= 12:
            raise _avail_error(
                item,
                "ambiguous times; write am/pm (9am-5pm) or 24-hour times (09:00-17:00)",
            )
    if s == DAY_MINUTES:
        raise _avail_error(item, "a range cannot start at 24:00")
    if e == 0:
        e = DAY_MINUTES  # "22:00-00:00", "9pm-12am", "... midnight"
    if e == s:
        raise _avail_error(item, "the range is empty")
    if e < s:  # wraps past midnight into the next day
        e += DAY_MINUTES
    return s, e


def _day_span(
    item: str, first: tuple[int, ...], last: tuple[int, ...]
) -> tuple[int, ...]:
    if len(first) != 1 or len(last) != 1:
        raise _avail_error(item, "a day range needs single days, e.g. Mon-Fri")
    a, b = first[0], last[0]
    return tuple((a + k) % 7 for k in range((b - a) % 7 + 1))


def parse_availability_item(item: str) -> list[tuple[int, int]]:
    """Parse one availability item (no ``;`` / ``|`` / new line in it).

    Parameters
    ----------
    item : str
        Days and time ranges, e.g. ``"Mon 9-11, 14-16"``.

    Returns
    -------
    list of (int, int)
        Local minute-of-week intervals, not yet snapped or merged (see
        `normalize_intervals()`).

    Raises
    ------
    ParseError
        The item cannot be read.
    """
    tokens = tokenize_availability(item)
    elements: list[tuple[str, Any]] = []
    i = 0
    while i < len(tokens):
        kind, val = tokens[i]
        nxt = (
            tokens[i + 2]
            if i + 2 < len(tokens) and tokens[i + 1][0] == "dash"
            else None
        )
        if kind == "time":
            if nxt is None or nxt[0] != "time":
                raise _avail_error(
                    item, "a time needs a start and an end, e.g. 9:00-11:00"
                )
            elements.append(("R", [time_range(item, val, nxt[1])]))
            i += 3
            continue
        if kind == "day":
            if nxt is not None and nxt[0] == "day":
                elements.append(("D", set(_day_span(item, val, nxt[1]))))
                i += 3
                continue
            elements.append(("D", set(val)))
        elif kind == "range":
            elements.append(("R", [val]))
        i += 1
    runs: list[tuple[str, Any]] = []
    for kind, val in elements:
        if runs and runs[-1][0] == kind and kind == "R":
            runs[-1][1].extend(val)
        elif runs and runs[-1][0] == kind:
            runs[-1][1].update(val)
        else:
            runs.append((kind, val))
    if not runs:
        return []
    if len(runs) % 2:
        missing = "a time range" if runs[-1][0] == "D" else "a day"
        raise _avail_error(item, f"missing {missing}")
    out: list[tuple[int, int]] = []
    for j in range(0, len(runs), 2):
        pair = dict([runs[j], runs[j + 1]])
        for day in sorted(pair["D"]):
            for s, e in pair["R"]:
                out.append((day * DAY_MINUTES + s, day * DAY_MINUTES + e))
    return out


def normalize_intervals(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Snap to slots, split at the end of the week, sort and merge.

    Parameters
    ----------
    intervals : iterable of (int, int)
        Local minute-of-week ``[start, end)`` intervals; ends may pass the week.

    Returns
    -------
    list of (int, int)
        Sorted, merged intervals within ``[0, 10080]``, starts floored and ends
        ceiled to slots.
    """
    pieces: list[tuple[int, int]] = []
    for start, end in intervals:
        s = (start // SLOT_MINUTES) * SLOT_MINUTES
        e = -(-end // SLOT_MINUTES) * SLOT_MINUTES
        if e - s >= _WEEK_MINUTES:
            pieces.append((0, _WEEK_MINUTES))
            continue
        s, e = s % _WEEK_MINUTES, e - (s - s % _WEEK_MINUTES)
        if e > _WEEK_MINUTES:
            pieces.extend([(s, _WEEK_MINUTES), (0, e - _WEEK_MINUTES)])
        else:
            pieces.append((s, e))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(pieces):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def parse_availability(value: object) -> list[tuple[int, int]]:
    """Parse weekly availability in the person's local time.

    Parameters
    ----------
    value : object
        Items separated by ``;``, ``|`` or new lines (or a list of items). An item
        is days and time ranges, in either order, joined by commas or "and":

        * ``"Mon 09:00-11:00"``, ``"Monday 9:00 - 11:00"``, ``"Tuesdays 14:00–15:30"``
          (en/em dash, "to", "until");
        * ``"Mon 9-11am"``, ``"Mon 9am-11am"``; a trailing am/pm applies to both
          ends unless the start has its own (``"6:00-7:00pm"`` is 18:00-19:00,
          ``"11-1pm"`` is 11:00-13:00);
        * ``"6:00-7:00pm F"``, ``"3:00-4:00pm Sun"`` (M T W Th F Sa Su/Sun);
        * ``"Mon-Fri 9-17"``, ``"weekdays 18:00-19:00"``, ``"weekends 10-12"``,
          ``"Mon,Wed 9-10"``, ``"Mon 9-11, 14-16; Wed 10-12"``;
        * ``"Sat morning"``, ``"Sun evenings"``, ``"Fri all day"`` (morning
          08-12, afternoon 12-17, evening 17-21, night 21-24, lunch 12-13,
          early morning 06-08);
        * ``"Mon 22:00-01:00"`` wraps past midnight into Tuesday; ``24:00`` is a
          valid end.

    Returns
    -------
    list of (int, int)
        Local minute-of-week intervals ``[start, end)``, Monday 00:00 = 0, sorted,
        merged, within ``[0, 10080]``; an interval passing Sunday 24:00 is split in
        two. Starts are floored and ends ceiled to 15-minute slots. A missing value
        gives ``[]``.

    Raises
    ------
    ParseError
        Naming the item that cannot be read and showing a good one. Times with no
        am/pm whose end is before the start and which are both 12 or less
        (``"Mon 9-5"``) are ambiguous and rejected.

    Examples
    --------
    >>> parse_availability("Mon 09:00-11:00; Wed 14:00-15:30")
    [(540, 660), (3720, 3810)]
    >>> parse_availability(["6:00-7:00pm F"])
    [(6840, 6900)]
    """
    if is_missing(value):
        return []
    intervals: list[tuple[int, int]] = []
    for cell in flatten(value):
        if is_missing(cell):
            continue
        for item in split_items(to_text(cell), (";", "\n", "|")):
            if item.strip():
                intervals.extend(parse_availability_item(item.strip()))
    return normalize_intervals(intervals)

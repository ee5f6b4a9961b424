"""Property tests for rmatch.parsing (hypothesis)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rmatch.parsing import (
    SLOT_MINUTES,
    SLOTS_PER_WEEK,
    ParseError,
    is_missing,
    normalize_email,
    normalize_token,
    parse_availability,
    parse_datetime,
    parse_float,
    parse_int,
    parse_likert,
    parse_period_grid,
    parse_role,
    parse_set,
    parse_skills,
    parse_timezone,
    parse_yes_no,
    slots_to_text,
    to_utc_slots,
)

WEEK = 7 * 24 * 60
FAST = settings(max_examples=60, deadline=None)

# ----------------------------------------------------------------------- strategies

slot_masks = st.one_of(
    arrays(np.bool_, SLOTS_PER_WEEK),  # noisy: many short runs
    st.lists(
        st.tuples(st.integers(0, SLOTS_PER_WEEK - 1), st.integers(1, 200)), max_size=6
    ).map(
        lambda runs: np.isin(
            np.arange(SLOTS_PER_WEEK),
            [(s + k) % SLOTS_PER_WEEK for s, n in runs for k in range(n)],
        )
    ),  # realistic: a few long runs, some crossing midnight / the week end
)

local_intervals = st.lists(
    st.tuples(st.integers(0, WEEK - 1), st.integers(1, 24 * 60)).map(
        lambda t: (t[0], t[0] + t[1])
    ),
    max_size=6,
)

fixed_offsets = st.integers(-14 * 4, 14 * 4).map(
    lambda q: dt.timezone(dt.timedelta(minutes=q * SLOT_MINUTES))
)
# no DST change anywhere during the default reference week (2026-01-05..11)
named_zones = st.sampled_from(
    [
        "Asia/Ho_Chi_Minh",
        "Asia/Kathmandu",
        "America/St_Johns",
        "America/New_York",
        "Australia/Lord_Howe",
        "Pacific/Chatham",
        "Europe/London",
    ]
).map(ZoneInfo)

HUGE = [
    "9" * 100_000,
    " " * 100_000 + "x",
    "(" * 50_000,
    "Mon " * 50_000,
    "9-" * 50_000,
    "1:" * 50_000,
    "a" * 1_000_000,
    "utc+" * 20_000,
    "mentor " * 50_000,
    "python:" * 30_000,
    "a (" + " " * 100_000 + "x)",
    "Mon 9-11; " * 20_000,
    "é" * 100_000,
]
AVAIL_ALPHABET = "MonTuesWdhFriSatu0123456789:.-–—apm ,;&/()toandweekdsnig\n"
TZ_ALPHABET = "UTCGMTutcgmESPDIJ+-−:.0123456789() /Asia_Ho_Chi_MinBerl,"
DATE_ALPHABET = "0123456789/-.: TZAPMapmGMTUTC+"

anything = st.one_of(
    st.text(),
    st.binary().map(lambda b: b.decode("latin-1")),
    st.text(alphabet=AVAIL_ALPHABET, max_size=40),
    st.text(alphabet=TZ_ALPHABET, max_size=30),
    st.text(alphabet=DATE_ALPHABET, max_size=30),
    st.floats(),  # includes nan and +-inf
    st.integers(),
    st.none(),
    st.booleans(),
    st.lists(st.text(max_size=10), max_size=4),
    st.sampled_from(HUGE),
)

PARSERS: dict[str, Callable[[object], object]] = {
    "is_missing": is_missing,
    "normalize_token": normalize_token,  # type: ignore[dict-item]
    "normalize_email": normalize_email,
    "parse_set": parse_set,
    "parse_set_commas": lambda v: parse_set(v, separators=(",",)),
    "parse_skills": parse_skills,
    "parse_int": lambda v: parse_int(v, name="capacity", minimum=0),
    "parse_float": lambda v: parse_float(v, name="years"),
    "parse_role": parse_role,
    "parse_yes_no": parse_yes_no,
    "parse_likert": parse_likert,
    "parse_timezone": parse_timezone,
    "parse_availability": parse_availability,
    "parse_period_grid": lambda v: parse_period_grid({"Monday": v, str(v)[:20]: v}),
    "parse_datetime": parse_datetime,
    "slots_to_text": slots_to_text,  # type: ignore[dict-item]
    "to_utc_slots_tz": lambda v: to_utc_slots([(0, 60)], v),  # type: ignore[arg-type]
    "to_utc_slots_intervals": lambda v: to_utc_slots(v, dt.UTC),  # type: ignore[arg-type]
}


# ---------------------------------------------------------------- only ParseError


@pytest.mark.parametrize("name", sorted(PARSERS))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=anything)
def test_only_parse_error_escapes(name: str, value: object) -> None:
    try:
        PARSERS[name](value)
    except ParseError as err:
        error = err
    else:
        return
    assert error.message
    assert str(error) == error.message


# -------------------------------------------------------------- slots & availability


@FAST
@given(mask=slot_masks)
def test_slots_text_round_trip(mask: np.ndarray) -> None:
    text = slots_to_text(mask)
    back = to_utc_slots(parse_availability(text), dt.UTC)
    np.testing.assert_array_equal(back, mask)


@FAST
@given(intervals=local_intervals, tz=st.one_of(fixed_offsets, named_zones))
def test_to_utc_slots_preserves_slot_count(
    intervals: list[tuple[int, int]], tz: dt.tzinfo
) -> None:
    local = to_utc_slots(intervals, dt.UTC)
    assert to_utc_slots(intervals, tz).sum() == local.sum()


@FAST
@given(intervals=local_intervals, quarters=st.integers(-14 * 4, 14 * 4))
def test_fixed_offset_is_a_rotation_and_shifting_back_is_identity(
    intervals: list[tuple[int, int]], quarters: int
) -> None:
    ahead = dt.timezone(dt.timedelta(minutes=quarters * SLOT_MINUTES))
    behind = dt.timezone(-dt.timedelta(minutes=quarters * SLOT_MINUTES))
    local = to_utc_slots(intervals, dt.UTC)
    shifted = to_utc_slots(intervals, ahead)
    # a zone k slots ahead of UTC is a rotation of the week by -k slots
    np.testing.assert_array_equal(shifted, np.roll(local, -quarters))
    # reading the shifted week back in the opposite zone restores it
    back = to_utc_slots(parse_availability(slots_to_text(shifted)), behind)
    np.testing.assert_array_equal(back, local)


def _day_range(day: int, start_q: int, length_q: int) -> tuple[int, int, int]:
    start, length = start_q * 15, length_q * 15
    if start < 13 * 60:  # 24-hour ranges that wrap must start after noon
        length = min(length, 1440 - start)
    return day, start, start + length


day_ranges = st.lists(
    st.builds(_day_range, st.integers(0, 6), st.integers(0, 95), st.integers(1, 95)),
    max_size=6,
)


@FAST
@given(ranges=day_ranges)
def test_parse_availability_of_written_items(
    ranges: list[tuple[int, int, int]],
) -> None:
    # write each range as "Day HH:MM-HH:MM", wrapping past midnight when it does
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    items = []
    for day, start, end in ranges:
        end_text = "24:00" if end == 1440 else f"{end % 1440 // 60:02d}:{end % 60:02d}"
        items.append(f"{days[day]} {start // 60:02d}:{start % 60:02d}-{end_text}")
    parsed = parse_availability("; ".join(items))
    expected = np.zeros(WEEK, dtype=bool)
    for item in items:
        day, times = item.split()
        first, last = times.split("-")
        s = days.index(day) * 1440 + int(first[:2]) * 60 + int(first[3:])
        e = s - s % 1440 + int(last[:2]) * 60 + int(last[3:])
        e = e + 1440 if e <= s else e
        expected[np.arange(s, e) % WEEK] = True
    got = np.zeros(WEEK, dtype=bool)
    for s, e in parsed:
        got[s:e] = True
    np.testing.assert_array_equal(got, expected)


@settings(max_examples=150, deadline=None)
@given(value=st.one_of(st.text(alphabet=AVAIL_ALPHABET, max_size=50), st.text()))
def test_parse_availability_result_is_canonical(value: str) -> None:
    try:
        intervals = parse_availability(value)
    except ParseError:
        return
    previous_end = -1
    for s, e in intervals:
        assert 0 <= s < e <= WEEK
        assert s % SLOT_MINUTES == 0
        assert e % SLOT_MINUTES == 0
        assert s > previous_end  # sorted, disjoint and not touching (merged)
        previous_end = e


# ------------------------------------------------------------------- tokens & sets


@FAST
@given(text=st.text())
def test_normalize_token_idempotent(text: str) -> None:
    once = normalize_token(text)
    assert normalize_token(once) == once
    assert once == once.strip()
    assert "  " not in once


@FAST
@given(value=st.one_of(st.text(), st.lists(st.text(), max_size=5)))
def test_parse_set_idempotent_under_rejoining(value: object) -> None:
    tokens = parse_set(value)
    assert parse_set("; ".join(sorted(tokens))) == tokens
    assert all(token and token == normalize_token(token) for token in tokens)


skill_names = st.text(alphabet="abcdefgh +#éß", min_size=1, max_size=12).filter(
    lambda n: normalize_token(n) != ""
)


@FAST
@given(skills=st.dictionaries(skill_names, st.integers(1, 5), max_size=6))
def test_parse_skills_round_trip(skills: dict[str, int]) -> None:
    expected: dict[str, int] = {}
    for name, level in skills.items():
        key = normalize_token(name)
        expected[key] = max(level, expected.get(key, 0))
    text = "; ".join(f"{name}:{level}" for name, level in skills.items())
    assert parse_skills(text) == expected


@FAST
@given(level=st.integers().filter(lambda n: not 1 <= n <= 5))
def test_parse_skills_rejects_out_of_range_levels(level: int) -> None:
    with pytest.raises(ParseError, match="levels are whole numbers 1-5"):
        parse_skills(f"python:{level}")


# ----------------------------------------------------------------- numbers & zones


@FAST
@given(number=st.integers(-(10**12), 10**12))
def test_parse_int_round_trip(number: int) -> None:
    assert parse_int(str(number), name="n") == number
    assert parse_int(f" {number}.0 ", name="n") == number
    assert parse_int(float(number), name="n") == number


@FAST
@given(
    quarters=st.integers(-14 * 4, 14 * 4), prefix=st.sampled_from(["UTC", "GMT", ""])
)
def test_parse_timezone_offsets(quarters: int, prefix: str) -> None:
    minutes = quarters * 15
    sign = "-" if minutes < 0 else "+"
    text = f"{prefix}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    tz = parse_timezone(text)
    assert tz.utcoffset(None) == dt.timedelta(minutes=minutes)


@FAST
@given(
    when=st.datetimes(
        min_value=dt.datetime(1971, 1, 1), max_value=dt.datetime(2100, 1, 1)
    )
)
def test_parse_datetime_round_trips_iso_and_us_forms(when: dt.datetime) -> None:
    when = when.replace(microsecond=0)
    assert parse_datetime(when.isoformat()) == when
    us_form = f"{when.month}/{when.day}/{when.year} {when:%H:%M:%S}"  # Google Forms
    assert parse_datetime(us_form) == when


_EMAIL_CELLS = st.one_of(
    st.text(max_size=12),
    st.text(alphabet=" \t\nAbCnN/a@.#<>\u200b\x1cé", max_size=8),
    st.text(alphabet="aB@. \x00\t\x1f", max_size=6),  # numpy drops trailing NULs
    st.sampled_from(["a@b.c\x00", "\x00", " x@y\x00 "]),
    st.sampled_from(["nan", "N/A", " NULL ", "<NA>", "None", "", "  ", "Ana@X.com "]),
    st.none(),
    st.floats(allow_nan=True),
    st.integers(),
)


@given(st.lists(_EMAIL_CELLS, max_size=20))
def test_email_keys_equal_normalize_email_cell_by_cell(cells):
    """The vectorized ASCII path of email_keys gives normalize_email's answer."""
    from rmatch.parsing import email_keys, normalize_email

    values = np.empty(len(cells), dtype=object)
    values[:] = cells
    assert email_keys(values).tolist() == [normalize_email(v) for v in cells]

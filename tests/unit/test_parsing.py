"""Unit tests for rmatch.parsing: literal examples for every accepted format.

Strings marked "rafaykhan" are copied from
datasets/rafaykhan_mentor_match_mit/{mentors,mentees}.json and "mozilla" from
datasets/mozilla_matchmaker_isc/*.csv (exact cell text, spaces included).
"""

from __future__ import annotations

import datetime as dt
import pickle
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from rmatch.parsing import (
    DAYS,
    DEFAULT_REFERENCE_MONDAY,
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

MON, TUE, WED, THU, FRI, SAT, SUN = (d * 1440 for d in range(7))  # minute of week
H = 60
UTC = dt.UTC


def offset(tz: dt.tzinfo, when: dt.datetime) -> dt.timedelta | None:
    return when.replace(tzinfo=tz).utcoffset()


# ------------------------------------------------------------------------ constants


def test_constants() -> None:
    assert SLOT_MINUTES * SLOTS_PER_WEEK == 7 * 24 * 60  # 15 * 672 = one week
    assert DAYS == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    assert DEFAULT_REFERENCE_MONDAY.weekday() == 0  # it is a Monday


# ----------------------------------------------------------------------- ParseError


def test_parse_error_carries_message_and_fix() -> None:
    err = ParseError("capacity 'two' must be a whole number", "write 2")
    assert isinstance(err, ValueError)
    assert str(err) == "capacity 'two' must be a whole number"  # str() is the message
    assert err.message == "capacity 'two' must be a whole number"
    assert err.fix == "write 2"


def test_parse_error_pickles_with_its_fix() -> None:
    # errors cross process boundaries (Dask, multiprocessing): the fix must survive
    err = pickle.loads(pickle.dumps(ParseError("bad", "do this")))
    assert (err.message, err.fix) == ("bad", "do this")


# ------------------------------------------------------------------------ is_missing


@pytest.mark.parametrize(
    "value",
    [None, float("nan"), np.float32("nan"), "", "   ", "\t\n", "\ufeff", "nan", "NaN",
     "NA", "N/A", "n/a", "#N/A", "null", "<NA>", "NaT", [], (), pd.NA, pd.NaT,
     np.datetime64("NaT")],
)  # fmt: skip
def test_is_missing_true(value: object) -> None:
    assert is_missing(value)


@pytest.mark.parametrize(
    "value", [0, 0.0, False, "none", "None", "0", "x", " a ", ["a"], "nano", "NAN?"]
)
def test_is_missing_false(value: object) -> None:
    # "none" is a valid role, 0 and False are answers
    assert not is_missing(value)


# ------------------------------------------------------------------- tokens & email


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Social   MEDIA ", "social media"),  # strip, collapse, casefold
        ("Nguyễn\tThị  Hồng", "nguyễn thị hồng"),  # diacritics kept
        ("Nguye\u0302\u0303n", "nguyễn"),  # decomposed input -> NFC composed
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),  # casefold, not lower
        ("a\u00a0b", "a b"),  # no-break space is white space
        ("", ""),
    ],
)
def test_normalize_token(text: str, expected: str) -> None:
    assert normalize_token(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" bAr1@foo.com ", "bar1@foo.com"),  # mozilla mentorship_input.csv
        ("     bAr5@foo.com", "bar5@foo.com"),  # mozilla input-people-data.csv
        ("bar2@foo.com   ", "bar2@foo.com"),  # mozilla input-people-data.csv
        (" BAR1@foo.com", "bar1@foo.com"),  # mozilla input-people-data.csv
        (float("nan"), ""),  # missing -> ""
        (None, ""),
    ],
)
def test_normalize_email(text: object, expected: str) -> None:
    assert normalize_email(text) == expected


# ----------------------------------------------------------------------------- sets


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("photography; running", {"photography", "running"}),
        ("Photography;RUNNING;;  ", {"photography", "running"}),  # empty tokens dropped
        ("a\nb\r\nc\rd", {"a", "b", "c", "d"}),  # any new-line convention
        ("python, go", {"python, go"}),  # comma is not a default separator
        (["x; y", None, "Z", float("nan")], {"x", "y", "z"}),  # list elements split too
        (("a", "b"), {"a", "b"}),
        ({"a", "A"}, {"a"}),
        (2.0, {"2"}),  # pandas float of an integer column
        (float("nan"), set()),
        (None, set()),
        ("", set()),
        (";;", set()),
    ],
)
def test_parse_set(value: object, expected: set[str]) -> None:
    result = parse_set(value)
    assert isinstance(result, frozenset)
    assert result == expected


def test_parse_set_survey_separators() -> None:
    # mozilla: "I can mentor someone in these areas..." (Google Forms checkboxes)
    cell = "Technical Leadership, Returning from Parental Leave"
    assert parse_set(cell, separators=(",",)) == {
        "technical leadership",
        "returning from parental leave",
    }
    # cogsci_cc0: region multi-select
    assert parse_set("Europe, North America", separators=(",",)) == {
        "europe",
        "north america",
    }


# --------------------------------------------------------------------------- skills


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("python:4; tiktok:5; genai", {"python": 4, "tiktok": 5, "genai": 3}),
        ("Python (4)", {"python": 4}),  # "name (level)" form
        ("python : 2", {"python": 2}),
        ("python:4.0", {"python": 4}),  # integral float text is fine
        ("python:2; Python:4; PYTHON", {"python": 4}),  # duplicate -> max level
        ("Machine Learning (ML)", {"machine learning (ml)": 3}),  # not a level
        ("social media\ngenai:1", {"social media": 3, "genai": 1}),
        (["go:2", "rust"], {"go": 2, "rust": 3}),
        ({"Python": 4, "go": None}, {"python": 4, "go": 3}),  # JSON records
        (float("nan"), {}),
        ("", {}),
    ],
)
def test_parse_skills(value: object, expected: dict[str, int]) -> None:
    assert parse_skills(value) == expected


def test_parse_skills_default_level_and_sorted() -> None:
    result = parse_skills("zeta; alpha:2", default_level=5)
    assert result == {"zeta": 5, "alpha": 2}
    assert list(result) == ["alpha", "zeta"]  # deterministic order


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ("python:6", r"'python:6'.*levels are whole numbers 1-5"),
        ("python:0", r"levels are whole numbers 1-5"),
        ("python:expert", r"'python:expert' has level 'expert'"),
        ("python:3.5", r"levels are whole numbers 1-5"),
        ("Python (7)", r"'Python \(7\)'.*levels are whole numbers 1-5"),
        (":4", r"has no skill name"),
        ({"python": "high"}, r"levels are whole numbers 1-5"),
    ],
)
def test_parse_skills_errors(value: object, pattern: str) -> None:
    with pytest.raises(ParseError, match=pattern) as info:
        parse_skills(value)
    assert info.value.fix  # every error says how to fix it


def test_parse_skills_bad_default_level() -> None:
    with pytest.raises(ParseError, match="default skill level"):
        parse_skills("python", default_level=0)


# -------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2", 2), (2.0, 2), (" 3 ", 3), ("+4", 4), ("3.0", 3), (np.int64(5), 5),
     (7, 7), ("-1", -1)],
)  # fmt: skip
def test_parse_int(value: object, expected: int) -> None:
    assert parse_int(value, name="capacity") == expected


def test_parse_int_missing_gives_default() -> None:
    assert parse_int(float("nan"), name="capacity", default=1) == 1
    assert parse_int("", name="capacity") is None
    # the default is returned as given, not checked against minimum
    assert parse_int(None, name="capacity", minimum=1, default=0) == 0


@pytest.mark.parametrize("value", ["two", "2.5", 2.5, "1e3", "1,000", True, "inf",
                                   float("inf"), "1_000", "٣"])  # fmt: skip
def test_parse_int_errors(value: object) -> None:
    with pytest.raises(ParseError, match=r"^capacity .* must be a whole number$"):
        parse_int(value, name="capacity")


def test_parse_int_minimum() -> None:
    assert parse_int("0", name="capacity", minimum=0) == 0
    with pytest.raises(ParseError, match="capacity -1 must be at least 0") as info:
        parse_int("-1", name="capacity", minimum=0)
    assert "at least 0" in info.value.fix


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2.5", 2.5), ("3,5", 3.5), (" 7 ", 7.0), (3, 3.0), ("1e3", 1000.0),
     ("-.5", -0.5), (np.float32(1.5), 1.5)],
)  # fmt: skip
def test_parse_float(value: object, expected: float) -> None:
    assert parse_float(value, name="years") == expected


@pytest.mark.parametrize(
    "value", ["abc", "inf", float("inf"), "1,000.5", "1.2.3", True]
)
def test_parse_float_errors(value: object) -> None:
    with pytest.raises(ParseError, match=r"^years .* must be a number$"):
        parse_float(value, name="years")


def test_parse_float_missing() -> None:
    assert parse_float("N/A", name="years", default=0.5) == 0.5


# ----------------------------------------------------------------------------- role


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("mentor", "mentor"),
        ("MENTEE", "mentee"),
        (" Both ", "both"),
        ("none", "none"),  # org chart only
        ("Mentor (I want to provide coaching and support)", "mentor"),  # mozilla
        ("Mentee (I want to receive coaching and support)", "mentee"),  # mozilla
        ("Mentee (I want to receive coaching)", "mentee"),
        ("Both", "both"),  # mozilla
        ("Mentor and mentee", "both"),
        ("mentor/mentee", "both"),
        ("either", "both"),
        ("Either role", "both"),
        ("I want to be a mentor", "mentor"),
        ("I want to be mentored", "mentee"),
        ("I need a mentor", "mentee"),  # "need a mentor" means mentee
        ("Mentee (looking for a mentor in tech)", "mentee"),  # head decides
        ("I want to take on a mentee", "mentor"),
        ("I want to provide coaching", "mentor"),  # no role word: verb decides
        ("I want to receive coaching", "mentee"),
        ("Reverse mentor", "mentor"),
    ],
)
def test_parse_role(value: str, expected: str) -> None:
    assert parse_role(value) == expected


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        (None, "the role is missing"),
        (float("nan"), "the role is missing"),
        ("", "the role is missing"),
        ("manager", "'manager' is not a role"),
        ("I want to be a mentee, not a mentor", "is unclear"),  # negation: no guess
        ("I want to give and receive", "is unclear"),
    ],
)
def test_parse_role_errors(value: object, pattern: str) -> None:
    with pytest.raises(ParseError, match=pattern) as info:
        parse_role(value)
    assert info.value.fix == "write mentor, mentee or both"


# --------------------------------------------------------------------------- yes/no


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Yes", True),  # mozilla "open to mentoring multiple people?"
        ("No", False),  # mozilla
        ("Maybe", None),  # mozilla: no firm answer
        ("y", True), ("N", False), ("TRUE", True), ("false", False), ("1", True),
        ("0", False), ("x", True), ("X", True), ("checked", True),
        ("unchecked", False), ("✓", True), (1, True), (0.0, False), (True, True),
        (np.bool_(False), False), ("Yes, happy to", True), ("No - thanks", False),
        ("", None), (float("nan"), None), (None, None),
    ],
)  # fmt: skip
def test_parse_yes_no(value: object, expected: bool | None) -> None:
    assert parse_yes_no(value) is expected


@pytest.mark.parametrize("value", ["perhaps", 2, "nothing", "yesterday"])
def test_parse_yes_no_errors(value: object) -> None:
    with pytest.raises(ParseError, match="is not a yes/no answer"):
        parse_yes_no(value)


# --------------------------------------------------------------------------- likert


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Strongly disagree", 1.0), ("Disagree", 2.0), ("Neutral", 3.0),
        ("Neither agree nor disagree", 3.0), ("Agree", 4.0), ("Strongly Agree", 5.0),
        ("Not at all", 1.0), ("Extremely", 5.0), ("Never", 1.0), ("Always", 5.0),
        ("Sometimes", 3.0), ("Beginner", 1.0), ("Novice", 2.0), ("Intermediate", 3.0),
        ("Advanced", 4.0), ("Expert", 5.0), (4, 4.0), (2.5, 2.5), ("7", 7.0),
        ("4 - Agree", 4.0), ("Agree (4)", 4.0), ("", None), (float("nan"), None),
    ],
)  # fmt: skip
def test_parse_likert(value: object, expected: float | None) -> None:
    assert parse_likert(value) == expected


def test_parse_likert_custom_scale() -> None:
    scale = {"Low": 0.0, "Some": 0.5, "A lot": 1.0}
    assert parse_likert(" a LOT ", scale) == 1.0  # labels normalised
    assert parse_likert("3", scale) == 3.0  # numbers still pass through
    with pytest.raises(ParseError, match="not on the rating scale") as info:
        parse_likert("Agree", scale)  # the default labels are not merged in
    assert "a lot, low, some" in info.value.fix


def test_parse_likert_unknown_label_lists_labels() -> None:
    with pytest.raises(ParseError, match="'Meh' is not on the rating scale") as info:
        parse_likert("Meh")
    assert info.value.fix.startswith("write a number or one of: ")
    assert "agree" in info.value.fix.split(": ", 1)[1].split(", ")  # a real label


# ------------------------------------------------------------------------ time zones

EST = dt.timedelta(hours=-5)


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("Asia/Ho_Chi_Minh", "Asia/Ho_Chi_Minh"),
        ("asia/ho_chi_minh", "Asia/Ho_Chi_Minh"),  # case-insensitive
        ("America/New York", "America/New_York"),  # space for underscore
        ("Bangkok", "Asia/Bangkok"),  # a city of an IANA zone
        ("ET", "America/New_York"),  # un-suffixed US names follow DST
        ("CT", "America/Chicago"),
        ("MT", "America/Denver"),
        ("pt", "America/Los_Angeles"),
        ("ET (UTC-5)", "America/New_York"),  # mozilla donut_input.csv
        ("ET (UTC -5)", "America/New_York"),  # mozilla donut_input.csv
        ("PT (UTC -8)", "America/Los_Angeles"),  # mozilla donut_input.csv
        ("ET (UTC-4)", "America/New_York"),  # the summer offset agrees too
        ("(GMT+07:00) Bangkok, Hanoi, Jakarta", "Asia/Bangkok"),  # first city fits
        ("(UTC-05:00) Eastern Time (US & Canada)", "America/New_York"),
        ("Etc/GMT+2", "Etc/GMT+2"),  # POSIX name keeps its IANA meaning (UTC-2)
    ],
)
def test_parse_timezone_zoneinfo(value: str, key: str) -> None:
    assert parse_timezone(value) == ZoneInfo(key)


@pytest.mark.parametrize(
    ("value", "hours"),
    [
        ("UTC", 0), ("Z", 0), ("GMT", 0), ("utc", 0), ("GMT+0", 0),
        ("UTC+7", 7), ("UTC-05:30", -5.5), ("GMT+2", 2), ("+07:00", 7), ("-0330", -3.5),
        ("UTC +1", 1), ("UTC−3", -3), ("UTC+5.5", 5.5), ("UTC+05:45", 5.75),
        ("CET (UTC +1)", 1),  # mozilla donut_input.csv
        ("EST", -5), ("EDT", -4), ("CST", -6), ("CDT", -5), ("MST", -7), ("MDT", -6),
        ("PST", -8), ("PDT", -7), ("CET", 1), ("CEST", 2), ("BST", 1), ("IST", 5.5),
        ("JST", 9), ("AEST", 10), ("AEDT", 11), ("SGT", 8), ("ICT", 7), ("WIB", 7),
        (7, 7), (-5.0, -5), ("-5", -5), (5.5, 5.5),
        ("ET (UTC+7)", 7),  # label and offset disagree: the written offset wins
        ("(UTC) Coordinated Universal Time", 0),
    ],
)  # fmt: skip
def test_parse_timezone_fixed(value: object, hours: float) -> None:
    tz = parse_timezone(value)
    assert isinstance(tz, dt.timezone)
    # same offset in winter and summer: fixed
    assert offset(tz, dt.datetime(2026, 1, 15)) == dt.timedelta(hours=hours)
    assert offset(tz, dt.datetime(2026, 7, 15)) == dt.timedelta(hours=hours)


def test_parse_timezone_us_names_keep_dst() -> None:
    et = parse_timezone("ET")
    assert offset(et, dt.datetime(2026, 1, 15)) == EST
    assert offset(et, dt.datetime(2026, 7, 15)) == dt.timedelta(hours=-4)
    # ...while EST is always -5
    assert offset(parse_timezone("EST"), dt.datetime(2026, 7, 15)) == EST


def test_parse_timezone_passes_tzinfo_through() -> None:
    tz = ZoneInfo("Europe/Berlin")
    assert parse_timezone(tz) is tz


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ("Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("UTC+15", "out of range"),
        ("UTC+05:75", "out of range"),
        (20, "out of range"),
        ("", "the time zone is missing"),
        (None, "the time zone is missing"),
        ("foo (UTC+1) (UTC+2)", "unknown time zone"),  # two different offsets
        ("x" * 500, "unknown time zone"),
    ],
)
def test_parse_timezone_errors(value: object, pattern: str) -> None:
    with pytest.raises(ParseError, match=pattern) as info:
        parse_timezone(value)
    # the fix lists accepted spellings
    for example in ("Asia/Ho_Chi_Minh", "UTC+7", "UTC-05:30", "ET", "CET"):
        assert example in info.value.fix


# ---------------------------------------------------------------------- availability


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mon 09:00-11:00", [(MON + 9 * H, MON + 11 * H)]),
        ("Wed 14:00-15:30", [(WED + 14 * H, WED + 15 * H + 30)]),
        ("Mon 9-11am", [(MON + 9 * H, MON + 11 * H)]),
        ("Mon 9am-11am", [(MON + 9 * H, MON + 11 * H)]),
        ("Monday 9:00 - 11:00", [(MON + 9 * H, MON + 11 * H)]),
        ("Tuesdays 14:00–15:30", [(TUE + 14 * H, TUE + 15 * H + 30)]),  # en dash
        ("Tue 14:00—15:30", [(TUE + 14 * H, TUE + 15 * H + 30)]),  # em dash
        ("tue 14:00 to 15:30", [(TUE + 14 * H, TUE + 15 * H + 30)]),
        ("Mon 9 a.m. - 11 a.m.", [(MON + 9 * H, MON + 11 * H)]),
        ("Mon 9h-11h30", [(MON + 9 * H, MON + 11 * H + 30)]),
        ("Mon 11-1pm", [(MON + 11 * H, MON + 13 * H)]),  # start takes am: shorter
        ("Mon 12-1pm", [(MON + 12 * H, MON + 13 * H)]),  # 12pm is noon
        ("Mon 9am-5", [(MON + 9 * H, MON + 17 * H)]),  # end takes pm: shorter
        ("Mon 10pm-2", [(MON + 22 * H, TUE + 2 * H)]),  # wraps into Tuesday
        ("Mon 9pm-12am", [(MON + 21 * H, TUE)]),  # 12am is midnight
        ("Mon 9pm-midnight", [(MON + 21 * H, TUE)]),
        ("Mon noon-2pm", [(MON + 12 * H, MON + 14 * H)]),
        ("Mon 22:00-01:00", [(MON + 22 * H, TUE + 1 * H)]),  # wraps past midnight
        ("Mon 22:00-24:00", [(MON + 22 * H, TUE)]),  # 24:00 as an end
        ("Mon 22:00-00:00", [(MON + 22 * H, TUE)]),
        ("Sun 23:00-01:00", [(0, 1 * H), (SUN + 23 * H, 7 * 1440)]),  # week wraps
        ("Mon 9:07-10:01", [(MON + 9 * H, MON + 10 * H + 15)]),  # floor / ceil to 15
        ("Mon,Wed 9-10", [(MON + 9 * H, MON + 10 * H), (WED + 9 * H, WED + 10 * H)]),
        ("Mon & Wed 9-10", [(MON + 9 * H, MON + 10 * H), (WED + 9 * H, WED + 10 * H)]),
        ("Sat-Sun 10-12", [(SAT + 10 * H, SAT + 12 * H),
                           (SUN + 10 * H, SUN + 12 * H)]),
        ("weekends 10-12", [(SAT + 10 * H, SAT + 12 * H),
                            (SUN + 10 * H, SUN + 12 * H)]),
        ("Fri-Mon 10-11", [(MON + 10 * H, MON + 11 * H), (FRI + 10 * H, FRI + 11 * H),
                           (SAT + 10 * H, SAT + 11 * H), (SUN + 10 * H, SUN + 11 * H)]),
        ("Mon 9-11, 14-16", [(MON + 9 * H, MON + 11 * H),
                             (MON + 14 * H, MON + 16 * H)]),
        ("Mon 9-11, Wed 14-15", [(MON + 9 * H, MON + 11 * H),
                                 (WED + 14 * H, WED + 15 * H)]),
        ("Mon 9-10; Mon 10-11", [(MON + 9 * H, MON + 11 * H)]),  # merged
        ("Mon 9-11\nTue 9-10", [(MON + 9 * H, MON + 11 * H),
                                (TUE + 9 * H, TUE + 10 * H)]),
        ("Sat morning", [(SAT + 8 * H, SAT + 12 * H)]),
        ("Sun evenings", [(SUN + 17 * H, SUN + 21 * H)]),
        ("Fri all day", [(FRI, SAT)]),
        ("", []),
        (float("nan"), []),
        (None, []),
    ],
)  # fmt: skip
def test_parse_availability(text: object, expected: list[tuple[int, int]]) -> None:
    assert parse_availability(text) == expected


def test_parse_availability_weekday_ranges() -> None:
    # Mon-Fri 9-17, "weekdays", "M-F" with a shared pm all mean the same thing
    expected = [(d * 1440 + 9 * H, d * 1440 + 17 * H) for d in range(5)]
    assert parse_availability("Mon-Fri 9-17") == expected
    assert parse_availability("M-F 9-5pm") == expected
    assert parse_availability("weekdays 09:00 to 17:00") == expected
    assert parse_availability("Monday through Friday 9am-5pm") == expected
    evenings = [(d * 1440 + 18 * H, d * 1440 + 19 * H) for d in range(5)]
    assert parse_availability("weekdays 18:00-19:00") == evenings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # rafaykhan: the day comes after the range; a trailing pm applies to both ends
        ("6:00-7:00pm F", [(FRI + 18 * H, FRI + 19 * H)]),
        ("3:00-4:00pm Sun", [(SUN + 15 * H, SUN + 16 * H)]),
        ("8:00-9:00pm Th", [(THU + 20 * H, THU + 21 * H)]),
        ("7:00-8:00pm T", [(TUE + 19 * H, TUE + 20 * H)]),  # T = Tuesday
        ("5:00-6:00pm M", [(MON + 17 * H, MON + 18 * H)]),
        ("7:00-8:00pm W", [(WED + 19 * H, WED + 20 * H)]),
    ],
)
def test_parse_availability_rafaykhan(
    text: str, expected: list[tuple[int, int]]
) -> None:
    assert parse_availability(text) == expected


def test_parse_availability_rafaykhan_list() -> None:
    # mentors.json, "Rose Reyes": a JSON list of items
    cell = [
        "6:00-7:00pm F",
        "6:00-7:00pm Sun",
        "7:00-8:00pm M",
        "8:00-9:00pm Th",
        "5:00-6:00pm F",
        "5:00-6:00pm Th",
    ]
    assert parse_availability(cell) == [
        (MON + 19 * H, MON + 20 * H),  # 7:00-8:00pm M
        (THU + 17 * H, THU + 18 * H),  # 5:00-6:00pm Th
        (THU + 20 * H, THU + 21 * H),  # 8:00-9:00pm Th
        (FRI + 17 * H, FRI + 19 * H),  # 5-6pm F and 6-7pm F merged
        (SUN + 18 * H, SUN + 19 * H),  # 6:00-7:00pm Sun
    ]
    # the same items written in one cell, comma separated
    assert parse_availability(", ".join(cell)) == parse_availability(cell)


@pytest.mark.parametrize("day_word", ["M", "T", "W", "Th", "F", "Sa", "Sun", "Su"])
def test_parse_availability_rafaykhan_day_letters(day_word: str) -> None:
    index = {"M": 0, "T": 1, "W": 2, "Th": 3, "F": 4, "Sa": 5, "Sun": 6, "Su": 6}
    start = index[day_word] * 1440 + 16 * H  # 4pm
    assert parse_availability(f"4:00-5:00pm {day_word}") == [(start, start + H)]


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("Mon 9-5", r"'Mon 9-5': ambiguous times"),  # 9am-5pm or overnight?
        ("Mon 9", r"a time needs a start and an end"),
        ("Mon", r"'Mon': missing a time range"),
        ("9-11", r"'9-11': missing a day"),
        ("Mon 25:00-26:00", r"after 24:00"),
        ("Mon 9:60-10:00", r"minute 60"),
        ("Mon 13pm-2pm", r"hour 13 is not 1-12"),
        ("Mon 9-9", r"the range is empty"),
        ("Mon 24:00-01:00", r"cannot start at 24:00"),
        ("Mon foo 9-10", r"unknown word 'foo'"),
        ("Mon 9-10 * Tue", r"unexpected '\*'"),
        ("Weekdays-Fri 9-10", r"single days"),
        ("Mon 9-11; Tuesday 9", r"'Tuesday 9'"),  # names the bad item only
    ],
)
def test_parse_availability_errors(text: str, pattern: str) -> None:
    with pytest.raises(ParseError, match=pattern) as info:
        parse_availability(text)
    assert "Mon 09:00-11:00" in info.value.fix  # shows a good example


# ------------------------------------------------------------------------ period grid


def test_parse_period_grid_default_periods() -> None:
    answers = {
        "Monday": "Morning, Evening",  # 08-12, 17-21
        "Tuesday": "",
        "Availability [Saturday]": "Night",  # Google Forms grid header; 21-24
        "Sunday": float("nan"),
        "Wednesday": ["Early morning", "Lunch"],  # 06-08, 12-13
    }
    assert parse_period_grid(answers) == [
        (MON + 8 * H, MON + 12 * H),
        (MON + 17 * H, MON + 21 * H),
        (WED + 6 * H, WED + 8 * H),
        (WED + 12 * H, WED + 13 * H),
        (SAT + 21 * H, SUN),
    ]


def test_parse_period_grid_afternoon_and_weekdays() -> None:
    assert parse_period_grid({"Weekdays": "Afternoon"}) == [
        (d * 1440 + 12 * H, d * 1440 + 17 * H) for d in range(5)
    ]


def test_parse_period_grid_custom_periods_and_times_in_labels() -> None:
    periods = {"AM": ("09:00", "12:00"), "PM": ("13:00", "17:30")}
    assert parse_period_grid({"Fri": "am; PM"}, periods) == [
        (FRI + 9 * H, FRI + 12 * H),
        (FRI + 13 * H, FRI + 17 * H + 30),
    ]
    # a label holding a time range is read as that range, even over its name
    assert parse_period_grid({"Mon": "Morning (9am-12pm)", "Tue": "18-20"}) == [
        (MON + 9 * H, MON + 12 * H),
        (TUE + 18 * H, TUE + 20 * H),
    ]


def test_parse_period_grid_errors() -> None:
    with pytest.raises(ParseError, match="unknown period 'brunch'") as info:
        parse_period_grid({"Monday": "Brunch"})
    assert info.value.fix == (
        "use one of: afternoon, early morning, evening, lunch, morning, night"
    )
    with pytest.raises(ParseError, match="grid row 'Funday' is not a day"):
        parse_period_grid({"Funday": "Morning"})
    with pytest.raises(ParseError, match="expected HH:MM"):
        parse_period_grid({"Monday": "x"}, {"x": ("8am", "noon")})
    with pytest.raises(ParseError, match="ends before it starts"):
        parse_period_grid({"Monday": "x"}, {"x": ("12:00", "08:00")})
    # an empty answer row never fails, even with an unknown day label
    assert parse_period_grid({"Funday": ""}) == []


# -------------------------------------------------------------------- UTC slots


def slot(day: int, hour: float) -> int:
    return day * 96 + int(hour * 4)


def test_to_utc_slots_utc_is_identity() -> None:
    slots = to_utc_slots(parse_availability("Mon 09:00-11:00"), UTC)
    assert slots.dtype == np.bool_
    assert slots.shape == (SLOTS_PER_WEEK,)
    assert np.flatnonzero(slots).tolist() == list(range(slot(0, 9), slot(0, 11)))


def test_to_utc_slots_shifts_by_offset() -> None:
    # Mon 09:00-11:00 in Ho Chi Minh City (UTC+7) is Mon 02:00-04:00 UTC
    slots = to_utc_slots(parse_availability("Mon 09:00-11:00"), "Asia/Ho_Chi_Minh")
    assert slots_to_text(slots) == "Mon 02:00-04:00"
    # Kathmandu is UTC+5:45
    slots = to_utc_slots(parse_availability("Mon 09:00-11:00"), "Asia/Kathmandu")
    assert slots_to_text(slots) == "Mon 03:15-05:15"


def test_to_utc_slots_wraps_around_the_week() -> None:
    # Mon 00:00-01:00 at UTC+7 is Sunday 17:00-18:00 UTC (end of the week)
    slots = to_utc_slots(parse_availability("Mon 00:00-01:00"), "UTC+7")
    assert slots_to_text(slots) == "Sun 17:00-18:00"
    # Sun 22:00-24:00 at UTC-5 is Mon 03:00-05:00 UTC (start of the week)
    slots = to_utc_slots(parse_availability("Sun 22:00-24:00"), "UTC-5")
    assert slots_to_text(slots) == "Mon 03:00-05:00"


def test_to_utc_slots_uses_the_reference_week_for_dst() -> None:
    intervals = parse_availability("Mon 09:00-10:00")
    winter = to_utc_slots(intervals, "America/New_York")  # 2026-01-05: EST
    summer = to_utc_slots(intervals, "America/New_York", dt.date(2026, 7, 6))  # EDT
    assert slots_to_text(winter) == "Mon 14:00-15:00"
    assert slots_to_text(summer) == "Mon 13:00-14:00"


def test_to_utc_slots_offset_per_local_day() -> None:
    # US DST starts Sunday 2026-03-08: in the week of Monday 2026-03-02 the
    # Saturday is on EST (-5) and the Sunday on EDT (-4)
    intervals = parse_availability("Sat 09:00-10:00; Sun 09:00-10:00")
    slots = to_utc_slots(intervals, ZoneInfo("America/New_York"), dt.date(2026, 3, 2))
    assert slots_to_text(slots) == "Sat 14:00-15:00; Sun 13:00-14:00"


def test_to_utc_slots_errors() -> None:
    with pytest.raises(ParseError, match="not a valid"):
        to_utc_slots([(600, 540)], UTC)
    with pytest.raises(ParseError, match="minute pairs"):
        to_utc_slots([(1, 2, 3)], UTC)  # type: ignore[list-item]
    with pytest.raises(ParseError, match="unknown time zone"):
        to_utc_slots([(0, 60)], "Nowhere/Special")


def test_to_utc_slots_accepts_unsnapped_and_wrapping_intervals() -> None:
    # ends past the week wrap; starts floor and ends ceil to whole slots
    slots = to_utc_slots([(7 * 1440 - 20, 7 * 1440 + 10)], UTC)
    assert np.flatnonzero(slots).tolist() == [0, 670, 671]


# -------------------------------------------------------------------- slots_to_text


def test_slots_to_text() -> None:
    slots = np.zeros(SLOTS_PER_WEEK, dtype=bool)
    slots[slot(0, 9) : slot(0, 11)] = True
    slots[slot(2, 14) : slot(2, 15.5)] = True
    assert slots_to_text(slots) == "Mon 09:00-11:00; Wed 14:00-15:30"


def test_slots_to_text_splits_at_midnight() -> None:
    slots = np.zeros(SLOTS_PER_WEEK, dtype=bool)
    slots[slot(0, 23) : slot(1, 1)] = True  # Mon 23:00 - Tue 01:00
    slots[slot(6, 23.75) :] = True  # Sun 23:45 - 24:00
    slots[0] = True  # Mon 00:00 - 00:15
    assert slots_to_text(slots) == (
        "Mon 00:00-00:15; Mon 23:00-24:00; Tue 00:00-01:00; Sun 23:45-24:00"
    )


def test_slots_to_text_empty_and_full() -> None:
    assert slots_to_text(np.zeros(SLOTS_PER_WEEK, dtype=bool)) == ""
    full = slots_to_text(np.ones(SLOTS_PER_WEEK, dtype=bool))
    assert full == "; ".join(f"{d.title()} 00:00-24:00" for d in DAYS)


def test_slots_to_text_bad_shape() -> None:
    with pytest.raises(ParseError, match=r"shape \(10,\), expected \(672,\)"):
        slots_to_text(np.zeros(10, dtype=bool))


# ------------------------------------------------------------------------ timestamps


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3/17/2020 8:14:08", dt.datetime(2020, 3, 17, 8, 14, 8)),  # mozilla
        (" 3/10/2021 8:14:08", dt.datetime(2021, 3, 10, 8, 14, 8)),  # mozilla donut
        ("3/21/2021 14:14:03", dt.datetime(2021, 3, 21, 14, 14, 3)),  # mozilla donut
        ("2024/05/01 10:00:00 AM GMT+2", dt.datetime(2024, 5, 1, 8, 0)),  # -> UTC
        ("2024/05/01 10:00:00 PM", dt.datetime(2024, 5, 1, 22, 0)),
        ("2024-05-01T10:00:00+02:00", dt.datetime(2024, 5, 1, 8, 0)),  # ISO, -> UTC
        ("2024-05-01 10:00:00", dt.datetime(2024, 5, 1, 10, 0)),
        ("2024-05-01", dt.datetime(2024, 5, 1)),
        ("2024-05-01T10:00:00Z", dt.datetime(2024, 5, 1, 10, 0)),
        ("17/03/2020 08:14", dt.datetime(2020, 3, 17, 8, 14)),  # day first: 17 > 12
        ("17.03.2020 08:14", dt.datetime(2020, 3, 17, 8, 14)),  # dots: day first
        ("05.03.2020", dt.datetime(2020, 3, 5)),
        ("3/10/21", dt.datetime(2021, 3, 10)),  # two-digit year
        ("May 1, 2024 10:00 AM", dt.datetime(2024, 5, 1, 10, 0)),
        ("1 May 2024", dt.datetime(2024, 5, 1)),
        ("2020-03-17 08:14:08.5 UTC", dt.datetime(2020, 3, 17, 8, 14, 8, 500000)),
        ("2024-05-01 10:00 PST", dt.datetime(2024, 5, 1, 18, 0)),
        (dt.date(2024, 5, 1), dt.datetime(2024, 5, 1)),
        (np.datetime64("2024-05-01T10:00"), dt.datetime(2024, 5, 1, 10, 0)),
        (pd.Timestamp("2024-05-01 10:00", tz="Europe/Berlin"),
         dt.datetime(2024, 5, 1, 8)),  # aware -> naive UTC
        ("", None),
        (float("nan"), None),
        (pd.NaT, None),
    ],
)  # fmt: skip
def test_parse_datetime(value: object, expected: dt.datetime | None) -> None:
    result = parse_datetime(value)
    assert result == expected
    if result is not None:
        assert result.tzinfo is None  # always comparable with each other


def test_parse_datetime_latest_answer_wins_order() -> None:
    stamps = ["3/21/2021 5:23:54", "3/10/2021 8:14:08", "3/21/2021 14:14:03"]
    parsed = [parse_datetime(s) or dt.datetime.min for s in stamps]
    assert parsed.index(max(parsed)) == 2  # 21 March 14:14 is the latest


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ("13/13/2020", "not a valid date"),
        ("2020-02-30", "not a valid date"),
        ("3/17/2020 13:00 PM", "not a valid date"),
        ("yesterday", "cannot read date 'yesterday'"),
        ("2024-05-01 10:00 Mars/Base", "not a valid date"),
        (43907.3, "is a number, not a date"),
    ],
)
def test_parse_datetime_errors(value: object, pattern: str) -> None:
    with pytest.raises(ParseError, match=pattern) as info:
        parse_datetime(value)
    assert "YYYY-MM-DD" in info.value.fix


@pytest.mark.parametrize("order", [None, "%m/%d/%Y %H:%M:%S"])
def test_timestamps_past_2262_are_read_not_raised(order):
    """A year past pandas' nanosecond range (2262) used to raise
    OutOfBoundsDatetime out of read_survey's de-duplication."""
    from rmatch.parsing import parse_timestamps

    found = parse_timestamps(["1/1/2300 1:00:00", "9/1/2026 8:05:03"], order=order)
    assert str(found.datetime(0)) == "2300-01-01 01:00:00"
    assert str(found.datetime(1)) == "2026-09-01 08:05:03"
    assert found.errors == {}

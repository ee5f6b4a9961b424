"""Batch reading equals reading cell by cell: splitting many cells, multi-selects.

The survey reads a multi-select column by splitting every distinct cell once and
reading every distinct option once; these tests hold that path against the per-cell
one on messy cells (odd separators, blanks, JSON lists, options that fail).
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmatch.parsing import ParseError, equal_rows, join_groups, split_cells
from rmatch.people import build_coded_set_fields, build_set_field
from rmatch.survey.answers import AnswerBuilder, cell_tokens
from rmatch.survey.columns import IssueLog, load_table, resolve_columns
from rmatch.survey.mapping import SurveyMap

FAST = settings(max_examples=80, deadline=None)

PIECES = ["a", "b", "ab", "aba", ",", ", ", ";", " ", "\n", "x y", "[", "]", '"q"', ""]
SEPARATORS = [",", ", ", ";", "aba", "ab", "\n", " | "]


@FAST
@given(
    st.lists(st.lists(st.sampled_from(PIECES), max_size=6).map("".join), max_size=8),
    st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=3),
)
def test_split_cells_equals_splitting_each_text(texts, separators):
    owner, items = split_cells(texts, separators)
    seps = sorted(set(separators), key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, seps)))
    expected = [(i, item) for i, t in enumerate(texts) for item in pattern.split(t)]
    assert list(zip(owner.tolist(), items, strict=True)) == expected


@FAST
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from(["a", "b c", "", "x\ny", "; "])),
        max_size=12,
    ),
    st.sampled_from(["; ", ",", "\n", ""]),
)
def test_join_groups_equals_joining_each_group(items, sep):
    items = sorted(items, key=lambda item: item[0])  # stable: order kept in a group
    owner = np.array([k for k, _ in items], dtype=np.int64)
    texts = [t for _, t in items]
    expected = [sep.join(t for k, t in items if k == g) for g in range(7)]
    assert join_groups(texts, owner, 7, sep) == expected


def test_join_groups_refuses_items_out_of_group_order():
    # a group's items apart ([0, 1, 0]) were silently dropped: ['c', 'b']
    with pytest.raises(ValueError, match="owner ascending"):
        join_groups(["a", "b", "c"], np.array([0, 1, 0]), 2, "; ")


ROWS = st.lists(
    st.lists(st.sampled_from([0, 32, 47, 57, 200]), min_size=3, max_size=3),
    max_size=20,
)


@FAST
@given(ROWS, st.sampled_from([np.uint8, np.uint32, np.int64]), st.booleans())
def test_equal_rows_groups_exactly_the_equal_rows(rows, dtype, collide):
    """Rows share a group exactly when they are equal, ``first`` is each group's
    first row; also when distinct rows hash alike (then the rows are sorted)."""
    from unittest import mock

    from rmatch.parsing import _batch

    array = np.array(rows, dtype=dtype).reshape(len(rows), 3)
    if collide:  # every row the same hash
        every = (np.zeros(len(rows), dtype=np.int64), np.zeros(1))
        with mock.patch.object(_batch.pd, "factorize", return_value=every):
            which, first = equal_rows(array)
    else:
        which, first = equal_rows(array)
    equal = [[a == b for b in array.tolist()] for a in array.tolist()]
    assert [[p == q for q in which] for p in which] == equal
    assert which[first].tolist() == list(range(len(first)))
    assert all(equal[k].index(True) == k for k in first.tolist())


OPTIONS = ["Python", "python ", "SQL", "Public speaking", "bad", "bad2", "", " "]
JSON = ['["Python", "SQL"]', '["bad"]', "[not json]", "[]"]


def _token_of(part: str) -> str:
    if part.startswith("bad"):
        raise ParseError(f"cannot read {part!r}", "fix it")
    return "" if part == "none" else part.strip().casefold()


@st.composite
def cells(draw):
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from(JSON))
    sep = draw(st.sampled_from([", ", ",", ";", "\n", "; "]))
    return sep.join(draw(st.lists(st.sampled_from(OPTIONS), max_size=5)))


@FAST
@given(st.lists(cells(), min_size=1, max_size=12), st.sampled_from([(",",), (", ",)]))
def test_options_equal_reading_each_cell(column, separators):
    records = [{"Topics": c} for c in column]
    smap = SurveyMap.coerce({"Topics": "interests"})
    table = load_table(records, smap, add_source=True)
    uses, _ = resolve_columns(smap, table)
    (use,) = [u for u in uses if u.column == "Topics"]
    issues = IssueLog()
    codes, results = AnswerBuilder(smap, table, uses, issues)._options(
        use, separators, _token_of
    )
    cells_read = table.frame["Topics"].tolist()
    errors = {}
    for row, cell in enumerate(cells_read):
        try:
            expected = cell_tokens(cell, separators, _token_of) if cell else ()
        except ParseError as error:
            expected = ()
            errors[int(table.rows[row])] = error.message
        assert results[int(codes[row])] == expected
    found = {i.row: i.message for i in issues.items}
    assert found == errors
    assert all(i.column == "Topics" and i.value for i in issues.items)
    assert np.array_equal(np.sort([i.row for i in issues.items]), sorted(errors))


DAYS = ("Monday", "Tuesday", "Saturday")
PERIODS = ["", "Morning", "Afternoon", "Evening", "Morning, Evening", "Lunch"]


@FAST
@given(
    st.lists(
        st.tuples(*[st.sampled_from(PERIODS) for _ in DAYS]), min_size=1, max_size=10
    )
)
def test_grid_availability_is_the_union_of_the_ticked_periods(rows):
    """Each distinct grid answer is written once; every row reads back as the
    union of its ticked periods (a slot partly covered is free)."""
    from rmatch.parsing import (
        SLOT_MINUTES,
        parse_availability,
        parse_period_grid,
        to_utc_slots,
    )
    from rmatch.survey import read_survey

    records = [
        {"Email": f"p{i}@x.org", "Role": "mentor"}
        | {f"Free [{day}]": cell for day, cell in zip(DAYS, row, strict=True)}
        for i, row in enumerate(rows)
    ]
    mapping = {"Email": "email", "Role": "role", "Free [*]": "availability"}
    people = read_survey(records, mapping)
    texts = people.table["availability"].tolist()
    for row, text in zip(rows, texts, strict=True):
        expected = np.zeros(672, dtype=bool)
        for day, cell in zip(DAYS, row, strict=True):
            for start, end in parse_period_grid({day: cell}):
                expected[start // SLOT_MINUTES : -(-end // SLOT_MINUTES)] = True
        got = (
            to_utc_slots(parse_availability(text), "UTC")
            if text
            else np.zeros_like(expected)
        )
        np.testing.assert_array_equal(got, expected)


# ------------------------------------------------ time stamps read as arrays
_STAMP_FORMATS = (
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%m-%d-%Y",
)


@st.composite
def stamp_texts(draw):
    """Texts near the shape of a form time stamp: fields of 1 to 5 digits, in
    range or not, the usual separators (now and then an odd one), sometimes cut."""
    number = st.integers(0, 32).map(str) | st.sampled_from(["00", "07", "60", "123"])
    year = st.sampled_from(["2026", "2028", "1899", "2201", "1900", "26", "02026"])
    sep = draw(st.sampled_from(["/", ".", "-"]))
    odd = st.sampled_from([sep, sep, sep, sep, ":", " ", "x", "\x00", "é"])
    parts = [
        draw(number),
        draw(odd),
        draw(number),
        draw(odd),
        draw(year),
        draw(st.sampled_from([" ", " ", " ", "  ", "T"])),
        draw(number),
        draw(st.sampled_from([":", ":", ":", ""])),
        draw(number),
        draw(st.sampled_from([":", ":", ":", ""])),
        draw(number),
    ]
    if draw(st.booleans()):  # the order of a year-first stamp
        parts = [parts[4], parts[1], parts[0], parts[3], parts[2], *parts[5:]]
    keep = draw(st.sampled_from([len(parts), len(parts), 9, 5, 7]))
    return "".join(parts[:keep])


@st.composite
def written_stamps(draw, fmt):
    """Stamps written in ``fmt``: fields padded or not, often at the edges of
    their range or past them (31 February, hour 24, minute 60, year 2201)."""
    edges = {
        "%Y": [1899, 1900, 2000, 2028, 2100, 2200, 2201],
        "%m": [0, 1, 2, 12, 13],
        "%d": [0, 1, 28, 29, 30, 31, 32],
        "%H": [0, 23, 24],
        "%M": [0, 59, 60],
        "%S": [0, 59, 60],
    }
    text = fmt
    for directive, values in edges.items():
        value = draw(st.sampled_from(values) | st.integers(min(values), max(values)))
        padded = f"{value:02d}" if draw(st.booleans()) else str(value)
        text = text.replace(directive, padded)
    return text


@given(st.sampled_from(_STAMP_FORMATS), st.data())
@settings(max_examples=300, deadline=None)
def test_timestamps_with_a_format_equal_pandas_cell_by_cell(fmt, data):
    """Fast path (the cells laid out in one array) == pandas reading each cell."""
    import pandas as pd

    from rmatch.parsing import parse_timestamps

    texts = data.draw(
        st.lists(
            written_stamps(fmt) | stamp_texts() | st.text(max_size=30),
            min_size=1,
            max_size=25,
        )
    )
    found = parse_timestamps(texts, order=fmt)
    for k, text in enumerate(texts):
        stamps = pd.to_datetime(
            pd.Series([text.strip()], dtype=object),
            format=fmt,
            errors="coerce",
            utc=True,
        )
        if pd.isna(stamps[0]):
            assert np.isnan(found.seconds[k]), (text, fmt)
            assert (k in found.errors) == bool(text.strip()), (text, fmt)
        else:  # pandas' arithmetic on a column: nanoseconds / 1e9
            seconds = (stamps - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)
            assert found.seconds[k] == seconds[0], (text, fmt)
            assert k not in found.errors


ANSWER = st.dictionaries(
    st.sampled_from(["sql", "ai", "Go", "ux", "é"]), st.integers(1, 5)
)


@FAST
@given(
    st.lists(ANSWER, min_size=1, max_size=6),
    st.lists(ANSWER, min_size=1, max_size=6),
    st.data(),
)
def test_coded_set_fields_equal_the_fields_of_every_row(wanted, offered, data):
    # people.build_coded_set_fields (each distinct answer laid out once) against
    # people.build_set_field on the rows; every distinct answer is someone's
    family = {}
    for name, values in (("skills_wanted", wanted), ("skills_offered", offered)):
        extra = data.draw(st.lists(st.integers(0, len(values) - 1), max_size=20))
        codes = np.array([*range(len(values)), *extra], dtype=np.int64)
        codes = codes[data.draw(st.permutations(range(codes.size)))]
        family[name] = (codes, values)
    coded = build_coded_set_fields(family)
    rows = {
        name: [values[c] for c in codes] for name, (codes, values) in family.items()
    }
    present = {name: np.array([bool(r) for r in rows[name]]) for name in rows}
    plain = build_set_field(rows, present)
    for name in family:
        assert coded[name].vocabulary == plain[name].vocabulary
        assert (coded[name].matrix != plain[name].matrix).nnz == 0
        assert coded[name].matrix.dtype == plain[name].matrix.dtype
        assert coded[name].present.tolist() == plain[name].present.tolist()

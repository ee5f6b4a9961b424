"""The report's tables agree with the matching, on random small organizations.

Coverage adds up to the pairs and the unmatched (the rejected rows are counted
apart), every participant appears once, every grouping adds up to the totals, and
the other tables count the same pairs and people as the matching.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch

from .strategies import organizations

pytestmark = pytest.mark.filterwarnings("ignore:every candidate pair scores 0")

LOCATIONS = ["Berlin", "Hanoi", ""]


def _match(records: list[dict[str, str]], reverse: bool) -> rmatch.Matching:
    rules: list[rmatch.Rule] = [rmatch.NoReportingLine(1)]
    if reverse:
        rules.append(rmatch.ReverseSeniority(min_gap=1))
    program = rmatch.Program(rules=rules, mentor_capacity=2)
    return program.match(rmatch.read_people(records))


@st.composite
def located(draw: st.DrawFn) -> list[dict[str, str]]:
    records = draw(organizations())
    for r in records:
        r["location"] = draw(st.sampled_from(LOCATIONS))
    return records


@given(located(), st.booleans())
def test_report_tables_agree_with_the_matching(records, reverse) -> None:
    result = _match(records, reverse)
    report = result.report(explain=False)
    people = result.people
    participants = set(people.ids[people.is_participant].astype(str))
    in_pairs = set(result.pairs["mentor_id"]) | set(result.pairs["mentee_id"])

    # every participant appears once, matched exactly when in a pair
    assert report.people["id"].is_unique
    assert set(report.people["id"]) == participants
    matched = set(report.people.loc[report.people["status"] == "matched", "id"])
    assert matched == in_pairs
    assert set(report.people.loc[report.people["status"] == "unmatched", "id"]) == set(
        result.unmatched["id"]
    )

    # coverage adds up to the pairs and the unmatched; groups add up to the totals
    cov = report.coverage
    everyone = cov[cov["by"] == "all"].iloc[0]
    assert everyone["participants"] == len(participants)
    assert everyone["matched"] == len(in_pairs)
    assert everyone["unmatched"] == len(result.unmatched)
    assert everyone["matched"] + everyone["unmatched"] == everyone["participants"]
    assert everyone["mentees_matched"] == result.pairs["mentee_id"].nunique()
    counts = ["participants", "matched", "unmatched", "mentees", "mentees_matched"]
    for by in ("role", "department", "seniority", "location"):
        part = cov[cov["by"] == by]
        assert part["group"].is_unique, by
        assert (part[counts].sum() == everyone[counts]).all(), by
    figures = report.overview.set_index("measure")["value"]
    assert figures["rejected rows"] + figures["not participating"] == len(
        result.rejected
    )
    assert figures["pairs"] == len(result.pairs)

    # the other tables count the same pairs and people
    assert report.scores["pairs"].sum() == len(result.pairs)
    unmatched_reasons = report.reasons[report.reasons["status"] == "unmatched"]
    assert unmatched_reasons["people"].sum() == len(result.unmatched)
    capacity = report.capacity.set_index("side")
    assert (capacity["used"] == len(result.pairs)).all()
    assert (capacity["used"] <= capacity["slots"]).all()
    skills = report.skills
    assert (skills["covered"] <= skills["wanted_matched"]).all()
    assert (skills["wanted_matched"] <= skills["wanted"]).all()
    if len(result.pairs):
        assert report.criteria["contribution"].sum() == pytest.approx(
            result.pairs["score"].mean(), abs=1e-6
        )
    mix = report.mix.set_index("measure")
    assert (mix["pairs"] <= mix["known"]).all()
    assert (mix["known"] <= len(result.pairs)).all()
    assert ("mentor junior" in mix.index) == reverse
    if reverse and len(result.pairs):
        assert mix.loc["mentor junior", "share"] == 1.0  # the rule is hard


@settings(max_examples=15)
@given(located())
def test_the_report_from_json_has_the_same_tables(records) -> None:
    result = _match(records, reverse=True)
    report = result.report()
    again = rmatch.report.report_from_records(
        json.loads(json.dumps(result.to_records(report=True, timings=True)))
    )
    for name, table in report.tables().items():
        pd.testing.assert_frame_equal(
            getattr(again, name), table, check_dtype=False, obj=name
        )
    assert np.array_equal(again.people["id"], report.people["id"])


@given(top=st.floats(min_value=1e-6, max_value=1e9, allow_nan=False))
def test_chart_ticks_are_few_round_and_cover_the_largest_bar(top: float) -> None:
    from rmatch.report._charts import _ticks

    ticks = _ticks(top)
    assert ticks[0] == 0 and 2 <= len(ticks) <= 7
    assert ticks[-1] >= top * (1 - 1e-9)  # the longest bar ends inside the axis
    steps = np.diff(ticks)
    assert np.allclose(steps, steps[0])  # evenly spaced
    mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
    assert any(np.isclose(mantissa, m) for m in (1, 2, 2.5, 5, 10))


_CELLS = st.one_of(
    st.none(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.booleans(),
)


@given(
    columns=st.lists(
        st.sampled_from(["float", "int", "bool", "object", "Int64", "string", "date"]),
        max_size=5,
    ),
    rows=st.integers(0, 6),
    data=st.data(),
)
def test_frame_records_equal_the_per_cell_conversion(
    columns: list[str], rows: int, data: st.DataObject
) -> None:
    from rmatch.result.export import frame_records, to_json_safe

    frame = pd.DataFrame(index=range(rows))
    for j, kind in enumerate(columns):
        if kind == "float":
            values = data.draw(st.lists(st.floats(), min_size=rows, max_size=rows))
            frame[f"c{j}"] = np.asarray(values, dtype=float)
        elif kind == "int":
            frame[f"c{j}"] = data.draw(
                st.lists(st.integers(-99, 99), min_size=rows, max_size=rows)
            )
        elif kind == "bool":
            frame[f"c{j}"] = np.asarray(
                data.draw(st.lists(st.booleans(), min_size=rows, max_size=rows)),
                dtype=bool,
            )
        elif kind == "Int64":
            frame[f"c{j}"] = pd.array(
                data.draw(
                    st.lists(
                        st.none() | st.integers(-9, 9), min_size=rows, max_size=rows
                    )
                ),
                dtype="Int64",
            )
        elif kind == "string":
            frame[f"c{j}"] = pd.array(
                data.draw(
                    st.lists(
                        st.none() | st.text(max_size=3), min_size=rows, max_size=rows
                    )
                ),
                dtype="string",
            )
        elif kind == "date":
            days = data.draw(
                st.lists(
                    st.none() | st.integers(0, 40_000), min_size=rows, max_size=rows
                )
            )
            frame[f"c{j}"] = pd.to_datetime(
                [None if d is None else d * 86_400 for d in days], unit="s"
            )
        else:
            frame[f"c{j}"] = pd.Series(
                data.draw(st.lists(_CELLS, min_size=rows, max_size=rows)), dtype=object
            )
    expected = to_json_safe(frame.to_dict(orient="records"))
    got = frame_records(frame)
    assert json.dumps(got) == json.dumps(expected)


@given(
    links=st.lists(
        st.tuples(st.sampled_from("ABC"), st.sampled_from("xyzw")), max_size=6
    ),
    entries=st.lists(
        st.tuples(
            st.sampled_from("ABCxyzwQ"),
            st.sampled_from(["wanted", "offered"]),
            st.sampled_from(["py", "ai", "tiktok", "<b>"]),
        ),
        max_size=25,
    ),
)
def test_skills_covered_equals_a_plain_loop(
    links: list[tuple[str, str]], entries: list[tuple[str, str, str]]
) -> None:
    pairs = pd.DataFrame(sorted(set(links)), columns=["mentor_id", "mentee_id"])
    roles = {**dict.fromkeys("ABC", "mentor"), **dict.fromkeys("xyz", "mentee")}
    roles["w"] = "both"
    people = pd.DataFrame(
        {
            "id": list(roles),
            "role": list(roles.values()),
            "as_mentee": [int((pairs["mentee_id"] == i).sum()) for i in roles],
        }
    )
    skills = pd.DataFrame(entries, columns=["id", "kind", "skill"])
    table = rmatch.report.skills_covered(pairs, people, skills)
    # the plain loop: each (mentee-side person, skill) wanted once
    side = {i for i, r in roles.items() if r in ("mentee", "both")}
    wants = {(i, s) for i, k, s in entries if k == "wanted" and i in side}
    offers = {(i, s) for i, k, s in entries if k == "offered"}
    mentors = {m: {a for a, b in set(links) if b == m} for m in roles}
    expected = {}
    for i, s in wants:
        row = expected.setdefault(s, [0, 0, 0])
        row[0] += 1
        row[1] += bool(mentors[i])
        row[2] += any((a, s) in offers for a in mentors[i])
    got = {r.skill: [r.wanted, r.wanted_matched, r.covered] for r in table.itertuples()}
    assert got == expected
    assert table["skill"].tolist() == sorted(
        expected, key=lambda s: (-expected[s][0], s)
    )


@given(
    links=st.lists(
        st.tuples(st.sampled_from("ABCQ"), st.sampled_from("xyzR")), max_size=8
    ),
    departments=st.lists(
        st.sampled_from(["IT", "HR", "(blank)", None]), min_size=6, max_size=6
    ),
    seniority=st.lists(
        st.sampled_from([1.0, 2.0, 3.0, float("nan")]), min_size=6, max_size=6
    ),
)
def test_mix_equals_a_plain_loop(
    links: list[tuple[str, str]], departments: list[Any], seniority: list[float]
) -> None:
    """Q and R are not participants: their pairs count as unknown, as do blanks."""
    ids = ["A", "B", "C", "x", "y", "z"]
    people = pd.DataFrame(
        {
            "id": ids,
            "department": departments,
            "location": ["(blank)"] * 6,
            "seniority": seniority,
        }
    )
    pairs = pd.DataFrame(links, columns=["mentor_id", "mentee_id"])
    table = rmatch.report.mix(pairs, people, reverse=True).set_index("measure")
    dept = dict(zip(ids, departments, strict=True))
    rank = dict(zip(ids, seniority, strict=True))

    def known(value: Any) -> bool:
        return value is not None and value != "(blank)"

    both = [(dept.get(a), dept.get(b)) for a, b in links]
    both = [(a, b) for a, b in both if known(a) and known(b)]
    assert table.loc["cross-department", "known"] == len(both)
    assert table.loc["cross-department", "pairs"] == sum(a != b for a, b in both)
    assert table.loc["cross-location", "known"] == 0
    ranks = [(rank.get(a, np.nan), rank.get(b, np.nan)) for a, b in links]
    ranks = [(a, b) for a, b in ranks if not (np.isnan(a) or np.isnan(b))]
    assert table.loc["mentor junior", "known"] == len(ranks)
    assert table.loc["mentor junior", "pairs"] == sum(a < b for a, b in ranks)


def test_group_labels_of_mixed_types_stay_apart() -> None:
    """Review: 1, 1.0 and True are one key to pd.factorize; as text they differ."""
    participants = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "role": ["mentor", "mentee", "mentor", "mentee"],
            "department": [1, 1.0, True, None],
        }
    )
    pairs = pd.DataFrame({"mentor_id": ["a", "c"], "mentee_id": ["b", "d"]})
    people = rmatch.report.people_status(pairs, participants)
    assert people["department"].tolist() == ["1", "1.0", "True", "(blank)"]

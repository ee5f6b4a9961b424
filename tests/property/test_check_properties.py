"""check_pairs on random organizations: rmatch's output is clean, edits are caught."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch

from .strategies import organizations

pytestmark = pytest.mark.filterwarnings("ignore:every candidate pair scores 0")


def _program(objective: str = "total", quota: bool = False) -> rmatch.Program:
    rules: list = [rmatch.NoReportingLine(1), rmatch.ReverseSeniority(min_gap=1)]
    if quota:
        rules.append(rmatch.GroupLimit("department", at_most=2))
    return rmatch.Program(rules=rules, mentor_capacity=2, objective=objective)


def _allowed(people: rmatch.People, m: int, e: int) -> bool:
    """The two rules, pair by pair (independent of the vectorized masks)."""
    if people.reporting_distance(m, e, max_levels=1) is not None:
        return False
    return bool(people.seniority[e] - people.seniority[m] >= 1)


@settings(max_examples=40, deadline=None)
@given(
    organizations(),
    st.sampled_from(["total", "coverage", "fairness"]),
    st.booleans(),
)
def test_rmatchs_own_matching_is_clean(
    records: list[dict], objective: str, quota: bool
) -> None:
    people = rmatch.read_people(records)
    program = _program(objective, quota)
    result = program.match(people)
    check = rmatch.check_pairs(program, people, result.pairs, optimum=result)
    assert check.ok, check.summary()
    assert check.findings.empty
    assert check.objective == result.objective
    assert len(check.pairs) == len(result.pairs)
    assert (check.pairs["status"] == "ok").all()


@settings(max_examples=60, deadline=None)
@given(organizations(), st.data())
def test_one_more_pair_is_flagged_exactly_when_it_breaks_something(
    records: list[dict], data: st.DataObject
) -> None:
    people = rmatch.read_people(records)
    program = _program()
    result = program.match(people)
    chosen = set(zip(result.pairs["mentor_id"], result.pairs["mentee_id"], strict=True))
    mentors = np.flatnonzero(people.is_mentor).tolist()
    mentees = np.flatnonzero(people.is_mentee).tolist()
    options = [
        (m, e)
        for m in mentors
        for e in mentees
        if m != e and (people.ids[m], people.ids[e]) not in chosen
    ]
    if not options:
        return
    m, e = data.draw(st.sampled_from(options))
    mid, eid = str(people.ids[m]), str(people.ids[e])
    extra = pd.DataFrame({"mentor_id": [mid], "mentee_id": [eid]})
    edited = pd.concat([result.pairs[["mentor_id", "mentee_id"]], extra])
    check = rmatch.check_pairs(program, people, edited, optimum=result)

    def cap(value: int, default: int) -> int:
        return int(value) if value >= 0 else default

    load_m = int((result.pairs["mentor_id"] == mid).sum()) + 1
    load_e = int((result.pairs["mentee_id"] == eid).sum()) + 1
    expected = set()
    if not _allowed(people, m, e):
        expected.add("forbidden")
    if load_m > cap(people.mentor_capacity[m], program.mentor_capacity) or (
        load_e > cap(people.mentee_capacity[e], program.mentee_capacity)
    ):
        expected.add("capacity")
    assert set(check.findings["code"]) == expected, check.summary()
    flagged = check.findings["people"].map(lambda p: mid in p or eid in p)
    assert flagged.all()  # every finding names someone of the added pair
    if not expected:
        # the edit is a valid matching, so it cannot beat rmatch's proven optimum
        assert result.summary().status == "optimal"
        assert check.objective <= result.objective + 1e-9

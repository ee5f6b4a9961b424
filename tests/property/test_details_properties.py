"""`Criterion.details()` gives exactly `detail()` pair by pair, for every criterion.

The built-in criteria compute the details of many pairs at once (sparse
intersections, one text per distinct value); the texts must be those of the
per-pair `detail()`, on random organizations and random lists of pairs (repeated
pairs, people who are not participants, a person paired with themself).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch
from rmatch.parsing import SLOTS_PER_WEEK, slots_to_text, slots_to_texts
from rmatch.scoring import Criterion, SetSimilarity, criterion_label
from rmatch.shortlist import shortlist

from .strategies import INTERESTS, organizations

LANGUAGES = ["en", "de", "vi", "fr"]


class _Initials(Criterion):
    """A custom criterion that only implements ``detail()``."""

    name = "initials"

    def detail(self, people: rmatch.People, mentor: int, mentee: int) -> str:
        return f"{people.ids[mentor][:2]}-{people.ids[mentee][:2]}"


class _LoudInterests(SetSimilarity):
    """A subclass that words the detail its own way (the batch must follow it)."""

    def __init__(self) -> None:
        super().__init__("interests")

    def detail(self, people: rmatch.People, mentor: int, mentee: int) -> str:
        return super().detail(people, mentor, mentee).upper()


def _criteria() -> list[Criterion]:
    return [
        rmatch.Skills(),
        rmatch.Skills(forward=1.0, backward=0.0),
        rmatch.Interests(),
        rmatch.Goals(),
        SetSimilarity("languages", measure="overlap"),
        SetSimilarity("not_a_column"),
        rmatch.Schedule(),
        rmatch.Soft(rmatch.DifferentValue("department"), weight=1),
        rmatch.Soft(rmatch.NoReportingLine(1), weight=2),
        rmatch.Soft(rmatch.MinSharedHours(0.5), weight=1),
        rmatch.Soft(rmatch.ReverseSeniority(min_gap=1), weight=1),
        _Initials(),
        _LoudInterests(),
        Criterion(),
    ]


@st.composite
def people_and_pairs(draw: st.DrawFn) -> tuple[rmatch.People, np.ndarray, np.ndarray]:
    records: list[dict[str, Any]] = draw(organizations())
    for r in records:
        r["goals"] = "; ".join(
            draw(st.lists(st.sampled_from(INTERESTS), max_size=2, unique=True))
        )
        r["languages"] = ", ".join(
            draw(st.lists(st.sampled_from(LANGUAGES), max_size=3, unique=True))
        )
    people = rmatch.read_people(records)
    n = len(people)
    pairs = draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40)
    )
    mentors = np.array([p[0] for p in pairs], dtype=np.int64)
    mentees = np.array([p[1] for p in pairs], dtype=np.int64)
    return people, mentors, mentees


@settings(max_examples=60, deadline=None)
@given(people_and_pairs())
def test_details_equal_detail_pair_by_pair(case) -> None:
    people, mentors, mentees = case
    for crit in _criteria():
        one_by_one = [
            crit.detail(people, int(m), int(e))
            for m, e in zip(mentors, mentees, strict=True)
        ]
        assert crit.details(people, mentors, mentees) == one_by_one, crit


def _reason_one_by_one(
    people: rmatch.People, criteria: list[Criterion], values: np.ndarray, m: int, e: int
) -> str:
    """The reason of one shortlist row, as it was written pair by pair."""
    order = sorted(
        (-crit.weight * float(values[c]), c)
        for c, crit in enumerate(criteria)
        if not np.isnan(values[c]) and values[c] > 0
    )
    parts = [
        criteria[c].detail(people, m, e)
        or f"{criterion_label(criteria[c])}: {criteria[c].describe(float(values[c]))}"
        for _, c in order[:3]
    ]
    return "; ".join(parts) or "allowed; no criterion above 0"


@settings(max_examples=30, deadline=None)
@given(organizations(), st.sampled_from(["mentee", "mentor"]))
def test_shortlist_reasons_equal_the_pair_by_pair_reasons(records, side) -> None:
    people = rmatch.read_people(records)
    program = rmatch.Program(
        criteria=[rmatch.Skills(), rmatch.Schedule(), rmatch.Interests(weight=0)],
        rules=[
            rmatch.NoReportingLine(1),
            rmatch.Soft(rmatch.DifferentValue("department"), weight=3),
            rmatch.Soft(rmatch.MinSharedHours(0.5), weight=1),
        ],
    )
    criteria = program.scoring_criteria()
    cs = program.candidates(people)
    lists = shortlist(cs, people, criteria, k=3, side=side)
    g = cs.graph
    scores = {
        (int(cs.mentors[a]), int(cs.mentees[b])): cs.criterion_scores[i].astype(float)
        for i, (a, b) in enumerate(zip(g.left, g.right, strict=True))
    }
    table = lists.table
    me = people.positions(table["person_id"])
    other = people.positions(table["candidate_id"])
    mentors, mentees = (other, me) if side == "mentee" else (me, other)
    expected = [
        _reason_one_by_one(people, criteria, scores[(m, e)], m, e)
        for m, e in zip(mentors.tolist(), mentees.tolist(), strict=True)
    ]
    assert table["reason"].tolist() == expected


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 671), st.integers(1, 200)), max_size=6),
        max_size=8,
    )
)
def test_slots_to_texts_equal_slots_to_text_mask_by_mask(runs) -> None:
    masks = np.zeros((len(runs), SLOTS_PER_WEEK), dtype=bool)
    for row, items in zip(masks, runs, strict=True):
        for start, length in items:
            row[start : start + length] = True  # runs across midnight, to the end
    assert slots_to_texts(masks) == [slots_to_text(m) for m in masks]
    # masks that share days (each distinct day is read once)
    twice = np.concatenate([masks, masks[::-1], np.roll(masks, 96, axis=1)])
    assert slots_to_texts(twice) == [slots_to_text(m) for m in twice]

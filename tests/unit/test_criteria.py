"""Scoring criteria: values checked by hand, and vectorized == per-pair reference."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rmatch
from rmatch.errors import ConfigError
from rmatch.scoring import Block, Goals, Interests, Schedule, Skills, criterion

PEOPLE = [
    # A offers genai 5 and python 4, wants strategy at level 3
    {
        "id": "A",
        "role": "mentor",
        "skills_offered": "genai:5; python:4",
        "skills_wanted": "strategy:3",
        "interests": "chess; running",
        "availability": "Mon 09:00-11:00",
        "timezone": "Europe/Berlin",
    },
    # C wants python at 5 and genai at 2, offers negotiation
    {
        "id": "C",
        "role": "mentee",
        "skills_offered": "negotiation:4",
        "skills_wanted": "python:5; genai:2",
        "interests": "chess; golf",
        "availability": "Mon 08:00-09:00",
        "timezone": "UTC",
    },
    # D answered nothing about skills or interests
    {"id": "D", "role": "mentee", "availability": "", "timezone": ""},
]


def _block() -> Block:
    people = rmatch.read_people(PEOPLE)
    return Block(people, np.array([0]), np.array([1, 2]))


def test_skills_both_directions() -> None:
    s = Skills(forward=1.0, backward=0.5).score(_block())
    # forward: python min(4,5)/5 = 0.8, genai min(5,2)/2 = 1 -> 0.9
    # backward: A wants strategy, C offers none of it -> 0.0
    # weighted: (1 * 0.9 + 0.5 * 0.0) / 1.5 = 0.6
    assert s[0, 0] == pytest.approx(0.6)
    # D wants nothing (forward: no data) and offers nothing A wants (backward: 0)
    assert s[0, 1] == 0.0
    assert np.isnan(Skills(forward=1.0, backward=0.0).score(_block())[0, 1])


def test_skills_forward_only() -> None:
    s = Skills(forward=1.0, backward=0.0).score(_block())
    assert s[0, 0] == pytest.approx(0.9)


def test_jaccard_and_missing() -> None:
    s = Interests().score(_block())
    assert s[0, 0] == pytest.approx(1 / 3)  # {chess} / {chess, running, golf}
    assert np.isnan(s[0, 1])
    assert np.isnan(Goals().score(_block())).all()  # nobody answered goals


def test_schedule_hours_in_utc() -> None:
    s = Schedule(target_hours=2).score(_block())
    # A: Mon 09-11 Berlin = 08-10 UTC; C: Mon 08-09 UTC -> 1 shared hour of 2
    assert s[0, 0] == pytest.approx(0.5)
    assert np.isnan(s[0, 1])
    assert Schedule(target_hours=2).describe(0.5) == "1 shared hours a week"


def test_two_empty_sets_are_not_a_match() -> None:
    people = rmatch.read_people(
        [
            {"id": "A", "role": "mentor", "interests": ""},
            {"id": "B", "role": "mentee", "interests": ""},
        ]
    )
    block = Block(people, np.array([0]), np.array([1]))
    assert np.isnan(Interests().score(block)[0, 0])


def test_criterion_parameters_are_checked() -> None:
    with pytest.raises(ConfigError, match="'weight' parameter of Skills"):
        Skills(weight=-1).check()
    with pytest.raises(ConfigError, match="'target_hours'"):
        Schedule(target_hours=0).check()


def test_pair_function_decorator() -> None:
    @criterion(columns=("interests",), weight=2)
    def shares_chess(mentor: frozenset[str], mentee: frozenset[str]) -> float | None:
        if not mentor or not mentee:
            return None
        return float("chess" in mentor and "chess" in mentee)

    s = shares_chess.score(_block())
    assert s[0, 0] == 1.0
    assert np.isnan(s[0, 1])
    assert shares_chess.name == "shares_chess"
    assert shares_chess.weight == 2


def test_pair_function_out_of_range() -> None:
    @criterion(columns=("interests",))
    def broken(a: object, b: object) -> float:
        return 3.0

    with pytest.raises(ConfigError, match="outside \\[0, 1\\]"):
        broken.score(_block())


# ---------------------------------------------------------------- properties
skill_sets = st.dictionaries(
    st.sampled_from(["python", "genai", "sql", "tiktok", "strategy"]),
    st.integers(1, 5),
    max_size=4,
)


def _reference_coverage(offered: dict[str, int], wanted: dict[str, int]) -> float:
    """Per-pair definition: mean over wanted skills of min(o, w) / w.

    No data when nothing is wanted; offering nothing covers nothing (0).
    """
    if not wanted:
        return float("nan")
    return sum(min(offered.get(s, 0), w) / w for s, w in wanted.items()) / len(wanted)


@given(st.lists(st.tuples(skill_sets, skill_sets), min_size=2, max_size=6))
def test_skills_vectorized_equals_reference(rows: list[tuple[dict, dict]]) -> None:
    records = [
        {
            "id": f"P{i}",
            "role": "both",
            "skills_offered": "; ".join(f"{k}:{v}" for k, v in off.items()),
            "skills_wanted": "; ".join(f"{k}:{v}" for k, v in want.items()),
        }
        for i, (off, want) in enumerate(rows)
    ]
    people = rmatch.read_people(records)
    idx = np.arange(len(rows))
    got = Skills(forward=1.0, backward=0.0).score(Block(people, idx, idx))
    for i, (off_i, _) in enumerate(rows):
        for j, (_, want_j) in enumerate(rows):
            expected = _reference_coverage(off_i, want_j)
            if np.isnan(expected):
                assert np.isnan(got[i, j])
            else:
                assert got[i, j] == pytest.approx(expected)


token_sets = st.frozensets(st.sampled_from(list("abcdefg")), max_size=5)


@given(st.lists(token_sets, min_size=2, max_size=6))
def test_jaccard_vectorized_equals_reference(sets: list[frozenset[str]]) -> None:
    people = rmatch.read_people(
        [
            {"id": f"P{i}", "role": "both", "interests": "; ".join(sorted(s))}
            for i, s in enumerate(sets)
        ]
    )
    idx = np.arange(len(sets))
    got = Interests().score(Block(people, idx, idx))
    for i, a in enumerate(sets):
        for j, b in enumerate(sets):
            if not a or not b:
                assert np.isnan(got[i, j])
            else:
                assert got[i, j] == pytest.approx(len(a & b) / len(a | b))

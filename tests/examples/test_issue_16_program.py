"""Issue 16, program points: program files, bounds, scale, determinism, honesty.

Each test reproduces one point of the issue (6-11, 13) and failed before its fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rmatch
from rmatch.rules import NoReportingLine

# ------------------------------------------------- 7. huge no_reporting_line levels


def _chain(n: int) -> pd.DataFrame:
    """``n`` people, each managed by the previous one; roles alternate."""
    ids = [f"P{i:05d}" for i in range(n)]
    return pd.DataFrame(
        {
            "id": ids,
            "role": ["mentor" if i % 2 else "mentee" for i in range(n)],
            "manager_id": ["", *ids[:-1]],
            "skills_offered": "genai:5",
            "skills_wanted": "genai:3",
        }
    )


def test_point_7_huge_levels_are_clipped_to_the_chart():
    people = rmatch.read_people(_chain(3000))
    program = rmatch.Program(
        criteria=[rmatch.Skills()], rules=[NoReportingLine(levels=1_000_000_000)]
    )
    cs = program.candidates(people)
    # everyone is in everyone's reporting line: no pair is allowed
    assert cs.graph.n_edges == 0


def test_point_7_levels_past_the_depth_equal_the_depth():
    frame = _chain(40)
    frame.loc[20, "manager_id"] = ""  # two chains of 20
    people = rmatch.read_people(frame)

    def edges(levels: int) -> set[tuple[int, int]]:
        program = rmatch.Program(
            criteria=[rmatch.Skills()], rules=[NoReportingLine(levels=levels)]
        )
        g = program.candidates(people).graph
        return set(zip(g.left.tolist(), g.right.tolist(), strict=True))

    assert edges(19) == edges(10**12)
    assert edges(3) != edges(19)
    # the reference: pairs whose distance in the chain is more than 19 (other chain)
    assert len(edges(19)) == 2 * 10 * 10


# ------------------------------------------------- 13. two-way skills, empty answers


def _skills_scores(rows: list[dict[str, str]]) -> dict[str, float]:
    """Score of junior mentor J with each senior mentee, both ways, both paths."""
    people = rmatch.read_people(
        [
            {
                "id": "J",
                "role": "mentor",
                "skills_offered": "genai:5",
                "skills_wanted": "strategy:4",
            },
            *rows,
        ]
    )
    crit = rmatch.Skills(forward=1, backward=1)
    block = rmatch.scoring.Block(people, np.array([0]), np.arange(1, len(people)))
    exact = crit.score(block)[0]
    program = rmatch.Program(criteria=[crit], rules=[], mentor_capacity=len(rows))
    cs = program.candidates(people)
    kernel = dict(zip(cs.graph.right.tolist(), cs.graph.weight.tolist(), strict=True))
    for j in range(len(rows)):  # the float32 kernel agrees with score()
        assert kernel.get(j, 0.0) == pytest.approx(exact[j], abs=1e-6)
    return {r["id"]: float(v) for r, v in zip(rows, exact, strict=True)}


def test_point_13_offering_nothing_never_ties_offering_what_is_wanted():
    scores = _skills_scores(
        [
            {
                "id": "S_strategy",
                "role": "mentee",
                "skills_wanted": "genai:3",
                "skills_offered": "strategy:5",
            },
            {"id": "S_nothing", "role": "mentee", "skills_wanted": "genai:3"},
            {
                "id": "S_golf",
                "role": "mentee",
                "skills_wanted": "genai:3",
                "skills_offered": "golf:5",
            },
        ]
    )
    assert scores["S_strategy"] == pytest.approx(1.0)
    # J wants strategy: a senior who offers nothing covers none of it (0 that way)
    assert scores["S_nothing"] == pytest.approx(0.5)
    assert scores["S_golf"] == pytest.approx(0.5)
    assert scores["S_nothing"] < scores["S_strategy"]


def test_point_13_a_learner_who_wants_nothing_leaves_the_direction_out():
    people = rmatch.read_people(
        [
            {"id": "J", "role": "mentor", "skills_offered": "genai:5"},
            {"id": "S", "role": "mentee", "skills_wanted": "genai:3"},
        ]
    )
    block = rmatch.scoring.Block(people, np.array([0]), np.array([1]))
    # J wants nothing: only the forward direction (J teaches S) has data
    assert rmatch.Skills(forward=1, backward=1).score(block)[0, 0] == 1.0
    # nobody wants anything the other way round: no data at all
    assert np.isnan(rmatch.Skills(forward=0, backward=1).score(block)[0, 0])

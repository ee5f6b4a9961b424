"""Issue 16, program points: program files, bounds, scale, determinism, honesty.

Each test reproduces one point of the issue (6-11, 13) and failed before its fix.
"""

from __future__ import annotations

import pandas as pd

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

"""Rounds planned jointly: no repeats, capacities every round, the ILP's optimum.

The split of a b-matching with degrees ``<= n × capacity`` into ``n`` rounds is
checked on random graphs (it must always exist), and :func:`rmatch.plan_rounds` on
random organizations against an ILP of "choose pairs x_e in {0, 1}, per person at
most ``n × capacity``, two people at most one pair" and against round-by-round
planning.
"""

from __future__ import annotations

import numpy as np
import pulp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rmatch
from rmatch.rounds import reverse_pairs, split_rounds
from rmatch.solvers import CandidateGraph

from .strategies import organizations
from .strategies_graph import graphs

# random organizations often have no data to score: Program.match then warns that
# every pair scores 0 (issue 16, point 11), which is not what these tests are about
pytestmark = pytest.mark.filterwarnings("ignore:every candidate pair scores 0")

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _chosen(graph: CandidateGraph, n: int, order: list[int]) -> np.ndarray:
    """Edges taken in ``order`` while every degree stays within ``n × capacity``."""
    load_l = np.zeros(graph.n_left, dtype=np.int64)
    load_r = np.zeros(graph.n_right, dtype=np.int64)
    out = []
    for e in order:
        u, v = int(graph.left[e]), int(graph.right[e])
        if load_l[u] < n * graph.left_capacity[u] and (
            load_r[v] < n * graph.right_capacity[v]
        ):
            load_l[u] += 1
            load_r[v] += 1
            out.append(e)
    return np.asarray(out, dtype=np.int64)


@SETTINGS
@given(graph=graphs(max_side=8), n=st.integers(1, 5), data=st.data())
def test_a_b_matching_within_n_times_capacity_always_splits(graph, n, data):
    order = data.draw(st.permutations(range(graph.n_edges)))
    edges = _chosen(graph, n, list(order))
    left, right = graph.left[edges], graph.right[edges]
    rounds = split_rounds(left, right, graph.left_capacity, graph.right_capacity, n)
    assert len(rounds) == n
    together = np.sort(np.concatenate(rounds))
    assert together.tolist() == list(range(edges.size))  # each pair exactly once
    for r in rounds:
        assert np.all(
            np.bincount(left[r], minlength=graph.n_left) <= graph.left_capacity
        )
        assert np.all(
            np.bincount(right[r], minlength=graph.n_right) <= graph.right_capacity
        )
    sizes = [r.size for r in rounds]
    assert max(sizes) - min(sizes) <= 1


def _ilp_optimum(cs, n: int) -> float:
    g = cs.graph
    prob = pulp.LpProblem("rounds", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{e}", cat="Binary") for e in range(g.n_edges)]
    prob += pulp.lpSum(float(g.weight[e]) * x[e] for e in range(g.n_edges))
    for side, caps in ((g.left, g.left_capacity), (g.right, g.right_capacity)):
        for node, cap in enumerate(caps.tolist()):
            edges = np.flatnonzero(side == node).tolist()
            if edges:
                prob += pulp.lpSum(x[e] for e in edges) <= n * cap
    for e, f in reverse_pairs(cs).tolist():
        prob += x[e] + x[f] <= 1
    prob.solve(pulp.HiGHS(msg=False, threads=1))  # as rmatch: HiGHS keeps one pool
    return float(pulp.value(prob.objective) or 0.0)


@SETTINGS
@given(records=organizations(max_mentors=6, max_mentees=6), n=st.integers(1, 4))
def test_joint_plan_is_the_ilp_optimum_and_beats_round_by_round(records, n):
    people = rmatch.read_people(records)
    # no seniority rule: people with the role "both" may mentor each other
    program = rmatch.Program(rules=[rmatch.NoReportingLine(1)], mentor_capacity=2)
    plan = rmatch.plan_rounds(program, people, n)
    cs = plan.rounds[0].candidates
    g = cs.graph
    assert len(plan.rounds) == n
    seen: set[frozenset[str]] = set()
    for r in plan.rounds:
        e = np.asarray(r.solution.edges)
        assert np.all(np.bincount(g.left[e], minlength=g.n_left) <= g.left_capacity)
        assert np.all(np.bincount(g.right[e], minlength=g.n_right) <= g.right_capacity)
        for a, b in zip(r.pairs.mentor_id, r.pairs.mentee_id, strict=True):
            pair = frozenset((a, b))
            assert pair not in seen, f"pair {a}-{b} repeated"
            seen.add(pair)
    allowed = set(
        zip(
            people.ids[cs.mentors[g.left]].tolist(),
            people.ids[cs.mentees[g.right]].tolist(),
            strict=True,
        )
    )
    assert set(map(tuple, plan.pairs[["mentor_id", "mentee_id"]].values)) <= allowed
    assert plan.total_score >= plan.sequential_total - 1e-6
    assert plan.total_score == pytest.approx(_ilp_optimum(cs, n), abs=1e-6)

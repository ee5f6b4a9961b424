"""OR-Tools' min-cost flow on a priced core of edges (``rmatch.solvers._flowcore``).

Large graphs with capacities on both sides are solved on every person's best edges;
integer duals read off the flow price the other edges in. The answer must be the
whole graph's optimum, with an honest weak-duality bound, and the whole graph must
be solved when pricing does not settle.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmatch.solvers import CandidateGraph, _flowcore, _pricing, flow, solve, verify
from tests.property.strategies_graph import graphs

pytest.importorskip(
    "ortools.graph.python.min_cost_flow", reason="the core path runs OR-Tools"
)

TOL = 1e-9


def crowded(n: int, seed: int, cap: int = 3) -> CandidateGraph:
    """Everyone likes the same few mentors best: the first core is not enough."""
    rng = np.random.default_rng(seed)
    w = rng.integers(0, 8, (n, n)) / 28.0
    w[: max(1, n // 10)] += 0.7  # a few popular mentors, best for everyone
    w = np.minimum(w, 1.0)
    allowed = rng.random((n, n)) < 0.5
    return CandidateGraph.from_dense(w, allowed, left_capacity=cap, right_capacity=cap)


def whole(graph: CandidateGraph, monkeypatch: pytest.MonkeyPatch) -> float:
    with monkeypatch.context() as m:
        m.setattr(_flowcore, "MIN_EDGES", graph.n_edges + 1)
        sol = solve(graph, "flow:ortools")
    assert "pricing_rounds" not in sol.stats
    return sol.total_score


def best_q(graph: CandidateGraph, q: np.ndarray) -> int:
    """The optimum of ``q`` over the b-matchings of the whole graph."""
    return int(q[flow._min_cost_flow(graph, q, None)].sum())


@pytest.mark.parametrize(("core_k", "seed"), [(0, 0), (1, 1), (2, 3)])
def test_core_flow_equals_the_whole_flow(
    core_k: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = crowded(60, seed=seed)
    ref = whole(g, monkeypatch)
    monkeypatch.setattr(_flowcore, "MIN_EDGES", 0)
    monkeypatch.setattr(_flowcore, "CORE_K", core_k)
    sol = solve(g, "flow:ortools")
    assert sol.stats["pricing_rounds"] >= 2  # the first core was not enough
    assert sol.stats["core_edges"] < g.n_edges
    assert sol.status == "optimal" and verify(g, sol.edges) == []
    assert sol.stats["certified_gap"] <= TOL * sol.total_score
    assert abs(sol.total_score - ref) <= TOL * g.n_edges


def test_pricing_that_does_not_settle_solves_the_whole_graph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    g = crowded(40, seed=7)
    ref = whole(g, monkeypatch)
    monkeypatch.setattr(_flowcore, "MIN_EDGES", 0)
    monkeypatch.setattr(_flowcore, "CORE_K", 0)
    monkeypatch.setattr(_flowcore, "MAX_ROUNDS", 1)
    sol = solve(g, "flow:ortools")
    assert "pricing_rounds" not in sol.stats  # the whole graph answered
    assert abs(sol.total_score - ref) <= TOL * g.n_edges


def test_an_unproven_core_answer_solves_the_whole_graph(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a core answer whose duals leave a slack is not trusted
    g = crowded(40, seed=8)
    ref = whole(g, monkeypatch)
    monkeypatch.setattr(_flowcore, "MIN_EDGES", 0)
    monkeypatch.setattr(_flowcore, "slack", lambda *args: 1.0)
    sol = solve(g, "flow:ortools")
    assert "pricing_rounds" not in sol.stats
    assert abs(sol.total_score - ref) <= TOL * g.n_edges


def test_core_pairs_equal_the_whole_graphs_pairs_with_ties(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Scores on a 1/28 grid tie a lot; a core that stopped within a tolerance
    (review of the first version) picked other pairs than the whole graph."""
    for seed in range(6):
        g = crowded(60, seed=seed)
        g = replace(g, weight=np.round(g.weight * 28) / 28)
        with monkeypatch.context() as m:
            m.setattr(_flowcore, "MIN_EDGES", g.n_edges + 1)
            ref = solve(g, "flow:ortools")
        with monkeypatch.context() as m:
            m.setattr(_flowcore, "MIN_EDGES", 0)
            sol = solve(g, "flow:ortools")
        assert "pricing_rounds" in sol.stats
        assert sorted(sol.edges.tolist()) == sorted(ref.edges.tolist()), seed


def test_graphs_the_core_does_not_handle(monkeypatch: pytest.MonkeyPatch) -> None:
    g = crowded(10, seed=1)
    ones_l = np.ones(g.n_left, dtype=np.int64)
    ones_r = np.ones(g.n_right, dtype=np.int64)
    monkeypatch.setattr(_flowcore, "MIN_EDGES", 0)
    assert _flowcore.core_worthwhile(g)
    assert not _flowcore.core_worthwhile(replace(g, left_min=ones_l))  # lower bounds
    assert not _flowcore.core_worthwhile(replace(g, right_capacity=ones_r))
    monkeypatch.setattr(_flowcore, "MIN_EDGES", g.n_edges + 1)  # small: whole
    assert not _flowcore.core_worthwhile(g)


def test_a_core_of_most_edges_is_not_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    g = crowded(20, seed=2, cap=8)  # 16 best edges each: nearly every edge
    q = np.arange(1, g.n_edges + 1)
    assert _flowcore.core_flow(g, q, flow._free_flow) is None
    monkeypatch.setattr(_flowcore, "MAX_CORE_SHARE", 1.0)
    assert _flowcore.core_flow(g, q, flow._free_flow) is not None


@pytest.mark.parametrize("seed", [0, 4])
@pytest.mark.parametrize("coarse_bits", [3, 14, 62])
def test_the_bound_is_valid_and_tight(
    seed: int, coarse_bits: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = crowded(50, seed=seed)
    rng = np.random.default_rng(seed)
    q = rng.integers(1, 2**40, g.n_edges)
    monkeypatch.setattr(_flowcore, "COARSE_BITS", coarse_bits)
    found = _flowcore.core_flow(g, q, flow._free_flow)
    assert found is not None
    edges, bound, _ = found
    opt = best_q(g, q)
    assert verify(g, edges) == []
    assert int(q[edges].sum()) == opt  # proved by the duals: the exact optimum
    assert bound == opt


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    graphs(max_side=8),
    st.integers(0, 2),
    st.integers(1, 3),
    st.integers(1, 20),
)
def test_core_total_equals_ilp(
    graph: CandidateGraph, core_k: int, add: int, coarse_bits: int
) -> None:
    ref = solve(graph, "ilp").total_score
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_flowcore, "MIN_EDGES", 0)
        m.setattr(_flowcore, "MAX_CORE_SHARE", 1.0)
        m.setattr(_flowcore, "CORE_K", core_k)
        m.setattr(_flowcore, "ADD_PER_NODE", add)
        m.setattr(_flowcore, "COARSE_BITS", coarse_bits)
        sol = solve(graph, "flow:ortools")
    assert verify(graph, sol.edges) == []
    assert sol.status == "optimal"
    assert abs(sol.total_score - ref) <= TOL * max(graph.n_edges, 1)


@settings(max_examples=60, deadline=None)
@given(graphs(max_side=7), st.integers(0, 2**30))
def test_core_flow_on_small_graphs_is_certified(
    graph: CandidateGraph, seed: int
) -> None:
    q = np.random.default_rng(seed).integers(0, 2**20, graph.n_edges)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_flowcore, "MAX_CORE_SHARE", 1.0)
        found = _flowcore.core_flow(graph, q, flow._free_flow)
    if found is None:  # did not settle: the caller solves the whole graph
        return
    edges, bound, _ = found
    opt = best_q(graph, q)
    assert verify(graph, edges) == []
    assert int(q[edges].sum()) == opt == bound


def test_matching_duals_converge_on_an_optimum() -> None:
    g = crowded(30, seed=2)
    q = np.random.default_rng(2).integers(1, 1000, g.n_edges)
    edges = flow._min_cost_flow(g, q, None)
    y, z, done = _pricing.matching_duals(g, q.astype(np.float64), edges)
    assert done
    reduced = q - y[g.left] - z[g.right]
    assert _flowcore.slack(g, edges, y, z, reduced) == 0.0  # integer labels: exact
    assert np.all(y >= 0) and np.all(z >= 0)
    chosen = np.zeros(g.n_edges, dtype=bool)
    chosen[edges] = True
    assert np.all(reduced[~chosen] <= 0)  # complementary slackness


def test_a_large_two_sided_graph_takes_the_core_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    g = crowded(220, seed=11)  # about 24,000 edges: above MIN_EDGES, no patching
    assert g.n_edges >= _flowcore.MIN_EDGES
    sol = solve(g)  # auto: OR-Tools' flow
    assert sol.method == "flow(ortools)" and sol.stats["pricing_rounds"] >= 2
    assert sol.stats["core_edges"] < g.n_edges / 2
    assert sol.status == "optimal" and verify(g, sol.edges) == []
    assert abs(sol.total_score - whole(g, monkeypatch)) <= TOL * g.n_edges

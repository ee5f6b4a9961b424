"""The flow LP on a core of edges, priced against all (``rmatch.solvers._pricing``).

Large graphs are solved on every person's best edges first; the LP duals price the
other edges in until none improves. The answer must be the whole LP's optimum, with
a weak-duality bound, and never worse when pricing gives up.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmatch.solvers import CandidateGraph, _pricing, solve, verify
from tests.property.strategies_graph import graphs

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
        m.setattr(_pricing, "PRICE_MIN_EDGES", graph.n_edges + 1)
        sol = solve(graph, "flow:highs-lp")
    assert "pricing_rounds" not in sol.stats
    return sol.total_score


@pytest.mark.parametrize(("core_k", "seed"), [(0, 0), (1, 1), (2, 3)])
def test_priced_lp_equals_the_whole_lp(
    core_k: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = crowded(60, seed=seed)
    ref = whole(g, monkeypatch)
    monkeypatch.setattr(_pricing, "PRICE_MIN_EDGES", 0)
    monkeypatch.setattr(_pricing, "CORE_K", core_k)
    sol = solve(g, "flow:highs-lp")
    assert sol.stats["pricing_rounds"] >= 2  # the first core was not enough
    assert sol.stats["core_edges"] < g.n_edges
    assert sol.status == "optimal" and verify(g, sol.edges) == []
    assert abs(sol.total_score - ref) <= TOL * g.n_edges


def test_pricing_that_does_not_settle_falls_back_to_the_whole_lp(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    g = crowded(40, seed=7)
    ref = whole(g, monkeypatch)
    monkeypatch.setattr(_pricing, "PRICE_MIN_EDGES", 0)
    monkeypatch.setattr(_pricing, "CORE_K", 0)
    monkeypatch.setattr(_pricing, "MAX_ROUNDS", 1)
    sol = solve(g, "flow:highs-lp")
    assert "pricing_rounds" not in sol.stats  # the whole LP answered
    assert abs(sol.total_score - ref) <= TOL * g.n_edges


def test_lower_bounds_skip_pricing(monkeypatch: pytest.MonkeyPatch) -> None:
    g = crowded(30, seed=3)
    g = replace(g, left_min=np.ones(g.n_left, dtype=np.int64))
    monkeypatch.setattr(_pricing, "PRICE_MIN_EDGES", 0)
    sol = solve(g, "flow:highs-lp")
    assert "pricing_rounds" not in sol.stats
    assert verify(g, sol.edges) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(graphs(max_side=8), st.integers(0, 2), st.integers(1, 3))
def test_priced_total_equals_ilp(graph: CandidateGraph, core_k: int, add: int) -> None:
    ref = solve(graph, "ilp").total_score
    with pytest.MonkeyPatch.context() as m:
        m.setattr(_pricing, "PRICE_MIN_EDGES", 0)
        m.setattr(_pricing, "CORE_K", core_k)
        m.setattr(_pricing, "ADD_PER_NODE", add)
        sol = solve(graph, "flow:highs-lp")
    assert verify(graph, sol.edges) == []
    assert sol.status == "optimal"
    assert abs(sol.total_score - ref) <= TOL * max(graph.n_edges, 1)


def test_label_bound_is_tight_on_the_optimum_and_valid_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rmatch.solvers.greedy import greedy_edges

    g = crowded(40, seed=5)
    with monkeypatch.context() as m:
        m.setattr(_pricing, "PRICE_MIN_EDGES", g.n_edges + 1)
        best = solve(g, "flow:highs-lp")
    w = g.weight
    tight = _pricing.label_bound(g, w, best.edges)
    assert tight == pytest.approx(best.total_score, abs=TOL * g.n_edges)
    for edges in (greedy_edges(g), np.zeros(0, dtype=np.int64)):
        assert _pricing.label_bound(g, w, edges) >= best.total_score - TOL
    # negative values: the bound still holds (the optimum leaves them out)
    every = np.arange(g.n_edges)
    assert _pricing.label_bound(g, w - 0.5, every) >= 0.0


def test_a_stalled_pricing_is_proven_by_the_label_duals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    g = crowded(60, seed=2)  # its second round leaves the optimum where it was
    ref = whole(g, monkeypatch)
    calls: list[float] = []
    real = _pricing.label_bound

    def spy(*args: Any) -> float:
        calls.append(real(*args))
        return calls[-1]

    monkeypatch.setattr(_pricing, "label_bound", spy)
    monkeypatch.setattr(_pricing, "PRICE_MIN_EDGES", 0)
    monkeypatch.setattr(_pricing, "STALLED_ROUNDS", 1)
    sol = solve(g, "flow:highs-lp")
    assert len(calls) == 1 and "pricing_rounds" in sol.stats  # proven, not whole
    assert sol.status == "optimal" and verify(g, sol.edges) == []
    assert abs(sol.total_score - ref) <= TOL * g.n_edges

"""Invariants of the solver layer on random small graphs (hypothesis)."""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmatch.errors import InfeasibleError
from rmatch.solvers import (
    CandidateGraph,
    InfeasibleGraphError,
    blocking_pairs,
    solve,
    verify,
)
from rmatch.solvers.assignment import not_supported as assignment_unsupported
from rmatch.solvers.flow import ortools_available
from tests.property.strategies_graph import brute_force, graphs

#: Scale the number of examples, e.g. RMATCH_HYPOTHESIS_SCALE=10 for a long soak.
SCALE = float(os.environ.get("RMATCH_HYPOTHESIS_SCALE", "1"))
BASE = settings.default.max_examples  # from the hypothesis profile (conftest)
FAST = settings(
    max_examples=max(10, int(BASE * 1.5 * SCALE)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
MORE = settings(
    max_examples=max(10, int(BASE * 2.5 * SCALE)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TOL = 1e-9

FLOW_BACKENDS = ["flow:highs-lp", "flow:networkx"] + (
    ["flow:ortools"] if ortools_available() else []
)


def exact_methods(graph: CandidateGraph) -> list[str]:
    """Every exact method that handles ``graph``."""
    methods = ["ilp"]
    if not graph.side_constraints:
        methods += FLOW_BACKENDS
        if assignment_unsupported(graph) is None:
            methods += ["assignment:dense", "assignment:sparse"]
    return methods


def close(a: float, b: float, n: int) -> bool:
    return abs(a - b) <= TOL * max(n, 1)


@FAST
@given(graphs())
def test_exact_methods_agree_on_total(graph: CandidateGraph) -> None:
    totals = {}
    for m in exact_methods(graph):
        sol = solve(graph, m)
        assert sol.status == "optimal"
        assert verify(graph, sol.edges) == []
        assert sol.bound == sol.objective
        totals[m] = sol.total_score
    ref = totals["ilp"]
    assert all(close(t, ref, graph.n_edges) for t in totals.values()), totals


@FAST
@given(graphs(unit_right=True))
def test_assignment_variants_agree_with_flow(graph: CandidateGraph) -> None:
    a = solve(graph, "assignment:dense")
    b = solve(graph, "assignment:sparse")
    c = solve(graph, "flow:highs-lp")
    assert close(a.total_score, c.total_score, graph.n_edges)
    assert close(b.total_score, c.total_score, graph.n_edges)


@MORE
@given(graphs(max_edges=10, lower_bounds=True, required=True), st.data())
def test_tiny_equals_brute_force(graph: CandidateGraph, data: st.DataObject) -> None:
    ref = brute_force(graph)
    methods = exact_methods(graph)
    method = data.draw(st.sampled_from(methods))
    for objective in ("total", "coverage", "fairness"):
        if not ref.feasible:
            with pytest.raises(InfeasibleError) as info:
                solve(graph, method, objective)
            assert info.value.reasons
            continue
        sol = solve(graph, method, objective)
        assert verify(graph, sol.edges) == []
        assert sol.status == "optimal"
        n = graph.n_edges
        if objective == "total":
            assert ref.total is not None
            assert close(sol.total_score, ref.total, n)
        elif objective == "coverage":
            assert ref.coverage is not None
            assert sol.n_pairs == ref.coverage[0] == sol.objective
            assert close(sol.total_score, ref.coverage[1], n)
        else:
            assert ref.fairness is not None
            assert sol.n_pairs == ref.fairness[0]
            assert close(sol.objective, ref.fairness[1], n)
            assert close(sol.total_score, ref.fairness[2], n)


@MORE
@given(graphs(max_edges=10, side_constraints=2, required=True), st.data())
def test_ilp_with_side_constraints_equals_brute_force(
    graph: CandidateGraph, data: st.DataObject
) -> None:
    ref = brute_force(graph)
    objective = data.draw(st.sampled_from(["total", "coverage", "fairness"]))
    if not ref.feasible:
        with pytest.raises(InfeasibleError) as info:
            solve(graph, "ilp", objective)
        assert info.value.reasons
        return
    sol = solve(graph, "ilp", objective)
    assert verify(graph, sol.edges) == []
    for c in graph.side_constraints:  # explicit, on top of verify
        lhs = float(np.sum(c.coef[sol.edges]))
        assert {"<=": lhs <= c.rhs + 1e-9, ">=": lhs >= c.rhs - 1e-9}.get(
            c.sense, abs(lhs - c.rhs) <= 1e-9
        )
    if objective == "total":
        assert ref.total is not None
        assert close(sol.total_score, ref.total, graph.n_edges)
    elif objective == "coverage":
        assert ref.coverage is not None
        assert sol.n_pairs == ref.coverage[0]
    else:
        assert ref.fairness is not None
        assert close(sol.objective, ref.fairness[1], graph.n_edges)


@FAST
@given(graphs(max_edges=10, side_constraints=1))
def test_lagrangian_is_feasible_and_bounded(graph: CandidateGraph) -> None:
    if len(graph.side_constraints) != 1 or graph.side_constraints[0].sense == "==":
        return
    ref = brute_force(graph)
    if not ref.feasible:
        with pytest.raises(InfeasibleError):
            solve(graph, "lagrangian")
        return
    sol = solve(graph, "lagrangian")
    assert ref.total is not None
    assert verify(graph, sol.edges) == []
    assert sol.total_score <= ref.total + TOL
    assert sol.bound is not None
    assert sol.bound >= ref.total - 1e-7
    if sol.status == "optimal":
        assert close(sol.total_score, ref.total, graph.n_edges)


@FAST
@given(graphs())
def test_greedy_never_beats_optimum(graph: CandidateGraph) -> None:
    g = solve(graph, "greedy")
    opt = solve(graph, "flow")
    assert verify(graph, g.edges) == []
    assert g.status == "feasible"
    assert g.bound is None
    assert g.total_score <= opt.total_score + TOL * max(graph.n_edges, 1)


@FAST
@given(graphs())
def test_stable_has_no_blocking_pairs(graph: CandidateGraph) -> None:
    sol = solve(graph, "stable")
    assert verify(graph, sol.edges) == []
    assert blocking_pairs(graph, sol.edges).size == 0


@FAST
@given(graphs())
def test_blocking_pairs_found_in_empty_matching(graph: CandidateGraph) -> None:
    # every usable edge blocks the empty matching
    usable = (graph.left_capacity[graph.left] > 0) & (
        graph.right_capacity[graph.right] > 0
    )
    assert blocking_pairs(graph, []).tolist() == np.flatnonzero(usable).tolist()


@FAST
@given(graphs(lower_bounds=True, required=True), st.randoms(use_true_random=False))
def test_shuffling_edges_keeps_the_optimum(graph: CandidateGraph, rnd: object) -> None:
    perm = np.arange(graph.n_edges)
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    shuffled = replace(
        graph,
        left=graph.left[perm],
        right=graph.right[perm],
        weight=graph.weight[perm],
        required=None if graph.required is None else graph.required[perm],
    )
    for objective in ("total", "fairness"):
        try:
            a = solve(graph, "auto", objective)
        except InfeasibleError:
            with pytest.raises(InfeasibleError):
                solve(shuffled, "auto", objective)
            return
        b = solve(shuffled, "auto", objective)
        assert close(a.objective, b.objective, graph.n_edges)
        assert close(a.total_score, b.total_score, graph.n_edges)


@MORE
@given(
    graphs(lower_bounds=True, required=True, side_constraints=2),
    st.sampled_from(["total", "coverage", "fairness"]),
)
def test_auto_returns_or_explains(graph: CandidateGraph, objective: str) -> None:
    error: InfeasibleGraphError | None = None
    try:
        sol = solve(graph, "auto", objective)
    except InfeasibleGraphError as err:  # any other exception fails the test
        error = err
    if error is not None:
        assert error.reasons
        assert len(error.details) == len(error.reasons)
        assert all(isinstance(r, str) and r for r in error.reasons)
        return
    assert verify(graph, sol.edges) == []
    assert sol.status in ("optimal", "feasible")


@FAST
@given(graphs())
def test_deterministic(graph: CandidateGraph) -> None:
    a = solve(graph, "auto", "total", seed=3)
    b = solve(graph, "auto", "total", seed=3)
    assert a.edges.tolist() == b.edges.tolist()

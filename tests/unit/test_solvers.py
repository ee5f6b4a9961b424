"""Hand-made examples for the solver layer (graph, verify, methods, objectives)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from rmatch.errors import ConfigError, InfeasibleError, SolverError
from rmatch.solvers import (
    CandidateGraph,
    LinearConstraint,
    Solution,
    blocking_pairs,
    choose_method,
    solve,
    verify,
)
from rmatch.solvers.flow import ortools_available

NAN = np.nan
EXACT = [
    "assignment:dense",
    "assignment:sparse",
    "flow:highs-lp",
    "flow:networkx",
    "ilp",
]
if ortools_available():
    EXACT.append("flow:ortools")
FLOWS = ["flow:highs-lp", "flow:networkx", "ilp"] + (
    ["flow:ortools"] if ortools_available() else []
)


def graph(
    w: list[list[float]], lcap: Any = 1, rcap: Any = 1, **kw: Any
) -> CandidateGraph:
    """Dense helper: NaN = forbidden pair."""
    return CandidateGraph.from_dense(
        np.array(w, dtype=float), left_capacity=lcap, right_capacity=rcap, **kw
    )


def pairs(g: CandidateGraph, sol: Solution) -> list[tuple[int, int]]:
    return [(int(g.left[e]), int(g.right[e])) for e in sol.edges]


# ----------------------------------------------------------------------- graph
class TestGraph:
    def test_from_dense_skips_nan_and_masked(self) -> None:
        g = graph([[0.5, NAN], [0.1, 0.2]], allowed=[[True, True], [False, True]])
        assert list(zip(g.left.tolist(), g.right.tolist(), strict=True)) == [
            (0, 0),
            (1, 1),
        ]
        assert g.n_edges == 2
        g.check()

    def test_arrays_are_read_only(self) -> None:
        g = graph([[0.5]])
        with pytest.raises(ValueError, match="read-only"):
            g.weight[0] = 1.0

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"weight": np.array([0.5, 1.5])}, "weights must be in"),
            ({"weight": np.array([0.5, np.nan])}, "finite"),
            ({"left": np.array([0, 5])}, "left node positions"),
            ({"right": np.array([0])}, "right must have shape"),
            ({"right": np.array([0, 0]), "left": np.array([0, 0])}, "duplicate edge"),
            ({"left_capacity": np.array([-1])}, "left_capacity must be >= 0"),
            ({"right_capacity": np.array([1, 1, 1])}, "right_capacity must have shape"),
            ({"left_min": np.array([-1])}, "left_min must be >= 0"),
            ({"required": np.array([True])}, "required must have shape"),
            (
                {"side_constraints": (LinearConstraint("q", np.ones(3), ">=", 1),)},
                "coef must have shape",
            ),
            (
                {
                    "side_constraints": (
                        LinearConstraint("q", np.array([1.0, np.inf]), ">=", 1),
                    )
                },
                "finite",
            ),
        ],
    )
    def test_check_rejects(self, change: dict[str, object], message: str) -> None:
        g = replace(graph([[0.5, 0.7]]), **change)  # 1 mentor, 2 mentees
        with pytest.raises(ConfigError, match=message):
            g.check()

    def test_non_integral_capacity_rejected(self) -> None:
        with pytest.raises(ConfigError, match="whole numbers"):
            graph([[0.5]], lcap=np.array([1.5]))

    def test_bad_sense_rejected(self) -> None:
        with pytest.raises(ConfigError, match="sense"):
            LinearConstraint("q", np.ones(1), "<", 0.0)  # type: ignore[arg-type]

    def test_subgraph_keeps_constraints_aligned(self) -> None:
        c = LinearConstraint("q", np.array([1.0, 2.0, 3.0]), "<=", 5)
        g = graph([[0.1, 0.2, 0.3]], rcap=1, side_constraints=(c,))
        sub = g.subgraph([True, False, True])
        assert sub.weight.tolist() == [0.1, 0.3]
        assert sub.side_constraints[0].coef.tolist() == [1.0, 3.0]


# ---------------------------------------------------------------------- verify
class TestVerify:
    def setup_method(self) -> None:
        # 2 mentors (cap 1, mentor 1 must take >= 1), 2 mentees (cap 1)
        # edges: 0=(0,0) 1=(0,1) 2=(1,0) 3=(1,1); edge 3 required
        self.g = graph(
            [[0.9, 0.8], [0.7, 0.6]],
            left_min=np.array([0, 1]),
            required=np.array([False, False, False, True]),
            side_constraints=(
                LinearConstraint(
                    "at most one with mentee 0", np.array([1.0, 0, 1.0, 0]), "<=", 0.5
                ),
                LinearConstraint("edge 0 exactly", np.array([1.0, 0, 0, 0]), "==", 1),
                LinearConstraint("some mentee 1", np.array([0, 1.0, 0, 1.0]), ">=", 1),
            ),
        )

    def test_valid(self) -> None:
        # edge 0 breaks "at most 0.5 with mentee 0" -> relax that one to check the rest
        g = replace(self.g, side_constraints=self.g.side_constraints[1:])
        assert verify(g, [0, 3]) == []

    def test_each_violation_is_reported(self) -> None:
        out = verify(self.g, [0, 1, 1, 2, 9])
        text = "\n".join(out)
        assert "outside [0, 4)" in text  # index 9 is not a candidate pair
        assert "edge 1 is chosen 2 times" in text
        assert "mentor 0 has 3 pairs but capacity 1" in text
        assert "mentee 1 has 2 pairs but capacity 1" in text
        assert "required pair (mentor 1, mentee 1) is not chosen" in text
        assert "'at most one with mentee 0' violated" in text

    def test_lower_bound_and_equality(self) -> None:
        out = verify(self.g, [1])
        assert any("mentor 1 has 0 pairs but must have at least 1" in s for s in out)
        assert any("'edge 0 exactly' violated" in s for s in out)
        assert not any("some mentee 1" in s for s in out)

    def test_greater_equal(self) -> None:
        out = verify(self.g, [0, 2])
        assert any("'some mentee 1' violated" in s for s in out)

    def test_float_indices_rejected(self) -> None:
        assert verify(self.g, np.array([0.0, 3.0])) != []


# ------------------------------------------------------------------ objectives
class TestObjectives:
    @pytest.mark.parametrize("method", EXACT)
    def test_greedy_trap(self, method: str) -> None:
        # greedy takes 1.0 then the 0.0 pair: 1.0; the optimum is 0.9 + 0.9 = 1.8
        g = graph([[1.0, 0.9], [0.9, 0.0]])
        sol = solve(g, method)
        assert pairs(g, sol) == [(0, 1), (1, 0)]
        assert sol.total_score == pytest.approx(1.8)
        assert sol.status == "optimal"
        assert sol.gap == 0.0
        assert sol.bound == sol.objective
        greedy = solve(g, "greedy")
        assert greedy.total_score == pytest.approx(1.0)
        assert greedy.bound is None
        assert greedy.status == "feasible"

    @pytest.mark.parametrize("method", EXACT)
    def test_total_prefers_more_pairs_among_equal_totals(self, method: str) -> None:
        # mentor 0 takes 2; mentee 1 only scores 0 with it: matching it costs nothing
        g = graph([[1.0, 0.0]], lcap=2)
        sol = solve(g, method)
        assert sol.total_score == 1.0
        assert sol.n_pairs == 2

    @pytest.mark.parametrize("method", EXACT)
    def test_coverage_trades_score_for_pairs(self, method: str) -> None:
        # total: (0,0) alone = 1.0; coverage: (0,1) + (1,0) = 0.6 with 2 pairs
        g = graph([[1.0, 0.3], [0.3, NAN]])
        assert pairs(g, solve(g, method, "total")) == [(0, 0)]
        cov = solve(g, method, "coverage")
        assert pairs(g, cov) == [(0, 1), (1, 0)]
        assert cov.objective == 2.0
        assert cov.total_score == pytest.approx(0.6)

    @pytest.mark.parametrize("method", EXACT)
    def test_fairness_maximizes_worst_pair(self, method: str) -> None:
        # total: 1.0 + 0.1 = 1.1 (worst 0.1); fairness: 0.4 + 0.4 (worst 0.4)
        g = graph([[1.0, 0.4], [0.4, 0.1]])
        assert solve(g, method, "total").total_score == pytest.approx(1.1)
        fair = solve(g, method, "fairness")
        assert pairs(g, fair) == [(0, 1), (1, 0)]
        assert fair.objective == pytest.approx(0.4)

    @pytest.mark.parametrize("method", EXACT)
    def test_fairness_then_total(self, method: str) -> None:
        # Both perfect matchings have worst pair 0.5; the total breaks the tie:
        # (0,0)+(1,1) = 0.5 + 0.9 beats (0,1)+(1,0) = 0.5 + 0.6
        g = graph([[0.5, 0.5], [0.6, 0.9]])
        fair = solve(g, method, "fairness")
        assert pairs(g, fair) == [(0, 0), (1, 1)]
        assert fair.objective == 0.5

    @pytest.mark.parametrize("method", EXACT)
    def test_required_pair_is_kept(self, method: str) -> None:
        # without the rule the optimum is (0,0)+(1,1) = 2.0; requiring (0,1) forces
        # (1,0) next to it: 0.1 + 0.1
        g = graph(
            [[1.0, 0.1], [0.1, 1.0]], required=np.array([False, True, False, False])
        )
        sol = solve(g, method)
        assert pairs(g, sol) == [(0, 1), (1, 0)]

    @pytest.mark.parametrize("method", FLOWS)
    def test_lower_bounds(self, method: str) -> None:
        # mentor 1 must take a mentee although mentor 0 scores higher with both:
        # (1,0)+(0,1) = 0.3 + 0.8 beats (0,0)+(1,1) = 0.9 + 0.1
        g = graph([[0.9, 0.8], [0.3, 0.1]], lcap=2, left_min=np.array([0, 1]))
        sol = solve(g, method)
        assert pairs(g, sol) == [(0, 1), (1, 0)]
        assert sol.total_score == pytest.approx(1.1)

    def test_capacities_on_both_sides(self) -> None:
        # 2 mentors x 3 mentees, mentors take 3, mentees want 2: a perfect 2-regular
        # choice has 6 pairs; every method agrees on the total
        rng = np.random.default_rng(5)
        g = graph(np.round(rng.random((2, 3)), 2).tolist(), lcap=3, rcap=2)
        totals = {m: solve(g, m).total_score for m in FLOWS}
        assert len({round(t, 9) for t in totals.values()}) == 1
        assert solve(g, "flow").n_pairs == 6

    def test_unknown_objective_and_method(self) -> None:
        g = graph([[0.5]])
        with pytest.raises(ConfigError, match="unknown objective"):
            solve(g, objective="best")
        with pytest.raises(ConfigError, match="unknown method"):
            solve(g, method="magic")
        with pytest.raises(ConfigError, match="unknown variant"):
            solve(g, method="flow:gurobi")


# ------------------------------------------------------------- assignment/flow
class TestAssignment:
    def test_sparse_handles_zero_weights(self) -> None:
        # all scores 0: every pair still counts (scipy's sparse matcher would drop
        # explicit zero costs; costs handed to it are strictly positive)
        g = graph([[0.0, 0.0, NAN], [0.0, NAN, 0.0], [NAN, 0.0, 0.0]])
        sol = solve(g, "assignment:sparse")
        assert sol.n_pairs == 3
        assert sol.total_score == 0.0

    def test_sparse_zero_weight_needed_for_optimum(self) -> None:
        # the only perfect matching uses the zero pair (1,1); total is 1.0 either way,
        # and with the zero pair there are two pairs
        g = graph([[1.0, NAN], [NAN, 0.0]])
        assert solve(g, "assignment:sparse").n_pairs == 2

    @pytest.mark.parametrize("variant", ["dense", "sparse"])
    def test_forbidden_pairs_never_chosen(self, variant: str) -> None:
        # mentee 1 has no candidate at all; 0 can only go to mentor 1
        g = graph([[NAN, NAN], [0.2, NAN], [NAN, NAN]], lcap=1)
        sol = solve(g, f"assignment:{variant}")
        assert pairs(g, sol) == [(1, 0)]

    @pytest.mark.parametrize("variant", ["dense", "sparse"])
    def test_slot_expansion_on_mentee_side(self, variant: str) -> None:
        # mentees want 2 mentors each; mentors take 1: mentee 0 gets both best
        g = graph([[0.9, 0.8], [0.7, 0.1], [0.2, 0.6]], lcap=1, rcap=2)
        sol = solve(g, f"assignment:{variant}")
        assert pairs(g, sol) == [(0, 0), (1, 0), (2, 1)]

    def test_not_applicable_names_alternative(self) -> None:
        g = graph([[0.5, 0.5], [0.5, 0.5]], lcap=2, rcap=2)
        with pytest.raises(ConfigError, match=r"both sides.*method='flow'"):
            solve(g, "assignment")
        with pytest.raises(ConfigError, match=r"lower bounds.*'flow'"):
            solve(graph([[0.5]], left_min=np.array([1])), "assignment")


class TestHeuristics:
    def test_stable_is_mentee_optimal(self) -> None:
        # mentor 0 takes one mentee and prefers mentee 1 (0.9 > 0.8)
        g = graph([[0.8, 0.9], [0.5, 0.1]])
        sol = solve(g, "stable")
        assert pairs(g, sol) == [(0, 1), (1, 0)]
        assert blocking_pairs(g, sol.edges).size == 0

    def test_blocking_pairs_of_the_optimum(self) -> None:
        # the optimum (0,1)+(1,0) of the greedy trap is blocked by (0,0):
        # mentor 0 and mentee 0 both prefer each other (1.0)
        g = graph([[1.0, 0.9], [0.9, 0.0]])
        opt = solve(g, "flow")
        assert blocking_pairs(g, opt.edges).tolist() == [0]

    def test_capacity_zero_never_blocks(self) -> None:
        g = graph([[1.0, 0.5]], lcap=0)
        assert blocking_pairs(g, []).size == 0

    @pytest.mark.parametrize("method", ["greedy", "stable"])
    def test_heuristics_refuse_rules(self, method: str) -> None:
        c = LinearConstraint("q", np.ones(1), "<=", 1)
        with pytest.raises(ConfigError, match=r"side constraints.*'ilp'"):
            solve(graph([[0.5]], side_constraints=(c,)), method)
        with pytest.raises(ConfigError, match="required pairs"):
            solve(graph([[0.5]], required=np.array([True])), method)


# ------------------------------------------------------------- pre-checks
class TestPrecheck:
    def test_min_above_candidates(self) -> None:
        # mentor 1 must take 2 mentees but only mentee 0 is a candidate
        g = graph([[0.5, 0.5], [0.5, NAN]], lcap=2, rcap=2, left_min=np.array([0, 2]))
        with pytest.raises(InfeasibleError) as info:
            solve(g)
        assert (
            "mentor 1 must take at least 2 mentees but has 1 candidate"
            in info.value.reasons
        )
        assert info.value.nodes == {"left": [1], "right": []}  # type: ignore[attr-defined]
        assert info.value.details[0]["kind"] == "min_over_candidates"  # type: ignore[attr-defined]

    def test_required_over_capacity(self) -> None:
        g = graph([[0.5], [0.5]], required=np.array([True, True]))
        with pytest.raises(InfeasibleError) as info:
            solve(g, "flow")
        assert info.value.reasons == [
            "required pairs exceed the capacity of mentee 0 (2 required, capacity 1)"
        ]

    def test_min_above_capacity_and_totals(self) -> None:
        g = graph([[0.5, 0.5]], lcap=1, left_min=np.array([3]))
        with pytest.raises(InfeasibleError) as info:
            solve(g)
        assert (
            "mentor 0 must take at least 3 mentees but its capacity is 1"
            in info.value.reasons
        )

    def test_total_minimum(self) -> None:
        # each mentor must take one, but the single mentee accepts one pair
        g = graph([[0.5], [0.5]], left_min=np.array([1, 1]))
        with pytest.raises(InfeasibleError) as info:
            solve(g)
        assert info.value.reasons == [
            "mentors must have at least 2 pairs in total "
            "but mentees can accept at most 1"
        ]

    def test_quota_out_of_reach(self) -> None:
        # 1 of 3 candidate pairs is cross-department; every mentee gets one mentor
        cross = np.array([1.0, 0.0, 0.0])
        c = LinearConstraint(
            "cross", cross - 0.5, ">=", 1.0, "at least 1 more cross pair than not"
        )
        g = graph([[0.5, 0.5, 0.5]], lcap=3, side_constraints=(c,))
        with pytest.raises(InfeasibleError) as info:
            solve(g)
        assert (
            "constraint 'cross (at least 1 more cross pair than not)' cannot hold"
            in (info.value.reasons[0])
        )


def test_solution_is_json_safe() -> None:
    g = graph([[1.0, 0.9], [0.9, 0.0]])
    for method in ("auto", "greedy", "stable", "ilp"):
        data = solve(g, method).to_dict()
        assert json.loads(json.dumps(data)) == data


def test_auto_choices() -> None:
    dense = graph(np.full((4, 4), 0.5).tolist())
    assert choose_method(dense)[0] == "assignment:dense"
    both = graph(np.full((4, 4), 0.5).tolist(), lcap=2, rcap=2)
    assert choose_method(both)[0].startswith("flow")
    c = LinearConstraint("q", np.ones(16), "<=", 3)
    assert choose_method(replace(dense, side_constraints=(c,)))[0] == "lagrangian:ilp"
    assert choose_method(replace(dense, side_constraints=(c, c)))[0] == "ilp"
    sol = solve(dense)
    assert sol.stats["auto"]["method"] == "assignment:dense"


def test_auto_takes_the_sparse_assignment_for_one_pair_per_person() -> None:
    # unit capacities on both sides, sparse: the assignment, OR-Tools or not
    diagonal = np.where(np.eye(5, dtype=bool), 0.5, NAN)  # 5 edges in 25 cells
    assert choose_method(graph(diagonal.tolist()))[0] == "assignment:sparse"
    sol = solve(graph(diagonal.tolist()))
    assert sol.method == "assignment(sparse)" and sol.n_pairs == 5
    # with slots (capacity 2) the min-cost flow stays when OR-Tools is there
    if ortools_available():
        assert choose_method(graph(diagonal.tolist(), lcap=2))[0] == "flow:ortools"


def test_verify_guard_raises_on_a_broken_backend(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rmatch.solvers import _common

    def broken(g: CandidateGraph) -> _common.Raw:
        return _common.Raw(np.arange(g.n_edges), "feasible", None, "broken")

    monkeypatch.setattr("rmatch.solvers.solve_greedy", broken)
    with pytest.raises(SolverError, match="breaks the rules"):
        solve(graph([[0.5, 0.5]]), "greedy")


def test_works_without_ortools(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    # a None entry in sys.modules makes the import fail like a missing package
    monkeypatch.setitem(sys.modules, "ortools.graph.python.min_cost_flow", None)
    monkeypatch.setitem(sys.modules, "ortools.graph.python", None)
    from rmatch.solvers.flow import ortools_available as available

    assert not available()
    both = graph([[0.9, 0.8], [0.3, 0.1]], lcap=2, rcap=2)
    sol = solve(both)
    assert sol.method == "flow(highs-lp)"
    assert sol.stats["auto"]["method"] == "flow:highs-lp"
    diagonal = np.where(np.eye(5, dtype=bool), 0.5, NAN)  # 5 edges in 25 cells
    assert choose_method(graph(diagonal.tolist(), lcap=2))[0] == "assignment:sparse"
    with pytest.raises(SolverError, match="OR-Tools is not installed"):
        solve(both, "flow:ortools")


def test_sparse_assignment_proves_its_optimum_and_says_so_when_it_cannot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    g = graph([[0.9, 0.8, NAN], [0.7, 0.1, 0.5], [NAN, 0.6, 0.4]])
    sol = solve(g, "assignment:sparse")
    assert sol.status == "optimal" and sol.bound == pytest.approx(sol.objective)
    assert sol.objective == pytest.approx(0.9 + 0.5 + 0.6)
    # a wrong answer (here: the diagonal, 1.4) is not called optimal: the duals
    # read off it bound every matching above it
    from rmatch.solvers import assignment

    def diagonal(sub: CandidateGraph, vals: Any, layout: Any) -> np.ndarray:
        return np.flatnonzero(sub.left == sub.right)

    monkeypatch.setattr(assignment, "_sparse", diagonal)
    wrong = solve(g, "assignment:sparse")
    assert wrong.objective == pytest.approx(1.4)
    assert wrong.status == "feasible" and wrong.bound >= 2.0 - 1e-9

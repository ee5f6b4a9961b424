"""ILP, Lagrangian, time limits and infeasibility diagnosis."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import numpy as np
import pulp
import pytest

from rmatch.errors import ConfigError, InfeasibleError
from rmatch.solvers import (
    LAGRANGIAN_MIN_EDGES,
    CandidateGraph,
    LinearConstraint,
    choose_method,
    solve,
    verify,
)
from rmatch.solvers.flow import ortools_available

NAN = np.nan


def quota_instance(
    n_left: int, n_right: int, k: int = 20, share: float = 0.5, seed: int = 0
) -> CandidateGraph:
    """Top-k graph where same-group pairs score higher and a cross-group quota binds."""
    rng = np.random.default_rng(seed)
    right = np.repeat(np.arange(n_right), k)
    left = np.argsort(rng.random((n_right, n_left)), axis=1)[:, :k].ravel()
    cross = rng.integers(0, 4, n_left)[left] != rng.integers(0, 4, n_right)[right]
    w = np.clip(np.round(rng.random(left.size) - 0.25 * cross + 0.1, 3), 0, 1)
    row = LinearConstraint("at least half cross-group", cross - share, ">=", 0.0)
    return CandidateGraph(
        n_left=n_left,
        n_right=n_right,
        left=left,
        right=right,
        weight=w,
        left_capacity=np.full(n_left, 2),
        right_capacity=np.ones(n_right, dtype=np.int64),
        side_constraints=(row,),
    )


def test_quota_holds_and_costs_score() -> None:
    g = quota_instance(30, 60)
    free = solve(replace(g, side_constraints=()), "flow")
    sol = solve(g, "ilp")
    assert sol.status == "optimal"
    assert sol.method.startswith("ilp(")
    assert verify(g, sol.edges) == []
    assert g.side_constraints[0].lhs(sol.edges) >= -1e-9
    assert sol.total_score <= free.total_score + 1e-9


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_named_solvers_agree(solver: str) -> None:
    g = quota_instance(20, 40, k=6)
    ref = solve(g, "ilp:highs")
    got = solve(g, "ilp", ilp_solver=solver)
    assert got.total_score == pytest.approx(ref.total_score, abs=1e-9)
    assert got.stats["ilp_solver"] == solver


def test_user_solver_instance() -> None:
    g = quota_instance(10, 20, k=5)
    ref = solve(g, "ilp")
    solver = pulp.HiGHS(msg=False)
    got = solve(g, "ilp", ilp_solver=solver)
    assert got.total_score == pytest.approx(ref.total_score, abs=1e-9)
    assert got.stats["ilp_solver"] == "HiGHS"


def test_bad_solver_rejected() -> None:
    g = quota_instance(5, 10, k=3)
    with pytest.raises(ConfigError, match="ilp_solver"):
        solve(g, "ilp", ilp_solver="gurobi-please")


def test_time_limit_returns_incumbent_with_gap() -> None:
    # HiGHS needs about 2 s on this instance; stop it after 0.2 s
    g = quota_instance(300, 600, seed=1)
    sol = solve(g, "ilp", time_limit=0.2)
    assert sol.status == "time_limit"
    assert verify(g, sol.edges) == []
    assert sol.bound is not None
    assert sol.gap is not None
    assert sol.bound >= sol.objective
    assert sol.gap == pytest.approx((sol.bound - sol.objective) / abs(sol.bound))
    assert sol.gap >= 0.0


def test_bad_time_limit() -> None:
    with pytest.raises(ConfigError, match="time_limit"):
        solve(quota_instance(5, 10, k=3), "ilp", time_limit=0)


def test_lagrangian_is_certified_against_ilp() -> None:
    g = quota_instance(60, 120, k=10, seed=2)
    exact = solve(g, "ilp")
    lag = solve(g, "lagrangian")
    assert verify(g, lag.edges) == []
    assert lag.total_score <= exact.total_score + 1e-9
    assert lag.bound is not None
    assert lag.bound >= exact.total_score - 1e-7
    if lag.status == "optimal":
        assert lag.total_score == pytest.approx(exact.total_score, abs=1e-7)
    else:
        assert lag.gap is not None
        assert lag.gap > 0


def test_lagrangian_limits() -> None:
    g = quota_instance(5, 10, k=3)
    two = replace(g, side_constraints=g.side_constraints * 2)
    with pytest.raises(ConfigError, match=r"2 side constraints.*'ilp'"):
        solve(two, "lagrangian")
    with pytest.raises(ConfigError, match=r"'coverage' objective.*'ilp'"):
        solve(g, "lagrangian", "coverage")


def test_auto_prices_single_quota_first() -> None:
    small = quota_instance(20, 40, k=5)
    assert choose_method(small)[0] == "lagrangian:ilp"
    assert choose_method(small, "coverage")[0] == "ilp"
    two = replace(small, side_constraints=small.side_constraints * 2)
    assert choose_method(two)[0] == "ilp"


def test_hybrid_matches_ilp_and_skips_ilp_when_large() -> None:
    g = quota_instance(60, 120, k=10, seed=2)
    exact = solve(g, "ilp")
    auto = solve(g)
    assert auto.stats["auto"]["method"] == "lagrangian:ilp"
    assert auto.status == "optimal"
    assert auto.total_score == pytest.approx(exact.total_score, abs=1e-7)
    big = quota_instance(400, LAGRANGIAN_MIN_EDGES // 20 + 50, k=20, seed=3)
    sol = solve(big)
    assert verify(big, sol.edges) == []
    if sol.status != "optimal":  # gap left open, ILP skipped (no time limit)
        assert "skipped" in sol.stats["ilp"]
        assert sol.gap is not None
        assert 0 < sol.gap < 0.01


def test_flow_refuses_quota() -> None:
    with pytest.raises(ConfigError, match=r"side constraints.*'ilp'"):
        solve(quota_instance(5, 10, k=3), "flow")


# ------------------------------------------------------------------- diagnosis
def test_elastic_names_the_conflict() -> None:
    # mentee 0 (capacity 1) is mentor 0's only candidate and mentor 0 must take one;
    # the quota wants the pair (1, 0). Each rule alone is satisfiable, together not.
    # Pre-checks pass; the elastic model must blame mentor 0's minimum or the quota.
    g = CandidateGraph.from_dense(
        np.array([[0.5], [0.5]]),
        left_min=np.array([1, 0]),
        side_constraints=(
            LinearConstraint("wants (1,0)", np.array([0.0, 1.0]), ">=", 1),
        ),
    )
    with pytest.raises(InfeasibleError) as info:
        solve(g)
    reasons = info.value.reasons
    assert len(reasons) == 1
    assert (
        "mentor 0 must take at least 1 mentees but the closest matching" in reasons[0]
        or "constraint 'wants (1,0)' cannot hold together" in reasons[0]
    )


def test_elastic_hall_violation_for_flow() -> None:
    # mentors 0 and 1 must each take a mentee but both have only mentee 0
    # (capacity 1); mentee 1 has room but only mentor 2 as candidate.
    w = [[0.5, NAN], [0.5, NAN], [NAN, 0.5]]
    g = CandidateGraph.from_dense(
        np.array(w), right_capacity=np.array([1, 2]), left_min=np.array([1, 1, 0])
    )
    with pytest.raises(InfeasibleError) as info:
        solve(g, "flow")
    assert info.value.details[0]["kind"] == "lower_bound"  # type: ignore[attr-defined]
    assert info.value.details[0]["node"] in (0, 1)  # type: ignore[attr-defined]


def test_elastic_required_pairs() -> None:
    # two required pairs and a quota forbidding both
    c = LinearConstraint("at most one of them", np.array([1.0, 1.0]), "<=", 1)
    g = CandidateGraph.from_dense(
        np.array([[0.5, 0.5]]),
        left_capacity=2,
        required=np.array([True, True]),
        side_constraints=(c,),
    )
    with pytest.raises(InfeasibleError) as info:
        solve(g)
    assert info.value.reasons  # pre-check: the required pairs alone break the quota
    assert "at most one of them" in info.value.reasons[0]


def test_highs_banner_is_not_printed() -> None:
    code = (
        "import numpy as np\n"
        "from rmatch.solvers import CandidateGraph, solve\n"
        "g = CandidateGraph.from_dense(np.array([[0.5, 0.2]]))\n"
        "solve(g, 'ilp:highs')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout == ""


@pytest.mark.slow
def test_all_exact_methods_agree_on_a_medium_instance() -> None:
    g = replace(quota_instance(200, 1000, k=20, seed=4), side_constraints=())
    g = replace(g, left_capacity=np.full(200, 5))
    methods = [
        "assignment:dense",
        "assignment:sparse",
        "flow:highs-lp",
        "flow:networkx",
    ]
    methods += ["ilp:highs"] + (["flow:ortools"] if ortools_available() else [])
    totals = {m: solve(g, m).total_score for m in methods}
    ref = totals["ilp:highs"]
    assert all(abs(t - ref) <= 1e-9 * g.n_edges for t in totals.values()), totals


@pytest.mark.slow
def test_lagrangian_and_ilp_on_a_medium_quota() -> None:
    g = quota_instance(300, 600, seed=5)
    exact = solve(g, "ilp:highs")
    lag = solve(g, "lagrangian")
    assert lag.bound is not None
    assert lag.total_score <= exact.total_score + 1e-9 <= lag.bound + 1e-7

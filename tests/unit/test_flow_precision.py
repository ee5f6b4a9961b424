"""The HiGHS flow LP reaches optima that differ from near-optima by ~1e-8 per pair.

HiGHS stops at an absolute dual feasibility tolerance of 1e-7; with scores
near 1 that leaves swap chains worth a few 1e-8 unmade. The flow backend
multiplies the costs by a power of two (exact), which makes them unmade no more.
The weights here are dyadic (``n / 2**26``): sums are exact in float64 and
the optimum is an integer problem solved exactly by ``linear_sum_assignment``.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment, linprog

from rmatch.solvers import CandidateGraph, solve
from rmatch.solvers.flow import flow_oracle

UNIT = 2**26  # one step of the weights: 2**-26 ~ 1.5e-8, below HiGHS's 1e-7


def near_ties(n: int, seed: int) -> np.ndarray:
    """Integer numerators: a coarse grid (quarters) plus 0..2 tiny steps."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 4, size=(n, n)) * (UNIT // 4)
    return coarse + rng.integers(0, 3, size=(n, n))


def exact_optimum(num: np.ndarray, left_capacity: int = 1) -> int:
    """Optimal total numerator, in integers (mentors replicated for capacity)."""
    rep = np.repeat(num, left_capacity, axis=0)
    rows, cols = linear_sum_assignment(rep, maximize=True)
    return int(rep[rows, cols].sum())


def lp_unscaled(g: CandidateGraph) -> float:
    """The flow LP as HiGHS solves it without cost scaling (the old behaviour)."""
    cols = np.arange(g.n_edges)
    ones = np.ones(g.n_edges)
    a_ub = sp.vstack(
        [
            sp.csr_matrix((ones, (g.left, cols)), shape=(g.n_left, g.n_edges)),
            sp.csr_matrix((ones, (g.right, cols)), shape=(g.n_right, g.n_edges)),
        ]
    )
    b_ub = np.concatenate([g.left_capacity, g.right_capacity]).astype(float)
    res = linprog(-g.weight, A_ub=a_ub, b_ub=b_ub, bounds=(0, 1), method="highs")
    assert res.status == 0
    return float(g.weight[np.asarray(res.x) > 0.5].sum())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_default_tolerance_stops_short(seed: int) -> None:
    """Premise: unscaled, HiGHS returns a matching below the optimum."""
    num = near_ties(30, seed)
    g = CandidateGraph.from_dense(num / UNIT)
    assert lp_unscaled(g) < exact_optimum(num) / UNIT


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n", [20, 50])
def test_scaled_lp_is_exact(n: int, seed: int) -> None:
    num = near_ties(n, seed)
    g = CandidateGraph.from_dense(num / UNIT)
    raw = flow_oracle(g, g.weight, backend="highs-lp")
    assert raw.status == "optimal"
    rows, cols = g.left[raw.edges], g.right[raw.edges]
    assert int(num[rows, cols].sum()) == exact_optimum(num)
    # the LP value is divided back: it is the optimum again, in score units
    assert raw.bound == pytest.approx(exact_optimum(num) / UNIT, abs=1e-12)
    assert raw.stats["lp_value"] == pytest.approx(raw.bound, abs=1e-12)
    scale = raw.stats["cost_scale"]
    assert scale >= 1 and np.log2(scale).is_integer()


def test_scaled_lp_with_capacities() -> None:
    num = near_ties(40, 3)[:20]  # 20 mentors x 40 mentees, two mentees each
    g = CandidateGraph.from_dense(num / UNIT, left_capacity=2)
    sol = solve(g, "flow:highs-lp")
    assert sol.status == "optimal"
    rows, cols = g.left[sol.edges], g.right[sol.edges]
    assert int(num[rows, cols].sum()) == exact_optimum(num, left_capacity=2)


@pytest.mark.parametrize(
    ("factor", "scale"), [(1.0, 2.0**20), (0.75, 2.0**21), (2.0**25, 1.0)]
)
def test_cost_scale_is_a_power_of_two(factor: float, scale: float) -> None:
    """Largest cost near 2**20; values already larger are left as they are."""
    g = CandidateGraph.from_dense(np.array([[1.0, 0.5], [0.25, 0.0]]) * factor)
    raw = flow_oracle(g, g.weight, backend="highs-lp")
    assert raw.stats["cost_scale"] == scale
    assert raw.bound == pytest.approx(factor)  # 1.0 + 0.0 beats 0.5 + 0.25

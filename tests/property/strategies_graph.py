"""Hypothesis strategies for random candidate graphs, and a brute-force reference.

Weights come from a small set so that ties are frequent; edges go missing at
random (forbidden pairs); capacities are 0..3 so that empty nodes occur.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from rmatch.solvers import CandidateGraph, LinearConstraint

WEIGHTS = (0.0, 0.25, 0.5, 1.0)
COEFS = (-1.0, -0.5, 0.0, 0.5, 1.0)


@st.composite
def graphs(
    draw: st.DrawFn,
    max_side: int = 7,
    max_edges: int | None = None,
    max_cap: int = 3,
    unit_right: bool = False,
    lower_bounds: bool = False,
    required: bool = False,
    side_constraints: int = 0,
) -> CandidateGraph:
    """Random bipartite candidate graph.

    Parameters
    ----------
    max_side : int
        Up to this many mentors and mentees.
    max_edges : int, optional
        Keep at most this many edges (for brute force).
    unit_right : bool
        Mentee capacities in {0, 1} (the assignment method applies).
    lower_bounds, required : bool
        Draw minimum loads / required edges (often infeasible).
    side_constraints : int
        Up to this many random linear side constraints.
    """
    n_left = draw(st.integers(1, max_side))
    n_right = draw(st.integers(1, max_side))
    n_cells = n_left * n_right
    present = draw(st.lists(st.booleans(), min_size=n_cells, max_size=n_cells))
    cells = [i for i, p in enumerate(present) if p]
    if max_edges is not None:
        cells = cells[:max_edges]
    n_e = len(cells)
    weights = draw(st.lists(st.sampled_from(WEIGHTS), min_size=n_e, max_size=n_e))
    left = np.array([c // n_right for c in cells], dtype=np.int64)
    right = np.array([c % n_right for c in cells], dtype=np.int64)
    lcap = np.array(
        draw(st.lists(st.integers(0, max_cap), min_size=n_left, max_size=n_left))
    )
    rmax = 1 if unit_right else max_cap
    rcap = np.array(
        draw(st.lists(st.integers(0, rmax), min_size=n_right, max_size=n_right))
    )
    lmin = rmin = req = None
    if lower_bounds:
        lmin = np.array(
            draw(st.lists(st.integers(0, 2), min_size=n_left, max_size=n_left))
        ) * np.array(draw(st.lists(st.booleans(), min_size=n_left, max_size=n_left)))
        lmin = np.minimum(lmin, lcap + 1)  # sometimes above capacity: infeasible
        if draw(st.booleans()):
            rmin = np.minimum(
                np.array(
                    draw(
                        st.lists(st.integers(0, 1), min_size=n_right, max_size=n_right)
                    )
                ),
                rcap,
            )
    if required and n_e:
        req = np.array(
            draw(
                st.lists(
                    st.sampled_from([False, False, False, True]),
                    min_size=n_e,
                    max_size=n_e,
                )
            )
        )
    sides: list[LinearConstraint] = []
    for k in range(draw(st.integers(0, side_constraints))):
        coef = np.array(
            draw(st.lists(st.sampled_from(COEFS), min_size=n_e, max_size=n_e))
        )
        sense = draw(st.sampled_from(["<=", ">=", "=="]))
        rhs = draw(st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0]))
        sides.append(LinearConstraint(f"c{k}", coef, sense, rhs))
    return CandidateGraph(
        n_left=n_left,
        n_right=n_right,
        left=left,
        right=right,
        weight=np.array(weights, dtype=np.float64),
        left_capacity=lcap,
        right_capacity=rcap,
        left_min=lmin,
        right_min=rmin,
        required=req,
        side_constraints=tuple(sides),
    )


@dataclass(frozen=True)
class Brute:
    """Best values over all feasible edge subsets (``None`` when infeasible)."""

    feasible: bool
    total: float | None  # max total
    coverage: tuple[int, float] | None  # max (pairs, total)
    fairness: tuple[int, float, float] | None  # max (pairs, min weight, total)


def feasible_subsets(graph: CandidateGraph) -> np.ndarray:
    """All feasible subsets as a bool matrix (rows = subsets), by enumeration.

    Written independently of :func:`rmatch.solvers.verify`.
    """
    n_e = graph.n_edges
    assert n_e <= 14, "brute force is for tiny graphs"
    rows = list(itertools.product([False, True], repeat=n_e))
    subsets = np.array(rows, dtype=bool).reshape(len(rows), n_e)
    x = subsets.astype(float)
    inc_l = np.zeros((n_e, graph.n_left))
    inc_l[np.arange(n_e), graph.left] = 1
    inc_r = np.zeros((n_e, graph.n_right))
    inc_r[np.arange(n_e), graph.right] = 1
    load_l, load_r = x @ inc_l, x @ inc_r
    ok = np.all(load_l <= graph.left_capacity, axis=1) & np.all(
        load_r <= graph.right_capacity, axis=1
    )
    if graph.left_min is not None:
        ok &= np.all(load_l >= graph.left_min, axis=1)
    if graph.right_min is not None:
        ok &= np.all(load_r >= graph.right_min, axis=1)
    if graph.required is not None:
        ok &= np.all(subsets[:, graph.required], axis=1)
    for c in graph.side_constraints:
        lhs = x @ c.coef
        if c.sense == "<=":
            ok &= lhs <= c.rhs + 1e-9
        elif c.sense == ">=":
            ok &= lhs >= c.rhs - 1e-9
        else:
            ok &= np.abs(lhs - c.rhs) <= 1e-9
    return subsets[ok]


def brute_force(graph: CandidateGraph) -> Brute:
    """Optimal values of the three objectives by enumeration."""
    subs = feasible_subsets(graph)
    if subs.shape[0] == 0:
        return Brute(False, None, None, None)
    w = graph.weight
    totals = subs.astype(float) @ w
    counts = subs.sum(axis=1)
    mins = np.where(subs, w, np.inf).min(axis=1, initial=np.inf)
    mins = np.where(counts > 0, mins, 0.0)
    best_total = float(totals.max())
    c_star = int(counts.max())
    at_max = counts == c_star
    cov = (c_star, float(totals[at_max].max()))
    b_star = float(mins[at_max].max())
    at_b = at_max & (mins == b_star)
    fair = (c_star, b_star, float(totals[at_b].max()))
    return Brute(True, best_total, cov, fair)

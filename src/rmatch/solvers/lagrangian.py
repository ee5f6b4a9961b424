"""Lagrangian prices for one quota, re-solved with the fast flow solver.

For ``max v.x`` over b-matchings ``x`` with one side constraint ``a.x >= b`` (a
``<=`` row is negated), the Lagrangian ``L(lam) = max_x (v + lam a).x - lam b``
is an upper bound for every ``lam >= 0``, and its minimum equals the LP-relaxation
bound because the b-matching polytope is integral (Geoffrion, "Lagrangean
relaxation for integer programming", Math. Prog. Study 2, 1974). ``L`` is convex
and piecewise linear in ``lam``; it is minimized by intersecting the supporting
lines of a point where the quota is violated and one where it holds (Kelley's
cutting planes in one dimension), each evaluation being one flow solve.

Every priced matching that satisfies the quota is a feasible answer; the best is
returned with ``bound = min L`` and an honest gap (there can be a duality gap of
about one edge weight). It is exact when the gap closes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from rmatch.errors import ConfigError
from rmatch.solvers._common import OPT_RTOL, Deadline, Infeasible, Raw
from rmatch.solvers._graph import CandidateGraph, FloatArray, IntArray
from rmatch.solvers.flow import flow_oracle

__all__ = ["lagrangian_oracle", "not_supported"]

_MAX_ITER = 40


def not_supported(graph: CandidateGraph) -> str | None:
    """Return what ``lagrangian`` cannot handle in ``graph`` (``None`` if it can)."""
    if len(graph.side_constraints) != 1:
        return (
            f"{len(graph.side_constraints)} side constraints (it prices exactly one); "
            "use method='ilp'"
        )
    if graph.side_constraints[0].sense == "==":
        return "an equality side constraint; use method='ilp'"
    return None


def lagrangian_oracle(
    graph: CandidateGraph,
    values: FloatArray,
    *,
    n_pairs: int | None = None,
    deadline: Deadline | None = None,
) -> Raw:
    """Maximize ``sum(values[x])`` under one quota by Lagrangian pricing.

    Raises
    ------
    Infeasible
        No b-matching satisfies the quota (checked by maximizing its left side).
    """
    why = not_supported(graph)
    if why:
        raise ConfigError(f"method 'lagrangian' does not support {why}")
    if n_pairs is not None:
        raise ConfigError(
            "method 'lagrangian' supports only the 'total' objective; use 'ilp'"
        )
    c = graph.side_constraints[0]
    sign = 1.0 if c.sense == ">=" else -1.0
    a = sign * c.coef
    b = sign * c.rhs
    base = replace(graph, side_constraints=())
    tol = 1e-9 * max(1.0, abs(b), float(np.sum(np.abs(a))))

    def solve_at(lam: float) -> tuple[IntArray, float, float]:
        raw = flow_oracle(base, values + lam * a)
        edges = raw.edges
        val = float(np.sum(values[edges]))
        g = float(np.sum(a[edges])) - b
        # L(lam) <= (bound of the priced max) - lam * b: a rigorous upper bound
        priced = raw.bound if raw.bound is not None else val + lam * (g + b)
        bounds.append(priced - lam * b)
        return edges, val, g

    evaluations: list[dict[str, Any]] = []
    bounds: list[float] = []
    best: tuple[float, IntArray] | None = None

    def record(lam: float, edges: IntArray, val: float, g: float) -> None:
        nonlocal best
        evaluations.append({"lambda": lam, "value": val, "slack": g})
        if g >= -tol and (best is None or val > best[0]):
            best = (val, edges)

    e0, v0, g0 = solve_at(0.0)
    record(0.0, e0, v0, g0)
    if g0 < -tol:
        # Is the quota reachable at all? Maximize its left side (ties: values).
        scale = float(np.max(np.abs(values), initial=0.0)) + 1.0
        feas = flow_oracle(
            base, a + values * (1e-9 / (scale * max(graph.max_pairs(), 1)))
        )
        if float(np.sum(a[feas.edges])) - b < -tol:
            raise Infeasible
        lo = (0.0, v0, g0)
        nz = np.abs(a[a != 0])
        lam = float(np.median(values)) / float(np.median(nz)) if nz.size else 1.0
        lam = max(lam, 1e-6)
        hi: tuple[float, float, float] | None = None
        for _ in range(60):
            e, v, g = solve_at(lam)
            record(lam, e, v, g)
            if g >= -tol:
                hi = (lam, v, g)
                break
            lo = (lam, v, g)
            lam *= 4.0
            if deadline is not None and deadline.expired():
                break
        if hi is None:  # prices never reached feasibility: use the quota-maximizing one
            fv = float(np.sum(values[feas.edges]))
            if best is None or fv > best[0]:
                best = (fv, feas.edges)
        else:
            for _ in range(_MAX_ITER):
                if deadline is not None and deadline.expired():
                    break
                (l1, v1, g1), (l2, v2, g2) = lo, hi
                if g2 - g1 <= tol:
                    break
                lam = (v1 - v2) / (g2 - g1)  # where the two supporting lines cross
                if not (l1 < lam < l2):
                    break
                line = v1 + lam * g1
                e, v, g = solve_at(lam)
                record(lam, e, v, g)
                if v + lam * g <= line + 1e-12 * max(1.0, abs(line)):
                    break  # L(lam) touches the lines: lam minimizes L
                if g >= -tol:
                    hi = (lam, v, g)
                else:
                    lo = (lam, v, g)
    if best is None:  # pragma: no cover - the quota-maximizing matching is feasible
        raise Infeasible
    value, edges = best
    bound = max(min(bounds), value)
    gap_ok = bound is not None and bound - value <= OPT_RTOL * max(abs(bound), 1.0)
    return Raw(
        edges,
        "optimal" if gap_ok else "feasible",
        bound,
        "lagrangian(flow)",
        {"evaluations": len(evaluations), "prices": evaluations[-8:]},
    )

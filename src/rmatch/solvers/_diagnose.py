"""Infeasibility diagnosis: cheap pre-checks and the structured error.

Reasons name node *positions* ("mentor 3", "mentee 5"); every reason also carries
a JSON-safe record (``InfeasibleGraphError.details``) so that callers can map the
positions back to people ids and rewrite the messages. The error class itself lives
in [`rmatch.errors`][rmatch.errors].
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

from rmatch.errors import InfeasibleGraphError
from rmatch.solvers._common import group, loads
from rmatch.solvers._graph import CandidateGraph, FloatArray, IntArray, LinearConstraint

__all__ = ["Reason", "precheck", "raise_infeasible"]

Kind = Literal[
    "min_over_capacity",
    "min_over_candidates",
    "required_over_capacity",
    "total_min_over_capacity",
    "side_constraint",
    "lower_bound",
    "required_edge",
]


@dataclass(frozen=True)
class Reason:
    """One structured reason why no matching exists.

    Attributes
    ----------
    kind : str
        Machine-readable category (``"lower_bound"``, ``"side_constraint"``...).
    message : str
        Human-readable sentence using node positions.
    side : {"left", "right"} or None
        Side of ``node`` (left = mentors).
    node : int or None
        Node position concerned.
    edge : int or None
        Edge index concerned (required pairs).
    constraint : str or None
        Side-constraint name concerned.
    needed, available : float or None
        What the rule needs and what is possible (or found in the closest
        relaxed matching).
    """

    kind: Kind
    message: str
    side: Literal["left", "right"] | None = None
    node: int | None = None
    edge: int | None = None
    constraint: str | None = None
    needed: float | None = None
    available: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return asdict(self)


_SIDES: tuple[tuple[Literal["left", "right"], str, str, str], ...] = (
    ("left", "mentor", "take at least", "mentees"),
    ("right", "mentee", "have at least", "mentors"),
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def precheck(graph: CandidateGraph, limit: int = 50) -> list[Reason]:
    """Return cheap, certain reasons why ``graph`` has no feasible matching.

    Every reason returned is a proof of infeasibility on its own; an empty list
    does not prove feasibility.
    """
    reasons: list[Reason] = []
    caps = (graph.left_capacity, graph.right_capacity)
    mins = (graph.left_min_or_zero(), graph.right_min_or_zero())
    ends = (graph.left, graph.right)
    ns = (graph.n_left, graph.n_right)
    req = graph.required_mask()
    req_edges = np.flatnonzero(req)
    req_load = loads(graph, req_edges)
    usable = (caps[0][graph.left] > 0) & (caps[1][graph.right] > 0)
    usable_cap: list[IntArray] = []
    for s, (side, who, verb, others) in enumerate(_SIDES):
        cap, low, n = caps[s], mins[s], ns[s]
        deg = np.bincount(ends[s][usable], minlength=n).astype(np.int64)
        usable_cap.append(np.minimum(cap, deg))
        for i in np.flatnonzero(low > cap)[:limit]:
            reasons.append(
                Reason(
                    "min_over_capacity",
                    f"{who} {i} must {verb} {_plural(int(low[i]), others[:-1])} "
                    f"but its capacity is {int(cap[i])}",
                    side,
                    int(i),
                    needed=float(low[i]),
                    available=float(cap[i]),
                )
            )
        for i in np.flatnonzero((low > deg) & (low <= cap))[:limit]:
            reasons.append(
                Reason(
                    "min_over_candidates",
                    f"{who} {i} must {verb} {_plural(int(low[i]), others[:-1])} "
                    f"but has {_plural(int(deg[i]), 'candidate')}",
                    side,
                    int(i),
                    needed=float(low[i]),
                    available=float(deg[i]),
                )
            )
        for i in np.flatnonzero(req_load[s] > cap)[:limit]:
            reasons.append(
                Reason(
                    "required_over_capacity",
                    f"required pairs exceed the capacity of {who} {i} "
                    f"({int(req_load[s][i])} required, capacity {int(cap[i])})",
                    side,
                    int(i),
                    needed=float(req_load[s][i]),
                    available=float(cap[i]),
                )
            )
    for s, (_side, who, _verb, _others) in enumerate(_SIDES):
        other = 1 - s
        need = int(mins[s].sum())
        avail = int(usable_cap[other].sum())
        if need > avail:
            reasons.append(
                Reason(
                    "total_min_over_capacity",
                    f"{who}s must have at least {need} pairs in total but "
                    f"{_SIDES[other][1]}s can accept at most {avail}",
                    needed=float(need),
                    available=float(avail),
                )
            )
    if reasons:
        return reasons
    for c in graph.side_constraints:
        lo, hi = side_range(graph, c)
        tol = 1e-9 * max(1.0, abs(c.rhs))
        if c.sense in (">=", "==") and hi < c.rhs - tol:
            reasons.append(
                Reason(
                    "side_constraint",
                    f"constraint {c.label()!r} cannot hold: it needs at least "
                    f"{c.rhs:.6g} but no matching reaches more than {hi:.6g}",
                    constraint=c.name,
                    needed=c.rhs,
                    available=hi,
                )
            )
        if c.sense in ("<=", "==") and lo > c.rhs + tol:
            reasons.append(
                Reason(
                    "side_constraint",
                    f"constraint {c.label()!r} cannot hold: it needs at most "
                    f"{c.rhs:.6g} but every matching reaches at least {lo:.6g}",
                    constraint=c.name,
                    needed=c.rhs,
                    available=lo,
                )
            )
    return reasons


def side_range(graph: CandidateGraph, c: LinearConstraint) -> tuple[float, float]:
    """Return bounds ``(lo, hi)`` on ``c``'s left-hand side over all matchings.

    Required edges contribute their fixed coefficient; every other edge can add at
    most its positive part, and a node with ``k`` free places contributes at most
    its ``k`` largest positive coefficients (a relaxation, so the range is valid).
    """
    req = graph.required_mask()
    fixed = float(np.sum(c.coef[req]))
    lo_req, ro_req = loads(graph, np.flatnonzero(req))
    free = (
        np.maximum(graph.left_capacity - lo_req, 0),
        np.maximum(graph.right_capacity - ro_req, 0),
    )
    usable = ~req & (free[0][graph.left] > 0) & (free[1][graph.right] > 0)
    hi = fixed + min(
        _top_sum(
            graph.left[usable], graph.n_left, np.maximum(c.coef[usable], 0), free[0]
        ),
        _top_sum(
            graph.right[usable], graph.n_right, np.maximum(c.coef[usable], 0), free[1]
        ),
    )
    lo = fixed - min(
        _top_sum(
            graph.left[usable], graph.n_left, np.maximum(-c.coef[usable], 0), free[0]
        ),
        _top_sum(
            graph.right[usable], graph.n_right, np.maximum(-c.coef[usable], 0), free[1]
        ),
    )
    return lo, hi


def _top_sum(nodes: IntArray, n: int, vals: FloatArray, k: IntArray) -> float:
    """Sum over nodes of the ``k[node]`` largest ``vals`` of the node's edges."""
    if vals.size == 0:
        return 0.0
    order = np.lexsort((-vals, nodes))
    _, starts = group(nodes, n)
    rank = np.arange(vals.size) - starts[nodes[order]]
    take = rank < k[nodes[order]]
    return float(np.sum(vals[order][take]))


def raise_infeasible(
    reasons: Iterable[Reason], header: str = "no matching satisfies the rules"
) -> None:
    """Raise `InfeasibleGraphError` with ``reasons``."""
    items = list(reasons)
    if not items:
        items = [
            Reason(
                "side_constraint",
                "the rules cannot hold together (the solver proved it, no single rule "
                "is to blame)",
            )
        ]
    raise InfeasibleGraphError(header, items)

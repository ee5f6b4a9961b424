"""The three objectives, expressed once on top of any exact backend ("oracle").

* ``total``: maximize ``sum(weight + tie)`` (see `tie_values()`).
* ``coverage``: ``C* = max #pairs`` (count oracle), then maximize the total among
  matchings with ``C*`` pairs (oracle with ``n_pairs=C*``).
* ``fairness``: ``C*`` as above; binary search over the distinct weights for the
  largest threshold ``t`` such that the edges ``>= t`` (plus required edges) still
  admit ``C*`` pairs; then maximize the total with the edges below ``t`` removed.
  This is the classic threshold method for bottleneck matching (e.g. Gabow & Tarjan,
  "Algorithms for two bottleneck optimization problems", J. Algorithms 9, 1988),
  with a plain max-cardinality check per step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rmatch.errors import SolverError
from rmatch.solvers._common import (
    Deadline,
    Infeasible,
    NoIncumbent,
    Oracle,
    Raw,
    tie_values,
)
from rmatch.solvers._graph import CandidateGraph, FloatArray, IntArray, Status

CountFn = Callable[[CandidateGraph, Deadline], Raw]

_RANK: dict[str, int] = {"optimal": 0, "feasible": 1, "time_limit": 2}


def _worst(*statuses: Status) -> Status:
    return max(statuses, key=lambda s: _RANK[s])


@dataclass
class Outcome:
    """Result of an objective run, in terms of the input graph's edges."""

    edges: IntArray
    status: Status
    objective: float
    bound: float | None
    backend: str
    stats: dict[str, Any] = field(default_factory=dict)


def count_with(oracle: Oracle) -> CountFn:
    """Return a count function that asks ``oracle`` to maximize the number of pairs."""

    def count(graph: CandidateGraph, deadline: Deadline) -> Raw:
        return oracle(graph, np.ones(graph.n_edges), deadline=deadline)

    return count


def run_objective(
    graph: CandidateGraph,
    objective: str,
    oracle: Oracle,
    *,
    count: CountFn | None = None,
    seed: int = 0,
    deadline: Deadline,
) -> Outcome:
    """Solve ``objective`` on ``graph`` with an exact ``oracle``.

    Raises
    ------
    Infeasible
        When the backend proves that no matching satisfies the rules.
    """
    values, eps = tie_values(graph, seed)
    count_fn = count or count_with(oracle)
    w = graph.weight
    if objective == "total":
        raw = oracle(graph, values, deadline=deadline)
        raw.edges = complete(graph, raw.edges, values)
        total = float(np.sum(w[raw.edges]))
        bound = total if raw.status == "optimal" else _max_or_none(raw.bound, total)
        return Outcome(
            raw.edges,
            raw.status,
            total,
            bound,
            raw.backend,
            {"tie_eps": eps, **raw.stats},
        )
    first = count_fn(graph, deadline)
    c_star = int(first.edges.shape[0])
    phases: list[dict[str, Any]] = [
        {
            "phase": "max pairs",
            "status": first.status,
            "pairs": c_star,
            "bound": first.bound,
        }
    ]
    if first.status != "optimal":
        # No proven maximum: return the count phase's matching as it is.
        obj = float(c_star) if objective == "coverage" else _bottleneck(w, first.edges)
        bound = first.bound if objective == "coverage" else None
        return Outcome(
            first.edges, first.status, obj, bound, first.backend, {"phases": phases}
        )
    if objective == "coverage":
        try:
            raw = oracle(graph, values, n_pairs=c_star, deadline=deadline)
        except NoIncumbent:
            raw = Raw(first.edges, "time_limit", None, first.backend)
        _check_count(raw, c_star)
        phases.append({"phase": "max total at max pairs", "status": raw.status})
        return Outcome(
            raw.edges,
            _worst(first.status, raw.status),
            float(c_star),
            float(c_star),
            raw.backend,
            {"tie_eps": eps, "phases": phases, **raw.stats},
        )
    if objective != "fairness":
        raise SolverError(f"unknown objective {objective!r}")
    if c_star == 0:
        return Outcome(
            first.edges, "optimal", 0.0, 0.0, first.backend, {"phases": phases}
        )
    req = graph.required_mask()
    cand = np.unique(w[~req])
    if req.any():  # the bottleneck is at most the smallest required weight
        low = float(w[req].min())
        cand = np.unique(np.append(cand[cand <= low], low))
    # thresholds[0] keeps every edge, so it is achievable by definition of C*
    # Binary search: thresholds[lo] is achievable; everything above `hi` is not.
    lo, hi = 0, int(cand.shape[0]) - 1
    proven_bad: int | None = None
    status: Status = "optimal"
    best = first.edges
    steps = 0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        sub = graph.subgraph((w >= cand[mid]) | req)
        steps += 1
        try:
            raw = count_fn(sub, deadline)
            ok = raw.edges.shape[0] == c_star
            proven = raw.status == "optimal" or ok
        except Infeasible:
            ok, proven = False, True
        if ok:
            lo = mid
            best = np.flatnonzero((w >= cand[mid]) | req)[raw.edges].astype(np.int64)
        else:
            hi = mid - 1
            if proven:
                proven_bad = mid if proven_bad is None else min(proven_bad, mid)
            else:
                status = "time_limit"
    tau = float(cand[lo])
    mask = (w >= tau) | req
    sub = graph.subgraph(mask)
    try:
        raw = oracle(sub, values[mask], n_pairs=c_star, deadline=deadline)
        _check_count(raw, c_star)
        edges = np.flatnonzero(mask)[raw.edges].astype(np.int64)
    except NoIncumbent:
        raw = Raw(best, "time_limit", None, first.backend)
        edges = best
    obj = _bottleneck(w, edges)
    fair_bound: float | None
    if status == "optimal":
        fair_bound = obj
    elif proven_bad is not None:
        fair_bound = max(obj, float(cand[proven_bad - 1]))
    else:
        fair_bound = max(obj, float(cand[-1]))
    phases.append({"phase": "bottleneck search", "steps": steps, "threshold": tau})
    phases.append({"phase": "max total above threshold", "status": raw.status})
    return Outcome(
        edges,
        _worst(status, raw.status),
        obj,
        fair_bound,
        raw.backend,
        {"tie_eps": eps, "phases": phases, **raw.stats},
    )


def complete(graph: CandidateGraph, edges: IntArray, values: FloatArray) -> IntArray:
    """Add every edge whose two endpoints still have room (best values first).

    An exact backend may leave out zero-score pairs when their tie-break bonus is
    below its numerical tolerance (LP and MIP solvers work to about 1e-7). Adding a
    pair between two nodes with room never lowers the total, never breaks a
    capacity, and only raises loads (so minimum loads still hold); side
    constraints could break, so graphs with side constraints are left alone.
    """
    if graph.side_constraints or graph.n_edges == 0:
        return edges
    load_l = np.bincount(graph.left[edges], minlength=graph.n_left)
    load_r = np.bincount(graph.right[edges], minlength=graph.n_right)
    room_l = graph.left_capacity - load_l
    room_r = graph.right_capacity - load_r
    chosen = np.zeros(graph.n_edges, dtype=np.bool_)
    chosen[edges] = True
    cand = np.flatnonzero(
        ~chosen & (room_l[graph.left] > 0) & (room_r[graph.right] > 0)
    )
    if cand.size == 0:
        return edges
    cand = cand[np.lexsort((cand, -values[cand]))]
    added: list[int] = []
    rl, rr = room_l.tolist(), room_r.tolist()
    for e, lft, rgt in zip(
        cand.tolist(),
        graph.left[cand].tolist(),
        graph.right[cand].tolist(),
        strict=True,
    ):
        if rl[lft] > 0 and rr[rgt] > 0:
            rl[lft] -= 1
            rr[rgt] -= 1
            added.append(e)
    return np.sort(np.concatenate([edges, np.asarray(added, dtype=np.int64)]))


def _bottleneck(w: np.ndarray[Any, Any], edges: IntArray) -> float:
    return float(w[edges].min()) if edges.size else 0.0


def _max_or_none(a: float | None, b: float) -> float | None:
    return None if a is None else max(a, b)


def _check_count(raw: Raw, c_star: int) -> None:
    if raw.edges.shape[0] != c_star:
        raise SolverError(
            f"backend {raw.backend} returned {raw.edges.shape[0]} pairs where the "
            f"maximum is {c_star} (status {raw.status})"
        )

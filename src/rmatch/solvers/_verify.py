"""Independent checker of a matching against every rule of a candidate graph.

Deliberately written without any solver code: it recounts loads with plain numpy
and re-evaluates every side constraint from its coefficients.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rmatch.solvers._graph import CandidateGraph

__all__ = ["verify"]

#: Absolute/relative tolerance for side constraints (their coefficients are floats).
SIDE_TOL = 1e-9
_MAX_LISTED = 20


def verify(graph: CandidateGraph, edges: npt.ArrayLike) -> list[str]:
    """Check chosen ``edges`` against every rule of ``graph``.

    Parameters
    ----------
    graph : CandidateGraph
        The graph the edges index into.
    edges : array_like of int
        Indices of the chosen edges.

    Returns
    -------
    list of str
        Human-readable violations (at most 20 per kind); empty when the matching
        respects edge validity and uniqueness, capacities, lower bounds, required
        edges and side constraints.

    Examples
    --------
    >>> import numpy as np
    >>> from rmatch.solvers import CandidateGraph
    >>> g = CandidateGraph.from_dense(np.array([[0.9, 0.5]]))  # 1 mentor, 2 mentees
    >>> verify(g, [0])
    []
    >>> verify(g, [0, 1])
    ['mentor 0 has 2 pairs but capacity 1']
    """
    out: list[str] = []
    raw = np.asarray(edges)
    if raw.size and raw.dtype.kind not in "iu":
        return [f"edge indices must be integers, got dtype {raw.dtype}"]
    idx = raw.astype(np.int64).ravel()
    n_e = int(graph.left.shape[0])
    bad = idx[(idx < 0) | (idx >= n_e)]
    if bad.size:
        out.append(
            f"{bad.size} edge index(es) outside [0, {n_e}) (not candidate pairs), "
            f"e.g. {int(bad[0])}"
        )
        idx = idx[(idx >= 0) & (idx < n_e)]
    uniq, counts = np.unique(idx, return_counts=True)
    for e in uniq[counts > 1][:_MAX_LISTED]:
        out.append(f"edge {int(e)} is chosen {int(counts[uniq == e][0])} times")
    # the same (mentor, mentee) pair through two different edges
    pairs = np.stack([graph.left[uniq], graph.right[uniq]], axis=1)
    if pairs.shape[0]:
        up, pc = np.unique(pairs, axis=0, return_counts=True)
        for row in up[pc > 1][:_MAX_LISTED]:
            out.append(
                f"pair (mentor {int(row[0])}, mentee {int(row[1])}) is chosen twice"
            )
    x = idx  # loads count every occurrence, duplicates included
    for side, nodes, n, cap, low in (
        ("mentor", graph.left, graph.n_left, graph.left_capacity, graph.left_min),
        ("mentee", graph.right, graph.n_right, graph.right_capacity, graph.right_min),
    ):
        load = np.bincount(nodes[x], minlength=n) if n else np.zeros(0, dtype=np.int64)
        over = np.flatnonzero(load > cap)
        for i in over[:_MAX_LISTED]:
            out.append(
                f"{side} {int(i)} has {int(load[i])} pairs but capacity {int(cap[i])}"
            )
        if over.size > _MAX_LISTED:
            out.append(f"... and {over.size - _MAX_LISTED} more {side}s over capacity")
        if low is not None:
            under = np.flatnonzero(load < low)
            for i in under[:_MAX_LISTED]:
                out.append(
                    f"{side} {int(i)} has {int(load[i])} pairs but must have at least "
                    f"{int(low[i])}"
                )
            if under.size > _MAX_LISTED:
                out.append(
                    f"... and {under.size - _MAX_LISTED} more {side}s under minimum"
                )
    if graph.required is not None:
        chosen = np.zeros(n_e, dtype=np.bool_)
        chosen[uniq] = True
        missing = np.flatnonzero(graph.required & ~chosen)
        for e in missing[:_MAX_LISTED]:
            out.append(
                f"required pair (mentor {int(graph.left[e])}, "
                f"mentee {int(graph.right[e])}) "
                "is not chosen"
            )
        if missing.size > _MAX_LISTED:
            out.append(
                f"... and {missing.size - _MAX_LISTED} more required pairs missing"
            )
    for c in graph.side_constraints:
        terms = c.coef[x]
        lhs = float(np.sum(terms))
        tol = SIDE_TOL * max(1.0, abs(c.rhs), float(np.sum(np.abs(terms))))
        ok = (
            (c.sense == "<=" and lhs <= c.rhs + tol)
            or (c.sense == ">=" and lhs >= c.rhs - tol)
            or (c.sense == "==" and abs(lhs - c.rhs) <= tol)
        )
        if not ok:
            out.append(
                f"constraint {c.name!r} violated: {lhs:.6g} {c.sense} {c.rhs:.6g} fails"
            )
    return out

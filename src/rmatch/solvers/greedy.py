"""Greedy baseline: best-scoring pairs first.

Edges are taken in order of decreasing weight (ties: lower edge index first) while
both endpoints have room. It is a 1/2-approximation of the maximum total for
ordinary matchings and the reference that reports compare the optimum against.
"""

from __future__ import annotations

import numpy as np

from rmatch.solvers._common import Raw
from rmatch.solvers._graph import CandidateGraph, FloatArray, IntArray

__all__ = ["greedy_edges", "solve_greedy"]


def greedy_edges(graph: CandidateGraph, values: FloatArray | None = None) -> IntArray:
    """Return the greedy matching's sorted edge indices.

    Parameters
    ----------
    graph : CandidateGraph
        Capacities are respected; lower bounds, required edges and side
        constraints are ignored.
    values : numpy.ndarray, optional
        Order key (default: the weights), larger first, ties by edge index.

    Examples
    --------
    >>> import numpy as np
    >>> g = CandidateGraph.from_dense(np.array([[1.0, 0.9], [0.9, 0.0]]))
    >>> greedy_edges(g).tolist()  # takes 1.0 then the 0.0 edge; optimum is 0.9+0.9
    [0, 3]
    """
    key = graph.weight if values is None else values
    usable = (graph.left_capacity[graph.left] > 0) & (
        graph.right_capacity[graph.right] > 0
    )
    idx = np.flatnonzero(usable)
    order = idx[np.lexsort((idx, -key[idx]))]
    cap_l = graph.left_capacity.tolist()
    cap_r = graph.right_capacity.tolist()
    # stop as soon as one side is full: nothing more can be taken
    room = min(int(graph.left_capacity.sum()), int(graph.right_capacity.sum()))
    chosen: list[int] = []
    # A plain loop: greedy is inherently sequential; chunks keep memory and
    # list conversion proportional to the part actually scanned.
    step = 65536
    for start in range(0, order.shape[0], step):
        if room == 0:
            break
        part = order[start : start + step]
        for pos, lft, rgt in zip(
            range(start, start + part.shape[0]),
            graph.left[part].tolist(),
            graph.right[part].tolist(),
            strict=True,
        ):
            if cap_l[lft] > 0 and cap_r[rgt] > 0:
                cap_l[lft] -= 1
                cap_r[rgt] -= 1
                chosen.append(pos)
                room -= 1
                if room == 0:
                    break
    return np.sort(order[np.asarray(chosen, dtype=np.int64)]).astype(np.int64)


def solve_greedy(graph: CandidateGraph) -> Raw:
    """Greedy matching as a `Raw` result (heuristic, no bound)."""
    return Raw(greedy_edges(graph), "feasible", None, "greedy")

"""Stable matching (hospitals/residents, many-to-many) by deferred acceptance.

Mentees propose, mentors hold their best offers (Gale & Shapley, "College admissions
and the stability of marriage", 1962; the many-to-many form with responsive
preferences is pairwise stable, Roth, "Stability and polarization of interests in
job matching", Econometrica 52, 1984). The result is mentee-optimal.

Preferences come from the edge weights with deterministic tie-breaks: a mentee
ranks mentors by higher weight, then lower mentor position; a mentor ranks mentees
by higher weight, then lower mentee position. Only candidate edges are acceptable.
"""

from __future__ import annotations

import heapq
from collections import deque

import numpy as np
import numpy.typing as npt

from rmatch.solvers._common import Raw, group
from rmatch.solvers._graph import CandidateGraph, IntArray

__all__ = ["blocking_pairs", "preference_ranks", "solve_stable", "stable_edges"]


def preference_ranks(graph: CandidateGraph) -> tuple[IntArray, IntArray]:
    """Return each edge's rank in its mentor's and its mentee's lists (0 = best)."""
    w = graph.weight
    rank_l = np.empty(graph.n_edges, dtype=np.int64)
    rank_r = np.empty(graph.n_edges, dtype=np.int64)
    order_l = np.lexsort((graph.right, -w, graph.left))
    _, starts_l = group(graph.left, graph.n_left)
    rank_l[order_l] = np.arange(graph.n_edges) - starts_l[graph.left[order_l]]
    order_r = np.lexsort((graph.left, -w, graph.right))
    _, starts_r = group(graph.right, graph.n_right)
    rank_r[order_r] = np.arange(graph.n_edges) - starts_r[graph.right[order_r]]
    return rank_l, rank_r


def stable_edges(graph: CandidateGraph) -> IntArray:
    """Return the mentee-optimal stable matching's sorted edge indices.

    Examples
    --------
    Mentor 0 is everyone's favourite but takes one mentee; it keeps mentee 1
    (its higher score), mentee 0 falls back to mentor 1:

    >>> import numpy as np
    >>> g = CandidateGraph.from_dense(np.array([[0.8, 0.9], [0.5, 0.1]]))
    >>> stable_edges(g).tolist()
    [1, 2]
    """
    w = graph.weight
    # mentor-side rank of every edge (0 = the mentor's favourite)
    order_l = np.lexsort((graph.right, -w, graph.left))
    _, starts_l = group(graph.left, graph.n_left)
    rank = np.empty(graph.n_edges, dtype=np.int64)
    rank[order_l] = np.arange(graph.n_edges) - starts_l[graph.left[order_l]]
    # mentee proposal lists; numpy arrays are indexed lazily: only the proposals
    # actually made are touched, which is few on dense graphs
    prop = np.lexsort((graph.left, -w, graph.right))
    _, starts_r = group(graph.right, graph.n_right)
    starts = starts_r.tolist()
    left, right = graph.left, graph.right
    cap_l = graph.left_capacity.tolist()
    cap_r = graph.right_capacity.tolist()
    nxt = starts[:-1]
    held = [0] * graph.n_right
    heaps: list[list[tuple[int, int]]] = [[] for _ in range(graph.n_left)]
    queue = deque(r for r in range(graph.n_right) if cap_r[r] > 0)
    queued = [cap_r[r] > 0 for r in range(graph.n_right)]
    while queue:
        r = queue.popleft()
        queued[r] = False
        end = starts[r + 1]
        while held[r] < cap_r[r] and nxt[r] < end:
            e = int(prop[nxt[r]])
            nxt[r] += 1
            lft = int(left[e])
            if cap_l[lft] == 0:
                continue
            heap = heaps[lft]
            rk = int(rank[e])
            if len(heap) < cap_l[lft]:
                heapq.heappush(heap, (-rk, e))
                held[r] += 1
            elif -heap[0][0] > rk:  # mentor prefers r to its worst held mentee
                _, out = heapq.heapreplace(heap, (-rk, e))
                held[r] += 1
                loser = int(right[out])
                held[loser] -= 1
                if not queued[loser]:
                    queued[loser] = True
                    queue.append(loser)
    chosen = [e for heap in heaps for _, e in heap]
    return np.sort(np.asarray(chosen, dtype=np.int64))


def blocking_pairs(graph: CandidateGraph, edges: npt.ArrayLike) -> IntArray:
    """Return the sorted indices of the edges that block ``edges``.

    An unchosen edge ``(l, r)`` blocks when both endpoints have a positive capacity
    and each would accept the other: it has a free place, or it prefers the other
    to its worst current partner (preferences as in `stable_edges()`).

    Examples
    --------
    >>> import numpy as np
    >>> g = CandidateGraph.from_dense(np.array([[0.8, 0.9], [0.5, 0.1]]))
    >>> blocking_pairs(g, [0, 3]).tolist()  # mentor 0 and mentee 1 prefer each other
    [1]
    """
    idx = np.unique(np.asarray(edges, dtype=np.int64))
    chosen = np.zeros(graph.n_edges, dtype=np.bool_)
    chosen[idx] = True
    rank_l, rank_r = preference_ranks(graph)
    load_l = np.bincount(graph.left[idx], minlength=graph.n_left)
    load_r = np.bincount(graph.right[idx], minlength=graph.n_right)
    worst_l = np.full(graph.n_left, -1, dtype=np.int64)
    worst_r = np.full(graph.n_right, -1, dtype=np.int64)
    np.maximum.at(worst_l, graph.left[idx], rank_l[idx])
    np.maximum.at(worst_r, graph.right[idx], rank_r[idx])
    lft, rgt = graph.left, graph.right
    wants_l = (graph.left_capacity[lft] > 0) & (
        (load_l[lft] < graph.left_capacity[lft]) | (rank_l < worst_l[lft])
    )
    wants_r = (graph.right_capacity[rgt] > 0) & (
        (load_r[rgt] < graph.right_capacity[rgt]) | (rank_r < worst_r[rgt])
    )
    return np.flatnonzero(~chosen & wants_l & wants_r).astype(np.int64)


def solve_stable(graph: CandidateGraph) -> Raw:
    """Stable matching as a `Raw` result (no optimality claim)."""
    return Raw(stable_edges(graph), "feasible", None, "stable(deferred-acceptance)")

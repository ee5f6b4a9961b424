"""Stable matching (hospitals/residents, many-to-many) by deferred acceptance.

Mentees propose, mentors hold their best offers (Gale & Shapley, "College admissions
and the stability of marriage", 1962; the many-to-many form with responsive
preferences is pairwise stable, Roth, "Stability and polarization of interests in
job matching", Econometrica 52, 1984). The result is optimal for the side that
proposes: mentees by default, mentors with ``proposer="mentor"`` (``"stable:mentor"``).

Preferences come from the edge weights with deterministic tie-breaks: a mentee
ranks mentors by higher weight, then lower mentor position; a mentor ranks mentees
by higher weight, then lower mentee position. Stated preferences (a choices file,
[`rmatch.choices`][rmatch.choices]) are passed as per-edge ranks instead. Only
candidate edges are acceptable.
"""

from __future__ import annotations

import heapq
from collections import deque
from typing import Any

import numpy as np
import numpy.typing as npt

from rmatch.errors import ConfigError
from rmatch.solvers._common import Raw, group
from rmatch.solvers._graph import CandidateGraph, IntArray

__all__ = [
    "PROPOSERS",
    "blocking_pairs",
    "preference_ranks",
    "solve_stable",
    "stable_edges",
]

#: Who proposes in deferred acceptance (and gets their best stable matching).
PROPOSERS = ("mentee", "mentor")

Ranks = tuple[IntArray, IntArray]


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


def _ranks(graph: CandidateGraph, ranks: Ranks | None) -> Ranks:
    if ranks is None:
        return preference_ranks(graph)
    rank_l = np.asarray(ranks[0], dtype=np.int64)
    rank_r = np.asarray(ranks[1], dtype=np.int64)
    if rank_l.shape != (graph.n_edges,) or rank_r.shape != (graph.n_edges,):
        raise ConfigError(f"ranks must have shape ({graph.n_edges},) on both sides")
    return rank_l, rank_r


def _deferred_acceptance(
    n_prop: int,
    n_recv: int,
    prop: IntArray,
    recv: IntArray,
    prop_rank: IntArray,
    recv_rank: IntArray,
    cap_prop: list[int],
    cap_recv: list[int],
) -> list[int]:
    """Edges held at the end when the ``prop`` side proposes (a Python loop)."""
    # proposal lists: each proposer's edges, best first (ties: lower edge index)
    order = np.lexsort((np.arange(prop.size), prop_rank, prop))
    _, starts_arr = group(prop, n_prop)
    starts = starts_arr.tolist()
    nxt = starts[:-1]
    held = [0] * n_prop
    heaps: list[list[tuple[int, int]]] = [[] for _ in range(n_recv)]  # (-rank, -e)
    queue = deque(p for p in range(n_prop) if cap_prop[p] > 0)
    queued = [cap_prop[p] > 0 for p in range(n_prop)]
    while queue:
        p = queue.popleft()
        queued[p] = False
        end = starts[p + 1]
        while held[p] < cap_prop[p] and nxt[p] < end:
            e = int(order[nxt[p]])
            nxt[p] += 1
            q = int(recv[e])
            if cap_recv[q] == 0:
                continue
            heap = heaps[q]
            key = (-int(recv_rank[e]), -e)  # the heap's top is q's worst held
            if len(heap) < cap_recv[q]:
                heapq.heappush(heap, key)
                held[p] += 1
            elif heap[0] < key:  # q prefers p to its worst held proposer
                _, out = heapq.heapreplace(heap, key)
                out = -out
                held[p] += 1
                loser = int(prop[out])
                held[loser] -= 1
                if not queued[loser]:
                    queued[loser] = True
                    queue.append(loser)
    return [-e for heap in heaps for _, e in heap]


def stable_edges(
    graph: CandidateGraph,
    ranks: Ranks | None = None,
    proposer: str = "mentee",
) -> IntArray:
    """Return the proposer-optimal stable matching's sorted edge indices.

    Parameters
    ----------
    graph : CandidateGraph
        The acceptable pairs and the capacities.
    ranks : (numpy.ndarray, numpy.ndarray), optional
        Each edge's place in its mentor's and in its mentee's preference list
        (smaller = preferred; ties are broken by the lower edge index). Default:
        `preference_ranks()` (by weight).
    proposer : {"mentee", "mentor"}
        The side that proposes; the result is the best stable matching for it.

    Examples
    --------
    Mentor 0 is everyone's favourite but takes one mentee; it keeps mentee 1
    (its higher score), mentee 0 falls back to mentor 1:

    >>> import numpy as np
    >>> g = CandidateGraph.from_dense(np.array([[0.8, 0.9], [0.5, 0.1]]))
    >>> stable_edges(g).tolist()
    [1, 2]
    >>> stable_edges(g, proposer="mentor").tolist()
    [1, 2]
    """
    if proposer not in PROPOSERS:
        raise ConfigError(f"proposer must be one of {PROPOSERS}; got {proposer!r}")
    rank_l, rank_r = _ranks(graph, ranks)
    cap_l = graph.left_capacity.tolist()
    cap_r = graph.right_capacity.tolist()
    if proposer == "mentee":
        chosen = _deferred_acceptance(
            graph.n_right, graph.n_left, graph.right, graph.left,
            rank_r, rank_l, cap_r, cap_l,
        )  # fmt: skip
    else:
        chosen = _deferred_acceptance(
            graph.n_left, graph.n_right, graph.left, graph.right,
            rank_l, rank_r, cap_l, cap_r,
        )  # fmt: skip
    return np.sort(np.asarray(chosen, dtype=np.int64))


def _prefers(
    node: IntArray,
    n: int,
    primary: npt.NDArray[Any],
    secondary: IntArray,
    idx: IntArray,
) -> npt.NDArray[np.bool_]:
    """Per edge: whether its node prefers it to the worst of its chosen edges ``idx``.

    Preference is the smaller ``(primary, secondary)``; a node without chosen
    edges prefers nothing (its free places are checked by the caller).
    """
    worst = np.full(n, -1, dtype=np.int64)
    if idx.size:
        # each node's worst chosen edge: the last of its chosen edges in key order
        order = np.lexsort((secondary[idx], primary[idx], node[idx]))
        ranked = idx[order]
        last = np.flatnonzero(np.r_[node[ranked][1:] != node[ranked][:-1], True])
        worst[node[ranked[last]]] = ranked[last]
    w = worst[node]
    has = w >= 0
    wc = np.where(has, w, 0)
    better = (primary < primary[wc]) | (
        (primary == primary[wc]) & (secondary < secondary[wc])
    )
    out: npt.NDArray[np.bool_] = has & better
    return out


def blocking_pairs(
    graph: CandidateGraph, edges: npt.ArrayLike, ranks: Ranks | None = None
) -> IntArray:
    """Return the sorted indices of the edges that block ``edges``.

    An unchosen edge ``(l, r)`` blocks when both endpoints have a positive capacity
    and each would accept the other: it has a free place, or it prefers the other
    to its worst current partner (preferences as in `stable_edges()`: ``ranks``
    with ties broken by the edge index, or by weight). Vectorized: no ranking of
    all edges is needed, only each node's worst chosen partner.

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
    lft, rgt = graph.left, graph.right
    if ranks is None:  # by weight; ties: the lower partner position
        key_l: tuple[npt.NDArray[Any], IntArray] = (-graph.weight, rgt)
        key_r: tuple[npt.NDArray[Any], IntArray] = (-graph.weight, lft)
    else:
        rank_l, rank_r = _ranks(graph, ranks)
        edge = np.arange(graph.n_edges, dtype=np.int64)
        key_l, key_r = (rank_l, edge), (rank_r, edge)
    load_l = np.bincount(lft[idx], minlength=graph.n_left)
    load_r = np.bincount(rgt[idx], minlength=graph.n_right)
    wants_l = (graph.left_capacity[lft] > 0) & (
        (load_l[lft] < graph.left_capacity[lft])
        | _prefers(lft, graph.n_left, *key_l, idx)
    )
    wants_r = (graph.right_capacity[rgt] > 0) & (
        (load_r[rgt] < graph.right_capacity[rgt])
        | _prefers(rgt, graph.n_right, *key_r, idx)
    )
    return np.flatnonzero(~chosen & wants_l & wants_r).astype(np.int64)


def solve_stable(
    graph: CandidateGraph, ranks: Ranks | None = None, proposer: str = "mentee"
) -> Raw:
    """Stable matching as a `Raw` result (no optimality claim)."""
    return Raw(
        stable_edges(graph, ranks, proposer),
        "feasible",
        None,
        f"stable(deferred-acceptance, {proposer}s propose)",
    )

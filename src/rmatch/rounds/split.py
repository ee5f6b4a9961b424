"""Split one b-matching into rounds that each respect the capacities.

A set of pairs in which every mentor ``u`` has at most ``n * cap(u)`` pairs and every
mentee ``v`` at most ``n * cap(v)`` splits into ``n`` rounds in which ``u`` has at
most ``cap(u)`` pairs and ``v`` at most ``cap(v)`` (König's edge-colouring theorem):

1. give every person ``cap`` *copies* and hand their pairs to the copies in turn
   (the k-th pair to copy ``k mod cap``), so that every copy has at most ``n``
   pairs; the copies and the pairs form a bipartite graph of maximum degree ``n``;
2. colour its edges with ``n`` colours, no two edges of one colour at a copy:
   pairs are coloured one by one with a colour free at both ends; when the free
   colours ``a`` (at the mentor) and ``b`` (at the mentee) differ, the path from the
   mentee whose edges alternate ``a, b, a, ...`` is recoloured ``b, a, b, ...``. In a
   bipartite graph that path cannot reach the mentor (it would enter the mentor
   through an ``a`` edge, and ``a`` is free there), so afterwards ``a`` is free at both;
3. balance the round sizes: while one round has two pairs more than another, the two
   rounds' pairs form paths and cycles at the copies, and one path has more pairs of
   the larger round; swapping its colours moves one pair to the smaller round.

Each colour is a round: a copy holds at most one pair per colour, so a person at
most ``cap`` pairs per round; every pair is in exactly one round. The result is
checked before it is returned.

Examples
--------
>>> import numpy as np
>>> left = np.array([0, 0, 1, 1])          # two mentors, two mentees, every pair
>>> right = np.array([0, 1, 0, 1])
>>> ones = np.ones(2, dtype=np.int64)
>>> [r.tolist() for r in split_rounds(left, right, ones, ones, 2)]
[[1, 2], [0, 3]]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from rmatch.errors import ConfigError, SolverError

__all__ = ["split_rounds"]

IntArray = npt.NDArray[np.int64]


def _copies(nodes: IntArray, capacity: IntArray) -> tuple[IntArray, int]:
    """Copy index of every edge end: the k-th edge of a node goes to copy k mod cap.

    Returns the copy id of every edge (ids ``0 .. total - 1``) and the total
    number of copies.
    """
    cap = np.maximum(capacity, 1)
    offset = np.concatenate([[0], np.cumsum(cap)])
    order = np.argsort(nodes, kind="stable")
    sorted_nodes = nodes[order]
    first = np.searchsorted(sorted_nodes, sorted_nodes)
    rank = np.empty_like(nodes)
    rank[order] = np.arange(nodes.size) - first
    return offset[nodes] + rank % cap[nodes], int(offset[-1])


def _colour(cu: list[int], cv: list[int], n_nodes: int, n: int) -> list[int]:
    """Colour the edges ``(cu[e], cv[e])`` of a bipartite graph of degree <= n."""
    at = [[-1] * n for _ in range(n_nodes)]
    colour = [-1] * len(cu)
    for e, (u, v) in enumerate(zip(cu, cv, strict=True)):
        a = at[u].index(-1)
        if at[v][a] >= 0:
            b = at[v].index(-1)
            path: list[int] = []
            x, c = v, a
            while at[x][c] >= 0:
                f = at[x][c]
                path.append(f)
                x = cv[f] if cu[f] == x else cu[f]
                c = b if c == a else a
            for f in path:
                at[cu[f]][colour[f]] = -1
                at[cv[f]][colour[f]] = -1
            for f in path:
                colour[f] = b if colour[f] == a else a
                at[cu[f]][colour[f]] = f
                at[cv[f]][colour[f]] = f
        colour[e] = a
        at[u][a] = e
        at[v][a] = e
    _balance(at, colour, cu, cv, n)
    return colour


def _balance(
    at: list[list[int]], colour: list[int], cu: list[int], cv: list[int], n: int
) -> None:
    """Swap alternating paths until the colour classes differ by at most one edge.

    For the largest class ``i`` and the smallest ``j``, the edges of both form
    paths and cycles; ``size_i - size_j`` is the number of paths that start and
    end with an ``i`` edge minus those that start and end with a ``j`` edge, so at
    least ``(size_i - size_j) // 2`` paths have one more ``i`` edge: swapping their
    colours balances the two classes in one pass.
    """
    sizes = [0] * n
    for c in colour:
        sizes[c] += 1
    while n > 1 and max(sizes) - min(sizes) > 1:
        i, j = sizes.index(max(sizes)), sizes.index(min(sizes))
        need = (sizes[i] - sizes[j]) // 2
        seen: set[int] = set()
        for e in range(len(colour)):
            if need == 0:
                break
            if colour[e] != i or e in seen:
                continue
            for start in (cu[e], cv[e]):
                if at[start][j] < 0:  # an end of an i/j path that starts with i
                    break
            else:
                continue
            path, x, c = [], start, i
            while at[x][c] >= 0:
                f = at[x][c]
                path.append(f)
                x = cv[f] if cu[f] == x else cu[f]
                c = j if c == i else i
            seen.update(path)
            if len(path) % 2 == 0:
                continue
            for f in path:
                at[cu[f]][colour[f]] = -1
                at[cv[f]][colour[f]] = -1
            for f in path:
                colour[f] = j if colour[f] == i else i
                at[cu[f]][colour[f]] = f
                at[cv[f]][colour[f]] = f
            sizes[i] -= 1
            sizes[j] += 1
            need -= 1
        if need:  # pragma: no cover - impossible by the count above
            raise SolverError("rounds: no alternating path to balance (a bug)")


def split_rounds(
    left: npt.ArrayLike,
    right: npt.ArrayLike,
    left_capacity: npt.ArrayLike,
    right_capacity: npt.ArrayLike,
    n: int,
) -> list[IntArray]:
    """Split pairs into ``n`` rounds that each respect the capacities.

    Parameters
    ----------
    left, right : array of int
        Mentor and mentee node of every pair (no pair twice).
    left_capacity, right_capacity : array of int
        Pairs per round of every mentor / mentee node.
    n : int
        Number of rounds (>= 1).

    Returns
    -------
    list of numpy.ndarray
        ``n`` sorted arrays of pair positions (into ``left``/``right``); every pair
        is in exactly one, round sizes differ by at most one pair.

    Raises
    ------
    ConfigError
        ``n < 1``, or a node has more than ``n * capacity`` pairs (no split exists).
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ConfigError(f"the number of rounds must be an int >= 1; got {n!r}")
    n = int(n)
    lft = np.asarray(left, dtype=np.int64)
    rgt = np.asarray(right, dtype=np.int64)
    lcap = np.asarray(left_capacity, dtype=np.int64)
    rcap = np.asarray(right_capacity, dtype=np.int64)
    if lft.shape != rgt.shape:
        raise ConfigError("left and right must have the same length")
    for side, nodes, cap in (("mentor", lft, lcap), ("mentee", rgt, rcap)):
        degree = np.bincount(nodes, minlength=cap.size)[: cap.size]
        if nodes.size and (nodes.max() >= cap.size or nodes.min() < 0):
            raise ConfigError(f"a {side} node is out of range of its capacities")
        over = np.flatnonzero(degree > n * cap)
        if over.size:
            k = int(over[0])
            raise ConfigError(
                f"{side} node {k} has {int(degree[k])} pairs, more than {n} rounds "
                f"x capacity {int(cap[k])}: no split into rounds exists"
            )
    if lft.size == 0:
        return [np.zeros(0, dtype=np.int64) for _ in range(n)]
    cu, n_left = _copies(lft, lcap)
    cv, n_right = _copies(rgt, rcap)
    colour = np.asarray(
        _colour(cu.tolist(), (cv + n_left).tolist(), n_left + n_right, n),
        dtype=np.int64,
    )
    rounds = [np.flatnonzero(colour == c).astype(np.int64) for c in range(n)]
    for r in rounds:  # the proof above, checked
        if np.any(np.bincount(lft[r], minlength=lcap.size) > lcap) or np.any(
            np.bincount(rgt[r], minlength=rcap.size) > rcap
        ):
            raise SolverError("rounds: a round exceeds a capacity (a bug)")
    return rounds

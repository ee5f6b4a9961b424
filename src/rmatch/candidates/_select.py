"""Exact top ``k`` per person from scored pairs (one integer sort of the few
entries that can still be in it)."""

from __future__ import annotations

import numpy as np


def desc_bits(w: np.ndarray) -> np.ndarray:
    """``uint32`` keys that sort non-negative float32 scores from best to worst."""
    w32 = np.ascontiguousarray(w, dtype=np.float32) + np.float32(0.0)  # no -0.0
    out: np.ndarray = np.uint32(0xFFFFFFFF) - w32.view(np.uint32)
    return out


def select_top_k(
    node: np.ndarray,
    other: np.ndarray,
    w: np.ndarray,
    k: int,
    n: int,
    lower: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact top ``k`` per node (best score first, then smallest ``other``).

    Parameters
    ----------
    node, other : numpy.ndarray
        Integer node of each entry (``0 <= node < n``) and its partner.
    w : numpy.ndarray
        Non-negative ``float32`` score of each entry.
    k, n : int
        Entries kept per node; number of nodes.
    lower : numpy.ndarray, optional
        ``float32`` per node, at most its ``k``-th best score whenever it has
        ``k`` entries or more (e.g. the ``kth`` of an earlier call on a subset of
        these entries). Entries below it are dropped before sorting; the result is
        the same.

    Returns
    -------
    keep : numpy.ndarray
        ``bool`` per entry.
    kth : numpy.ndarray
        ``float32`` per node: the ``k``-th best score, ``-inf`` with fewer entries.
    count : numpy.ndarray
        Entries per node.
    """
    count = np.bincount(node, minlength=n)
    kth = np.full(n, -np.inf, dtype=np.float32)
    if node.size == 0:
        return np.zeros(0, dtype=bool), kth, count
    over = count > k
    if not over.any():
        big = np.flatnonzero(count == k)
        if big.size:  # the k-th best is the smallest score of a full node
            low = np.full(n, np.inf, dtype=np.float32)
            np.minimum.at(low, node, np.asarray(w, dtype=np.float32))
            kth[big] = low[big]
        return np.ones(node.size, dtype=bool), kth, count
    # only entries of full nodes at or above their lower bound can be in a top k
    count_of = count[node]
    node_over = count_of > k
    sel = count_of >= k
    if lower is not None:
        sel &= w >= lower[node]
    idx = np.flatnonzero(sel)
    sn, sw = node[idx], w[idx]
    desc = desc_bits(sw).astype(np.int64)
    key = (sn.astype(np.int64) << 32) | desc
    if n <= 1 << 16:  # group by node first (a radix sort): the merge sort then
        key = key[np.argsort(sn.astype(np.uint16), kind="stable")]  # runs faster
    s = np.sort(key, kind="stable")
    scount = np.bincount(sn, minlength=n)
    big = np.flatnonzero(count >= k)
    if lower is not None and np.any(scount[big] < k):  # not a bound: do without
        return select_top_k(node, other, w, k, n)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(scount, out=start[1:])
    kth_desc = s[start[big] + k - 1] & 0xFFFFFFFF
    kth[big] = (np.uint32(0xFFFFFFFF) - kth_desc.astype(np.uint32)).view(np.float32)
    thr = kth[node]
    keep = ~node_over | (w > thr)
    tie = np.flatnonzero(node_over & (w == thr))
    if tie.size:
        # entries strictly better than the k-th: the first key of the k-th value
        cut = (np.arange(n, dtype=np.int64) << 32) | (
            np.uint32(0xFFFFFFFF) - kth.view(np.uint32)
        ).astype(np.int64)
        better = np.searchsorted(s, cut) - start[:-1]
        room = k - better
        order = np.lexsort((other[tie], node[tie]))
        tn = node[tie][order]
        first = np.searchsorted(tn, tn)
        rank = np.arange(tn.size) - first
        keep[tie[order[rank < room[tn]]]] = True
    return keep, kth, count


def two_sided_top_k(
    rows: np.ndarray,
    cols: np.ndarray,
    weight: np.ndarray,
    k: int,
    n_rows: int,
    n_cols: int,
    tau_rows: np.ndarray | None,
    tau_cols: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep each pair among the top ``k`` of its row or of its column.

    Returns ``keep`` (a mask over the pairs) and the new k-th best score per row
    and per column (the bounds the next compaction starts from).
    """
    keep_r, kth_r, _ = select_top_k(rows, cols, weight, k, n_rows, tau_rows)
    keep_c, kth_c, _ = select_top_k(cols, rows, weight, k, n_cols, tau_cols)
    return keep_r | keep_c, kth_r, kth_c

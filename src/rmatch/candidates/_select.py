"""Exact top ``k`` per person from scored pairs (one integer sort)."""

from __future__ import annotations

import numpy as np


def desc_bits(w: np.ndarray) -> np.ndarray:
    """``uint32`` keys that sort non-negative float32 scores from best to worst."""
    w32 = np.ascontiguousarray(w, dtype=np.float32) + np.float32(0.0)  # no -0.0
    out: np.ndarray = np.uint32(0xFFFFFFFF) - w32.view(np.uint32)
    return out


def select_top_k(
    node: np.ndarray, other: np.ndarray, w: np.ndarray, k: int, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact top ``k`` per node (best score first, then smallest ``other``).

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
    desc = desc_bits(w).astype(np.int64)
    key = (node.astype(np.int64) << 32) | desc
    s = np.sort(key)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(count, out=start[1:])
    big = np.flatnonzero(count >= k)
    kth_desc = s[start[big] + k - 1] & 0xFFFFFFFF
    kth[big] = (np.uint32(0xFFFFFFFF) - kth_desc.astype(np.uint32)).view(np.float32)
    over = count > k
    if not over.any():
        return np.ones(node.size, dtype=bool), kth, count
    node_over = over[node]
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

"""The org chart as a tree: depth and preorder intervals, in time and memory O(n).

``a`` is a manager of ``b`` (at any level) exactly when ``b``'s preorder number falls
in ``a``'s interval; ``depth[b] - depth[a]`` is then the number of levels between them.
Asking "within ``levels`` levels?" costs O(1) per pair, whatever ``levels`` is, so a
[`NoReportingLine`][rmatch.rules.NoReportingLine] with a huge ``levels`` never
allocates ``n × levels``.
"""

from __future__ import annotations

import numpy as np


class OrgTree:
    """Depth and preorder intervals of a forest given by each node's manager.

    Parameters
    ----------
    manager : numpy.ndarray
        ``int64`` position of each node's manager, ``-1`` for none.

    Attributes
    ----------
    depth : numpy.ndarray
        Levels below the top of the chart (0 for a person without a manager); ``-1``
        for nodes on or under a manager cycle (not a tree).
    tin, tout : numpy.ndarray
        Preorder interval ``[tin, tout)`` of each node's subtree.
    complete : bool
        Every node is in the tree (no cycle).
    max_depth : int
        The deepest node's depth (0 for an empty chart).
    """

    def __init__(self, manager: np.ndarray) -> None:
        manager = np.asarray(manager, dtype=np.int64)
        n = manager.size
        self.manager = manager
        has = manager >= 0
        order = np.argsort(np.where(has, manager, -1), kind="stable")
        order = order[has[order]]  # the nodes with a manager, grouped by manager
        counts = np.bincount(manager[has], minlength=n)
        starts = np.cumsum(counts) - counts
        roots = np.flatnonzero(~has)
        fronts = _levels(roots, order, starts, counts)
        if fronts is None:  # a deep chart: one pass in Python is faster
            self.depth, self.tin, size = _preorder_loop(
                manager, roots, order, starts, counts
            )
        else:
            self.depth, self.tin, size = _preorder_levels(fronts, manager)
        self.complete = bool(np.all(self.depth >= 0))
        self.max_depth = int(max(self.depth.max(), 0)) if n else 0
        self.tout = np.where(self.tin >= 0, self.tin + size, -1)

    def above(self, a: np.ndarray, b: np.ndarray, levels: int) -> np.ndarray:
        """Whether ``a`` is one of ``b``'s managers at most ``levels`` levels up.

        ``a`` and ``b`` broadcast against each other (e.g. ``(M, 1)`` and ``(1, N)``).
        """
        gap = self.depth[b] - self.depth[a]
        inside = (self.tin[a] < self.tin[b]) & (self.tin[b] < self.tout[a])
        out: np.ndarray = inside & (gap >= 1) & (gap <= levels)
        return out

    def steps(self, nodes: np.ndarray, levels: int) -> int:
        """How many (node, manager) steps walking ``nodes`` up ``levels`` takes."""
        return int(np.minimum(self.depth[nodes], levels).sum())

    def walk(
        self, nodes: np.ndarray, levels: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every (node index, manager, distance) up to ``levels`` above ``nodes``.

        Work and memory are linear in ``steps(nodes, levels)``.
        """
        index = np.arange(nodes.size, dtype=np.int64)
        current = self.manager[nodes]
        out_i, out_a, out_d = [], [], []
        distance = 1
        while distance <= levels:
            live = current >= 0
            index, current = index[live], current[live]
            if index.size == 0:
                break
            out_i.append(index)
            out_a.append(current)
            out_d.append(np.full(index.size, distance, dtype=np.int64))
            current = self.manager[current]
            distance += 1
        empty = np.zeros(0, dtype=np.int64)
        return (
            np.concatenate(out_i) if out_i else empty,
            np.concatenate(out_a) if out_a else empty,
            np.concatenate(out_d) if out_d else empty,
        )


#: Above this many levels the level-by-level pass gives way to one Python loop.
_MAX_LEVEL_PASSES = 64


def _levels(
    roots: np.ndarray, order: np.ndarray, starts: np.ndarray, counts: np.ndarray
) -> list[np.ndarray] | None:
    """The nodes of each level, top down (None past ``_MAX_LEVEL_PASSES`` levels)."""
    fronts = [roots]
    while fronts[-1].size:
        if len(fronts) > _MAX_LEVEL_PASSES:
            return None
        front = fronts[-1]
        c = counts[front]
        total = int(c.sum())
        first = np.repeat(starts[front], c)
        offset = np.arange(total) - np.repeat(np.cumsum(c) - c, c)
        fronts.append(order[first + offset])
    fronts.pop()
    return fronts


def _preorder_levels(
    fronts: list[np.ndarray], manager: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Depth, preorder number and subtree size, one vectorized pass per level."""
    n = manager.size
    depth = np.full(n, -1, dtype=np.int64)
    tin = np.full(n, -1, dtype=np.int64)
    size = np.ones(n, dtype=np.int64)
    for d, front in enumerate(fronts):
        depth[front] = d
    for front in reversed(fronts[1:]):
        np.add.at(size, manager[front], size[front])
    roots = fronts[0] if fronts else np.zeros(0, np.int64)
    tin[roots] = np.cumsum(size[roots]) - size[roots]
    for front in fronts[1:]:
        # ``front`` is grouped by manager, positions ascending within a group
        parent = manager[front]
        before = np.cumsum(size[front]) - size[front]
        group_start = np.r_[True, parent[1:] != parent[:-1]]
        base = np.maximum.accumulate(np.where(group_start, before, 0))
        tin[front] = tin[parent] + 1 + before - base
    return depth, tin, size


def _preorder_loop(
    manager: np.ndarray,
    roots: np.ndarray,
    order: np.ndarray,
    starts: np.ndarray,
    counts: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Depth, preorder number and subtree size by one depth-first walk (deep charts)."""
    n = counts.size
    kids = order.tolist()
    first = starts.tolist()
    count = counts.tolist()
    depth = [-1] * n
    tin = [-1] * n
    visit: list[int] = []
    stack = roots[::-1].tolist()
    for r in stack:
        depth[r] = 0
    while stack:
        v = stack.pop()
        tin[v] = len(visit)
        visit.append(v)
        c = count[v]
        if c:
            children = kids[first[v] : first[v] + c]
            dv = depth[v] + 1
            for child in children:
                depth[child] = dv
            stack.extend(reversed(children))
    size = [1] * n
    parent = manager.tolist()
    for v in reversed(visit):
        p = parent[v]
        if p >= 0:
            size[p] += size[v]
    return (
        np.asarray(depth, dtype=np.int64),
        np.asarray(tin, dtype=np.int64),
        np.asarray(size, dtype=np.int64),
    )

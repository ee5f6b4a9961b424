"""Solve a large b-matching LP on a few of its edges, priced against all of them.

The simplex time of the flow LP grows faster than its number of columns (a 1000 x
1000 graph with 160,000 edges and capacities 3: about 3 s with HiGHS), while the
optimum uses a few thousand edges. So the LP is first solved on a *core*: every
person's best ``CORE_K x capacity`` edges. Its duals ``y`` (mentors) and ``z``
(mentees) price every other edge: ``r_e = v_e - y_u - z_v``. Edges with ``r_e``
above the LP's tolerance join the core (the best ``ADD_PER_NODE`` of each person)
and the core is solved again (column generation). When no edge is left above the
tolerance, ``y, z`` with ``s_e = max(0, r_e)`` are feasible for the dual of the
*whole* LP, so by weak duality

    ``OPT <= LP(core) + sum over non-core edges of max(0, r_e)``,

which is reported as the bound: the answer is certified, not assumed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rmatch.solvers._graph import CandidateGraph, FloatArray, IntArray

__all__ = [
    "ADD_PER_NODE",
    "CORE_K",
    "PRICE_MIN_EDGES",
    "CoreLP",
    "label_bound",
    "priced",
]

#: Graphs with fewer edges are solved whole (the LP is fast there).
PRICE_MIN_EDGES = 20_000
#: The first core holds every person's best ``CORE_K * capacity`` edges.
CORE_K = 2
#: Each pricing round adds at most this many priced-out edges per person.
ADD_PER_NODE = 3
#: Rounds of pricing before giving up (the caller then solves the whole LP).
MAX_ROUNDS = 10
#: Rounds in a row that price edges in without raising the optimum: then the
#: duals read off the matching (`label_bound`) may prove it; if not, give up.
STALLED_ROUNDS = 2
#: Label-correcting passes of `label_bound` before giving up.
LABEL_ITERATIONS = 200


@dataclass
class CoreLP:
    """An optimal basic LP solution of a core: edges, value and duals (unscaled)."""

    edges: IntArray
    value: float
    y_left: FloatArray
    y_right: FloatArray


def _firsts(nodes: IntArray, order: IntArray, per: IntArray, n: int) -> IntArray:
    """Positions of ``order`` among the first ``per[node]`` of their node."""
    grouped = nodes[order]
    if n <= 1 << 16:  # numpy's stable sort of 16-bit keys is a radix sort
        grouped = grouped.astype(np.uint16)
    by_node = np.argsort(grouped, kind="stable")
    sorted_nodes = nodes[order[by_node]]
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(nodes, minlength=n), out=starts[1:])
    rank = np.arange(nodes.size) - starts[sorted_nodes]
    return by_node[rank < per[sorted_nodes]]


def best_per_node(
    graph: CandidateGraph,
    edges: IntArray,
    key: FloatArray,
    per_left: IntArray,
    per_right: IntArray,
) -> IntArray:
    """``edges`` among the best ``per_left``/``per_right`` (by ``key``) of a node."""
    order = np.argsort(-key[edges], kind="stable")  # ties: lower edge first
    keep = np.zeros(edges.size, dtype=np.bool_)
    keep[order[_firsts(graph.left[edges], order, per_left, graph.n_left)]] = True
    keep[order[_firsts(graph.right[edges], order, per_right, graph.n_right)]] = True
    return edges[keep]


def priced(
    graph: CandidateGraph,
    values: FloatArray,
    solve_core: Callable[[CandidateGraph, FloatArray], CoreLP],
    tolerance: float,
    rtol: float,
) -> tuple[IntArray, float, dict[str, int]] | None:
    """Column generation for ``max values·x`` over the b-matchings of ``graph``.

    Parameters
    ----------
    graph : CandidateGraph
        Capacities only (no lower bounds, required edges or side constraints).
    values : numpy.ndarray
        Edge values.
    solve_core : callable
        ``solve_core(subgraph, sub_values)``: an optimal basic solution and its duals.
    tolerance : float
        Reduced costs up to this are the LP's own tolerance, not improvements.
    rtol : float
        Stop when the non-core edges can add at most ``rtol * |LP(core)|`` in all
        (the bound then proves the core's optimum within that relative gap).

    Returns
    -------
    (edges, bound, stats) or None
        Chosen edges of ``graph``, the weak-duality bound, and the rounds and core
        size; None for graphs below `PRICE_MIN_EDGES` edges or with capacity 1 on
        a side (the whole LP, or the assignment, is fast there), when pricing did
        not settle within `MAX_ROUNDS`, or when `STALLED_ROUNDS` rounds in a row
        left the optimum where it was but still priced edges in (degenerate duals).
    """
    if (
        graph.n_edges < PRICE_MIN_EDGES
        or not np.any(graph.left_capacity > 1)
        or not np.any(graph.right_capacity > 1)
    ):
        return None  # small, or one side at capacity 1: the whole LP is fine
    everything = np.arange(graph.n_edges, dtype=np.int64)
    core = np.zeros(graph.n_edges, dtype=np.bool_)
    core[
        best_per_node(
            graph,
            everything,
            values,
            CORE_K * graph.left_capacity,
            CORE_K * graph.right_capacity,
        )
    ] = True
    per = np.full(max(graph.n_left, graph.n_right), ADD_PER_NODE, dtype=np.int64)
    previous, stalled = -np.inf, 0
    for rounds in range(1, MAX_ROUNDS + 1):
        idx = np.flatnonzero(core)
        sol = solve_core(graph.subgraph(core), values[idx])
        reduced = values - sol.y_left[graph.left] - sol.y_right[graph.right]
        rest = reduced[~core]
        excess = float(np.sum(rest[rest > 0.0]))
        out = np.flatnonzero(~core & (reduced > tolerance))
        slack = rtol * max(abs(sol.value), 1.0)
        if out.size == 0 or excess <= slack:
            stats = {"pricing_rounds": rounds, "core_edges": int(idx.size)}
            return idx[sol.edges], sol.value + excess, stats
        stalled = stalled + 1 if sol.value <= previous + slack else 0
        if stalled >= STALLED_ROUNDS:
            # the optimum does not move, the duals do (a degenerate LP has many):
            # the duals read off the matching itself may prove it optimal
            edges = idx[sol.edges]
            bound = label_bound(graph, values, edges)
            got = float(np.sum(values[edges]))
            if bound - got <= slack:
                stats = {"pricing_rounds": rounds, "core_edges": int(idx.size)}
                return edges, max(bound, got), stats
            return None  # pricing would trickle in a few edges per round
        previous = max(previous, sol.value)
        core[best_per_node(graph, out, reduced, per, per)] = True
    return None


def label_bound(graph: CandidateGraph, values: FloatArray, edges: IntArray) -> float:
    """Weak-duality bound from duals read off the matching ``edges``.

    Any ``y, z >= 0`` give ``sum(cap y) + sum(cap z) + sum((v - y - z)^+)`` as a
    bound on every matching; with the labels of `matching_duals()` the bound
    equals the matching's value when the matching is optimal.
    """
    if edges.size == graph.n_edges:
        return float(np.sum(np.maximum(values, 0.0)))  # every edge is chosen
    y, z, _ = matching_duals(graph, values, edges)
    excess = np.maximum(values - y[graph.left] - z[graph.right], 0.0)
    return float(
        np.dot(graph.left_capacity, y) + np.dot(graph.right_capacity, z) + excess.sum()
    )


def matching_duals(
    graph: CandidateGraph,
    values: FloatArray,
    edges: IntArray,
    iterations: int = LABEL_ITERATIONS,
) -> tuple[FloatArray, FloatArray, bool]:
    """Duals ``y >= 0`` (mentors) and ``z >= 0`` (mentees) read off ``edges``.

    Complementary slackness for the matching ``edges`` asks ``y_u + z_v >= v_e``
    on the other edges and ``<=`` on its own; label correcting finds the smallest
    ``y`` and largest ``z`` that satisfy it (``z_v = 0`` where mentee ``v`` has
    room). When the matching is optimal the labels converge (the third value
    says whether they did within ``iterations`` passes) and the duals are
    optimal; with integer values every label is an exact sum of them.
    """
    chosen = np.zeros(graph.n_edges, dtype=np.bool_)
    chosen[edges] = True
    load = np.bincount(graph.right[edges], minlength=graph.n_right)
    start = np.where(load < graph.right_capacity, 0.0, np.inf)
    free = np.flatnonzero(~chosen)
    free = free[np.argsort(graph.left[free], kind="stable")]
    f_left, f_right, f_val = graph.left[free], graph.right[free], values[free]
    seg = np.flatnonzero(np.r_[True, f_left[1:] != f_left[:-1]]) if free.size else free
    c_left, c_right, c_val = graph.left[edges], graph.right[edges], values[edges]
    z = start.copy()
    y = np.zeros(graph.n_left)
    done = False
    for _ in range(iterations):
        y_new = np.zeros(graph.n_left)
        if free.size:
            y_new[f_left[seg]] = np.maximum(
                np.maximum.reduceat(f_val - z[f_right], seg), 0.0
            )
        z_new = start.copy()
        np.minimum.at(z_new, c_right, c_val - y_new[c_left])
        done = np.array_equal(y_new, y) and np.array_equal(z_new, z)
        y, z = y_new, z_new
        if done:
            break
    # valid for any y, z >= 0 (converged or not); tight when the matching is optimal
    zz = np.maximum(np.where(np.isfinite(z), z, 0.0), 0.0)
    return y, zz, done

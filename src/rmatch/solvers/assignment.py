"""Assignment (linear sum assignment) solvers with slot expansion.

When every node of one side takes at most one partner, a node of the other side
with capacity ``c`` becomes ``min(c, degree)`` identical *slots*; a one-to-one
assignment of slots to nodes is then exactly a b-matching (two slots of one node
can never take the same partner, since the partner has capacity 1).

``dense``
    scipy ``linear_sum_assignment`` on the ``slots x nodes`` value matrix with
    non-edges at 0. A rectangular maximum assignment always exists; assigned
    non-edges (value 0) are discarded, so "unmatched" is exact and forbidden pairs
    never appear. Edge values are made strictly positive by the caller's tie-break
    (``weight + eps``), so a zero-score edge still beats leaving both unmatched.
``sparse``
    scipy ``min_weight_full_bipartite_matching`` (LAPJVsp) on the slot graph with
    one private dummy column per slot (so a full matching always exists). Costs
    are ``C - value`` with ``C = max(value) + 1``: all strictly positive, because
    that routine silently drops explicit zero costs.

A fixed number of pairs (coverage/fairness phases) adds ``M = 2 K (max|v| + 1)``
to every edge value, which makes every extra pair worth more than any change of
the total.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from rmatch.errors import ConfigError, SolverError
from rmatch.solvers._common import (
    OPT_RTOL,
    Deadline,
    Raw,
    reduce_required,
    usable_edges,
)
from rmatch.solvers._graph import CandidateGraph, FloatArray, IntArray, Status
from rmatch.solvers._pricing import label_bound

__all__ = ["DENSE_MAX_CELLS", "assignment_oracle", "not_supported", "slot_layout"]

#: Largest dense slot matrix (cells) the dense variant accepts (about 400 MB).
DENSE_MAX_CELLS = 50_000_000


def not_supported(graph: CandidateGraph) -> str | None:
    """Return what ``assignment`` cannot handle in ``graph`` (``None`` if it can)."""
    if graph.side_constraints:
        return "side constraints (quotas); use method='ilp' or 'lagrangian'"
    if graph.has_lower_bounds:
        return "minimum loads (lower bounds); use method='flow'"
    if np.any(graph.left_capacity > 1) and np.any(graph.right_capacity > 1):
        return "capacities above 1 on both sides; use method='flow'"
    return None


@dataclass(frozen=True)
class SlotLayout:
    """Rows = slots of the expanded side, columns = nodes of the unit side."""

    transpose: bool  # True when mentees are expanded (rows are mentee slots)
    row_node: IntArray  # edge endpoint on the expanded side
    col_node: IntArray  # edge endpoint on the unit side
    slot_start: IntArray  # first slot row of each expanded node
    n_slots: IntArray  # slots per expanded node
    col_index: IntArray  # column of each unit-side node (-1: unused)
    n_rows: int
    n_cols: int


def slot_layout(graph: CandidateGraph) -> SlotLayout:
    """Compute the slot expansion of ``graph`` (which must be applicable)."""
    transpose = bool(np.any(graph.right_capacity > 1))
    if transpose:
        row_node, col_node = graph.right, graph.left
        cap, n_row_nodes, n_col_nodes = (
            graph.right_capacity,
            graph.n_right,
            graph.n_left,
        )
    else:
        row_node, col_node = graph.left, graph.right
        cap, n_row_nodes, n_col_nodes = graph.left_capacity, graph.n_left, graph.n_right
    deg = np.bincount(row_node, minlength=n_row_nodes)
    n_slots = np.minimum(cap, deg).astype(np.int64)
    slot_start = np.zeros(n_row_nodes, dtype=np.int64)
    np.cumsum(n_slots[:-1], out=slot_start[1:])
    used_cols = np.zeros(n_col_nodes, dtype=np.bool_)
    used_cols[col_node] = True
    col_index = np.full(n_col_nodes, -1, dtype=np.int64)
    col_index[used_cols] = np.arange(int(used_cols.sum()))
    return SlotLayout(
        transpose,
        row_node,
        col_node,
        slot_start,
        n_slots,
        col_index,
        int(n_slots.sum()),
        int(used_cols.sum()),
    )


def assignment_oracle(
    graph: CandidateGraph,
    values: FloatArray,
    *,
    n_pairs: int | None = None,
    deadline: Deadline | None = None,
    variant: str = "sparse",
) -> Raw:
    """Maximize ``sum(values[x])`` with an assignment solver.

    Parameters
    ----------
    graph : CandidateGraph
        Must have unit capacities on at least one side, no lower bounds and no
        side constraints. Required edges are fixed first.
    values : numpy.ndarray
        Edge values; only edges with a positive value are ever chosen unless
        ``n_pairs`` is given.
    n_pairs : int, optional
        The maximum number of pairs, to be reached exactly.
    deadline : Deadline, optional
        Unused (polynomial algorithms).
    variant : {"sparse", "dense"}
        Which scipy routine to use.
    """
    del deadline
    why = not_supported(graph)
    if why:
        raise ConfigError(f"method 'assignment' does not support {why}")
    if variant not in ("sparse", "dense"):
        raise ConfigError(
            f"unknown assignment variant {variant!r}; use 'sparse' or 'dense'"
        )
    red = reduce_required(graph)
    res = red.graph
    keep = usable_edges(res)
    sub = res.subgraph(keep)
    back = red.kept[np.flatnonzero(keep)]
    vals = np.asarray(values, dtype=np.float64)[back]
    if n_pairs is not None:
        big = (
            2.0
            * (sub.max_pairs() + 1)
            * (float(np.max(np.abs(vals), initial=0.0)) + 1.0)
        )
        vals = vals + big
    layout = slot_layout(sub)
    if variant == "dense":
        chosen = _dense(sub, vals, layout)
    else:
        chosen = _sparse(sub, vals, layout)
    edges = np.sort(np.concatenate([red.fixed, back[chosen]])).astype(np.int64)
    got = float(np.sum(np.asarray(values)[edges]))
    if n_pairs is not None and edges.shape[0] != n_pairs:
        raise SolverError(
            f"assignment found {edges.shape[0]} pairs, expected {n_pairs}"
        )
    stats = {
        "slots": layout.n_rows,
        "columns": layout.n_cols,
        "expanded": "right" if layout.transpose else "left",
    }
    status: Status = "optimal"
    bound = got
    if red.fixed.size == 0 and n_pairs is None:
        # a certificate, not only the algorithm's word: duals read off the matching
        # bound every matching (weak duality); tight when it is optimal
        # on the usable edges: the others (no room, no gain) cannot raise a total
        bound = max(got, label_bound(sub, np.asarray(vals, np.float64), chosen))
        if bound - got > OPT_RTOL * max(abs(got), 1.0):
            status = "feasible"
    return Raw(edges, status, bound, f"assignment({variant})", stats)


def _dense(graph: CandidateGraph, vals: FloatArray, layout: SlotLayout) -> IntArray:
    n_nodes = layout.n_slots.shape[0]
    if layout.n_rows == 0 or layout.n_cols == 0:
        return np.zeros(0, np.int64)
    if layout.n_rows * layout.n_cols > DENSE_MAX_CELLS:
        raise ConfigError(
            f"dense assignment would need a {layout.n_rows} x {layout.n_cols} matrix; "
            "use method='assignment' with the sparse variant or 'flow'"
        )
    cols = layout.col_index[layout.col_node]
    node_val = np.zeros((n_nodes, layout.n_cols))
    node_edge = np.full((n_nodes, layout.n_cols), -1, dtype=np.int64)
    pos = vals > 0
    node_val[layout.row_node[pos], cols[pos]] = vals[pos]
    node_edge[layout.row_node[pos], cols[pos]] = np.flatnonzero(pos)
    owner = np.repeat(np.arange(n_nodes), layout.n_slots)
    rows, assigned = linear_sum_assignment(node_val[owner], maximize=True)
    e = node_edge[owner[rows], assigned]
    return np.sort(e[e >= 0]).astype(np.int64)


def _sparse(graph: CandidateGraph, vals: FloatArray, layout: SlotLayout) -> IntArray:
    pos = np.flatnonzero(vals > 0)
    if layout.n_rows == 0 or pos.size == 0:
        return np.zeros(0, np.int64)
    c = float(vals[pos].max()) + 1.0
    reps = layout.n_slots[layout.row_node[pos]]
    edge_of_entry = np.repeat(pos, reps)
    first = layout.slot_start[layout.row_node[pos]]
    offset = np.arange(edge_of_entry.size) - np.repeat(np.cumsum(reps) - reps, reps)
    rows = np.repeat(first, reps) + offset
    cols = layout.col_index[layout.col_node[edge_of_entry]]
    n_r, n_c = layout.n_rows, layout.n_cols
    all_rows = np.concatenate([rows, np.arange(n_r)])
    all_cols = np.concatenate([cols, n_c + np.arange(n_r)])
    costs = np.concatenate([c - vals[edge_of_entry], np.full(n_r, c)])
    if costs.min() <= 0:
        raise SolverError("internal error: non-positive cost for the sparse matcher")
    mat = sp.csr_matrix((costs, (all_rows, all_cols)), shape=(n_r, n_c + n_r))
    # entry id lookup: (row, col) -> edge (explicit map, the matrix holds costs)
    entry = sp.csr_matrix(
        (np.arange(1, edge_of_entry.size + 1, dtype=np.float64), (rows, cols)),
        shape=(n_r, n_c + n_r),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a dropped entry would be a bug: fail loudly
        r_ind, c_ind = min_weight_full_bipartite_matching(mat)
    real = c_ind < n_c
    ids = np.asarray(entry[r_ind[real], c_ind[real]]).ravel().astype(np.int64) - 1
    if np.any(ids < 0):
        raise SolverError("internal error: sparse matcher used a non-edge")
    return np.sort(edge_of_entry[ids]).astype(np.int64)

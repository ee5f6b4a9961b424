"""Integer min-cost flow on a core of edges, proved optimal on all of them.

OR-Tools' cost scaling makes one pass over the arcs per scaling phase, and the
exact integer costs of `rmatch.solvers.flow` (about ``2**50``) need some 25
phases. Large graphs with capacities on both sides (rounds planned jointly: 1000
x 1000 people, 160,000 edges, capacities 3) choose a few thousand of their
edges, so the flow is solved on a *core* of edges instead:

1. the core starts as every person's best ``CORE_K x capacity`` edges, and a
   first flow with the costs cut to ``COARSE_BITS`` bits prices every other edge
   (below), only to choose the edges that join the core;
2. the flow on the core is optimal for the integer costs ``q``; its duals ``y``
   (mentors) and ``z`` (mentees) are read off the chosen edges by label
   correcting (`matching_duals()`), in float64 sums of integer costs (below
   ``2**52``), exact while the labels stay below ``2**53``;
3. ``y, z >= 0`` with ``s_e = max(0, q_e - y_u - z_v)`` are feasible for the dual
   of the *whole* graph's flow LP, so by weak duality no b-matching of the whole
   graph does better for ``q`` than ``D = sum(cap * y) + sum(cap * z) + sum(s_e)``;
4. ``D`` minus the core's value ``q(M)`` is a sum of non-negative slacks (the
   duals of unfilled places, ``s_e`` of the edges outside ``M`` and ``-r_e`` of
   those in it, `slack()`), each an exact integer in float64; when every one is 0
   (complementary slackness) ``M`` is optimal for ``q`` over the whole graph and
   ``D = q(M)`` exactly — the same proof as solving the whole graph, so the same
   answer up to exact ties of ``q``, which the seeded tie-break makes rare.
   Otherwise the edges outside the core with ``s_e > 0`` join it (the best
   ``ADD_PER_NODE`` of each person, by ``s_e``) and the core is solved again.

The answer is therefore never assumed: when pricing does not settle within
``MAX_ROUNDS`` rounds, or nothing is left to add while a slack is not 0, the
caller solves the whole graph.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from rmatch.solvers._graph import CandidateGraph, FloatArray, IntArray
from rmatch.solvers._pricing import best_per_node, matching_duals

__all__ = ["MIN_EDGES", "core_flow", "core_worthwhile", "slack"]

#: Graphs with fewer edges are solved whole.
MIN_EDGES = 20_000
#: The first core holds every person's best ``CORE_K * capacity`` edges.
CORE_K = 2

#: A first core holding more than this share of the edges is not worth it.
MAX_CORE_SHARE = 0.5
#: Pricing rounds before giving up (the caller then solves the whole graph).
MAX_ROUNDS = 6
#: Each round adds at most this many priced-out edges per person (the duals of
#: a first core price out many edges; a generous second core usually settles).
ADD_PER_NODE = 20
#: The first round only chooses the core: it uses the costs cut to this many
#: bits (fewer cost-scaling phases, about half the time of the exact costs).
COARSE_BITS = 14
#: Label-correcting passes per round (exact integer labels settle in a few dozen).
LABEL_ITERATIONS = 500

#: ``solve(subgraph, costs)``: the edges of an optimal flow for integer ``costs``.
SolveQ = Callable[[CandidateGraph, IntArray], IntArray]


def core_worthwhile(graph: CandidateGraph) -> bool:
    """Whether ``graph`` is large, with capacities above 1 on both sides.

    With capacity 1 on a side the assignment solvers are used instead, and small
    graphs are solved whole; lower bounds are not handled by the pricing.
    """
    return (
        graph.n_edges >= MIN_EDGES
        and not graph.has_lower_bounds
        and bool(np.any(graph.left_capacity > 1))
        and bool(np.any(graph.right_capacity > 1))
    )


def slack(
    graph: CandidateGraph,
    edges: IntArray,
    y: FloatArray,
    z: FloatArray,
    reduced: FloatArray,
) -> float:
    """How far the duals ``y, z >= 0`` are from proving ``edges`` optimal.

    By weak duality no b-matching of ``graph`` (capacities only) is worth more
    than ``D = sum(cap * y) + sum(cap * z) + sum(max(0, r_e))``; this returns
    ``D - q(M)`` as a sum of non-negative terms.

    With ``r_e = q_e - y_u - z_v`` and ``M`` the chosen ``edges``, ``D - q(M) =
    sum((cap - deg_M) * y) + sum((cap - deg_M) * z) + sum over e not in M of
    max(0, r_e) + sum over e in M of max(0, -r_e)``. Integer ``q``, ``y`` and
    ``z`` below ``2**53`` make every ``r_e`` exact, so the result is 0 exactly
    when complementary slackness holds (no rounding of two large totals).
    """
    in_m = np.zeros(graph.n_edges, dtype=np.bool_)
    in_m[edges] = True
    free_l = graph.left_capacity - np.bincount(
        graph.left[edges], minlength=graph.n_left
    )
    free_r = graph.right_capacity - np.bincount(
        graph.right[edges], minlength=graph.n_right
    )
    terms = (
        float(np.dot(free_l, y)),
        float(np.dot(free_r, z)),
        float(np.sum(np.maximum(reduced[~in_m], 0.0))),
        float(np.sum(np.maximum(-reduced[in_m], 0.0))),
    )
    return sum(terms)


def core_flow(
    graph: CandidateGraph, q: IntArray, solve: SolveQ
) -> tuple[IntArray, float, dict[str, int]] | None:
    """Maximize ``q`` over the b-matchings of ``graph`` on a priced core.

    Parameters
    ----------
    graph : CandidateGraph
        Capacities only (no lower bounds, required edges or side constraints).
    q : numpy.ndarray
        Integer edge values (below ``2**52``, as OR-Tools' cost range needs).
    solve : callable
        ``solve(subgraph, sub_q)``: the edges of a ``q``-optimal b-matching.

    Returns
    -------
    (edges, bound, stats) or None
        The chosen edges of ``graph``, their value ``q(M) = OPT(q)`` (proved by
        the duals: `slack()` is 0) and the rounds and core size; None when the
        first core would hold more than `MAX_CORE_SHARE` of the edges or pricing
        did not settle within `MAX_ROUNDS` rounds (the caller then solves the
        whole graph).
    """
    everything = np.arange(graph.n_edges, dtype=np.int64)
    core = np.zeros(graph.n_edges, dtype=np.bool_)
    core[
        best_per_node(
            graph,
            everything,
            q,  # sorting int64 is faster than float64
            CORE_K * graph.left_capacity,
            CORE_K * graph.right_capacity,
        )
    ] = True
    if np.count_nonzero(core) > MAX_CORE_SHARE * graph.n_edges:
        return None  # large capacities: the core would be most of the graph
    per = np.full(max(graph.n_left, graph.n_right), ADD_PER_NODE, dtype=np.int64)
    top = int(np.max(np.abs(q), initial=0))
    coarse = q >> max(0, top.bit_length() - COARSE_BITS)
    for rounds in range(1, MAX_ROUNDS + 1):
        exact = rounds > 1 or top.bit_length() <= COARSE_BITS
        costs = q if exact else coarse
        values = costs.astype(np.float64)
        idx = np.flatnonzero(core)
        sub = graph.subgraph(core)
        chosen = solve(sub, costs[idx])
        edges = idx[chosen]
        y, z, _ = matching_duals(sub, values[idx], chosen, LABEL_ITERATIONS)
        reduced = values - y[graph.left] - z[graph.right]
        out = np.flatnonzero(~core & (reduced > 0.0))
        if exact and slack(graph, edges, y, z, reduced) == 0.0:
            stats = {"pricing_rounds": rounds, "core_edges": int(idx.size)}
            return edges, float(np.sum(values[edges])), stats
        if out.size == 0 and exact:
            return None  # labels not settled and nothing to add: no proof
        if out.size:
            core[best_per_node(graph, out, reduced, per, per)] = True
    return None

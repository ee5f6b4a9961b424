"""Min-cost flow for capacities on both sides and lower bounds (no side constraints).

The b-matching polytope of a bipartite graph with integer capacities is integral
(its constraint matrix is totally unimodular), so a max-weight b-matching is a
min-cost flow ``source -> mentor -> mentee -> sink``. Lower bounds on loads become
lower bounds on the source/sink arcs; a fixed number of pairs fixes the flow value
(the extra "all edges" row keeps the matrix totally unimodular: the rows form two
laminar families). Required edges are fixed and removed beforehand.

Backends, fastest first (measured in ``benchmarks/solvers.py``):

``ortools``
    OR-Tools ``SimpleMinCostFlow`` (optional dependency, imported lazily). It needs
    integer costs: ``q_e = floor(S * v_e) + 1`` with ``S`` a power of two as large
    as int64 arithmetic allows. Any ``q``-optimal flow ``M`` satisfies
    ``OPT_v <= v(M) + |M| / S`` (each ``q_e`` lies in ``(S v_e, S v_e + 1]``), which is
    reported as the bound; the answer counts as optimal when that gap is below the
    1e-9 relative tolerance, otherwise the next backend is used.
``highs-lp``
    scipy ``linprog`` (HiGHS) on the flow LP; a basic optimal solution is integral,
    it is rounded and checked, and the LP value is the bound. The costs are
    multiplied by a power of two (exact in floating point) so that the largest is
    about ``2**20``: HiGHS stops at an absolute dual feasibility tolerance of
    ``1e-7``, about two float32 ulps of scores near 1, which would leave
    improvements of that size (swap chains) unmade. The LP value is divided back.
    Large graphs with capacities on both sides (rounds planned jointly) are
    solved on a core of edges priced against all by the LP duals, with a
    weak-duality bound (``rmatch.solvers._pricing``; 3 s -> 0.2 s on the
    peer benchmark's 160,000-edge joint plan).
``networkx``
    ``network_simplex`` on the same scaled integer costs (slow; last resort).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog
from scipy.sparse.csgraph import maximum_flow

from rmatch.errors import ConfigError, SolverError
from rmatch.solvers._common import (
    OPT_RTOL,
    Deadline,
    Infeasible,
    Raw,
    reduce_required,
    usable_edges,
)
from rmatch.solvers._graph import CandidateGraph, FloatArray, IntArray
from rmatch.solvers._pricing import CoreLP, priced

__all__ = ["BACKENDS", "flow_oracle", "max_cardinality", "ortools_available"]

BACKENDS: tuple[str, ...] = ("ortools", "highs-lp", "networkx")


class _BackendFailed(Exception):
    """This backend cannot give a certified answer; try the next one."""


def ortools_available() -> bool:
    """Whether OR-Tools' min-cost flow can be imported."""
    try:
        from ortools.graph.python import min_cost_flow  # noqa: F401 (installed?)
    except Exception:  # ImportError, or a broken binary wheel
        return False
    return True


def not_supported(graph: CandidateGraph) -> str | None:
    """Return what ``flow`` cannot handle in ``graph`` (``None`` if it can)."""
    if graph.side_constraints:
        return "side constraints (quotas); use method='ilp' or 'lagrangian'"
    return None


def flow_oracle(
    graph: CandidateGraph,
    values: FloatArray,
    *,
    n_pairs: int | None = None,
    deadline: Deadline | None = None,
    backend: str | None = None,
) -> Raw:
    """Maximize ``sum(values[x])`` over b-matchings (optionally with ``n_pairs`` pairs).

    Parameters
    ----------
    graph : CandidateGraph
        Capacities, lower bounds and required edges are honoured.
    values : numpy.ndarray
        Any real values, one per edge.
    n_pairs : int, optional
        Exact number of pairs (must be achievable).
    deadline : Deadline, optional
        Unused (the backends are polynomial); accepted for the oracle protocol.
    backend : {"ortools", "highs-lp", "networkx"}, optional
        Force one backend; by default the fastest available, with fallbacks.

    Raises
    ------
    Infeasible
        When the lower bounds (or ``n_pairs``) cannot be met.
    """
    del deadline
    why = not_supported(graph)
    if why:
        raise ConfigError(f"method 'flow' does not support {why}")
    if backend is not None and backend not in BACKENDS:
        raise ConfigError(f"unknown flow backend {backend!r}; choose from {BACKENDS}")
    red = reduce_required(graph)
    res = red.graph
    vals = np.asarray(values, dtype=np.float64)[red.kept]
    target = None if n_pairs is None else n_pairs - int(red.fixed.shape[0])
    if target is not None and target < 0:
        raise Infeasible
    keep = usable_edges(res)
    if not keep.all():
        sub = res.subgraph(keep)
        back = np.flatnonzero(keep)
    else:
        sub, back = res, np.arange(res.n_edges)
    order = [backend] if backend else list(BACKENDS)
    tried: list[str] = []
    for name in order:
        try:
            raw = _BACKEND_FUNCS[name](sub, vals[back], target)
        except _BackendFailed as exc:
            tried.append(f"{name}: {exc}")
            continue
        edges = np.sort(np.concatenate([red.fixed, red.kept[back[raw.edges]]])).astype(
            np.int64
        )
        fixed_value = float(np.sum(np.asarray(values)[red.fixed]))
        bound = None if raw.bound is None else raw.bound + fixed_value
        raw.stats["tried"] = tried
        return Raw(edges, raw.status, bound, f"flow({name})", raw.stats)
    raise SolverError("no flow backend could solve the instance: " + "; ".join(tried))


# --------------------------------------------------------------------------- scaling
def _scale(values: FloatArray, n_nodes: int, n_pairs: int) -> float:
    """Largest power of two ``S`` keeping every int64 quantity of the flow safe."""
    vmax = float(np.max(np.abs(values))) + 1.0 if values.size else 1.0
    # costs * (n_nodes + 1) (cost scaling) and the total cost must fit in int64
    limit = 2.0**62 / (vmax * (max(n_nodes, n_pairs) + 2))
    limit = min(limit, 2.0**52 / vmax)  # floor(S * v) exact in float64
    return float(2.0 ** math.floor(math.log2(limit)))


def _int_costs(values: FloatArray, s: float) -> IntArray:
    return (np.floor(values * s) + 1.0).astype(np.int64)


def _certify(values: FloatArray, edges: IntArray, s: float) -> tuple[float, float]:
    """Return ``(v(M), bound)`` with ``bound = v(M) + |M| / S``."""
    got = float(np.sum(values[edges]))
    return got, got + edges.shape[0] / s


def _certified(values: FloatArray, edges: IntArray, s: float, backend: str) -> Raw:
    """An integer-cost optimum as an optimal `Raw`, or `_BackendFailed` when its
    bound ``v(M) + |M| / S`` is not within the tolerance."""
    got, bound = _certify(values, edges, s)
    if bound - got > OPT_RTOL * max(abs(got), 1.0):
        raise _BackendFailed("certified gap above tolerance")
    info = {"cost_scale": s, "certified_gap": bound - got}
    return Raw(edges, "optimal", bound, backend, info)


def _lp_scale(values: FloatArray) -> float:
    """Power of two ``S >= 1`` with ``max|S * values|`` in ``[2**20, 2**21)``.

    Multiplying by a power of two is exact, so ``S * values`` are the same costs,
    measured in units small enough for HiGHS's absolute tolerances (``1e-7``) to
    be far below the scores' precision. Values already that large are kept.
    """
    vmax = float(np.max(np.abs(values))) if values.size else 0.0
    if not math.isfinite(vmax) or vmax == 0.0:
        return 1.0
    return math.ldexp(1.0, min(max(0, 21 - math.frexp(vmax)[1]), 1000))


def _lower_bounds(graph: CandidateGraph) -> tuple[IntArray, IntArray]:
    return graph.left_min_or_zero(), graph.right_min_or_zero()


# --------------------------------------------------------------------------- ortools
def _ortools(graph: CandidateGraph, values: FloatArray, n_pairs: int | None) -> Raw:
    try:
        from ortools.graph.python import min_cost_flow
    except Exception as exc:
        raise _BackendFailed("OR-Tools is not installed") from exc
    k = graph.max_pairs()
    s = _scale(values, graph.n_left + graph.n_right + 2, k)
    if s < 2.0**20:
        raise _BackendFailed("instance too large for exact integer costs")
    q = _int_costs(values, s)
    nl, nr, n_e = graph.n_left, graph.n_right, graph.n_edges
    n_nodes = nl + nr + 2
    src, snk = 0, nl + nr + 1
    lmin, rmin = _lower_bounds(graph)
    tails = [np.zeros(nl, np.int64), 1 + graph.left, 1 + nl + np.arange(nr)]
    heads = [1 + np.arange(nl), 1 + nl + graph.right, np.full(nr, snk)]
    caps = [
        graph.left_capacity - lmin,
        np.ones(n_e, np.int64),
        graph.right_capacity - rmin,
    ]
    costs = [np.zeros(nl, np.int64), -q, np.zeros(nr, np.int64)]
    supply = np.zeros(n_nodes, dtype=np.int64)
    supply[src] -= int(lmin.sum())
    supply[1 : 1 + nl] += lmin
    supply[1 + nl : 1 + nl + nr] -= rmin
    supply[snk] += int(rmin.sum())
    if n_pairs is None:  # free flow value: return arc sink -> source
        tails.append(np.array([snk]))
        heads.append(np.array([src]))
        caps.append(np.array([max(k, 1) + int(lmin.sum()) + int(rmin.sum())]))
        costs.append(np.zeros(1, np.int64))
    else:
        supply[src] += n_pairs
        supply[snk] -= n_pairs
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails),
        np.concatenate(heads),
        np.concatenate(caps),
        np.concatenate(costs),
    )
    smcf.set_nodes_supplies(np.arange(n_nodes), supply)
    status = smcf.solve()
    if status == smcf.INFEASIBLE:
        raise Infeasible
    if status != smcf.OPTIMAL:
        raise _BackendFailed(f"OR-Tools status {status}")
    flows = smcf.flows(np.arange(nl, nl + n_e))
    edges = np.flatnonzero(flows > 0).astype(np.int64)
    return _certified(values, edges, s, "ortools")


# --------------------------------------------------------------------------- HiGHS LP
#: HiGHS's dual feasibility tolerance (1e-7) with a margin, in scaled cost units.
_LP_DUAL_TOL = 1e-6


def _lp(graph: CandidateGraph, values: FloatArray, n_pairs: int | None) -> Raw:
    if n_pairs is None and not graph.has_lower_bounds:
        # large graphs with capacities on both sides (no assignment route; e.g.
        # rounds planned jointly): the LP on a core of edges, priced against all
        tolerance = _LP_DUAL_TOL / _lp_scale(values)
        try:
            found = priced(graph, values, _core_lp, tolerance, OPT_RTOL / 2)
        except _BackendFailed:  # a core LP failed: the whole LP below may not
            found = None
        if found is not None:
            edges, bound, stats = found
            got = float(np.sum(values[edges]))
            if bound - got <= OPT_RTOL * max(abs(got), 1.0):
                return Raw(edges, "optimal", max(got, bound), "highs-lp", stats)
    edges, lp_value, _, info = _linprog(graph, values, n_pairs)
    got = float(np.sum(values[edges]))
    return Raw(edges, "optimal", max(got, lp_value), "highs-lp", info)


def _core_lp(graph: CandidateGraph, values: FloatArray) -> CoreLP:
    edges, lp_value, duals, _ = _linprog(graph, values, None)
    nl = graph.n_left
    return CoreLP(edges, lp_value, duals[:nl], duals[nl : nl + graph.n_right])


def _linprog(
    graph: CandidateGraph, values: FloatArray, n_pairs: int | None
) -> tuple[IntArray, float, FloatArray, dict[str, Any]]:
    """The flow LP: chosen edges, LP value, capacity-row duals, stats."""
    nl, nr, n_e = graph.n_left, graph.n_right, graph.n_edges
    if n_e == 0:
        if n_pairs or graph.has_lower_bounds:
            raise Infeasible
        return np.zeros(0, np.int64), 0.0, np.zeros(nl + nr), {}
    cols = np.arange(n_e)
    ones = np.ones(n_e)
    a_left = sp.csr_matrix((ones, (graph.left, cols)), shape=(nl, n_e))
    a_right = sp.csr_matrix((ones, (graph.right, cols)), shape=(nr, n_e))
    lmin, rmin = _lower_bounds(graph)
    blocks = [a_left, a_right]
    rhs = [graph.left_capacity, graph.right_capacity]
    if lmin.any():
        rows = np.flatnonzero(lmin > 0)
        blocks.append(-a_left[rows])
        rhs.append(-lmin[rows])
    if rmin.any():
        rows = np.flatnonzero(rmin > 0)
        blocks.append(-a_right[rows])
        rhs.append(-rmin[rows])
    a_ub = sp.vstack(blocks, format="csr")
    b_ub = np.concatenate(rhs).astype(np.float64)
    a_eq = None if n_pairs is None else sp.csr_matrix(ones.reshape(1, -1))
    b_eq = None if n_pairs is None else np.array([float(n_pairs)])
    scale = _lp_scale(values)
    costs = -values * scale  # exact: scale is a power of two
    last = ""
    for method in ("highs", "highs-ds"):
        with warnings.catch_warnings():
            warnings.simplefilter(
                "ignore"
            )  # OptimizeWarning on odd inputs; status is checked
            res = linprog(
                costs,
                A_ub=a_ub,
                b_ub=b_ub,
                A_eq=a_eq,
                b_eq=b_eq,
                bounds=(0, 1),
                method=method,
            )
        if res.status == 2:
            raise Infeasible
        if res.status != 0 or res.x is None:
            last = f"linprog status {res.status}: {res.message}"
            continue
        x = np.asarray(res.x)
        frac = float(np.max(np.abs(x - np.round(x))))
        if frac > 1e-6:
            last = f"fractional LP solution (max distance to integer {frac:.2g})"
            continue
        edges = np.flatnonzero(x > 0.5).astype(np.int64)
        lp_value = -float(res.fun) / scale
        # minimization: the marginals of <= rows are <= 0; the duals are their negation
        duals = np.maximum(-np.asarray(res.ineqlin.marginals)[: nl + nr], 0.0) / scale
        info = {"lp_method": method, "lp_value": lp_value, "cost_scale": scale}
        return edges, lp_value, duals, info
    raise _BackendFailed(last)


# --------------------------------------------------------------------------- networkx
def _networkx(graph: CandidateGraph, values: FloatArray, n_pairs: int | None) -> Raw:
    nl, nr = graph.n_left, graph.n_right
    k = graph.max_pairs()
    s = min(_scale(values, nl + nr + 2, k), 2.0**40)
    q = _int_costs(values, s).tolist()
    lmin, rmin = _lower_bounds(graph)
    g: Any = nx.DiGraph()
    demand = {"s": 0, "t": 0}
    for i in range(nl):
        g.add_edge(
            "s", ("l", i), capacity=int(graph.left_capacity[i] - lmin[i]), weight=0
        )
        demand["s"] += int(lmin[i])
        demand[("l", i)] = -int(lmin[i])  # type: ignore[index]
    for j in range(nr):
        g.add_edge(
            ("r", j), "t", capacity=int(graph.right_capacity[j] - rmin[j]), weight=0
        )
        demand[("r", j)] = int(rmin[j])  # type: ignore[index]
        demand["t"] -= int(rmin[j])
    for e, (lft, rgt) in enumerate(
        zip(graph.left.tolist(), graph.right.tolist(), strict=True)
    ):
        g.add_edge(("l", lft), ("r", rgt), capacity=1, weight=-q[e])
    if n_pairs is None:
        g.add_edge(
            "t", "s", capacity=k + int(lmin.sum()) + int(rmin.sum()) + 1, weight=0
        )
    else:
        demand["s"] -= n_pairs
        demand["t"] += n_pairs
    nx.set_node_attributes(g, demand, "demand")
    try:
        _, flow = nx.network_simplex(g)
    except nx.NetworkXUnfeasible as exc:
        raise Infeasible from exc
    chosen = [
        e
        for e, (lft, rgt) in enumerate(
            zip(graph.left.tolist(), graph.right.tolist(), strict=True)
        )
        if flow[("l", lft)][("r", rgt)] > 0
    ]
    return _certified(values, np.asarray(chosen, dtype=np.int64), s, "networkx")


_BACKEND_FUNCS = {"ortools": _ortools, "highs-lp": _lp, "networkx": _networkx}


# ----------------------------------------------------------------- max cardinality
def max_cardinality(graph: CandidateGraph, deadline: Deadline | None = None) -> Raw:
    """Maximum number of pairs by max-flow (Dinic), for graphs without lower bounds.

    Required edges are fixed first. Returns an optimal `Raw` whose
    bound is the number of pairs.
    """
    del deadline
    if graph.has_lower_bounds or graph.side_constraints:
        raise ConfigError(
            "max_cardinality does not handle lower bounds or side constraints"
        )
    red = reduce_required(graph)
    res = red.graph
    nl, nr, n_e = res.n_left, res.n_right, res.n_edges
    n = nl + nr + 2
    src, snk = 0, n - 1
    rows = np.concatenate(
        [np.zeros(nl, np.int64), 1 + res.left, 1 + nl + np.arange(nr)]
    )
    cols = np.concatenate([1 + np.arange(nl), 1 + nl + res.right, np.full(nr, snk)])
    cap = np.concatenate(
        [res.left_capacity, np.ones(n_e, np.int64), res.right_capacity]
    )
    keep = cap > 0
    mat = sp.csr_matrix(
        (cap[keep].astype(np.int32), (rows[keep], cols[keep])),
        shape=(n, n),
        dtype=np.int32,
    )
    result = maximum_flow(mat, src, snk, method="dinic")
    fmat = result.flow.tocsr()
    if n_e:
        f = np.asarray(fmat[1 + res.left, 1 + nl + res.right]).ravel()
        chosen = red.kept[np.flatnonzero(f > 0)]
    else:
        chosen = np.zeros(0, np.int64)
    edges = np.sort(np.concatenate([red.fixed, chosen])).astype(np.int64)
    return Raw(edges, "optimal", float(edges.shape[0]), "maxflow(dinic)")

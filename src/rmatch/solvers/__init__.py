"""Solver layer: pure functions on a [`CandidateGraph`][rmatch.solvers.CandidateGraph].

>>> import numpy as np
>>> from rmatch.solvers import CandidateGraph, solve
>>> g = CandidateGraph.from_dense(np.array([[1.0, 0.9], [0.9, 0.0]]))
>>> sol = solve(g)                      # the optimum pairs 0-1 and 1-0: 0.9 + 0.9
>>> sol.edges.tolist(), round(sol.total_score, 6), sol.status
([1, 2], 1.8, 'optimal')

Methods (``method=``):

========================  ==================================================
``"auto"``                the fastest method that handles the graph's rules
``"assignment"``          scipy LAP with slot expansion (``:dense``/``:sparse``)
``"flow"``                min-cost flow (``:ortools``/``:highs-lp``/``:networkx``)
``"ilp"``                 PuLP model: quotas, required pairs, every objective
``"lagrangian"``          one quota priced into the flow solver (``:ilp``: then ILP)
``"stable"``              deferred acceptance, mentees propose (``:mentor``:
                          mentors propose); stable, not optimal
``"greedy"``              best pairs first (baseline, not optimal)
========================  ==================================================

Objectives (``objective=``): ``"total"`` (sum of scores; among equal totals more
pairs, through a tie-break perturbation worth at most ``1e-9 * max weight`` in
total), ``"coverage"`` (most pairs, then total), ``"fairness"`` (most pairs, then
the best worst pair, then total).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pulp

from rmatch.errors import ConfigError, InfeasibleGraphError, SolverError
from rmatch.solvers import assignment as _assignment
from rmatch.solvers import flow as _flow
from rmatch.solvers import ilp as _ilp
from rmatch.solvers import lagrangian as _lagrangian
from rmatch.solvers._common import (
    OBJECTIVES,
    Deadline,
    Infeasible,
    NoIncumbent,
    Oracle,
    Raw,
    json_safe,
)
from rmatch.solvers._diagnose import Reason, precheck, raise_infeasible
from rmatch.solvers._graph import (
    CandidateGraph,
    FloatArray,
    LinearConstraint,
    Sense,
    Solution,
)
from rmatch.solvers._lexico import CountFn, Outcome, run_objective
from rmatch.solvers._verify import verify
from rmatch.solvers.greedy import solve_greedy
from rmatch.solvers.stable import PROPOSERS, blocking_pairs, solve_stable

__all__ = [
    "METHODS",
    "OBJECTIVES",
    "CandidateGraph",
    "InfeasibleGraphError",
    "LinearConstraint",
    "Reason",
    "Sense",
    "Solution",
    "blocking_pairs",
    "choose_method",
    "solve",
    "verify",
]

#: Method names accepted by `solve()` (a variant may follow a colon).
METHODS: tuple[str, ...] = (
    "auto",
    "assignment",
    "flow",
    "ilp",
    "lagrangian",
    "stable",
    "greedy",
)
#: Variants per method, e.g. ``"flow:highs-lp"`` or ``"assignment:dense"``.
VARIANTS: dict[str, tuple[str, ...]] = {
    "assignment": ("sparse", "dense"),
    "flow": _flow.BACKENDS,
    "ilp": ("highs", "cbc"),
    "lagrangian": ("ilp",),
    "stable": PROPOSERS,
}
#: Above this many edges ``lagrangian:ilp`` skips the ILP unless there is a time limit.
LAGRANGIAN_MIN_EDGES = 20_000
#: Without OR-Tools, ``auto`` uses scipy's sparse assignment up to this many edges and
#: the HiGHS flow LP above. Measured here: 100k edges (1000 x 5000, capacity 5)
#: sparse 0.54 s vs LP 2.0 s; 879k edges (1M-employee benchmark) sparse 71 s vs LP 9 s.
SPARSE_MAX_EDGES = 200_000
#: ``auto`` uses the dense assignment when the slot matrix is at least this full.
DENSE_MIN_DENSITY = 0.25


def _unit_both_sides(graph: CandidateGraph) -> bool:
    return bool(np.all(graph.left_capacity <= 1) and np.all(graph.right_capacity <= 1))


def _heuristic_unsupported(graph: CandidateGraph, name: str) -> str | None:
    if graph.side_constraints:
        return "side constraints (quotas); use method='ilp' or 'lagrangian'"
    if graph.has_lower_bounds:
        return "minimum loads (lower bounds); use method='flow' or 'ilp'"
    if graph.has_required:
        return "required pairs; use method='flow' or 'ilp'"
    return None


def _unsupported(graph: CandidateGraph, name: str, objective: str) -> str | None:
    if name in ("greedy", "stable"):
        return _heuristic_unsupported(graph, name)
    if name == "assignment":
        return _assignment.not_supported(graph)
    if name == "flow":
        return _flow.not_supported(graph)
    if name == "lagrangian":
        if objective != "total":
            return f"the {objective!r} objective; use method='ilp'"
        return _lagrangian.not_supported(graph)
    return None


def choose_method(graph: CandidateGraph, objective: str = "total") -> tuple[str, str]:
    """Return ``(method, why)``: what ``method="auto"`` runs for ``graph``.

    Rules, from the measurements in ``benchmarks/solvers.py``:

    * one ``<=``/``>=`` quota with the total objective: ``lagrangian:ilp`` (prices
      the quota into the flow solver; when its bound does not prove optimality,
      the ILP runs on graphs up to ``LAGRANGIAN_MIN_EDGES`` edges or under a time
      limit, and the better answer and tighter bound are kept);
    * other side constraints: ``ilp``;
    * one side with unit capacities, no lower bounds and a dense slot matrix:
      ``assignment:dense``;
    * otherwise ``flow`` (OR-Tools when installed, else HiGHS LP); without
      OR-Tools, graphs the assignment handles use ``assignment:sparse`` up to
      ``SPARSE_MAX_EDGES`` edges, where it is faster than the LP; with OR-Tools,
      so do graphs with unit capacities on both sides (one pair per person, no
      slots): 1000 x 1000 with 160,000 edges, 8 score levels, sparse 0.09 s vs
      OR-Tools 0.23 s; 3000 x 3000, 180,000 edges: 0.16 s vs 0.60 s; continuous
      scores about even. With slots (capacity 5: 1000 x 5000, 100,000 edges)
      OR-Tools stays: 0.08 s vs 1.1 s.
    """
    if graph.side_constraints:
        if objective == "total" and _lagrangian.not_supported(graph) is None:
            return "lagrangian:ilp", (
                "one quota: Lagrangian prices with the flow solver, then the ILP "
                f"if the gap stays open (up to {LAGRANGIAN_MIN_EDGES} edges or "
                "with a time limit)"
            )
        return "ilp", "side constraints need the ILP"
    if _assignment.not_supported(graph) is None:
        lay = _assignment.slot_layout(graph)
        cells = lay.n_rows * lay.n_cols
        if (
            0 < cells <= _assignment.DENSE_MAX_CELLS
            and graph.n_edges >= DENSE_MIN_DENSITY * cells
        ):
            return "assignment:dense", "unit capacities on one side and a dense graph"
        if not _flow.ortools_available() and graph.n_edges <= SPARSE_MAX_EDGES:
            return "assignment:sparse", "unit capacities on one side, sparse graph"
        if graph.n_edges <= SPARSE_MAX_EDGES and _unit_both_sides(graph):
            return "assignment:sparse", (
                "unit capacities on both sides: the sparse assignment beats "
                "OR-Tools' min-cost flow"
            )
    if _flow.ortools_available():
        return "flow:ortools", "capacities/lower bounds: OR-Tools min-cost flow"
    return "flow:highs-lp", "capacities/lower bounds: min-cost flow LP (HiGHS)"


def _parse(method: str) -> tuple[str, str | None]:
    if not isinstance(method, str):
        raise ConfigError(f"method must be a string, got {method!r}")
    name, _, variant = method.partition(":")
    if name not in METHODS:
        raise ConfigError(f"unknown method {method!r}; choose from {METHODS}")
    if variant:
        if variant not in VARIANTS.get(name, ()):
            raise ConfigError(
                f"unknown variant {variant!r} of method {name!r}; "
                f"choose from {VARIANTS.get(name, ())}"
            )
        return name, variant
    return name, None


def _oracle(name: str, variant: str | None, ilp_solver: Any, seed: int) -> Oracle:
    if name == "assignment":
        var = variant or "sparse"

        def assign(
            graph: CandidateGraph,
            values: FloatArray,
            *,
            n_pairs: int | None = None,
            deadline: Deadline | None = None,
        ) -> Raw:
            return _assignment.assignment_oracle(
                graph, values, n_pairs=n_pairs, deadline=deadline, variant=var
            )

        return assign
    if name == "flow":

        def flow(
            graph: CandidateGraph,
            values: FloatArray,
            *,
            n_pairs: int | None = None,
            deadline: Deadline | None = None,
        ) -> Raw:
            return _flow.flow_oracle(
                graph, values, n_pairs=n_pairs, deadline=deadline, backend=variant
            )

        return flow
    if name == "lagrangian" and variant == "ilp":

        def hybrid(
            graph: CandidateGraph,
            values: FloatArray,
            *,
            n_pairs: int | None = None,
            deadline: Deadline | None = None,
        ) -> Raw:
            return _ilp.lagrangian_then_ilp(
                graph,
                values,
                n_pairs=n_pairs,
                deadline=deadline,
                solver=ilp_solver,
                seed=seed,
                max_ilp_edges=LAGRANGIAN_MIN_EDGES,
            )

        return hybrid
    if name == "lagrangian":
        return _lagrangian.lagrangian_oracle
    solver = variant if variant is not None else ilp_solver

    def ilp(
        graph: CandidateGraph,
        values: FloatArray,
        *,
        n_pairs: int | None = None,
        deadline: Deadline | None = None,
    ) -> Raw:
        return _ilp.ilp_oracle(
            graph, values, n_pairs=n_pairs, deadline=deadline, solver=solver, seed=seed
        )

    return ilp


def _count_fn(graph: CandidateGraph, name: str) -> CountFn | None:
    if (
        name != "lagrangian"
        and not graph.has_lower_bounds
        and not graph.side_constraints
    ):
        return _flow.max_cardinality
    return None


def _evaluate(graph: CandidateGraph, raw: Raw, objective: str) -> Outcome:
    w = graph.weight[raw.edges]
    if objective == "total":
        obj = float(np.sum(w))
    elif objective == "coverage":
        obj = float(raw.edges.shape[0])
    else:
        obj = float(w.min()) if w.size else 0.0
    return Outcome(raw.edges, raw.status, obj, None, raw.backend, dict(raw.stats))


def solve(
    graph: CandidateGraph,
    method: str = "auto",
    objective: str = "total",
    *,
    time_limit: float | None = None,
    ilp_solver: str | pulp.LpSolver | None = None,
    seed: int = 0,
) -> Solution:
    """Choose the best set of pairs of ``graph``.

    Parameters
    ----------
    graph : CandidateGraph
        Candidate pairs, capacities and rules.
    method : str
        One of `METHODS`, optionally with a variant: ``"assignment:dense"``,
        ``"flow:highs-lp"``, ``"ilp:cbc"``... ``"auto"`` picks with
        [`choose_method()`][rmatch.solvers.choose_method] and records the choice in
        ``stats["auto"]``.
    objective : {"total", "coverage", "fairness"}
        What to maximize (see the module docstring).
    time_limit : float, optional
        Seconds for the ILP (and the elastic diagnosis); other methods are
        polynomial and ignore it.
    ilp_solver : {"highs", "cbc"} or pulp.LpSolver, optional
        ILP solver (default: HiGHS when ``highspy`` is installed, else CBC). A PuLP
        solver instance (e.g. ``pulp.GUROBI()``) is copied and used as is.
    seed : int
        Seed of the deterministic tie-break and of the ILP solver.

    Returns
    -------
    Solution
        Checked by [`verify()`][rmatch.solvers.verify]: a result that breaks a rule is
        never returned.

    Raises
    ------
    ConfigError
        Invalid graph, unknown method/objective, or a method that does not handle
        the graph's rules (the message names one that does).
    InfeasibleGraphError
        No matching satisfies the rules; ``err.reasons`` names them.
    SolverError
        A solver failed, or a result failed verification (a bug).
    """
    start = time.perf_counter()
    if not isinstance(graph, CandidateGraph):
        raise ConfigError(f"solve() needs a CandidateGraph, got {type(graph).__name__}")
    graph.check()
    if objective not in OBJECTIVES:
        raise ConfigError(f"unknown objective {objective!r}; choose from {OBJECTIVES}")
    name, variant = _parse(method)
    deadline = Deadline(time_limit)
    stats: dict[str, Any] = {
        "n_left": graph.n_left,
        "n_right": graph.n_right,
        "n_edges": graph.n_edges,
        "requested_method": method,
        "time_limit": time_limit,
        "seed": seed,
    }
    reasons = precheck(graph)
    if reasons:
        raise_infeasible(reasons, "no matching satisfies the rules (pre-check)")
    if name == "auto":
        chosen, why = choose_method(graph, objective)
        stats["auto"] = {"method": chosen, "why": why}
        name, variant = _parse(chosen)
    problem = _unsupported(graph, name, objective)
    if problem:
        raise ConfigError(f"method {name!r} does not support {problem}")
    try:
        if name == "greedy":
            out = _evaluate(graph, solve_greedy(graph), objective)
        elif name == "stable":
            out = _evaluate(
                graph, solve_stable(graph, proposer=variant or "mentee"), objective
            )
        else:
            out = run_objective(
                graph,
                objective,
                _oracle(name, variant, ilp_solver, seed),
                count=_count_fn(graph, name),
                seed=seed,
                deadline=deadline,
            )
    except Infeasible:
        _diagnose(graph, ilp_solver, deadline)
        raise  # pragma: no cover - _diagnose always raises
    except NoIncumbent as exc:
        raise SolverError(
            f"no feasible matching found within the time limit of {time_limit} s; "
            "raise time_limit"
        ) from exc
    edges = np.unique(np.asarray(out.edges, dtype=np.int64))
    problems = verify(graph, edges)
    if problems:
        raise SolverError(
            f"{out.backend} returned a matching that breaks the rules (a bug): "
            + "; ".join(problems[:10])
        )
    bound, gap = out.bound, None
    if out.status == "optimal":
        bound, gap = out.objective, 0.0
    elif bound is not None:
        bound = max(bound, out.objective)
        gap = (bound - out.objective) / max(abs(bound), 1e-9)
    stats.update(out.stats)
    total = float(np.sum(graph.weight[edges]))
    stats["n_pairs"] = int(edges.shape[0])
    stats["total"] = total
    stats["min_weight"] = float(graph.weight[edges].min()) if edges.size else None
    return Solution(
        edges=edges,
        total_score=total,
        objective=out.objective,
        bound=bound,
        gap=gap,
        status=out.status,
        method=out.backend,
        objective_name=objective,
        seconds=time.perf_counter() - start,
        stats=json_safe(stats),
    )


def _diagnose(graph: CandidateGraph, ilp_solver: Any, deadline: Deadline) -> None:
    remaining = deadline.remaining()
    limit = 60.0 if remaining is None else max(1.0, min(60.0, remaining))
    try:
        reasons: list[Reason] = _ilp.elastic_reasons(
            graph, ilp_solver, time_limit=limit
        )
    except (SolverError, ConfigError):
        reasons = []
    raise_infeasible(reasons, "no matching satisfies the rules")

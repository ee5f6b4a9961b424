"""Integer programming with PuLP: every rule, every objective, exact for small programs.

One binary variable per candidate edge (forbidden pairs are never in the graph):

* capacities and minimum loads: one row per node with a bound;
* required edges: the variable's lower bound is 1;
* side constraints: one row each;
* a fixed number of pairs (coverage/fairness phases): one equality row.

Solver: HiGHS through PuLP's ``HiGHS`` API when ``highspy`` is importable (measured
faster than CBC on quota instances, see ``benchmarks/solvers.py``), else CBC bundled
with PuLP; any ``pulp.LpSolver`` instance can be passed. Gaps are set to 1e-9 so
"optimal" means optimal. On a time limit the incumbent is returned with the
solver's dual bound (HiGHS) or the LP-relaxation bound (other solvers).

Infeasible models are diagnosed with an *elastic* model: every side constraint,
minimum load and required edge gets a non-negative slack, the total slack is
minimized, and the rules with positive slack are reported with their shortfall.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pulp
import scipy.sparse as sp
from scipy.optimize import linprog

from rmatch.errors import ConfigError, SolverError
from rmatch.solvers._common import (
    Deadline,
    Infeasible,
    NoIncumbent,
    Raw,
    group,
    highs_pool_accepts,
    highs_threads,
    loads,
    silence_highs_banner,
)
from rmatch.solvers._diagnose import Reason
from rmatch.solvers._graph import CandidateGraph, FloatArray, IntArray, Status
from rmatch.solvers._verify import verify
from rmatch.solvers.greedy import greedy_edges
from rmatch.solvers.lagrangian import lagrangian_oracle
from rmatch.solvers.lagrangian import not_supported as lagrangian_not_supported

__all__ = [
    "default_solver_name",
    "elastic_reasons",
    "ilp_oracle",
    "lagrangian_then_ilp",
    "lp_relaxation",
]

#: Relative and absolute MIP gaps handed to the solvers ("optimal" means optimal).
MIP_GAP_REL = 1e-9
MIP_GAP_ABS = 1e-9


def highs_available() -> bool:
    """Whether PuLP can drive HiGHS through ``highspy``."""
    try:
        import highspy  # noqa: F401
    except Exception:
        return False
    return bool(pulp.HiGHS().available())


def default_solver_name() -> str:
    """``"highs"`` when available (the faster one measured), else ``"cbc"``."""
    return "highs" if highs_available() else "cbc"


def make_solver(
    spec: str | pulp.LpSolver | None, time_limit: float | None, seed: int = 0
) -> tuple[pulp.LpSolver, str]:
    """Return a configured PuLP solver and its short name."""
    if spec is None:
        spec = default_solver_name()
    if isinstance(spec, str):
        name = spec.lower()
        if name == "highs":
            if not highs_available():
                raise ConfigError(
                    "ilp_solver='highs' needs highspy: pip install 'rmatch[highs]'"
                )
            silence_highs_banner()
            solver: pulp.LpSolver = pulp.HiGHS(
                msg=False,
                timeLimit=time_limit,
                gapRel=MIP_GAP_REL,
                gapAbs=MIP_GAP_ABS,
                threads=highs_threads(),
                random_seed=int(seed),
            )
            return solver, "highs"
        if name == "cbc":
            with warnings.catch_warnings():
                # PuLP 3.3 deprecates the bundled-CBC class (still shipped and
                # working); the replacement needs a separately installed CBC.
                warnings.simplefilter("ignore", DeprecationWarning)
                solver = pulp.PULP_CBC_CMD(
                    msg=False,
                    timeLimit=time_limit,
                    gapRel=MIP_GAP_REL,
                    gapAbs=MIP_GAP_ABS,
                    threads=1,
                    options=[f"randomSeed {int(seed) % 2**31 + 1}"],
                )
            return solver, "cbc"
        raise ConfigError(
            f"unknown ilp_solver {spec!r}; use 'highs', 'cbc' or a pulp solver"
        )
    if isinstance(spec, pulp.LpSolver):
        solver = spec.copy()
        threads = getattr(solver, "threads", None)
        if (
            isinstance(solver, pulp.HiGHS)
            and threads
            and highs_available()
            and not highs_pool_accepts(int(threads))
        ):
            solver.threads = None  # share the pool that exists (see above)
        if time_limit is not None and getattr(solver, "timeLimit", None) is None:
            solver.timeLimit = time_limit
        return solver, type(spec).__name__
    raise ConfigError(
        f"ilp_solver must be 'highs', 'cbc' or a pulp.LpSolver, got {spec!r}"
    )


# --------------------------------------------------------------------------- model
def _var(
    prob: pulp.LpProblem, name: str, low: float | None, up: float | None, cat: str
) -> pulp.LpVariable:
    """Create a variable the PuLP 4 way when available (PuLP 3.3+), else classically."""
    if hasattr(prob, "add_variable"):
        return prob.add_variable(name, low, up, cat=cat)
    return pulp.LpVariable(name, low, up, cat=cat)


class _Model:
    """A PuLP model of the matchings of ``graph`` (objective set per solve)."""

    def __init__(self, graph: CandidateGraph, n_pairs: int | None = None) -> None:
        self.graph = graph
        self.prob = pulp.LpProblem("rmatch", pulp.LpMaximize)
        req = graph.required_mask()
        self.x = [
            _var(self.prob, f"x{e}", 1 if req[e] else 0, 1, pulp.LpInteger)
            for e in range(graph.n_edges)
        ]
        for side, nodes, n, cap, low in (
            (
                "L",
                graph.left,
                graph.n_left,
                graph.left_capacity,
                graph.left_min_or_zero(),
            ),
            (
                "R",
                graph.right,
                graph.n_right,
                graph.right_capacity,
                graph.right_min_or_zero(),
            ),
        ):
            order, starts = group(nodes, n)
            for i in range(n):
                idx = order[starts[i] : starts[i + 1]].tolist()
                if len(idx) > cap[i]:
                    self._row(
                        f"{side}cap{i}",
                        idx,
                        [1.0] * len(idx),
                        pulp.LpConstraintLE,
                        cap[i],
                    )
                if low[i] > 0:
                    self._row(
                        f"{side}min{i}",
                        idx,
                        [1.0] * len(idx),
                        pulp.LpConstraintGE,
                        low[i],
                    )
        for k, c in enumerate(graph.side_constraints):
            nz = np.flatnonzero(c.coef)
            sense = {
                "<=": pulp.LpConstraintLE,
                ">=": pulp.LpConstraintGE,
                "==": pulp.LpConstraintEQ,
            }
            self._row(
                f"side{k}", nz.tolist(), c.coef[nz].tolist(), sense[c.sense], c.rhs
            )
        if n_pairs is not None:
            every = list(range(graph.n_edges))
            self._row("npairs", every, [1.0] * len(every), pulp.LpConstraintEQ, n_pairs)

    def _row(
        self, name: str, idx: list[int], coef: list[float], sense: int, rhs: float
    ) -> None:
        expr = pulp.LpAffineExpression(
            [(self.x[e], float(a)) for e, a in zip(idx, coef, strict=True)]
        )
        self.prob.addConstraint(
            pulp.LpConstraint(expr, sense=sense, rhs=float(rhs)), name=name
        )

    def set_objective(self, values: FloatArray) -> None:
        self.prob.setObjective(
            pulp.LpAffineExpression(
                [(v, float(a)) for v, a in zip(self.x, values.tolist(), strict=True)]
            )
        )

    def chosen(self) -> IntArray:
        vals = np.array([v.varValue if v.varValue is not None else 0.0 for v in self.x])
        return np.flatnonzero(vals > 0.5).astype(np.int64)


def _solve(prob: pulp.LpProblem, solver: pulp.LpSolver) -> None:
    with warnings.catch_warnings():
        # PuLP warns about e.g. spaces in names or overwritten objectives; the model
        # uses safe generated names, anything else is reported through the status.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            prob.solve(solver)
        except pulp.PulpSolverError as exc:
            raise SolverError(f"the ILP solver failed: {exc}") from exc


def _highs_bound(prob: pulp.LpProblem) -> float | None:
    model = getattr(prob, "solverModel", None)
    if model is None or not hasattr(model, "getInfo"):
        return None
    try:
        value = float(model.getInfo().mip_dual_bound)
    except Exception:
        return None
    if not np.isfinite(value) or abs(value) >= 1e30:
        return None
    return -value  # PuLP hands HiGHS the negated objective of a maximization


def ilp_oracle(
    graph: CandidateGraph,
    values: FloatArray,
    *,
    n_pairs: int | None = None,
    deadline: Deadline | None = None,
    solver: str | pulp.LpSolver | None = None,
    seed: int = 0,
) -> Raw:
    """Maximize ``sum(values[x])`` over the matchings of ``graph`` with every rule.

    Raises
    ------
    Infeasible
        The solver proved that no matching satisfies the rules.
    NoIncumbent
        The time limit passed before any feasible matching was found.
    """
    remaining = None if deadline is None else deadline.remaining()
    lp_solver, name = make_solver(solver, remaining, seed)
    model = _Model(graph, n_pairs)
    model.set_objective(values)
    _solve(model.prob, lp_solver)
    sol = model.prob.sol_status
    stats: dict[str, Any] = {"ilp_solver": name, "variables": graph.n_edges}
    if model.prob.status == pulp.LpStatusInfeasible or sol == pulp.LpSolutionInfeasible:
        raise Infeasible
    if sol == pulp.LpSolutionOptimal:
        edges = model.chosen()
        got = float(np.sum(values[edges]))
        return Raw(edges, "optimal", got, f"ilp({name})", stats)
    if sol == pulp.LpSolutionIntegerFeasible:
        edges = model.chosen()
        bound = _highs_bound(model.prob) if name == "highs" else None
        if bound is None:
            bound = lp_relaxation(graph, values, n_pairs)
        got = float(np.sum(values[edges]))
        return Raw(
            edges,
            "time_limit",
            None if bound is None else max(bound, got),
            f"ilp({name})",
            stats,
        )
    if model.prob.status == pulp.LpStatusUnbounded:
        raise SolverError("the ILP solver reported an unbounded model (a bug)")
    # No incumbent: try cheap candidates (priced flow, greedy, empty) before giving up.
    if n_pairs is None:
        cands: list[tuple[str, IntArray]] = [
            ("greedy", greedy_edges(graph, values)),
            ("empty", np.zeros(0, np.int64)),
        ]
        if lagrangian_not_supported(graph) is None:
            # (Infeasible from the pricing is a proof and propagates)
            cands.insert(0, ("lagrangian", lagrangian_oracle(graph, values).edges))
        best: tuple[str, IntArray] | None = None
        for label, cand in cands:
            if not verify(graph, cand) and (
                best is None
                or float(np.sum(values[cand])) > float(np.sum(values[best[1]]))
            ):
                best = (label, cand)
        if best is not None:
            bound = lp_relaxation(graph, values, None)
            got = float(np.sum(values[best[1]]))
            stats["incumbent"] = f"fallback ({best[0]})"
            return Raw(
                best[1],
                "time_limit",
                None if bound is None else max(bound, got),
                f"ilp({name})",
                stats,
            )
    raise NoIncumbent


def lagrangian_then_ilp(
    graph: CandidateGraph,
    values: FloatArray,
    *,
    n_pairs: int | None = None,
    deadline: Deadline | None = None,
    solver: str | pulp.LpSolver | None = None,
    seed: int = 0,
    max_ilp_edges: int | None = None,
) -> Raw:
    """Price the single quota first; run the ILP only if the gap stays open.

    The Lagrangian answer is often provably optimal (its bound meets it) in a
    fraction of the ILP's time. Otherwise the ILP runs (when the graph has at most
    ``max_ilp_edges`` edges or a time limit is set) and the better incumbent and
    the tighter bound of the two are kept.
    """
    lag = lagrangian_oracle(graph, values, n_pairs=n_pairs, deadline=deadline)
    stats: dict[str, Any] = {"lagrangian": {"status": lag.status, "bound": lag.bound}}
    if lag.status == "optimal":
        return Raw(lag.edges, "optimal", lag.bound, lag.backend, {**lag.stats, **stats})
    timed = deadline is not None and deadline.seconds is not None
    if not timed and max_ilp_edges is not None and graph.n_edges > max_ilp_edges:
        stats["ilp"] = (
            f"skipped: {graph.n_edges} edges > {max_ilp_edges} and no time limit"
        )
        return Raw(
            lag.edges, lag.status, lag.bound, lag.backend, {**lag.stats, **stats}
        )
    if deadline is not None and deadline.expired():
        return Raw(
            lag.edges, "time_limit", lag.bound, lag.backend, {**lag.stats, **stats}
        )
    exact = ilp_oracle(graph, values, deadline=deadline, solver=solver, seed=seed)
    bounds = [b for b in (exact.bound, lag.bound) if b is not None]
    bound = min(bounds) if bounds else None
    lag_value = float(np.sum(values[lag.edges]))
    ilp_value = float(np.sum(values[exact.edges]))
    if exact.status == "optimal" or ilp_value >= lag_value:
        return Raw(
            exact.edges, exact.status, bound, exact.backend, {**exact.stats, **stats}
        )
    status: Status = "time_limit"
    return Raw(lag.edges, status, bound, lag.backend, {**lag.stats, **stats})


# ------------------------------------------------------------------ LP relaxation
def _rows(
    graph: CandidateGraph, n_pairs: int | None
) -> tuple[Any, FloatArray, Any, FloatArray | None]:
    """Return ``A_ub, b_ub, A_eq, b_eq`` of the LP relaxation (bounds handled apart)."""
    n_e = graph.n_edges
    cols = np.arange(n_e)
    ones = np.ones(n_e)
    a_l = sp.csr_matrix((ones, (graph.left, cols)), shape=(graph.n_left, n_e))
    a_r = sp.csr_matrix((ones, (graph.right, cols)), shape=(graph.n_right, n_e))
    ub_blocks: list[Any] = [a_l, a_r]
    ub_rhs: list[FloatArray] = [
        graph.left_capacity.astype(np.float64),
        graph.right_capacity.astype(np.float64),
    ]
    for a, low in ((a_l, graph.left_min_or_zero()), (a_r, graph.right_min_or_zero())):
        rows = np.flatnonzero(low > 0)
        if rows.size:
            ub_blocks.append(-a[rows])
            ub_rhs.append(-low[rows].astype(np.float64))
    eq_blocks: list[Any] = []
    eq_rhs: list[float] = []
    for c in graph.side_constraints:
        row = sp.csr_matrix(c.coef.reshape(1, -1))
        if c.sense == "<=":
            ub_blocks.append(row)
            ub_rhs.append(np.array([c.rhs]))
        elif c.sense == ">=":
            ub_blocks.append(-row)
            ub_rhs.append(np.array([-c.rhs]))
        else:
            eq_blocks.append(row)
            eq_rhs.append(c.rhs)
    if n_pairs is not None:
        eq_blocks.append(sp.csr_matrix(ones.reshape(1, -1)))
        eq_rhs.append(float(n_pairs))
    a_ub = sp.vstack(ub_blocks, format="csr")
    b_ub = np.concatenate(ub_rhs)
    if eq_blocks:
        return a_ub, b_ub, sp.vstack(eq_blocks, format="csr"), np.array(eq_rhs)
    return a_ub, b_ub, None, None


def lp_relaxation(
    graph: CandidateGraph, values: FloatArray, n_pairs: int | None = None
) -> float | None:
    """Return the LP-relaxation optimum of ``max values.x`` (an upper bound), or None.

    Solved with scipy's HiGHS, independently of the ILP solver.
    """
    if graph.n_edges == 0:
        return 0.0
    a_ub, b_ub, a_eq, b_eq = _rows(graph, n_pairs)
    low = graph.required_mask().astype(np.float64)
    bounds = np.stack([low, np.ones(graph.n_edges)], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = linprog(
            -values,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=b_eq,
            bounds=bounds,
            method="highs",
        )
    if res.status != 0:
        return None
    # dual feasibility tolerance of HiGHS is 1e-7 per variable: pad the bound
    return -float(res.fun) + 1e-7 * float(min(graph.n_edges, graph.max_pairs() + 1))


# ------------------------------------------------------------------------ elastic
def elastic_reasons(
    graph: CandidateGraph,
    solver: str | pulp.LpSolver | None = None,
    time_limit: float | None = 60.0,
) -> list[Reason]:
    """Name the rules that cannot hold together, with their shortfall.

    Solves ``min sum(slack)`` where every side constraint, minimum load and required
    edge may be violated by a slack; capacities stay hard (the empty matching is
    always feasible, so this model always has a solution).
    """
    lp_solver, _ = make_solver(solver, time_limit)
    prob = pulp.LpProblem("rmatch_elastic", pulp.LpMinimize)
    x = [_var(prob, f"x{e}", 0, 1, pulp.LpBinary) for e in range(graph.n_edges)]
    slacks: list[tuple[pulp.LpVariable, tuple[str, Any]]] = []

    def slack(tag: tuple[str, Any]) -> pulp.LpVariable:
        var = _var(prob, f"s{len(slacks)}", 0, None, pulp.LpContinuous)
        slacks.append((var, tag))
        return var

    for side, nodes, n, cap, low in (
        (
            "left",
            graph.left,
            graph.n_left,
            graph.left_capacity,
            graph.left_min_or_zero(),
        ),
        (
            "right",
            graph.right,
            graph.n_right,
            graph.right_capacity,
            graph.right_min_or_zero(),
        ),
    ):
        order, starts = group(nodes, n)
        for i in range(n):
            idx = order[starts[i] : starts[i + 1]].tolist()
            expr = pulp.lpSum(x[e] for e in idx)
            if len(idx) > cap[i]:
                prob += expr <= int(cap[i])
            if low[i] > 0:
                prob += expr + slack(("min", (side, i))) >= int(low[i])
    for e in np.flatnonzero(graph.required_mask()).tolist():
        prob += x[e] + slack(("req", e)) >= 1
    for k, c in enumerate(graph.side_constraints):
        nz = np.flatnonzero(c.coef).tolist()
        expr = pulp.LpAffineExpression([(x[e], float(c.coef[e])) for e in nz])
        if c.sense == ">=":
            prob += expr + slack(("side", k)) >= c.rhs
        elif c.sense == "<=":
            prob += expr - slack(("side", k)) <= c.rhs
        else:
            prob += expr + slack(("side", k)) - slack(("side", k)) == c.rhs
    if not slacks:
        return []
    prob += pulp.lpSum(v for v, _ in slacks)
    _solve(prob, lp_solver)
    if prob.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        return []
    chosen = np.flatnonzero(np.array([(v.varValue or 0.0) for v in x]) > 0.5)
    lo_load, ro_load = loads(graph, chosen)
    reasons: list[Reason] = []
    seen_side: set[int] = set()
    for var, (kind, key) in slacks:
        amount = float(var.varValue or 0.0)
        if amount <= 1e-7:
            continue
        if kind == "min":
            side, i = key
            who, verb, other = (
                ("mentor", "take", "mentees")
                if side == "left"
                else ("mentee", "have", "mentors")
            )
            mins = (
                graph.left_min_or_zero()
                if side == "left"
                else graph.right_min_or_zero()
            )
            low_i = int(mins[i])
            got = int((lo_load if side == "left" else ro_load)[i])
            reasons.append(
                Reason(
                    "lower_bound",
                    f"{who} {i} must {verb} at least {low_i} {other} but the closest "
                    f"matching that meets the other rules gives only {got}",
                    side,
                    int(i),
                    needed=float(low_i),
                    available=float(got),
                )
            )
        elif kind == "req":
            e = int(key)
            reasons.append(
                Reason(
                    "required_edge",
                    f"required pair (mentor {int(graph.left[e])}, "
                    f"mentee {int(graph.right[e])}) "
                    "cannot be kept together with the other rules",
                    edge=e,
                )
            )
        elif key not in seen_side:
            seen_side.add(key)
            c = graph.side_constraints[key]
            lhs = c.lhs(chosen)
            reasons.append(
                Reason(
                    "side_constraint",
                    f"constraint {c.label()!r} cannot hold together with the other "
                    f"rules: the closest matching reaches {lhs:.6g} where it needs "
                    f"{c.sense} {c.rhs:.6g} (short by {c.violation(lhs):.4g})",
                    constraint=c.name,
                    needed=c.rhs,
                    available=lhs,
                )
            )
    return reasons

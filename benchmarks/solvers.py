"""Solver comparison: every method on the same instances, time and objective.

Usage::

    python benchmarks/solvers.py            # full instances (several minutes)
    python benchmarks/solvers.py --quick    # small instances (seconds)

Prints a Markdown table: median wall-clock seconds over ``--repeat`` runs (default
3) of :func:`rmatch.solvers.solve` (graph checks, pre-checks and verification
included), the objective, pairs, status and gap, and the total relative to the
greedy baseline. Methods that would not finish in reasonable time on an instance
are listed as skipped with the reason.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from rmatch.errors import RmatchError
from rmatch.solvers import CandidateGraph, LinearConstraint, choose_method, solve
from rmatch.solvers.flow import ortools_available


@dataclass(frozen=True)
class Instance:
    name: str
    graph: CandidateGraph
    methods: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...] = ()


def dense_lap(n: int, seed: int) -> CandidateGraph:
    """Complete n x n graph, unit capacities, scores rounded to 1e-3 (ties)."""
    rng = np.random.default_rng(seed)
    w = np.round(rng.random((n, n)), 3)
    return CandidateGraph.from_dense(w)


def top_k(
    n_left: int, n_right: int, k: int, cap: int, seed: int
) -> tuple[CandidateGraph, np.ndarray]:
    """Each mentee gets ``k`` random candidate mentors; mentors take ``cap``.

    Returns the graph and a 4-valued group label per node pair side (for quotas):
    same-group pairs score a little higher, so a cross-group quota binds.
    """
    rng = np.random.default_rng(seed)
    right = np.repeat(np.arange(n_right), k)
    left = np.argsort(rng.random((n_right, n_left)), axis=1)[:, :k].ravel()
    g_left = rng.integers(0, 4, n_left)
    g_right = rng.integers(0, 4, n_right)
    cross = g_left[left] != g_right[right]
    w = np.clip(np.round(rng.random(left.size) - 0.25 * cross + 0.1, 3), 0.0, 1.0)
    order = np.lexsort((right, left))
    graph = CandidateGraph(
        n_left=n_left,
        n_right=n_right,
        left=left[order],
        right=right[order],
        weight=w[order],
        left_capacity=np.full(n_left, cap),
        right_capacity=np.ones(n_right, dtype=np.int64),
    )
    return graph, cross[order]


def quota(graph: CandidateGraph, cross: np.ndarray, share: float) -> CandidateGraph:
    """Add "at least ``share`` of the pairs are cross-group"."""
    row = LinearConstraint(
        f"at least {share:.0%} of pairs cross-group",
        cross.astype(np.float64) - share,
        ">=",
        0.0,
    )
    return replace(graph, side_constraints=(row,))


def instances(quick: bool) -> list[Instance]:
    flows = ("flow:ortools",) if ortools_available() else ()
    base = ("assignment:dense", "assignment:sparse", *flows, "flow:highs-lp")
    out: list[Instance] = []
    sizes = (200, 600) if quick else (1000, 3000)
    for n in sizes:
        big = n >= 3000
        methods = base if not big else ("assignment:dense", "assignment:sparse", *flows)
        skipped = [("ilp:highs", f"{n * n} binary variables: too large for PuLP")]
        if big:
            skipped.append(("flow:highs-lp", "9M-column LP: minutes"))
        skipped.append(("flow:networkx", "network simplex in Python: minutes"))
        out.append(
            Instance(
                f"dense 1:1 LAP {n}x{n}",
                dense_lap(n, seed=n),
                (*methods, "greedy", "stable"),
                tuple(skipped),
            )
        )
    nl, nr = (200, 1000) if quick else (1000, 5000)
    g, _ = top_k(nl, nr, 20, 5, seed=7)
    out.append(
        Instance(
            f"capacity 5, {nl}x{nr}, top-20",
            g,
            (*base, "flow:networkx", "ilp:highs", "greedy", "stable"),
        )
    )
    nl, nr = (100, 200) if quick else (300, 600)
    g, cross = top_k(nl, nr, 20, 2, seed=11)
    gq = quota(g, cross, 0.5)
    out.append(
        Instance(
            f"quota >=50% cross, {nl}x{nr}, top-20",
            gq,
            (
                "auto",
                "ilp:highs",
                "ilp:cbc",
                "lagrangian",
                "greedy(no quota)",
                "flow(no quota)",
            ),
        )
    )
    if not quick:
        g, cross = top_k(1000, 2000, 20, 2, seed=13)
        out.append(
            Instance(
                "quota >=50% cross, 1000x2000, top-20",
                quota(g, cross, 0.5),
                (
                    "auto",
                    "ilp:highs",
                    "lagrangian",
                    "greedy(no quota)",
                    "flow(no quota)",
                ),
                (("ilp:cbc", "slower than HiGHS on the smaller quota instance"),),
            )
        )
    return out


def run(
    graph: CandidateGraph, method: str, repeat: int
) -> tuple[float, dict[str, object]]:
    target = graph
    if method.endswith("(no quota)"):
        target = replace(graph, side_constraints=())
        method = method.split("(")[0]
        if method == "flow":
            method = "auto"
    times: list[float] = []
    info: dict[str, object] = {}
    for _ in range(repeat):
        t0 = time.perf_counter()
        sol = solve(target, method)
        times.append(time.perf_counter() - t0)
        info = {
            "total": sol.total_score,
            "pairs": sol.n_pairs,
            "status": sol.status,
            "gap": sol.gap,
            "method": sol.method,
        }
    return statistics.median(times), info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small instances")
    parser.add_argument("--repeat", type=int, default=3, help="runs per method")
    parser.add_argument("--only", default="", help="run instances whose name has this")
    args = parser.parse_args(argv)
    out: Callable[[str], None] = print
    out(f"# rmatch solver benchmark ({'quick' if args.quick else 'full'})\n")
    out(f"OR-Tools available: {ortools_available()}\n")
    out(
        "| instance | edges | method | backend | median s | total | pairs "
        "| status | gap | vs greedy |"
    )
    out("|---|---:|---|---|---:|---:|---:|---|---:|---:|")
    for inst in instances(args.quick):
        if args.only and args.only not in inst.name:
            continue
        auto, why = choose_method(inst.graph)
        results: dict[str, tuple[float, dict[str, object]]] = {}
        for method in inst.methods:
            try:
                results[method] = run(inst.graph, method, args.repeat)
            except RmatchError as exc:
                results[method] = (float("nan"), {"status": f"error: {exc}"[:60]})
        greedy = next(
            (r[1].get("total") for m, r in results.items() if m.startswith("greedy")),
            None,
        )
        for method, (secs, info) in results.items():
            total = info.get("total")
            rel = (
                f"{100 * (float(total) / float(greedy) - 1):+.2f}%"  # type: ignore[arg-type]
                if isinstance(total, float) and isinstance(greedy, float) and greedy
                else ""
            )
            gap = info.get("gap")
            shown = "" if not isinstance(total, float) else f"{total:.3f}"
            out(
                f"| {inst.name} | {inst.graph.n_edges} | {method} "
                f"| {info.get('method', '')} | {secs:.3f} | {shown} "
                f"| {info.get('pairs', '')} | {info.get('status')} "
                f"| {'' if gap is None else f'{gap:.2e}'} | {rel} |"
            )
        for method, why_skipped in inst.skipped:
            out(
                f"| {inst.name} | {inst.graph.n_edges} | {method} "
                f"| skipped: {why_skipped} | | | | | | |"
            )
        out(f"| {inst.name} | | auto → {auto} | {why} | | | | | | |")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

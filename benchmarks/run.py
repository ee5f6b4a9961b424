"""Benchmark rmatch end to end on synthetic organizations, against what people do today.

Usage::

    python benchmarks/run.py                              # 1k, 10k and 100k employees
    python benchmarks/run.py --employees 1000000          # one size
    python benchmarks/run.py --employees 100000 --repeat 3 --json out.json
    python benchmarks/run.py --employees 100000 --shortlist 5   # + shortlists, k=5
    python benchmarks/run.py --ingest 100000              # read_survey vs read_csv
    python benchmarks/run.py --employees 1000000 --default-install --no-baselines
    python benchmarks/run.py --employees 1000000 --without-ortools --no-baselines
    python benchmarks/run.py --peer                       # the peer's rules, 3 rounds

    # stress: everyone signs up (300k mentees x 700k mentors) on a Dask LocalCluster
    python benchmarks/run.py --employees 1000000 --mentor-rate 0.7 --mentee-rate 0.3 \
        --engine dask --processes --gap-tolerance 0 --no-baselines

For each size the organization is generated (``rmatch.datasets.synthetic_org``,
7% mentors and 3% mentees by default), read and validated, scored, solved,
certified and reported with the demo reverse-mentoring program
(``rmatch/datasets/data/demo_program.toml``). Each run happens in a fresh
subprocess, so the peak memory of one size does not leak into the next; with
``--repeat`` the table shows medians.

``--default-install`` makes the solver extras unimportable in the runs (highspy: what
``pip install rmatch`` gives, OR-Tools included); ``--without-ortools`` hides OR-Tools
too (SciPy's HiGHS LP and sparse assignment: a platform without OR-Tools wheels).
Every run also times the *floor*: the float32 product
``(mentors × 64) @ (64 × mentees)`` of every pair, in blocks, on the scorer's threads,
right after the match in the same process; the table prints the stages as multiples
of it (``score vs floor``), so runs on a busy machine stay comparable.

``--peer [N]`` runs the peer ``mentor-match`` package's production rules on N
mentors and N mentees drawn from its public sample, three rounds: rmatch's
``plan_rounds`` next to a numpy + scipy script (``benchmarks/peer.py``).

On the same instance (same seed) the baselines run in their own subprocess:

``scipy_lsa``
    ``scipy.optimize.linear_sum_assignment`` on the full dense score matrix (one
    row per mentor slot), when it fits in ``--dense-limit`` cells.
``networkx``
    ``networkx.max_weight_matching`` on the full graph (small sizes only).
``pulp``
    A PuLP model with one binary variable per allowed pair, solved by CBC (small
    sizes only).
``python_loop``
    Scoring every pair with a per-pair Python function, as mentoring scripts do;
    timed on a sample of pairs and extrapolated to all pairs when there are too
    many (the table says so). Solving is not included.

The dense, networkx and PuLP baselines get their scores from rmatch's vectorized
scorer (every allowed pair, no pruning), which favours them; their time includes
that scoring. ``ratio_vs_<baseline>`` is baseline seconds / rmatch seconds for the
same work — scoring + candidates + solve + certify (scoring alone for
``python_loop``) — so 10 means rmatch is 10 times faster.

JSON (``--json``): one object for one size, else a list of objects, each with
``employees``, ``mentees``, ``mentors``, ``seconds_total``, ``peak_mib``,
``objective``, ``bound``, ``gap``, ``certified``, ``stages`` and one
``ratio_vs_<baseline>`` per baseline that ran; also ``engine``, ``workers``,
``seconds_cluster_start`` and ``worker_peak_mib`` (the peak of each Dask worker
process; with ``--repeat``, the largest over the runs), ``mentor_rate``,
``mentee_rate`` and ``top_k``. With ``--shortlist K``, ``shortlist`` holds the time
of ``program.shortlist(people, k=K)`` on the same instance and its exposure figures
with and without the cap (see ``docs/shortlists.md``), and ``shortlist["choices"]``
the time of matching on the shortlist as choices (everyone keeps the suggested
order) with ``stable`` and with the program's method: pairs, first choices, rank
utility and blocking pairs. ``owner_report`` holds the time of ``result.report()``
and ``Report.to_html()`` (no rule prices) and its ``ratio`` to the match (score +
solve + certify).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

#: Exact matching (no pruning) up to this many mentor × mentee pairs; above it the
#: runner keeps the best ``TOP_K`` candidates per person and certifies the result.
EXACT_PAIRS = 2_000_000
TOP_K = 10
GAP_TOLERANCE = 0.001
#: Pipeline stages and their labels in the table.
STAGES = {
    "generate": "generate",
    "read": "read + validate",
    "score": "score + candidates",
    "solve": "solve",
    "certify": "certify",
    "report": "report",
}


# --------------------------------------------------------------------------- helpers
def _peak_mib() -> float:
    """Peak resident memory of this process in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 2**20


#: Width of the floor's float32 product (a few dozen small integer features).
FLOOR_WIDTH = 64


def _floor(n_left: int, n_right: int, repeat: int = 3) -> float:
    """Seconds of the floor: every mentor × mentee score as one float32 product.

    ``(n_left × FLOOR_WIDTH) @ (FLOOR_WIDTH × n_right)`` in row blocks of about
    ``2**20`` cells into a reused buffer (the result of the whole product would not
    fit in memory at 1M employees), on the same threads as the scorer; median of
    ``repeat``. No scorer can read every pair's features faster than this.
    """
    from concurrent.futures import ThreadPoolExecutor

    from rmatch.candidates import single_blas_thread

    if n_left == 0 or n_right == 0:
        return 0.0
    rng = np.random.default_rng(0)
    a = rng.integers(0, 3, (n_left, FLOOR_WIDTH)).astype(np.float32)
    b = rng.integers(0, 3, (FLOOR_WIDTH, n_right)).astype(np.float32)
    cols = min(n_right, 1 << 14)
    rows = max(1, (1 << 20) // cols)
    tiles = [(r, c) for r in range(0, n_left, rows) for c in range(0, n_right, cols)]
    env = os.environ.get("RMATCH_THREADS")
    threads = int(env) if env else max(1, min(2, os.cpu_count() or 1))

    def work(part: list[tuple[int, int]]) -> None:
        out = np.empty((rows, cols), dtype=np.float32)
        for r, c in part:
            x, y = a[r : r + rows], b[:, c : c + cols]
            np.matmul(x, y, out=out[: x.shape[0], : y.shape[1]])

    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        with ThreadPoolExecutor(threads, initializer=single_blas_thread) as pool:
            list(pool.map(work, [tiles[i::threads] for i in range(threads)]))
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _hide_extras(ortools: bool = False) -> None:
    """The default install: highspy (and with ``ortools``, OR-Tools) unimportable."""
    for name in ("highspy", "ortools") if ortools else ("highspy",):
        sys.modules[name] = None  # type: ignore[assignment]


def _program(n_pairs: int, args: argparse.Namespace | None = None) -> Any:
    """The demo program; pruned (``top_k``) above ``EXACT_PAIRS`` or when asked."""
    import rmatch

    program = rmatch.Program.from_toml(str(rmatch.datasets.demo_program_path()))
    top_k = args.top_k if args is not None else None
    gap_tolerance = args.gap_tolerance if args is not None else None
    if n_pairs > EXACT_PAIRS or top_k:
        program.top_k = top_k or TOP_K
        tolerance = GAP_TOLERANCE if gap_tolerance is None else gap_tolerance
        program.gap_tolerance = tolerance or None  # 0: report the gap, do not chase it
    return program


def _org(employees: int, args: argparse.Namespace) -> Any:
    import rmatch

    return rmatch.datasets.synthetic_org(
        employees,
        seed=args.seed,
        mentor_rate=args.mentor_rate,
        mentee_rate=args.mentee_rate,
    )


@contextlib.contextmanager
def _engine_client(args: argparse.Namespace) -> Iterator[Any]:
    """None for the local engine; a Client on a LocalCluster for ``--engine dask``."""
    if args.engine != "dask":
        yield None
        return
    import dask
    from distributed import Client, LocalCluster

    from rmatch.distributed import WORKER_ENVIRON

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    with (
        dask.config.set(
            {"distributed.nanny.pre-spawn-environ": environ | WORKER_ENVIRON}
        ),
        LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            processes=args.processes,
            dashboard_address=":0",
            memory_limit=0,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _worker_peaks(client: Any) -> list[float]:
    """Peak resident memory of each Dask worker process (MiB)."""
    if client is None:
        return []
    peaks = client.run(_peak_mib)
    return sorted(float(v) for v in peaks.values())


# --------------------------------------------------------------------------- pipeline
def run_pipeline(employees: int, args: argparse.Namespace) -> dict[str, Any]:
    """Generate, read, match and report one organization; return the figures."""
    import rmatch

    seed, engine = args.seed, args.engine
    t0 = time.perf_counter()
    frame = _org(employees, args)
    t1 = time.perf_counter()
    people = rmatch.read_people(frame)
    t2 = time.perf_counter()
    del frame
    n_left = int(np.count_nonzero(people.is_mentor))
    n_right = int(np.count_nonzero(people.is_mentee))
    program = _program(n_left * n_right, args)
    t_start = time.perf_counter()
    with _engine_client(args) as client:
        t_cluster = time.perf_counter()
        result = program.match(people, engine=engine, client=client)
        t3 = time.perf_counter()
        worker_peaks = _worker_peaks(client) if args.processes else []
    summary = result.summary()
    records = result.to_records()  # what an HR tool would store
    t4 = time.perf_counter()
    shortlist = _shortlist(program, people, args.shortlist) if args.shortlist else None
    owner_report = _owner_report(result)
    floor = _floor(n_left, n_right) if args.floor else None
    seconds = dict(result.seconds)
    stages = {
        "generate": t1 - t0,
        "read": t2 - t1,
        "score": seconds.get("score", 0.0),
        "solve": seconds.get("solve", 0.0),
        "certify": seconds.get("certify", 0.0),
        "report": seconds.get("report", 0.0) + (t4 - t3),
    }
    # the owner's report against the whole `rmatch match`, read to records
    whole = sum(stages[k] for k in ("read", "score", "solve", "certify", "report"))
    owner_report["seconds_whole"] = whole
    owner_report["ratio_whole"] = owner_report["seconds"] / whole if whole else None
    cs = result.candidates
    cert = cs.certificate
    return {
        "employees": employees,
        "seed": seed,
        "mentees": n_right,
        "mentors": n_left,
        "pairs": n_left * n_right,
        "pairs_scored": int(cs.stats.get("pairs_scored", n_left * n_right)),
        "candidate_pairs": cs.n_edges,
        "allowed_pairs": cs.n_allowed,
        "top_k": cs.top_k,
        "engine": engine,
        "workers": args.workers if engine == "dask" else None,
        "stages": stages,
        "seconds_total": sum(stages.values()) + (t_cluster - t_start),
        "seconds_cluster_start": t_cluster - t_start,
        "seconds_pipeline": sum(v for k, v in stages.items() if k != "generate"),
        "peak_mib": _peak_mib(),
        "worker_peak_mib": worker_peaks,
        "mentor_rate": args.mentor_rate,
        "mentee_rate": args.mentee_rate,
        "objective": summary.objective,
        "bound": summary.bound,
        "gap": summary.gap,
        "status": summary.status,
        "certified": cert.to_dict() if cert is not None else None,
        "method": summary.method,
        "pairs_matched": summary.pairs,
        "records": len(records["pairs"]),
        "shortlist": shortlist,
        "owner_report": owner_report,
        "floor_seconds": floor,
        "default_install": args.default_install,
        "without_ortools": args.without_ortools,
    }


def _owner_report(result: Any) -> dict[str, Any]:
    """Time ``result.report()`` and ``to_html`` (no rule prices), against the match.

    ``ratio`` is report seconds / match seconds (score + solve + certify), the
    import of pygal (once per process, ``seconds_import``) included.
    """
    import importlib
    import tempfile

    t_import = time.perf_counter()
    with contextlib.suppress(ImportError):  # without it: tables only
        importlib.import_module("pygal")
    t0 = time.perf_counter()
    report = result.report()
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        size = report.to_html(Path(tmp) / "report.html").stat().st_size
    t2 = time.perf_counter()
    match = sum(result.seconds.get(k, 0.0) for k in ("score", "solve", "certify"))
    seconds = t2 - t_import
    return {
        "seconds_import": t0 - t_import,
        "seconds_tables": t1 - t0,
        "seconds_html": t2 - t1,
        "seconds": seconds,
        "seconds_match": match,
        "ratio": seconds / match if match else None,
        "html_bytes": size,
        "charts": len(report.charts),
    }


def _print_owner_report(res: dict[str, Any]) -> None:
    r = res.get("owner_report")
    if not r:
        return
    print(
        f"  owner's report         {r['seconds']:9.3f} s   ({_fmt(r['ratio'], '.2f')}× "
        f"the match's {r['seconds_match']:.3f} s score + solve + certify)"
    )
    if r.get("ratio_whole") is not None:
        print(
            f"    = {r['ratio_whole']:.2f}× the whole match, read to records "
            f"({r['seconds_whole']:.3f} s)"
        )
    print(
        f"    import pygal {r['seconds_import']:.3f} s (once per process), "
        f"report() {r['seconds_tables']:.3f} s, charts + to_html "
        f"{r['seconds_html']:.3f} s; {r['html_bytes'] / 1024:,.0f} KiB page, "
        f"{r['charts']} charts"
    )


def _shortlist(program: Any, people: Any, k: int) -> dict[str, Any]:
    """Time ``program.shortlist(people, k=k)``; its exposure figures."""
    t0 = time.perf_counter()
    lists = program.shortlist(people, k=k)
    out = {"k": k, "seconds": time.perf_counter() - t0, "exposure": lists.exposure}
    out["choices"] = _choices(program, people, lists.table)
    return out


def _choices(program: Any, people: Any, table: Any) -> dict[str, Any]:
    """Match on the shortlist as choices (everyone keeps the suggested order)."""
    import copy

    import rmatch

    t0 = time.perf_counter()
    choices = rmatch.read_choices(table[["person_id", "candidate_id", "rank"]], people)
    out: dict[str, Any] = {
        "rows": len(choices),
        "read_seconds": time.perf_counter() - t0,
    }
    for method in ("stable", program.method):
        settings = copy.copy(program)
        settings.method = method
        t1 = time.perf_counter()
        result = settings.match(people, choices=choices)
        summary = result.summary()
        out[method] = {
            "seconds": time.perf_counter() - t1,
            "solve_seconds": result.seconds.get("solve"),
            "pairs": summary.pairs,
            "blocking_pairs": summary.blocking_pairs,
            "rank_utility": summary.choices.get("rank_utility"),
            "first_choices": summary.choices.get("first_choices"),
        }
    return out


def _print_floor(res: dict[str, Any]) -> None:
    """The floor and the stages as multiples of it (same process, same run)."""
    floor = res.get("floor_seconds")
    if not floor:
        return
    st = res["stages"]
    match = st["score"] + st["solve"] + st["certify"] + st["report"]
    print(f"  {'floor (f32 product)':<22} {floor:9.3f} s   (mentors × mentees × 64)")
    print(
        f"  {'score vs floor':<22} {st['score'] / floor:9.2f} ×"
        "   (issue #12 target at 1M: <= 3x)"
    )
    print(f"  {'match vs floor':<22} {match / floor:9.2f} ×   (score to report)")
    print(
        f"  {'pipeline vs floor':<22} {res['seconds_pipeline'] / floor:9.2f} ×"
        "   (read to report; target at 1M, default install: <= 8x, <= 1.5 GiB)"
    )


def _print_shortlist(res: dict[str, Any]) -> None:
    s = res.get("shortlist")
    if not s:
        return
    e = s["exposure"]
    how = "given" if e["cap_source"] == "given" else "computed"
    print(
        f"  shortlist k={s['k']:<12} {s['seconds']:9.3f} s   (match: "
        f"{res['stages']['score'] + res['stages']['solve']:.3f} s score + solve)"
    )
    print(
        f"    {e['people_with_k']:,} of {e['people']:,} {e['side']}s get {s['k']}; "
        f"cap {e['max_exposure']} ({how}), exact={e['exact']}, "
        f"score given up {e['score_given_up']:.3f}"
    )
    for name, key in (("with cap", "with_cap"), ("without cap", "without_cap")):
        f = e[key]
        print(
            f"    {name:<12} max {f['max']:>4}  median {f['median']:>5g}  "
            f"Gini {f['gini']:.3f}  total {f['total_score']:.3f}"
        )
    c = s.get("choices") or {}
    for method, r in c.items():
        if isinstance(r, dict):
            print(
                f"    choices {method:<12} {r['seconds']:7.3f} s (solve "
                f"{r['solve_seconds']:.3f} s)  {r['pairs']:,} pairs, "
                f"{r['first_choices']:,} first choices, utility {r['rank_utility']:,}, "
                f"blocking pairs {r['blocking_pairs']:,}"
            )


# --------------------------------------------------------------------------- baselines
def _full_scores(people: Any) -> tuple[Any, float]:
    """The unpruned candidate set (every allowed pair) and seconds to build it."""
    program = _program(0)  # exact: every allowed pair
    t = time.perf_counter()
    cs = program.candidates(people)
    return cs, time.perf_counter() - t


def _exact_scores(people: Any, li: np.ndarray, rj: np.ndarray) -> np.ndarray:
    """rmatch's score of given (mentor node, mentee node) pairs; NaN if forbidden."""
    from rmatch.candidates import Scorer
    from rmatch.certify import rescore

    program = _program(0)
    rules = program.mask_rules(people)
    mentors = np.flatnonzero(people.is_mentor)
    mentees = np.flatnonzero(people.is_mentee)
    scorer = Scorer(people, program.scoring_criteria(), rules, mentors, mentees)
    keys, weight, _ = rescore(scorer, li, rj)
    pos = np.searchsorted(keys, li * np.int64(mentees.size) + rj)
    out: np.ndarray = np.where(np.isfinite(weight[pos]), weight[pos], np.nan)
    return out


def baseline_scipy_lsa(cs: Any, limit: int) -> dict[str, Any]:
    from scipy.optimize import linear_sum_assignment

    g = cs.graph
    owner = np.repeat(np.arange(g.n_left), g.left_capacity)  # one row per slot
    cells = owner.size * g.n_right
    if cells > limit:
        return {"skipped": f"dense matrix of {cells:,} cells > --dense-limit"}
    t = time.perf_counter()
    dense = np.full((g.n_left, g.n_right), -1.0)
    dense[g.left, g.right] = g.weight
    matrix = dense[owner]  # forbidden pairs at -1: never worth taking
    rows, cols = linear_sum_assignment(matrix, maximize=True)
    w = matrix[rows, cols]
    objective = float(w[w >= 0].sum())
    return {"seconds": time.perf_counter() - t, "objective": objective}


def baseline_networkx(cs: Any, max_edges: int) -> dict[str, Any]:
    import networkx as nx

    g = cs.graph
    cap = np.asarray(g.left_capacity)
    n_slot_edges = int(np.sum(cap[g.left]))
    if n_slot_edges > max_edges:
        return {"skipped": f"{n_slot_edges:,} slot edges > --networkx-edges"}
    t = time.perf_counter()
    graph: Any = nx.Graph()
    first = np.concatenate([[0], np.cumsum(cap)[:-1]])
    for e in range(g.n_edges):
        a, b, w = int(g.left[e]), int(g.right[e]), float(g.weight[e])
        for s in range(int(cap[a])):
            graph.add_edge(("m", int(first[a]) + s), ("e", b), weight=w)
    matching = nx.max_weight_matching(graph)
    objective = sum(graph[u][v]["weight"] for u, v in matching)
    return {"seconds": time.perf_counter() - t, "objective": float(objective)}


def baseline_pulp(cs: Any, max_edges: int) -> dict[str, Any]:
    import pulp

    g = cs.graph
    if g.n_edges > max_edges:
        return {"skipped": f"{g.n_edges:,} variables > --pulp-edges"}
    t = time.perf_counter()
    model = pulp.LpProblem("mentoring", pulp.LpMaximize)
    x = [pulp.LpVariable(f"x{e}", cat="Binary") for e in range(g.n_edges)]
    model += pulp.lpSum(float(g.weight[e]) * x[e] for e in range(g.n_edges))
    by_left: dict[int, list[Any]] = {}
    by_right: dict[int, list[Any]] = {}
    for e in range(g.n_edges):
        by_left.setdefault(int(g.left[e]), []).append(x[e])
        by_right.setdefault(int(g.right[e]), []).append(x[e])
    for node, xs in by_left.items():
        model += pulp.lpSum(xs) <= int(g.left_capacity[node])
    for node, xs in by_right.items():
        model += pulp.lpSum(xs) <= int(g.right_capacity[node])
    model.solve(pulp.PULP_CBC_CMD(msg=False))
    objective = float(pulp.value(model.objective) or 0.0)
    return {"seconds": time.perf_counter() - t, "objective": objective}


def _python_people(people: Any, positions: np.ndarray) -> list[dict[str, Any]]:
    """Per-person Python records, as a script would hold them."""
    out = []
    sets = people.sets
    for p in positions.tolist():
        bits = people.availability[p] if people.availability is not None else None
        out.append(
            {
                "offered": sets["skills_offered"].tokens(p),
                "wanted": sets["skills_wanted"].tokens(p),
                "interests": set(sets["interests"].tokens(p)),
                "goals": set(sets["goals"].tokens(p)),
                "slots": int.from_bytes(bits.tobytes(), "big")
                if bits is not None
                else 0,
                "seniority": float(people.seniority[p]),
                "manager": int(people.manager[p]),
                "position": p,
            }
        )
    return out


def _coverage(offered: dict[str, int], wanted: dict[str, int]) -> float | None:
    if not offered or not wanted:
        return None
    return sum(min(offered.get(s, 0), w) / w for s, w in wanted.items()) / len(wanted)


def _jaccard(a: set[str], b: set[str]) -> float | None:
    if not a or not b:
        return None
    return len(a & b) / len(a | b)


def python_pair_score(m: dict[str, Any], e: dict[str, Any], anc: Any) -> float | None:
    """Score one pair the way a mentoring script does (None: forbidden)."""
    # rules: no reporting line (2 levels), reverse seniority, 0.5 shared hours
    if e["position"] in anc[m["position"]] or m["position"] in anc[e["position"]]:
        return None
    if not e["seniority"] - m["seniority"] >= 1 - 1e-9:
        return None
    hours = (m["slots"] & e["slots"]).bit_count() * 0.25
    if hours < 0.5 - 1e-6:
        return None
    parts = []
    fwd, bwd = (
        _coverage(m["offered"], e["wanted"]),
        _coverage(e["offered"], m["wanted"]),
    )
    if fwd is not None or bwd is not None:
        num = (fwd or 0.0) * 1.0 + (bwd or 0.0) * 0.5
        den = (fwd is not None) * 1.0 + (bwd is not None) * 0.5
        parts.append((num / den, 3.0))
    parts.append((min(hours / 2.0, 1.0), 2.0))
    for value in (
        _jaccard(m["interests"], e["interests"]),
        _jaccard(m["goals"], e["goals"]),
    ):
        if value is not None:
            parts.append((value, 1.0))
    return sum(v * w for v, w in parts) / sum(w for _, w in parts)


def baseline_python_loop(people: Any, sample: int) -> dict[str, Any]:
    mentor_pos = np.flatnonzero(people.is_mentor)
    mentee_pos = np.flatnonzero(people.is_mentee)
    n_left, n_right = mentor_pos.size, mentee_pos.size
    n_pairs = n_left * n_right
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    mentors = _python_people(people, mentor_pos)
    mentees = _python_people(people, mentee_pos)
    anc_arr = people.ancestors(2)
    anc = {
        int(p): set(anc_arr[p].tolist())
        for p in np.concatenate([mentor_pos, mentee_pos])
    }
    setup = time.perf_counter() - t0
    if n_pairs <= sample:
        li = np.repeat(np.arange(n_left), n_right)
        rj = np.tile(np.arange(n_right), n_left)
        extrapolated = False
    else:
        li = rng.integers(0, n_left, sample)
        rj = rng.integers(0, n_right, sample)
        extrapolated = True
    pairs = list(zip(li.tolist(), rj.tolist(), strict=True))
    t = time.perf_counter()
    scores = [python_pair_score(mentors[i], mentees[j], anc) for i, j in pairs]
    loop = time.perf_counter() - t
    seconds = setup + loop * (n_pairs / max(len(pairs), 1))
    # the loop must give rmatch's scores and forbid the same pairs
    exact = _exact_scores(people, li, rj)
    worst = 0.0
    for got, want in zip(scores, exact.tolist(), strict=True):
        if (got is None) != bool(np.isnan(want)):
            worst = float("inf")
        elif got is not None:
            worst = max(worst, abs(got - want))
    return {
        "seconds": seconds,
        "extrapolated": extrapolated,
        "sampled_pairs": len(pairs),
        "max_abs_diff_vs_rmatch": worst,
        "note": "scoring only"
        + (f", timed on {len(pairs):,} pairs and extrapolated" if extrapolated else ""),
    }


def run_baselines(employees: int, args: argparse.Namespace) -> dict[str, Any]:
    import rmatch

    people = rmatch.read_people(_org(employees, args))
    out: dict[str, Any] = {}
    names = [b for b in args.baselines.split(",") if b]
    unknown = set(names) - {"scipy_lsa", "networkx", "pulp", "python_loop"}
    if unknown:
        raise SystemExit(f"unknown baseline(s) {sorted(unknown)}")
    if "python_loop" in names:
        out["python_loop"] = baseline_python_loop(people, args.sample)
    # the other baselines need every allowed pair: build them only if one can run
    n_left = int(np.count_nonzero(people.is_mentor))
    n_right = int(np.count_nonzero(people.is_mentee))
    caps = people.mentor_capacity[people.is_mentor]
    slots = int(np.where(caps >= 0, caps, 2).sum())
    limits = {
        "scipy_lsa": (slots * n_right, args.dense_limit, "dense matrix cells"),
        "networkx": (n_left * n_right, 8 * args.networkx_edges, "pairs"),
        "pulp": (n_left * n_right, 8 * args.pulp_edges, "pairs"),
    }
    todo = []
    for name in names:
        if name not in limits:
            continue
        size, limit, what = limits[name]
        if size > limit:
            out[name] = {"skipped": f"{size:,} {what}, too many for this baseline"}
        else:
            todo.append(name)
    if not todo:
        return out
    cs, score_seconds = _full_scores(people)
    for name in todo:
        if name == "scipy_lsa":
            res = baseline_scipy_lsa(cs, args.dense_limit)
        elif name == "networkx":
            res = baseline_networkx(cs, args.networkx_edges)
        else:
            res = baseline_pulp(cs, args.pulp_edges)
        if "seconds" in res:
            res["seconds"] += score_seconds
            res["note"] = "includes rmatch's vectorized scoring of every pair"
        out[name] = res
    return out


# --------------------------------------------------------------------------- driver
def _subprocess(mode: str, employees: int, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        mode,
        "--employees",
        str(employees),
        "--seed",
        str(args.seed),
        "--engine",
        args.engine,
        "--workers",
        str(args.workers),
        *(["--processes"] if args.processes else []),
        *(["--default-install"] if args.default_install else []),
        *(["--without-ortools"] if args.without_ortools else []),
        *(["--no-floor"] if not args.floor else []),
        "--mentor-rate",
        str(args.mentor_rate),
        "--mentee-rate",
        str(args.mentee_rate),
        *(["--top-k", str(args.top_k)] if args.top_k else []),
        *(["--shortlist", str(args.shortlist)] if args.shortlist else []),
        *(
            ["--gap-tolerance", str(args.gap_tolerance)]
            if args.gap_tolerance is not None
            else []
        ),
        "--baselines",
        args.baselines,
        "--dense-limit",
        str(args.dense_limit),
        "--networkx-edges",
        str(args.networkx_edges),
        "--pulp-edges",
        str(args.pulp_edges),
        "--sample",
        str(args.sample),
        "--repeat",
        str(args.repeat),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{mode} run for {employees} employees failed")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out = dict(runs[-1])
    out["stages"] = {
        s: statistics.median(r["stages"][s] for r in runs) for s in runs[0]["stages"]
    }
    for key in (
        "seconds_total",
        "seconds_pipeline",
        "peak_mib",
        "seconds_cluster_start",
    ):
        out[key] = statistics.median(r[key] for r in runs)
    if runs[0].get("floor_seconds") is not None:
        out["floor_seconds"] = statistics.median(r["floor_seconds"] for r in runs)
    if any(r["worker_peak_mib"] for r in runs):  # the worst run, worker by worker
        out["worker_peak_mib"] = [
            max(peaks)
            for peaks in zip(*(r["worker_peak_mib"] for r in runs), strict=True)
        ]
    for part in ("owner_report", "shortlist"):  # timings: medians too
        if all(r.get(part) for r in runs):
            out[part] = dict(runs[-1][part])
            for key, value in runs[-1][part].items():
                if key.startswith(("seconds", "ratio")) and value is not None:
                    out[part][key] = statistics.median(r[part][key] for r in runs)
    out["repeat"] = len(runs)
    out["seconds_total_runs"] = [r["seconds_total"] for r in runs]
    return out


def _fmt(x: float | None, spec: str = ".4f") -> str:
    return "n/a" if x is None else format(x, spec)


def print_table(res: dict[str, Any]) -> None:
    n = res["employees"]
    head = (
        f"{n:,} employees: {res['mentees']:,} mentees × {res['mentors']:,} mentors "
        f"({res['pairs']:,} pairs, {res['pairs_scored']:,} scored)"
    )
    if res.get("repeat", 1) > 1:
        head += f", median of {res['repeat']} runs"
    if res.get("without_ortools"):
        head += ", default install without OR-Tools (no highspy)"
    elif res.get("default_install"):
        head += ", default install (OR-Tools, no highspy)"
    if res.get("engine") == "dask":
        kind = "process" if res.get("worker_peak_mib") else "thread"
        head += f", Dask LocalCluster ({res.get('workers', '?')} {kind} workers)"
    print("\n" + head)
    print("-" * len(head))
    for stage, label in STAGES.items():
        print(f"  {label:<22} {res['stages'][stage]:9.3f} s")
    if res.get("engine") == "dask":
        print(f"  {'start the cluster':<22} {res['seconds_cluster_start']:9.3f} s")
    print(f"  {'total':<22} {res['seconds_total']:9.3f} s")
    print(f"  {'peak memory':<22} {res['peak_mib']:9.0f} MiB")
    _print_floor(res)
    if res.get("worker_peak_mib"):
        peaks = ", ".join(f"{p:.0f}" for p in res["worker_peak_mib"])
        print(f"  {'peak per worker':<22} {peaks} MiB")
    cert = res.get("certified")
    if res["top_k"] is None:
        quality = "exact (every allowed pair is a candidate)"
    elif cert and cert["optimal"]:
        quality = "certified optimal over every allowed pair (LP duals)"
    else:
        quality = f"certified gap {_fmt(res['gap'], '.4%')} over every allowed pair"
    print(
        f"  objective {_fmt(res['objective'])}  bound {_fmt(res['bound'])}  "
        f"gap {_fmt(res['gap'], '.4%')}  [{quality}]"
    )
    print(
        f"  {res['candidate_pairs']:,} candidate pairs of {res['allowed_pairs']:,} "
        f"allowed (top_k={res['top_k']}), {res['method']}, "
        f"{res['pairs_matched']:,} pairs"
    )
    _print_shortlist(res)
    _print_owner_report(res)
    base = res.get("baselines", {})
    if base:
        print(
            f"  {'baseline':<14} {'seconds':>10} {'ratio':>9} {'objective':>12}  note"
        )
        for name, b in base.items():
            if "skipped" in b:
                skipped = f"skipped: {b['skipped']}"
                print(f"  {name:<14} {'-':>10} {'-':>9} {'-':>12}  {skipped}")
                continue
            ratio = res.get(f"ratio_vs_{name}")
            obj = _fmt(b.get("objective")) if "objective" in b else "-"
            print(
                f"  {name:<14} {b['seconds']:10.2f} {_fmt(ratio, '.1f') + '×':>9} "
                f"{obj:>12}  {b.get('note', '')}"
            )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json")
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument(
        "--workers", type=int, default=2, help="Dask LocalCluster workers (default 2)"
    )
    parser.add_argument(
        "--processes",
        action="store_true",
        help="Dask workers as processes (default: threads of this process)",
    )
    parser.add_argument("--mentor-rate", type=float, default=0.07)
    parser.add_argument("--mentee-rate", type=float, default=0.03)
    parser.add_argument(
        "--top-k",
        type=int,
        help=f"prune to the best k (default {TOP_K} above exact size)",
    )
    parser.add_argument(
        "--gap-tolerance",
        type=float,
        help="with top_k (pruning): enlarge top_k until the certified gap is below "
        f"this (default {GAP_TOLERANCE}; 0 reports the gap without enlarging)",
    )
    parser.add_argument(
        "--shortlist",
        type=int,
        metavar="K",
        help="also time program.shortlist(people, k=K) and print its exposure",
    )
    parser.add_argument("--baselines", default="scipy_lsa,networkx,pulp,python_loop")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--dense-limit", type=int, default=60_000_000)
    parser.add_argument("--networkx-edges", type=int, default=60_000)
    parser.add_argument("--pulp-edges", type=int, default=60_000)
    parser.add_argument("--sample", type=int, default=200_000)
    parser.add_argument(
        "--default-install",
        action="store_true",
        help="run rmatch as `pip install rmatch` has it: the highspy extra made "
        "unimportable in the runs (OR-Tools is a core dependency)",
    )
    parser.add_argument(
        "--without-ortools",
        action="store_true",
        help="like --default-install, and OR-Tools unimportable too (SciPy's "
        "solvers only: a platform without OR-Tools wheels)",
    )
    parser.add_argument(
        "--no-floor",
        dest="floor",
        action="store_false",
        help="skip the floor (the float32 product of every pair's features)",
    )
    parser.add_argument(
        "--peer",
        type=int,
        nargs="?",
        const=1000,
        metavar="N",
        help="also run the peer mentor-match's production rules (3 rounds, N per "
        "side, default 1000): rmatch.plan_rounds next to a numpy + scipy script "
        "(benchmarks/peer.py)",
    )
    parser.add_argument(
        "--report-cli",
        type=int,
        metavar="EMPLOYEES",
        help="also time `rmatch match` without and with --report on an organization "
        "of EMPLOYEES, in alternated fresh processes (benchmarks/report_cli.py)",
    )
    parser.add_argument("--worker", choices=("pipeline", "baselines", "peer"))
    parser.add_argument(
        "--ingest",
        type=int,
        metavar="ROWS",
        help="time read_survey on a generated Google Forms export of ROWS rows "
        "against pandas.read_csv of the same file (benchmarks/ingest.py); alone "
        "unless --employees is given too",
    )
    args = parser.parse_args(argv)
    if args.without_ortools:
        args.default_install = True
    if args.worker and args.default_install:
        _hide_extras(ortools=args.without_ortools)
    if args.ingest:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from ingest import print_ingest, run_ingest

        ingest = run_ingest(args.ingest, max(3, args.repeat), args.seed)
        print_ingest(ingest)
        if not args.employees:
            if args.json:
                Path(args.json).write_text(json.dumps(ingest, indent=1) + "\n")
            return 0
    report_cli = None
    if args.report_cli and not args.worker:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from report_cli import print_report_cli, run_report_cli

        frame = _org(args.report_cli, args)
        role = frame["role"]
        n_pairs = int(role.isin(["mentor", "both"]).sum()) * int(
            role.isin(["mentee", "both"]).sum()
        )
        report_cli = run_report_cli(
            frame,
            _program(n_pairs, args),
            repeat=max(5, args.repeat),
            default_install=args.default_install,
        )
        print_report_cli(report_cli)
        if not args.employees and not args.peer:
            if args.json:
                Path(args.json).write_text(json.dumps(report_cli, indent=1) + "\n")
            return 0
    sizes = args.employees or [1_000, 10_000, 100_000]
    if args.worker:
        if args.worker == "pipeline":
            out = run_pipeline(sizes[0], args)
        elif args.worker == "peer":
            from peer import run_peer

            out = run_peer(sizes[0], repeat=max(3, args.repeat), seed=args.seed)
        else:
            out = run_baselines(sizes[0], args)
        print(json.dumps(out))
        return 0
    results: list[dict[str, Any]] = [{"report_cli": report_cli}] if report_cli else []
    if args.peer:
        from peer import print_peer

        peer_result = _subprocess("peer", args.peer, args)
        print_peer(peer_result)
        if args.employees is None:
            sizes = []
        results.append({"peer": peer_result})
    for n in sizes:
        runs = [_subprocess("pipeline", n, args) for _ in range(max(1, args.repeat))]
        res = _median_run(runs)
        if not args.no_baselines and args.baselines:
            res["baselines"] = _subprocess("baselines", n, args)
            st = res["stages"]
            for name, b in res["baselines"].items():
                if "seconds" in b:
                    # like for like: scoring (+ solving) on the same instance
                    ours = st["score"]
                    if name != "python_loop":
                        ours += st["solve"] + st["certify"]
                    res[f"ratio_vs_{name}"] = b["seconds"] / max(ours, 1e-9)
        print_table(res)
        results.append(res)
    if args.json:
        payload: Any = results[0] if len(results) == 1 else results
        Path(args.json).write_text(
            json.dumps(payload, indent=1) + "\n", encoding="utf-8"
        )
        print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())

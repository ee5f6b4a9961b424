"""Build the candidate graph in this process (threads), and finish a build."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from rmatch.candidates._blocks import Job
from rmatch.candidates._engine import Collector, State, run_job
from rmatch.candidates._result import CandidateSet
from rmatch.candidates._scorer import Scorer
from rmatch.candidates._select import desc_bits
from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.rules import Rule
from rmatch.scoring import Criterion
from rmatch.solvers import CandidateGraph

Progress = Callable[[str, int, int], None]


def capacities(
    people: People,
    mentors: np.ndarray,
    mentees: np.ndarray,
    mentor_capacity: int,
    mentee_capacity: int,
) -> tuple[np.ndarray, np.ndarray]:
    left_cap = np.where(
        people.mentor_capacity[mentors] >= 0,
        people.mentor_capacity[mentors],
        mentor_capacity,
    ).astype(np.int64)
    right_cap = np.where(
        people.mentee_capacity[mentees] >= 0,
        people.mentee_capacity[mentees],
        mentee_capacity,
    ).astype(np.int64)
    return left_cap, right_cap


def node_order(people: People) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the mentors and of the mentees, in the order of their ids.

    Node numbers follow the ids, not the rows, so every tie broken by node number
    (top-k selection, solvers) is broken by id: the same people in another row
    order give the same candidates and the same pairs.
    """
    out = []
    for mask in (people.is_mentor, people.is_mentee):
        positions = np.flatnonzero(mask)
        out.append(positions[np.argsort(people.ids[positions], kind="stable")])
    return out[0], out[1]


def prepare(
    people: People,
    criteria: Sequence[Criterion],
    rules: Sequence[Rule],
    *,
    block_cells: int,
    blocking: bool = True,
    top_k: int | None,
    mentor_capacity: int,
    mentee_capacity: int,
) -> tuple[Scorer, list[Job], np.ndarray, np.ndarray, int | None]:
    """Check the settings; return the scorer, its jobs, capacities and ``k``.

    Shared by the in-process and the Dask engine. Returns ``(scorer, jobs,
    left_capacity, right_capacity, k_selected)``.
    """
    if top_k is not None and (
        not isinstance(top_k, int) or isinstance(top_k, bool) or top_k < 1
    ):
        raise ConfigError(f"top_k must be None or an int >= 1; got {top_k!r}")
    if not criteria:
        raise ConfigError("a program needs at least one criterion")
    total_weight = float(sum(c.weight for c in criteria))
    if total_weight <= 0:
        raise ConfigError("the criteria weights add up to 0; give one a weight > 0")
    if not isinstance(block_cells, int) or block_cells < 1:
        raise ConfigError(
            "block_cells must be an int >= 1 (pairs scored at once); "
            f"got {block_cells!r}"
        )
    mentors, mentees = node_order(people)
    sc = Scorer(people, criteria, rules, mentors, mentees)
    jobs = sc.plan_jobs(block_cells, blocking=blocking)
    left_cap, right_cap = capacities(
        people, mentors, mentees, mentor_capacity, mentee_capacity
    )
    return sc, jobs, left_cap, right_cap, k_selected(top_k, left_cap, right_cap)


_BLAS_LOCAL: Callable[[int], int] | bool | None = False


def _blas_local_setter() -> Callable[[int], int] | None:
    """OpenBLAS's per-thread thread count setter of numpy's BLAS, if available.

    Worker threads run their matrix products single-threaded (two threads each
    starting two spinning BLAS threads on two cores is several times slower).
    """
    global _BLAS_LOCAL
    if _BLAS_LOCAL is not False:
        return _BLAS_LOCAL  # type: ignore[return-value]
    _BLAS_LOCAL = None
    try:
        import ctypes
        from pathlib import Path

        libs = Path(np.__file__).parent.parent / "numpy.libs"
        for path in sorted(libs.glob("*openblas*")):
            lib = ctypes.CDLL(str(path))
            fn = getattr(lib, "openblas_set_num_threads_local", None)
            if fn is not None:
                fn.argtypes = [ctypes.c_int]
                fn.restype = ctypes.c_int
                _BLAS_LOCAL = fn
                break
    except (OSError, AttributeError):  # pragma: no cover - platform specific
        _BLAS_LOCAL = None
    return _BLAS_LOCAL  # type: ignore[return-value]


def single_blas_thread() -> None:
    """Make the calling thread's BLAS (numpy's OpenBLAS) single-threaded if it can."""
    setter = _blas_local_setter()
    if setter is not None:
        setter(1)


def _threads() -> int:
    env = os.environ.get("RMATCH_THREADS")
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            pass
    return max(1, min(2, os.cpu_count() or 1))


def build_candidates(
    people: People,
    criteria: Sequence[Criterion],
    rules: Sequence[Rule],
    *,
    mentor_capacity: int = 1,
    mentee_capacity: int = 1,
    top_k: int | None = None,
    block_cells: int = 4_000_000,
    progress: Progress | None = None,
    threads: int | None = None,
    blocking: bool = True,
) -> CandidateSet:
    """Score every allowed mentor–mentee pair and build the candidate graph.

    Parameters
    ----------
    people : People
    criteria : sequence of Criterion
    rules : sequence of Rule
        Applied in order; a pair removed is counted against the first rule.
    mentor_capacity, mentee_capacity : int
        Program defaults for people whose capacity is not given.
    top_k : int, optional
        Keep only the best ``top_k`` candidates per mentor and per mentee (at least
        as many as the person's capacity). Ties go to the partner listed first.
    block_cells : int
        Upper bound on the pairs scored at once (memory bound).
    progress : callable, optional
        ``progress(stage, done, total)`` after each block (stage ``"score"``).
    threads : int, optional
        Worker threads (default: up to 2, or ``RMATCH_THREADS``). The result does
        not depend on it.
    blocking : bool, default True
        Skip pairs that share no free slot when a rule allows it. The
        result does not depend on it.

    Returns
    -------
    CandidateSet

    Examples
    --------
    >>> import rmatch
    >>> from rmatch.candidates import build_candidates
    >>> from rmatch.scoring import default_criteria
    >>> people = rmatch.read_people(rmatch.datasets.synthetic_org(300, seed=1))
    >>> cs = build_candidates(people, default_criteria(), [], top_k=5)
    >>> cs.n_edges <= cs.n_allowed, cs.graph.n_left, cs.graph.n_right
    (True, 21, 9)
    """
    started = time.perf_counter()
    sc, jobs, left_cap, right_cap, k_sel = prepare(
        people,
        criteria,
        rules,
        block_cells=block_cells,
        blocking=blocking,
        top_k=top_k,
        mentor_capacity=mentor_capacity,
        mentee_capacity=mentee_capacity,
    )
    col = Collector(sc, k_sel)
    total_blocks = sum(j.n_blocks for j in jobs)
    done = [0]
    lock = threading.Lock()

    def tick() -> None:
        if progress is None:
            return
        with lock:
            done[0] += 1
            progress("score", done[0], total_blocks)

    n_threads = threads if threads is not None else _threads()
    if threads is None and _blas_local_setter() is None:
        n_threads = 1
    if n_threads > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(
            max_workers=n_threads, initializer=single_blas_thread
        ) as pool:
            futures = [
                pool.submit(run_job, sc, job, col.taus, k_sel, tick) for job in jobs
            ]
            for fut in futures:
                col.add(fut.result())
    else:
        for job in jobs:
            col.add(run_job(sc, job, col.taus, k_sel, tick))
    if not jobs and progress is not None:
        progress("score", 1, 1)
    return finish(sc, col.state(), top_k, k_sel, left_cap, right_cap, started)


def k_selected(
    top_k: int | None, left_cap: np.ndarray, right_cap: np.ndarray
) -> int | None:
    if top_k is None:
        return None
    return max(top_k, int(left_cap.max(initial=1)), int(right_cap.max(initial=1)), 1)


def finish(
    sc: Scorer,
    state: State,
    top_k: int | None,
    k_sel: int | None,
    left_cap: np.ndarray,
    right_cap: np.ndarray,
    started: float,
) -> CandidateSet:
    """Turn the collected pairs and counts into a `CandidateSet`."""
    n_l, n_r = sc.n_left, sc.n_right
    left, right, weight, crit = state.left, state.right, state.weight, state.crit
    # survivors per level: the fast prefix (or just "possible"), then the blocks
    pre_l, pre_r = sc.prefix_counts()
    surv_l = np.concatenate([pre_l, state.counts_left], axis=0)
    surv_r = np.concatenate([pre_r, state.counts_right], axis=0)
    removed_left = surv_l[:-1] - surv_l[1:]
    removed_right = surv_r[:-1] - surv_r[1:]
    allowed_l, allowed_r = surv_l[-1], surv_r[-1]
    key = left.astype(np.int64) * np.int64(max(n_r, 1)) + right
    order = np.argsort(key, kind="stable")  # unique keys; runs of sorted jobs
    left, right, weight, crit = left[order], right[order], weight[order], crit[order]
    w64 = np.clip(weight.astype(np.float64), 0.0, 1.0)
    theta_l = np.full(n_l, -np.inf)
    theta_r = np.full(n_r, -np.inf)
    if k_sel is not None:
        kth_l, kth_r = state.kth_left, state.kth_right
        # a collector with a top k compacts in state(): its bounds are set
        assert kth_l is not None
        assert kth_r is not None
        big_l = allowed_l > k_sel
        big_r = allowed_r > k_sel
        theta_l[big_l] = kth_l[big_l]
        theta_r[big_r] = kth_r[big_r]
    bound = min(
        capacity_bound(left, w64, left_cap, n_l),
        capacity_bound(right, w64, right_cap, n_r),
    )
    graph = CandidateGraph(
        n_left=n_l,
        n_right=n_r,
        left=left.astype(np.int64),
        right=right.astype(np.int64),
        weight=w64,
        left_capacity=left_cap,
        right_capacity=right_cap,
    )
    has_data = (
        ~np.all(np.isnan(crit), axis=1)
        if crit.shape[1]
        else np.zeros(left.size, dtype=bool)
    )
    stats = {
        "blocking": "free-slot hours" if sc.bucketed else "none",
        "pairs": int(n_l) * int(n_r),
        "pairs_scored": int(state.scored),
        "survivors": int(state.survivors),
        "k_selected": k_sel,
    }
    return CandidateSet(
        graph=graph,
        mentors=sc.mentors,
        mentees=sc.mentees,
        criteria=tuple(k.label for k in sc.kernels),
        criterion_scores=crit,
        has_data=has_data,
        rules=tuple(sc.rules),
        possible_left=surv_l[0].copy(),
        possible_right=surv_r[0].copy(),
        removed_left=removed_left,
        removed_right=removed_right,
        top_k=top_k,
        upper_bound=bound,
        n_allowed=int(allowed_r.sum()),
        seconds=time.perf_counter() - started,
        theta_left=theta_l,
        theta_right=theta_r,
        stats=stats,
    )


def capacity_bound(node: np.ndarray, w: np.ndarray, cap: np.ndarray, n: int) -> float:
    """Sum over nodes of their ``cap`` best edge weights."""
    if node.size == 0:
        return 0.0
    if int(cap.max(initial=0)) <= 1:  # one partner each: every node's best edge
        if np.all(node[:-1] <= node[1:]):
            sn, sw = node, w
        else:
            grouped = node.astype(np.uint16) if n <= 1 << 16 else node
            order = np.argsort(grouped, kind="stable")  # a radix sort for 16 bits
            sn, sw = node[order], w[order]
        first = np.flatnonzero(np.r_[True, sn[1:] != sn[:-1]])
        best = np.maximum.reduceat(sw, first)
        return float(best[cap[sn[first]] > 0].sum())
    key = (node.astype(np.int64) << 32) | desc_bits(w.astype(np.float32)).astype(
        np.int64
    )
    if n <= 1 << 16:  # the same order, faster: group by node first (radix sort)
        by_node = np.argsort(node.astype(np.uint16), kind="stable")
        order = by_node[np.argsort(key[by_node], kind="stable")]
    else:
        order = np.argsort(key, kind="stable")
    sn = node[order]
    count = np.bincount(node, minlength=n)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(count, out=start[1:])
    rank = np.arange(sn.size) - start[sn]
    take = rank < cap[sn]
    return float(w[order][take].sum())


def iter_jobs(jobs: Sequence[Any], n: int) -> Iterator[list[Any]]:
    """Split ``jobs`` into ``n`` lists of similar cost (pairs), in order."""
    if n <= 1 or len(jobs) <= 1:
        yield list(jobs)
        return
    cost = np.array([j.rows.size * j.cols.size for j in jobs], dtype=np.float64)
    edges = np.searchsorted(np.cumsum(cost), np.linspace(0, cost.sum(), n + 1)[1:-1])
    lo = 0
    for hi in [*edges.tolist(), len(jobs)]:
        if hi > lo:
            yield list(jobs[lo:hi])
        lo = max(lo, hi)

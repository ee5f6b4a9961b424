"""Score the candidate pairs on a Dask cluster (``Program.match(engine="dask")``).

The block scoring of
[`rmatch.candidates.build_candidates()`][rmatch.candidates.build_candidates] is split
into tasks (groups of blocks of similar cost). Each task scores its blocks with a
private running top ``k`` and returns only the pairs it keeps plus its rule counts; the
client merges them and keeps the exact top ``k`` per person. A pair is scored by exactly
one task and ties are broken by position, so the candidate graph is the same as the
in-process engine's, edge for edge and weight for weight.

Dask is optional: ``pip install 'rmatch[dask]'``.

Examples
--------
On one machine (a ``LocalCluster`` is started and closed for you)::

    result = program.match(people, engine="dask")

On a real cluster, pass a client or the scheduler address::

    from dask.distributed import Client
    client = Client("tcp://scheduler.example.org:8786")
    result = program.match(people, engine="dask", client=client)
    # or: program.match(people, engine="dask", client="tcp://scheduler:8786")
"""

from __future__ import annotations

import contextlib
import os
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from rmatch.candidates import (
    CandidateSet,
    Collector,
    Job,
    Scorer,
    State,
    finish,
    iter_jobs,
    prepare,
    run_job,
    single_blas_thread,
)
from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.rules import Rule
from rmatch.scoring import Criterion

__all__ = ["WORKER_ENVIRON", "dask_candidates"]

Progress = Callable[[str, int, int], None]

WORKER_ENVIRON = {
    "MALLOC_TRIM_THRESHOLD_": str(1 << 30),
    "MALLOC_MMAP_THRESHOLD_": str(1 << 25),
}
"""Environment for Dask worker *processes*: glibc ``malloc`` settings.

Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` so that workers hand memory back
to the system; setting any such variable also switches off glibc's adaptive mmap
threshold (``mallopt(3)``), so every temporary array of a block (a few MiB) is
mapped fresh and page-faults on first use. Raising both thresholds keeps those
arrays on the heap: scoring the 200,000-employee everyone-signs-up organization on
two worker processes took 101 s with Dask's defaults and 55 s with these (the same
as two worker threads).

Set them before the cluster starts::

    import dask
    environ = dask.config.get("distributed.nanny.pre-spawn-environ")
    with dask.config.set(
        {"distributed.nanny.pre-spawn-environ": environ | WORKER_ENVIRON}
    ):
        cluster = LocalCluster(processes=True)

or export them on worker machines started with ``dask worker``. Thread workers
(the default local cluster) do not need them.
"""

#: Tasks per worker thread: enough to balance uneven blocks, few enough to keep
#: the per-task overhead (and the pairs each task returns) small.
TASKS_PER_THREAD = 4


def _require_dask() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise ConfigError(
            "engine='dask' needs Dask distributed, which is not installed; "
            "install it with: pip install 'rmatch[dask]'"
        ) from exc
    return distributed


def _score_task(scorer: Scorer, jobs: list[Job], k: int | None) -> State:
    """One Dask task: score ``jobs`` with a private collector."""
    single_blas_thread()
    col = Collector(scorer, k)
    for job in jobs:
        col.add(run_job(scorer, job, col.taus, k))
    return col.state()


@contextlib.contextmanager
def _connect(client: Any, distributed: Any) -> Iterator[Any]:
    """Yield a Client: the one given, one for an address, or a new LocalCluster."""
    if client is not None and not isinstance(client, str):
        yield client
        return
    with warnings.catch_warnings():
        # a busy dashboard port or a slow scratch directory is not the caller's
        # problem; the scoring itself warns through the normal channels
        warnings.simplefilter("ignore", UserWarning)
        if isinstance(client, str):
            own = distributed.Client(client)
            cluster = None
        else:
            # worker threads in this process: the scoring releases the GIL,
            # nothing is pickled and scripts need no __main__ guard. No memory
            # limit: thread workers would compare the whole process (people,
            # graph) with a per-worker share of the RAM and pause for good.
            cluster = distributed.LocalCluster(
                n_workers=_usable_cores(),
                threads_per_worker=1,
                processes=False,
                dashboard_address=":0",
                memory_limit=0,
            )
            own = distributed.Client(cluster)
    try:
        yield own
    finally:
        own.close()
        if cluster is not None:
            cluster.close()


def _usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS reports it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def _worker_threads(client: Any) -> int:
    try:
        info = client.scheduler_info()
        return max(1, sum(int(w.get("nthreads", 1)) for w in info["workers"].values()))
    except Exception:  # a scheduler without the usual info: assume a small cluster
        return 2


def dask_candidates(
    people: People,
    criteria: Sequence[Criterion],
    rules: Sequence[Rule],
    *,
    mentor_capacity: int = 1,
    mentee_capacity: int = 1,
    top_k: int | None = None,
    block_cells: int = 4_000_000,
    client: Any = None,
    progress: Progress | None = None,
) -> CandidateSet:
    """Build the candidate graph with the block scoring on Dask.

    Takes the arguments of
    [`rmatch.candidates.build_candidates()`][rmatch.candidates.build_candidates] (what
    ``Program.match(engine="dask")`` passes: the program's scoring criteria, mask rules,
    capacities, ``top_k`` and ``block_cells``).

    Parameters
    ----------
    people : People
    criteria : sequence of Criterion
    rules : sequence of Rule
        Applied in order; a pair removed is counted against the first rule.
    mentor_capacity, mentee_capacity : int
        Defaults for people whose capacity is not given.
    top_k : int, optional
        Keep only the best ``top_k`` candidates per mentor and per mentee.
    block_cells : int
        Upper bound on the pairs scored at once (memory bound).
    client : dask.distributed.Client or str, optional
        A client, or a scheduler address such as ``"tcp://10.0.0.5:8786"``. By
        default a ``LocalCluster`` with one worker thread per core (in this
        process) is started, used and closed.
    progress : callable, optional
        ``progress("score", tasks_done, tasks)``.

    Returns
    -------
    CandidateSet
        The same graph as [`build_candidates()`][rmatch.candidates.build_candidates].

    Raises
    ------
    ConfigError
        Dask is not installed (``pip install 'rmatch[dask]'``), or a setting is
        invalid.
    """
    distributed = _require_dask()
    started = time.perf_counter()
    sc, jobs, left_cap, right_cap, k_sel = prepare(
        people,
        criteria,
        rules,
        block_cells=block_cells,
        top_k=top_k,
        mentor_capacity=mentor_capacity,
        mentee_capacity=mentee_capacity,
    )
    collector = Collector(sc, k_sel)
    with _connect(client, distributed) as cl:
        n_tasks = max(1, _worker_threads(cl) * TASKS_PER_THREAD)
        groups = list(iter_jobs(jobs, n_tasks))
        if groups and any(groups):
            shared = cl.scatter(sc.for_workers(), broadcast=True)
            futures = [
                cl.submit(_score_task, shared, group, k_sel, pure=False)
                for group in groups
            ]
            for done, fut in enumerate(distributed.as_completed(futures), start=1):
                collector.add_kept(fut.result())
                if progress is not None:
                    progress("score", done, len(futures))
        elif progress is not None:
            progress("score", 1, 1)
    state = collector.state()
    return finish(sc, state, top_k, k_sel, left_cap, right_cap, started)

"""Shared internals of the solver layer (not public API)."""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Any, Literal, Protocol

import numpy as np

from rmatch.errors import ConfigError
from rmatch.solvers._graph import (
    BoolArray,
    CandidateGraph,
    FloatArray,
    IntArray,
    Status,
)

#: Relative tolerance under which a certified gap counts as optimal.
OPT_RTOL = 1e-9
#: Total budget (relative to the largest weight) of the tie-break perturbation.
TIE_BUDGET = 1e-9

_banner_lock = threading.Lock()
_banner_done = False

Objective = Literal["total", "coverage", "fairness"]
OBJECTIVES: tuple[str, ...] = ("total", "coverage", "fairness")


class Infeasible(Exception):
    """Internal signal: the backend proved that the model has no solution."""


class NoIncumbent(Exception):
    """Internal signal: the time limit passed before any feasible solution was found."""


@dataclass
class Raw:
    """What a backend returns: chosen edges of the graph it was given.

    ``bound`` is an upper bound on ``sum(values[edges])`` for the values the
    backend was asked to maximize (``None`` when unknown).
    """

    edges: IntArray
    status: Status
    bound: float | None
    backend: str
    stats: dict[str, Any] = field(default_factory=dict)


class Oracle(Protocol):
    """Exact ``max sum(values[x])`` over the matchings of a graph.

    With ``n_pairs`` set (the known maximum number of pairs), return a matching
    with exactly that many pairs that maximizes the values among those.
    """

    def __call__(
        self,
        graph: CandidateGraph,
        values: FloatArray,
        *,
        n_pairs: int | None = None,
        deadline: Deadline | None = None,
    ) -> Raw: ...


class Deadline:
    """Wall-clock deadline (``None`` seconds means no limit)."""

    def __init__(self, seconds: float | None) -> None:
        if seconds is not None and not (seconds > 0):
            raise ConfigError(f"time_limit must be a positive number, got {seconds!r}")
        self.seconds = seconds
        self.start = time.perf_counter()

    def remaining(self) -> float | None:
        """Seconds left (at least 0.01), or ``None`` without a limit."""
        if self.seconds is None:
            return None
        return max(0.01, self.seconds - (time.perf_counter() - self.start))

    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return (
            self.seconds is not None
            and time.perf_counter() - self.start >= self.seconds
        )


def tie_values(graph: CandidateGraph, seed: int = 0) -> tuple[FloatArray, float]:
    """Return ``weight + eps * (1 + u)`` and ``eps``.

    ``u`` in ``[0, 1)`` is a hash of ``(left, right, seed)``, so ties are broken the
    same way whatever the edge order. ``eps = TIE_BUDGET * max_weight / (2 K)`` with
    ``K`` an upper bound on the number of pairs: the perturbation of any matching
    is positive (so among equal totals more pairs win) and below
    ``TIE_BUDGET * max_weight`` in total, so the optimum total under the perturbed
    values is within ``1e-9 * max_weight`` of the true optimum.
    """
    w = np.asarray(graph.weight, dtype=np.float64)
    if w.size == 0:
        return w.copy(), 0.0
    k = max(graph.max_pairs(), 1)
    scale = float(w.max()) if float(w.max()) > 0 else 1.0
    eps = TIE_BUDGET * scale / (2.0 * k)
    return w + eps * (1.0 + edge_hash(graph.left, graph.right, seed)), eps


def edge_hash(left: IntArray, right: IntArray, seed: int = 0) -> FloatArray:
    """Deterministic pseudo-random number in ``[0, 1)`` per ``(left, right)`` pair."""
    # splitmix64-style mixing on uint64 arrays (wrap-around is intended).
    x = left.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    x ^= right.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    x ^= np.uint64(seed & 0xFFFFFFFFFFFFFFFF) * np.uint64(0x165667B19E3779F9)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    out: FloatArray = (x >> np.uint64(11)).astype(np.float64) / float(2**53)
    return out


def group(nodes: IntArray, n: int) -> tuple[IntArray, IntArray]:
    """Return ``(order, starts)``; node i owns ``order[starts[i]:starts[i + 1]]``."""
    order = np.argsort(nodes, kind="stable").astype(np.int64)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(nodes, minlength=n), out=starts[1:])
    return order, starts


def loads(graph: CandidateGraph, edges: IntArray) -> tuple[IntArray, IntArray]:
    """Return the number of chosen pairs per mentor and per mentee."""
    lo = np.bincount(graph.left[edges], minlength=graph.n_left).astype(np.int64)
    ro = np.bincount(graph.right[edges], minlength=graph.n_right).astype(np.int64)
    return lo, ro


@dataclass(frozen=True)
class Reduced:
    """A graph with its required edges fixed and removed."""

    graph: CandidateGraph  # residual graph: no required edges
    kept: IntArray  # residual edge i is original edge kept[i]
    fixed: IntArray  # original indices of the required (fixed) edges


def reduce_required(graph: CandidateGraph) -> Reduced:
    """Fix the required edges: remove them and lower capacities and minima.

    The caller has already checked that required edges fit the capacities.
    """
    req = graph.required_mask()
    fixed = np.flatnonzero(req).astype(np.int64)
    keep = ~req
    kept = np.flatnonzero(keep).astype(np.int64)
    if fixed.size == 0:
        return Reduced(replace(graph, required=None), kept, fixed)
    lo, ro = loads(graph, fixed)
    sub = graph.subgraph(keep)
    residual = replace(
        sub,
        left_capacity=np.maximum(graph.left_capacity - lo, 0),
        right_capacity=np.maximum(graph.right_capacity - ro, 0),
        left_min=None if graph.left_min is None else np.maximum(graph.left_min - lo, 0),
        right_min=None
        if graph.right_min is None
        else np.maximum(graph.right_min - ro, 0),
        required=None,
        side_constraints=tuple(
            replace(c, rhs=c.rhs - float(np.sum(c.coef[fixed])), coef=c.coef[keep])
            for c in graph.side_constraints
        ),
    )
    return Reduced(residual, kept, fixed)


def usable_edges(graph: CandidateGraph) -> BoolArray:
    """Edges whose two endpoints have a positive capacity."""
    mask: BoolArray = (graph.left_capacity[graph.left] > 0) & (
        graph.right_capacity[graph.right] > 0
    )
    return mask


def as_edges(indices: Any) -> IntArray:
    """Return sorted unique int64 edge indices."""
    return np.unique(np.asarray(indices, dtype=np.int64))


def json_safe(value: Any) -> Any:
    """Convert numpy scalars / arrays inside ``value`` to plain Python objects."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return [json_safe(v) for v in value.tolist()]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value


# ------------------------------------------------------------------ HiGHS process state
def silence_highs_banner() -> None:
    """Create the first ``highspy.Highs`` of the process with stdout muted.

    HiGHS prints a copyright banner to the C-level stdout when the first instance
    of a process is created, before any option can be set; it would corrupt the
    output of command-line tools that print JSON or CSV to stdout.
    """
    global _banner_done
    with _banner_lock:
        if _banner_done:
            return
        _banner_done = True
        import highspy

        try:
            sys.stdout.flush()
            saved = os.dup(1)
        except (OSError, ValueError):  # no real stdout (e.g. some notebooks)
            highspy.Highs()  # type: ignore[no-untyped-call]
            return
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def highs_pool_accepts(threads: int) -> bool:
    """Whether HiGHS can run with ``threads`` threads in this process.

    HiGHS keeps one thread pool per process, created by the first ``run()`` with
    that run's ``threads`` option (0, PuLP's default, means half the cores). A
    later run asking for a different non-zero count fails before solving
    (``HighsStatus.kError``, which PuLP reports as "not solved"). The pool is not
    reset here: HiGHS documents that as unsafe while another thread runs HiGHS
    (e.g. the host application's own PuLP models). The probe runs an empty model,
    which also creates the pool with ``threads`` threads when none exists yet.

    Parameters
    ----------
    threads
        The thread count a solve would ask for (non-zero).

    Returns
    -------
    bool
        False when the process's pool was created with another count.
    """
    import highspy

    silence_highs_banner()
    probe = highspy.Highs()  # type: ignore[no-untyped-call]
    probe.setOptionValue("output_flag", False)
    probe.setOptionValue("threads", int(threads))
    return bool(probe.run() != highspy.HighsStatus.kError)


def highs_threads() -> int | None:
    """One thread (rmatch's default), or None to share a pool created elsewhere.

    Measured on the quota instances of the ILP tests: HiGHS returns the same
    matchings with one or two threads, so sharing keeps the results.

    Returns
    -------
    int or None
        The value for PuLP's ``HiGHS(threads=...)`` option.
    """
    return 1 if highs_pool_accepts(1) else None

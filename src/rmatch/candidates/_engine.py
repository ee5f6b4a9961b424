"""The engine API shared by the local builder and `rmatch.distributed`.

[`prepare()`][rmatch.candidates.prepare] checks the settings and returns a
[`Scorer`][rmatch.candidates.Scorer] with its jobs;
[`run_job()`][rmatch.candidates.run_job] scores one job; a
[`Collector`][rmatch.candidates.Collector] gathers the survivors (or the
[`State`][rmatch.candidates.State] of another collector, e.g. a Dask task);
[`finish()`][rmatch.candidates.finish] turns the final state into a
[`CandidateSet`][rmatch.candidates.CandidateSet].
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from rmatch.candidates._blocks import BlockOutput, Job
from rmatch.candidates._scorer import Scorer
from rmatch.candidates._select import two_sided_top_k

#: Survivors held before the per-person top ``k`` is recomputed.
COMPACT_AT = 1 << 20
#: The collector compacts again once it holds this many times what it kept: the
#: bounds the blocks read stay fresh without it (each job raises them).
GROWTH = 2


class RunningTopK:
    """Running top ``k`` of one job, in job-local row / column positions."""

    def __init__(self, n_rows: int, n_cols: int, k: int) -> None:
        self.k = k
        self.n_rows, self.n_cols = n_rows, n_cols
        self.tau_rows = np.full(n_rows, -np.inf, dtype=np.float32)
        self.tau_cols = np.full(n_cols, -np.inf, dtype=np.float32)
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.size = 0
        self.limit = max(2 * k * (n_rows + n_cols), 1 << 15)

    def add(
        self, r: np.ndarray, c: np.ndarray, w: np.ndarray, crit: np.ndarray
    ) -> None:
        if r.size:
            self.parts.append((r, c, w, crit))
            self.size += int(r.size)
        if self.size > self.limit:
            self.compact()

    def compact(self) -> tuple[np.ndarray, ...]:
        if not self.parts:
            z = np.zeros(0, np.int64)
            return z, z, np.zeros(0, np.float32), np.zeros((0, 0), np.float32)
        r, c, w, crit = (np.concatenate(x) for x in zip(*self.parts, strict=True))
        keep, kth_r, kth_c = two_sided_top_k(
            r, c, w, self.k, self.n_rows, self.n_cols, self.tau_rows, self.tau_cols
        )
        kept = (r[keep], c[keep], w[keep], crit[keep])
        self.parts = [kept]
        self.size = int(keep.sum())
        self.tau_rows, self.tau_cols = kth_r, kth_c
        self.limit = max(self.limit, self.size + self.size // 2)
        return kept


def run_job(
    sc: Scorer,
    job: Job,
    taus: Callable[[], tuple[np.ndarray | None, np.ndarray | None]],
    k: int | None,
    on_block: Callable[[], None] | None = None,
) -> BlockOutput:
    """Score every block of ``job``; return its survivors and counts in one piece.

    With ``k``, the job keeps its own exact top ``k`` per row and column (a
    superset of what the job contributes to the global top ``k``), and a block
    only hands over the pairs that beat the job's or the global running bound.
    """
    cache: dict[Any, Any] = {"job_rows": job.rows}  # blocks slice job-wide gathers
    outs = []
    running = RunningTopK(int(job.rows.size), int(job.cols.size), k) if k else None
    # column bars learnt from earlier blocks of this job (bars only: unlike the
    # running top k's own bounds, they are not k-th best scores of kept pairs)
    bar_cols: np.ndarray | None = None
    for lo in range(0, int(job.rows.size), job.rows_per_block):
        rows = job.rows[lo : lo + job.rows_per_block]
        tl, tr = taus()
        t_rows = t_cols = None
        if running is not None and tl is not None and tr is not None:
            hi = lo + rows.size
            t_rows = np.maximum(tl[rows], running.tau_rows[lo:hi])
            t_cols = np.maximum(tr[job.cols], running.tau_cols)
            if bar_cols is not None:
                np.maximum(t_cols, bar_cols, out=t_cols)
        out = sc.score_block(job.bucket, rows, job.cols, cache, t_rows, t_cols, k)
        if out.bar_right is not None:
            bar_cols = out.bar_right
            out.bar_right = None
        if running is not None:
            assert out.local is not None
            running.add(out.local[0] + lo, out.local[1], out.weight, out.crit)
            out.left = out.right = np.zeros(0, np.int64)
            out.weight = np.zeros(0, np.float32)
            out.crit = np.zeros((0, len(sc.kernels)), np.float32)
        outs.append(out)
        if on_block is not None:
            on_block()
    n_levels = len(sc.rules) - sc.count_from
    merged = merge_outputs(outs, job.rows, job.cols, len(sc.kernels), n_levels)
    if running is not None:
        r, c, w, crit = running.compact()
        merged.left, merged.right = job.rows[r], job.cols[c]
        merged.weight = w
        merged.crit = crit if crit.size else np.zeros((0, len(sc.kernels)), np.float32)
        merged.kth_rows, merged.kth_cols = running.tau_rows, running.tau_cols
    return merged


def merge_outputs(
    outs: list[BlockOutput],
    rows: np.ndarray,
    cols: np.ndarray,
    n_crit: int,
    n_levels: int,
) -> BlockOutput:
    if not outs:
        return BlockOutput(
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, np.float32),
            np.zeros((0, n_crit), np.float32),
            rows,
            cols,
            np.zeros((n_levels, rows.size), np.int64),
            np.zeros((n_levels, cols.size), np.int64),
            0,
        )
    row_counts = np.concatenate([o.row_counts for o in outs], axis=1)
    col_counts = np.sum([o.col_counts for o in outs], axis=0)
    return BlockOutput(
        np.concatenate([o.left for o in outs]),
        np.concatenate([o.right for o in outs]),
        np.concatenate([o.weight for o in outs]),
        np.concatenate([o.crit for o in outs]),
        rows,
        cols,
        row_counts,
        col_counts,
        sum(o.scored for o in outs),
    )


class Collector:
    """Gathers block survivors; keeps the running top ``k`` and its thresholds."""

    def __init__(self, sc: Scorer, k: int | None) -> None:
        self.n_left, self.n_right = sc.n_left, sc.n_right
        self.n_crit = len(sc.kernels)
        self.k = k
        n_levels = len(sc.rules) - sc.count_from
        self.counts_left = np.zeros((n_levels, self.n_left), dtype=np.int64)
        self.counts_right = np.zeros((n_levels, self.n_right), dtype=np.int64)
        self.tau_left: np.ndarray | None = None
        self.tau_right: np.ndarray | None = None
        if k is not None:
            self.tau_left = np.full(self.n_left, -np.inf, dtype=np.float32)
            self.tau_right = np.full(self.n_right, -np.inf, dtype=np.float32)
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.size = 0
        self.limit = COMPACT_AT
        self.scored = 0
        self.survivors = 0
        self.compactions = 0
        self.lock = threading.Lock()

    def taus(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        return self.tau_left, self.tau_right

    def add(self, out: BlockOutput) -> None:
        with self.lock:
            if out.row_counts.size:
                self.counts_left[:, out.rows] += out.row_counts
            if out.col_counts.size:
                self.counts_right[:, out.cols] += out.col_counts
            self.scored += out.scored
            self.survivors += int(out.left.size)
            if self.tau_left is not None and out.kth_rows is not None:
                # the job's k-th best of its pairs (all handed over just now):
                # fresh bounds for the blocks still to come, without a compaction
                self.tau_left[out.rows] = np.maximum(
                    self.tau_left[out.rows], out.kth_rows
                )
            if self.tau_right is not None and out.kth_cols is not None:
                self.tau_right[out.cols] = np.maximum(
                    self.tau_right[out.cols], out.kth_cols
                )
            if out.left.size:
                self.parts.append((out.left, out.right, out.weight, out.crit))
                self.size += int(out.left.size)
            if self.k is not None and self.size > self.limit:
                self.compact()

    def add_kept(self, state: State) -> None:
        """Merge the compacted state of another collector (a Dask task)."""
        with self.lock:
            self.counts_left += state.counts_left
            self.counts_right += state.counts_right
            self.scored += state.scored
            self.survivors += state.survivors
            if state.left.size:
                self.parts.append((state.left, state.right, state.weight, state.crit))
                self.size += int(state.left.size)
            if self.k is not None and self.size > self.limit:
                self.compact()

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        if not self.parts:
            return (
                np.zeros(0, np.int64),
                np.zeros(0, np.int64),
                np.zeros(0, np.float32),
                np.zeros((0, self.n_crit), np.float32),
            )
        if len(self.parts) > 1:
            merged = tuple(np.concatenate(x) for x in zip(*self.parts, strict=True))
            self.parts = [merged]
        left, right, weight, crit = self.parts[0]
        return left, right, weight, crit

    def compact(self) -> None:
        """Keep the exact top ``k`` per node among the pairs seen so far."""
        assert self.k is not None
        left, right, weight, crit = self.arrays()
        # the last bounds are k-th best scores of a subset of these pairs
        keep, kth_l, kth_r = two_sided_top_k(
            left,
            right,
            weight,
            self.k,
            self.n_left,
            self.n_right,
            self.tau_left,
            self.tau_right,
        )
        self.parts = [(left[keep], right[keep], weight[keep], crit[keep])]
        self.size = int(keep.sum())
        self.tau_left, self.tau_right = kth_l, kth_r
        # compact again once the new pairs are as many as the kept ones: the
        # work stays linear; the jobs keep the bounds fresh
        self.limit = max(COMPACT_AT, self.size * GROWTH)
        self.compactions += 1

    def state(self) -> State:
        if self.k is not None:
            self.compact()  # its bounds are now the k-th best of the kept pairs
        left, right, weight, crit = self.arrays()
        return State(
            left,
            right,
            weight,
            crit,
            self.counts_left,
            self.counts_right,
            self.scored,
            self.survivors,
            self.tau_left,
            self.tau_right,
        )


@dataclass
class State:
    """A collector's result: kept pairs and counts (what a Dask task returns)."""

    left: np.ndarray
    right: np.ndarray
    weight: np.ndarray
    crit: np.ndarray
    counts_left: np.ndarray
    counts_right: np.ndarray
    scored: int
    survivors: int
    #: With a top ``k``: the ``k``-th best kept score per left / right node
    #: (``-inf`` with fewer than ``k``).
    kth_left: np.ndarray | None = None
    kth_right: np.ndarray | None = None

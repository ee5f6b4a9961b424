"""Blocks of pairs being scored, jobs of blocks, and the generic kernel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from rmatch.errors import ConfigError
from rmatch.parsing import SLOT_MINUTES
from rmatch.scoring import (
    Block,
    BlockView,
    Criterion,
    Kernel,
    Presence,
    ScoringContext,
    criterion_label,
)

#: Pairs per internal block (cache-friendly); ``block_cells`` caps it from above.
BLOCK_TARGET = 1 << 20
#: Columns per job when a job would otherwise cover too many mentees.
MAX_COLS = 1 << 14
#: Hours per slot, in float32.
HOUR = np.float32(SLOT_MINUTES / 60)


class BlockData:
    """One block being scored: left nodes ``rows`` × right nodes ``cols``.

    Implements [`BlockView`][rmatch.scoring.BlockView] for the kernels and rule plans.

    Parameters
    ----------
    context : ScoringContext
        The run.
    rows, cols : numpy.ndarray
        Sorted node numbers.
    cache : dict
        Per-job cache of column slices and right-side features.
    """

    def __init__(
        self,
        context: ScoringContext,
        rows: np.ndarray,
        cols: np.ndarray,
        cache: dict[Any, Any],
    ) -> None:
        self.context = context
        self.rows = rows
        self.cols = cols
        self.cache = cache
        self.shape = (int(rows.size), int(cols.size))
        self.hours: np.ndarray | None = None
        self.total: np.ndarray | None = None
        self.has_data: np.ndarray | None = None
        self._block: Block | None = None
        self.offset: int | None = None

    def rows_of(self, values: np.ndarray) -> np.ndarray:
        """``values[rows]``."""
        out: np.ndarray = values[self.rows]
        return out

    def cols_of(self, values: np.ndarray) -> np.ndarray:
        """``values[cols]`` (cached per job)."""
        key = ("cols", id(values))
        out = self.cache.get(key)
        if out is None:
            out = self.cache[key] = values[self.cols]
        result: np.ndarray = out
        return result

    def left_rows(self, key: Any, feats: sp.csr_matrix) -> sp.csr_matrix:
        """``feats[rows]``: gathered once per job (``cache["job_rows"]``), then sliced.

        ``key`` names ``feats`` in the job's cache.
        """
        job_rows = self.cache.get("job_rows")
        if job_rows is None:
            out: sp.csr_matrix = feats[self.rows]
            return out
        full = self.cache.get(("left", key))
        if full is None:
            full = self.cache[("left", key)] = feats[job_rows]
        lo = self.row_offset()
        return row_slice(full, lo, lo + self.shape[0])

    def row_offset(self) -> int:
        """Position of the block's first row in ``cache["job_rows"]``."""
        if self.offset is None:
            job_rows = self.cache["job_rows"]
            self.offset = int(np.searchsorted(job_rows, self.rows[0]))
        return self.offset

    def right_features(self, key: Any, feats: np.ndarray) -> np.ndarray:
        """``feats[cols].T`` as float32, converted once per job."""
        out = self.cache.get(key)
        if out is None:
            out = self.cache[key] = np.ascontiguousarray(
                feats[self.cols].T, dtype=np.float32
            )
        result: np.ndarray = out
        return result

    def product(
        self, key: Any, left_feats: sp.csr_matrix, right_feats: np.ndarray
    ) -> np.ndarray:
        """``left_feats[rows] @ right_feats[cols].T`` in float32 (exact integers)."""
        a = self.left_rows(key, left_feats)
        b = self.right_features(key, right_feats)
        out: np.ndarray = np.asarray(a @ b)
        return out

    def shared_hours(self) -> np.ndarray:
        """``float32`` hours a week both ends are free (computed once)."""
        if self.hours is None:
            s = self.context.slots
            count = self.product("slots", s.left, s.right)
            count *= HOUR
            self.hours = count
        return self.hours

    def block(self) -> Block:
        """The block as a [`Block`][rmatch.scoring.Block] (``total`` once scored)."""
        if self._block is None:
            sc = self.context
            b = Block(sc.people, sc.mentors[self.rows], sc.mentees[self.cols])
            if self.hours is not None:
                b.__dict__["shared_hours"] = self.hours
            if self.total is not None:
                total = self.total.astype(np.float64)
                if self.has_data is not None:
                    total[~self.has_data] = np.nan
                b.total = total
            self._block = b
        elif self.total is not None and self._block.total is None:
            total = self.total.astype(np.float64)
            if self.has_data is not None:
                total[~self.has_data] = np.nan
            self._block.total = total
        return self._block


def row_slice(matrix: sp.csr_matrix, lo: int, hi: int) -> sp.csr_matrix:
    """Rows ``lo:hi`` of a CSR matrix (views of its arrays, no checks)."""
    ptr = matrix.indptr
    a, b = int(ptr[lo]), int(ptr[hi])
    return sp.csr_matrix(
        (matrix.data[a:b], matrix.indices[a:b], ptr[lo : hi + 1] - a),
        shape=(hi - lo, matrix.shape[1]),
        copy=False,
    )


@dataclass
class BlockOutput:
    """What a block (or a whole job) hands to the collector."""

    left: np.ndarray
    right: np.ndarray
    weight: np.ndarray
    crit: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    row_counts: np.ndarray
    col_counts: np.ndarray
    scored: int
    #: Lower bounds on each column's ``k``-th best score over every pair (for the
    #: bars of the job's next blocks), when the block computed them.
    bar_right: np.ndarray | None = None
    #: Positions of the kept pairs in ``rows`` and ``cols`` (a block's output).
    local: tuple[np.ndarray, np.ndarray] | None = None
    #: ``k``-th best kept score of each of ``rows`` / ``cols`` (a job's output
    #: with a top ``k``): lower bounds on their ``k``-th best over every pair.
    kth_rows: np.ndarray | None = None
    kth_cols: np.ndarray | None = None


@dataclass(frozen=True)
class Job:
    """Rows × columns to score; ``bucket >= 0`` restricts to pairs owned by it."""

    bucket: int
    rows: np.ndarray
    cols: np.ndarray
    rows_per_block: int

    @property
    def n_blocks(self) -> int:
        """Blocks of ``rows_per_block`` rows."""
        return max(1, -(-int(self.rows.size) // self.rows_per_block))


def split_job(bucket: int, rows: np.ndarray, cols: np.ndarray, cells: int) -> list[Job]:
    """Cut ``rows × cols`` into jobs of at most ``MAX_COLS`` columns.

    Blocks get at least ~256 rows where possible: a block's local top ``k`` per
    column only prunes well when the block has many more rows than ``k``.
    """
    jobs = []
    width = int(min(cols.size, max(256, min(MAX_COLS, cells // 256))))
    for c0 in range(0, int(cols.size), max(width, 1)):
        part = cols[c0 : c0 + width]
        rpb = max(1, cells // max(int(part.size), 1))
        jobs.append(Job(bucket, rows, part, rpb))
    return jobs


class GenericKernel(Kernel):
    """The kernel of a criterion without its own: ``score`` block by block."""

    uses_block = True

    def __init__(self, crit: Criterion) -> None:
        self.crit = crit
        self.label = criterion_label(crit)
        self.weight = float(crit.weight)

    def evaluate(self, bd: BlockView) -> tuple[np.ndarray, Presence]:
        """Call ``score`` on the block; NaN becomes "no data"."""
        s = np.asarray(self.crit.score(bd.block()), dtype=np.float64)
        if s.shape != bd.shape:
            raise ConfigError(
                f"criterion {self.label!r} returned shape {s.shape}, "
                f"expected {bd.shape} (mentors × mentees)"
            )
        nan = np.isnan(s)
        if not nan.any():  # every pair has data: no mask, no zero-filling pass
            return s.astype(np.float32), None
        ok = ~nan
        return np.where(ok, s, 0.0).astype(np.float32), ok

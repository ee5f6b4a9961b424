"""The scorer: kernels, rule plans and blocking of one run of the builder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from rmatch.candidates._blocks import (
    BLOCK_TARGET,
    HOUR,
    BlockData,
    BlockOutput,
    GenericKernel,
    Job,
    row_slice,
    split_job,
)
from rmatch.people import People
from rmatch.rules import Rule, RulePlan
from rmatch.scoring import (
    Criterion,
    Kernel,
    Presence,
    ScoringContext,
    presence_outer,
)

#: Groups per row / column whose maxima give a block's cheap ``k``-th best bounds.
GROUPS_PER_K = 4


def _kth_bound(cand: np.ndarray, k: int, axis: int) -> np.ndarray:
    """Per row (``axis=1``) or column (``axis=0``) of ``cand``: a lower bound on
    its ``k``-th best positive entry, ``-inf`` where none is known.

    The line is folded in halves (elementwise maxima of disjoint parts) down to a
    few ``k`` groups; the ``k``-th best of the group maxima is the ``k``-th best
    of ``k`` distinct entries, so at most the line's ``k``-th best. Entries of
    ``cand`` are scores, 0 where not allowed: a positive bound is reached by ``k``
    allowed pairs.
    """
    x = cand if axis == 1 else cand.T
    width = x.shape[1]
    if width < k:
        return np.full(x.shape[0], -np.inf, dtype=np.float32)
    while width // 2 >= GROUPS_PER_K * k:
        half = width // 2
        x = np.maximum(x[:, :half], x[:, half : 2 * half])
        width = half
    kth = np.partition(np.ascontiguousarray(x), width - k, axis=1)[:, width - k]
    out: np.ndarray = np.where(kth > 0, kth, np.float32(-np.inf))
    return out


def _survivors(
    total: np.ndarray,
    allowed: np.ndarray,
    tau_left: np.ndarray,
    tau_right: np.ndarray,
    k: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Allowed pairs of a block that can still be in a top ``k`` of one end.

    A pair is kept when it reaches the bound of its row or of its column: the
    running bound (a lower bound on that person's ``k``-th best score) raised to
    a lower bound on the ``k``-th best within the block (the ``k``-th best of
    group maxima: two cheap passes, no sort, no partition of the whole block).
    Ties are all kept; the running top ``k`` breaks them. ``total`` is
    overwritten with 0 where not allowed.

    Returns the flat positions (C order) and scores of the kept pairs, and the
    column bounds used (at least ``tau_right``; still lower bounds on each
    column's ``k``-th best over every pair, for the next blocks' bars).
    """
    np.multiply(total, allowed, out=total)  # scores are >= 0: 0 where not allowed
    tl, tr = tau_left, tau_right
    if k is not None:
        tl = np.maximum(tl, _kth_bound(total, k, 1))
        tr = np.maximum(tr, _kth_bound(total, k, 0))
    keep = total >= tl[:, None]
    keep |= total >= tr
    if not (tl.min(initial=1) > 0 and tr.min(initial=1) > 0):
        keep &= allowed  # else only allowed pairs (> 0) reach the bounds
    flat = np.flatnonzero(keep)
    return flat, total.reshape(-1)[flat], tr


def count_true(mask: np.ndarray, axis: int) -> np.ndarray:
    """True entries of a 2-D ``bool`` mask per row (``axis=1``) or column (``axis=0``).

    Summed as ``uint16`` when the line is shorter than 65536 (several times
    faster than ``np.count_nonzero``, which sums in ``intp``).
    """
    dtype = np.uint16 if mask.shape[axis] < 1 << 16 else np.int64
    out: np.ndarray = np.add.reduce(mask.view(np.uint8), axis=axis, dtype=dtype)
    return out


def flat_take(values: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """``values`` at flat (C order) positions of its block."""
    out: np.ndarray = np.take(values.reshape(-1), flat)
    return out


class Scorer:
    """Everything needed to score blocks: people, kernels, rule plans, blocking.

    It is built once per run (and shipped once to each Dask worker); blocks are
    pure functions of it.
    """

    def __init__(
        self,
        people: People,
        criteria: Sequence[Criterion],
        rules: Sequence[Rule],
        mentors: np.ndarray,
        mentees: np.ndarray,
    ) -> None:
        self.people = people
        self.mentors = np.asarray(mentors, dtype=np.int64)
        self.mentees = np.asarray(mentees, dtype=np.int64)
        self.n_left = int(self.mentors.size)
        self.n_right = int(self.mentees.size)
        self.criteria = list(criteria)
        pre = [r for r in rules if not r.needs_score]
        post = [r for r in rules if r.needs_score]
        self.rules: list[Rule] = pre + post
        self.n_pre = len(pre)
        self.context = ScoringContext(people, self.mentors, self.mentees)
        self.left_of = self.context.left_of
        self.right_of = self.context.right_of
        # right node of the same person (role "both"), for self pairs
        self.self_right = self.right_of[self.mentors]
        self.kernels = [self._kernel(c) for c in self.criteria]
        self.weights = np.array([k.weight for k in self.kernels], dtype=np.float64)
        self.any_generic = any(k.uses_block for k in self.kernels)
        self.plans: list[RulePlan] = [self._plan(r) for r in self.rules]
        # the weekly slots, if a kernel or a plan asked for them
        self.slots = self.context.slots if self.context.has_slots else None
        self.count_from = 0
        self.bucketed = False

    # ---------------------------------------------------------------- building
    def _kernel(self, c: Criterion) -> Kernel:
        """The criterion's own kernel, or the generic one (``score`` per block)."""
        kernel = c.kernel(self.context)
        return kernel if kernel is not None else GenericKernel(c)

    def _plan(self, r: Rule) -> RulePlan:
        """The rule's own plan, or the generic one (``allowed`` per block)."""
        plan = r.plan(self.context)
        return plan if plan is not None else RulePlan(r)

    # ---------------------------------------------------------------- blocking
    def blocking_rule(self) -> int | None:
        """Index of the shared-hours rule usable for blocking, if any."""
        for r, plan in enumerate(self.plans[: self.n_pre]):
            if plan.allows_blocking:
                return r if self.slots is not None else None
            if not plan.countable:
                return None  # a rule before it cannot be counted without scoring
        return None

    def plan_jobs(self, block_cells: int, blocking: bool = True) -> list[Job]:
        """Cut the pairs to score into jobs (a set of rows × a set of columns)."""
        n_l, n_r = self.n_left, self.n_right
        cells = max(1, min(block_cells, BLOCK_TARGET))
        r_b = self.blocking_rule() if blocking else None
        jobs: list[Job] = []
        if r_b is not None and self.slots is not None and n_l * n_r > 4 * cells:
            s = self.slots
            buckets = []
            cost = 0
            for b in range(s.bucket_start.size - 1):
                if s.bucket_start[b] == s.bucket_start[b + 1]:
                    continue
                rows, cols = s.members("left", b), s.members("right", b)
                if rows.size and cols.size:
                    buckets.append((b, rows, cols))
                    cost += rows.size * cols.size
            if cost < 0.7 * n_l * n_r:
                self.bucketed = True
                self.count_from = r_b
                for b, rows, cols in buckets:
                    jobs += split_job(b, rows, cols, cells)
                return jobs
        self.bucketed = False
        self.count_from = 0
        if n_l == 0 or n_r == 0:
            return []
        return split_job(-1, np.arange(n_l), np.arange(n_r), cells)

    # ---------------------------------------------------------------- scoring
    def score_block(
        self,
        bucket: int,
        rows: np.ndarray,
        cols: np.ndarray,
        cache: dict[Any, Any],
        tau_left: np.ndarray | None,
        tau_right: np.ndarray | None,
        k: int | None = None,
    ) -> BlockOutput:
        """Score ``rows`` × ``cols``; return the surviving pairs and the counts.

        ``tau_left`` / ``tau_right`` are running lower bounds on the ``k``-th best
        score of each row / column of the block (None: keep every allowed pair).
        """
        bd = BlockData(self.context, rows, cols, cache)
        m, n = bd.shape
        n_levels = len(self.rules) - self.count_from
        row_counts = np.zeros((n_levels, m), dtype=np.int64)
        col_counts = np.zeros((n_levels, n), dtype=np.int64)
        if bucket >= 0:
            allowed = self._owned(bd, bucket)
        else:
            allowed = np.ones((m, n), dtype=bool)
        # self pairs (people who are both mentor and mentee)
        me = bd.rows_of(self.self_right)
        has_self = np.flatnonzero(me >= 0)
        if has_self.size:
            pos = np.searchsorted(cols, me[has_self])
            pos_c = np.minimum(pos, n - 1)
            hit = (pos < n) & (cols[pos_c] == me[has_self])
            allowed[has_self[hit], pos_c[hit]] = False
        scored = m * n
        for r, plan in enumerate(self.plans[: self.n_pre]):
            plan.apply(bd, allowed)
            if r >= self.count_from:
                level = r - self.count_from
                row_counts[level] = count_true(allowed, 1)
                col_counts[level] = count_true(allowed, 0)
        empty = np.zeros(0, dtype=np.int64)
        n_crit = len(self.kernels)
        if not allowed.any():  # nothing left: later counts stay 0
            return BlockOutput(
                empty,
                empty,
                np.zeros(0, np.float32),
                np.zeros((0, n_crit), np.float32),
                rows,
                cols,
                row_counts,
                col_counts,
                scored,
                local=(empty, empty),
            )
        total, values, presence = self._total(bd)
        bd.total = total
        for r in range(self.n_pre, len(self.rules)):
            self.plans[r].apply(bd, allowed)
            if r >= self.count_from:
                level = r - self.count_from
                row_counts[level] = count_true(allowed, 1)
                col_counts[level] = count_true(allowed, 0)
        if tau_left is not None and tau_right is not None:
            flat, w, bar_right = _survivors(total, allowed, tau_left, tau_right, k)
        else:
            bar_right = None
            flat = np.flatnonzero(allowed)
            w = flat_take(total, flat)
        ri, ci = np.divmod(flat, n)
        crit = np.empty((ri.size, n_crit), dtype=np.float32)
        for c, (val, pres) in enumerate(zip(values, presence, strict=True)):
            col = flat_take(val, flat)
            if pres is not None:
                if isinstance(pres, tuple):
                    ok = pres[0][ri] & pres[1][ci]
                else:
                    ok = flat_take(pres, flat)
                col = np.where(ok, col, np.float32(np.nan))
            crit[:, c] = col
        return BlockOutput(
            rows[ri],
            cols[ci],
            w,
            crit,
            rows,
            cols,
            row_counts,
            col_counts,
            scored,
            bar_right,
            (ri, ci),
        )

    def _owned(self, bd: BlockData, bucket: int) -> np.ndarray:
        """Pairs whose first shared free slot is in hour ``bucket``; sets hours."""
        s = self.slots
        assert s is not None
        a0, a1 = int(s.bucket_start[bucket]), int(s.bucket_start[bucket + 1])
        parts = bd.cache.get("owned")
        if parts is None:  # the rows' atoms up to the hour and from it, once a job
            parts = owned_features(s.left[bd.cache.get("job_rows", bd.rows)], a0, a1)
            if "job_rows" in bd.cache:
                bd.cache["owned"] = parts
        lo = bd.row_offset() if "job_rows" in bd.cache else 0
        upto, after = (row_slice(p, lo, lo + bd.shape[0]) for p in parts)
        right = bd.right_features("slots", s.right)  # (atoms, n)
        owned: np.ndarray = np.asarray(upto @ right[:a1]) > 0
        bd.hours = np.asarray(after @ right[a0:])
        return owned

    def _total(
        self, bd: BlockData
    ) -> tuple[np.ndarray, list[np.ndarray], list[Presence]]:
        """Weighted mean of the criteria that have data (0 where none has).

        Every pair sees the same float32 operations in the same order whether
        its block needs presence masks or not, so a score never depends on the
        block it was computed in.
        """
        values: list[np.ndarray] = []
        presence: list[Presence] = []
        num: np.ndarray | None = None
        den_scalar = np.float32(0.0)
        den: np.ndarray | None = None
        for kernel in self.kernels:
            val, pres = kernel.evaluate(bd)
            values.append(val)
            presence.append(pres)
            w = np.float32(kernel.weight)
            if w == 0:
                continue
            if num is None:
                num = val * w
                scratch: np.ndarray | None = None
            elif w == 1:  # val * 1 is val: one pass fewer
                num += val
            else:
                if scratch is None:
                    scratch = np.empty_like(num)
                np.multiply(val, w, out=scratch)
                num += scratch
            if pres is None:
                if den is None:
                    den_scalar = np.float32(den_scalar + w)
                else:
                    den += w
            else:
                if den is None:
                    den = np.full(bd.shape, den_scalar, dtype=np.float32)
                den += presence_outer(pres) * w
        if num is None:
            num = np.zeros(bd.shape, dtype=np.float32)
        if den is None:
            if den_scalar > 0:
                if den_scalar != 1:  # x / 1 is x: no pass over the block
                    num /= den_scalar
            else:
                bd.has_data = np.zeros(bd.shape, dtype=bool)
        else:
            has = den > 0
            np.divide(num, den, out=num, where=has)
            num[~has] = 0
            bd.has_data = has
        if self.any_generic:
            np.clip(num, 0.0, 1.0, out=num)
        return num, values, presence

    # ---------------------------------------------------------------- counting
    def prefix_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Survivors per person after rules ``0..r-1`` for ``r <= count_from``.

        Level 0 is every partner of the other role (self excluded). Only used for
        rules that are key or sparse rules (the blocking guarantees it).
        """
        levels = self.count_from + 1
        n_l, n_r = self.n_left, self.n_right
        out_l = np.zeros((levels, n_l), dtype=np.int64)
        out_r = np.zeros((levels, n_r), dtype=np.int64)
        is_self_l = self.self_right >= 0
        self_left = np.full(n_r, -1, dtype=np.int64)
        self_left[self.self_right[is_self_l]] = np.flatnonzero(is_self_l)
        out_l[0] = n_r - is_self_l.astype(np.int64)
        out_r[0] = n_l - (self_left >= 0).astype(np.int64)
        for level in range(1, levels):
            prefix = self.plans[:level]
            keys = [p.keys for p in prefix if p.keys is not None]
            sparse = [p.pairs for p in prefix if p.pairs is not None]
            lc: np.ndarray | None
            rc: np.ndarray | None
            table: np.ndarray | None
            if keys:
                lc, rc, table = _combine_keys(keys)
                hist_r = np.bincount(rc, minlength=table.shape[1])
                hist_l = np.bincount(lc, minlength=table.shape[0])
                cnt_l = (table.astype(np.int64) @ hist_r)[lc]
                cnt_r = (table.T.astype(np.int64) @ hist_l)[rc]
                # self pairs are not partners
                li = np.flatnonzero(is_self_l)
                ok = table[lc[li], rc[self.self_right[li]]]
                cnt_l[li[ok]] -= 1
                cnt_r[self.self_right[li[ok]]] -= 1
            else:
                lc = rc = table = None
                cnt_l, cnt_r = out_l[0].copy(), out_r[0].copy()
            if sparse:
                key = np.unique(
                    np.concatenate(
                        [left * np.int64(max(n_r, 1)) + right for left, right in sparse]
                    )
                )
                fl, fr = key // max(n_r, 1), key % max(n_r, 1)
                if table is not None and lc is not None and rc is not None:
                    ok = table[lc[fl], rc[fr]]
                    fl, fr = fl[ok], fr[ok]
                cnt_l -= np.bincount(fl, minlength=n_l)
                cnt_r -= np.bincount(fr, minlength=n_r)
            out_l[level] = cnt_l
            out_r[level] = cnt_r
        return out_l, out_r

    def for_workers(self) -> Scorer:
        """A copy without the parts of ``people`` that the blocks do not read."""
        if self.any_generic or any(p.uses_block for p in self.plans):
            return self
        slim = replace(self.people, table=self.people.table.iloc[:0, :0])
        clone = object.__new__(Scorer)
        clone.__dict__.update(self.__dict__)
        clone.people = slim
        clone.context = self.context.with_people(slim)
        return clone


def owned_features(
    left: sp.csr_matrix, a0: int, a1: int
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """The left slots of an hour's job as two products' left sides.

    ``left`` holds the free slots of each atom (whole numbers); the hour's atoms
    are ``a0:a1``. Returns ``upto`` (atoms ``:a1``) valued 1 in the hour and
    ``-(a1 - a0 + 1)`` before it: its product with the partners' atoms is positive
    exactly when the first shared atom is in the hour (a shared earlier atom
    outweighs every atom of the hour). And ``after`` (atoms ``a0:``) valued in
    hours (slots times ``HOUR``, a power of two: exact), whose product is the
    shared hours of every pair whose first shared atom is in the hour.

    Both products assume the partners' side is 0 or 1 per atom (free or not: the
    ``uint8`` bits of [`SlotBuckets.right`][rmatch.scoring.SlotBuckets]); with
    weights there an earlier shared atom could be outweighed.
    """
    upto = left[:, :a1].tocsr()
    upto.data = np.where(upto.indices < a0, np.float32(-(a1 - a0 + 1)), np.float32(1))
    after = left[:, a0:].tocsr()
    after.data = after.data * HOUR
    return upto, after


def _combine_keys(
    plans: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combined codes and allowed table of several key tables (all must allow).

    Each entry is ``(left_code, right_code, table)``
    ([`RulePlan.keys`][rmatch.rules.RulePlan.keys]).
    """
    if len(plans) == 1:
        return plans[0]
    lstack = np.stack([p[0] for p in plans], axis=1)
    rstack = np.stack([p[1] for p in plans], axis=1)
    lu, lc = np.unique(lstack, axis=0, return_inverse=True)
    ru, rc = np.unique(rstack, axis=0, return_inverse=True)
    table = np.ones((lu.shape[0], ru.shape[0]), dtype=bool)
    for k, p in enumerate(plans):
        table &= p[2][lu[:, k]][:, ru[:, k]]
    return lc.ravel().astype(np.int64), rc.ravel().astype(np.int64), table

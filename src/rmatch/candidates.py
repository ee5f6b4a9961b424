"""Build the candidate graph: score blocks, apply rules as masks, keep the best pairs.

Mentors (left nodes) are scored against mentees (right nodes) a block at a time: the
criteria give a score in ``[0, 1]`` per pair, the rules remove forbidden pairs, and
the allowed pairs are kept — all of them by default, or only the best ``top_k`` per
mentor and per mentee. Memory is bounded by the block size and ``top_k``, never by
mentors × mentees.

How it stays fast at a million employees
----------------------------------------
* **Exact float32 kernels.** The built-in criteria (:class:`~rmatch.criteria.Skills`,
  :class:`~rmatch.criteria.Schedule`, :class:`~rmatch.criteria.SetSimilarity`) are
  matrix products of small *integer* features (skill-level thresholds scaled by 60,
  slot counts, set memberships), so every product is exact in float32 and the
  result does not depend on the block shape or on the machine that computed it.
  Custom criteria and rules run through their own ``score`` / ``allowed``.
* **Blocking on hard rules.** With :class:`~rmatch.rules.MinSharedHours` (``hours >
  0``) two people can only pair if they share a free slot, so the week is cut into
  hours and only mentors × mentees free in the same hour are scored; a pair is
  scored once, in the hour of its first shared slot. Pairs that share no slot are
  never scored, but they are still counted against the right rule (rules before
  ``MinSharedHours`` are counted from per-person keys and sparse lists).
* **Selection by thresholds, not by sorting blocks.** Each person keeps a running
  lower bound on their ``k``-th best score; a block only hands over the pairs that
  beat the bound of either end, and the per-person top ``k`` is recomputed now and
  then from those survivors with a single integer sort. Ties are broken by the
  partner's position, so the result is the exact top ``k`` whatever the block order,
  the number of threads or the Dask cluster.

Certified quality
-----------------
For every person the builder records ``theta``: an upper bound on the score of any
allowed partner that is *not* an edge (their ``k``-th best score, or ``-inf`` when
every allowed partner was kept). After solving, :func:`certify` computes LP duals
``u`` (mentors) and ``v`` (mentees) of the pruned problem; by weak duality
``sum(cap * u) + sum(cap * v) + sum((w - u - v)^+)`` over *all* allowed pairs bounds
the unpruned optimum, and a pair that is not an edge can only add to it when
``min(theta_i, theta_j) > u_i + v_j``. Those few pairs are re-scored exactly; the
ones that would improve the matching are added to the graph and it is solved again
(column generation). When none is left, the pruned optimum *is* the unpruned
optimum and the gap is 0 — a certificate, not an estimate.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import scipy.sparse as sp

from rmatch.criteria import Block, Criterion, Schedule, SetSimilarity, Skills
from rmatch.criteria import criterion_label as _criterion_label
from rmatch.errors import ConfigError
from rmatch.parsing import SLOT_MINUTES, SLOTS_PER_WEEK
from rmatch.people import People
from rmatch.rules import (
    DifferentValue,
    ForbiddenPairs,
    History,
    MaxTimezoneGap,
    MinScore,
    MinSharedHours,
    NoReportingLine,
    ReverseSeniority,
    Rule,
    SameValue,
    _ancestors,
    _factorize,
)
from rmatch.solvers._graph import CandidateGraph, Solution

__all__ = [
    "CandidateSet",
    "Certificate",
    "build_candidates",
    "certify",
    "describe_candidates",
    "dual_bound",
    "lp_duals",
]

Progress = Callable[[str, int, int], None]

#: Pairs per internal block (cache-friendly); ``block_cells`` caps it from above.
_BLOCK_TARGET = 1 << 20
#: Columns per job when a job would otherwise cover too many mentees.
_MAX_COLS = 1 << 14
#: Survivors held before the per-person top ``k`` is recomputed.
_COMPACT_AT = 1 << 18
#: Slots per bucket when blocking on shared free time (one hour).
_SLOTS_PER_BUCKET = 60 // SLOT_MINUTES
_HOUR = np.float32(SLOT_MINUTES / 60)
#: Largest number of same-manager pairs the blocking counts from a list.
_MAX_PEER_PAIRS = 20_000_000
#: Skill levels are 1..5; ``60 * min(o, w) / w`` is then a whole number.
_LEVEL_LCM = 60


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Certificate:
    """How far a matching on a pruned candidate graph can be from the unpruned best.

    Attributes
    ----------
    bound : float
        Upper bound on the best total score over *every* allowed pair.
    objective : float
        Total score of the matching that was certified.
    gap : float
        ``(bound - objective) / max(bound, 1e-9)``, never negative.
    optimal : bool
        ``gap <= 1e-9``: the matching is optimal for the unpruned problem.
    method : str
        ``"lp-dual"`` (duals of the pruned LP, checked against every pruned pair)
        or ``"capacity"`` (each person's best allowed scores; used when no duals
        can be computed).
    rounds : int
        Column-generation rounds (pairs added and the graph solved again).
    added_edges : int
        Pairs added to the graph by column generation.
    rescored : int
        Pruned pairs re-scored exactly to decide whether they could improve.
    unresolved : int
        Pruned pairs bounded only by ``theta`` (too many to re-score).
    seconds : float
        Time spent certifying (excluding the solves it triggered).
    """

    bound: float
    objective: float
    gap: float
    optimal: bool
    method: str
    rounds: int = 0
    added_edges: int = 0
    rescored: int = 0
    unresolved: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {
            "bound": float(self.bound),
            "objective": float(self.objective),
            "gap": float(self.gap),
            "optimal": bool(self.optimal),
            "method": self.method,
            "rounds": int(self.rounds),
            "added_edges": int(self.added_edges),
            "rescored": int(self.rescored),
            "unresolved": int(self.unresolved),
            "seconds": round(float(self.seconds), 4),
        }


@dataclass(frozen=True, eq=False)
class CandidateSet:
    """The candidate graph plus what is needed to explain and certify it.

    Attributes
    ----------
    graph : CandidateGraph
        Left nodes are mentors, right nodes are mentees; edges sorted by
        ``(left, right)``.
    mentors, mentees : numpy.ndarray
        Person position of each left / right node.
    criteria : tuple of str
        Output name of each criterion.
    criterion_scores : numpy.ndarray
        ``float32`` ``(n_edges, n_criteria)``, NaN = no data.
    has_data : numpy.ndarray
        ``bool`` per edge: at least one criterion had data.
    rules : tuple of Rule
        The rules in the order they were applied.
    possible_left, possible_right : numpy.ndarray
        Number of partners of the opposite role before any rule.
    removed_left, removed_right : numpy.ndarray
        ``(n_rules, n_nodes)``: partners removed by each rule (first rule wins).
    top_k : int or None
        Pruning used (None = every allowed pair is an edge).
    upper_bound : float
        Upper bound on the best total score over *all* allowed pairs (unpruned):
        from each person's best allowed partners and capacities, replaced by the
        LP-dual bound once :func:`certify` has run.
    n_allowed : int
        Allowed pairs before pruning.
    seconds : float
        Time spent building.
    theta_left, theta_right : numpy.ndarray
        ``float64`` per node: no allowed pair of this person that is *not* an edge
        scores more (``-inf``: every allowed partner is an edge).
    certificate : Certificate or None
        Set by :func:`certify` after solving.
    stats : dict
        Blocking used, pairs scored, blocks, survivors (JSON-safe).
    """

    graph: CandidateGraph
    mentors: np.ndarray
    mentees: np.ndarray
    criteria: tuple[str, ...]
    criterion_scores: np.ndarray
    has_data: np.ndarray
    rules: tuple[Rule, ...]
    possible_left: np.ndarray
    possible_right: np.ndarray
    removed_left: np.ndarray
    removed_right: np.ndarray
    top_k: int | None
    upper_bound: float
    n_allowed: int
    seconds: float
    theta_left: np.ndarray = field(default_factory=lambda: np.zeros(0))
    theta_right: np.ndarray = field(default_factory=lambda: np.zeros(0))
    certificate: Certificate | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def n_edges(self) -> int:
        """Number of candidate pairs."""
        return int(self.graph.left.shape[0])

    @property
    def pruned(self) -> bool:
        """Whether some allowed pair is not an edge."""
        return self.top_k is not None and self.n_edges < self.n_allowed


# --------------------------------------------------------------------------- features
def _dense_u8(matrix: sp.csr_matrix) -> np.ndarray:
    """Return a sparse matrix of small non-negative integers as dense ``uint8``."""
    out: np.ndarray = matrix.toarray().astype(np.uint8)
    return out


def _csr32(matrix: sp.spmatrix) -> sp.csr_matrix:
    """Return ``matrix`` as a canonical float32 CSR (the left side of products).

    Block products are ``left[rows] @ right[:, cols]``: a sparse left side times a
    dense right side costs one multiply-add per stored left entry and column,
    far less than a dense product over every feature.
    """
    out = sp.csr_matrix(matrix, dtype=np.float32)
    out.eliminate_zeros()
    out.sort_indices()
    return out


def _threshold_features(matrix: sp.csr_matrix, scale: bool) -> sp.csr_matrix:
    """Expand skill levels into ``[level >= t]`` columns (``token * 5 + t - 1``).

    With ``scale``, the value is ``60 / level`` instead of 1 (learner side), so that
    the product of both sides is ``60 * sum min(o, w) / w`` — a whole number.
    """
    coo = matrix.tocoo()
    level = np.rint(coo.data).astype(np.int64)
    reps = level
    rows = np.repeat(coo.row, reps)
    tokens = np.repeat(coo.col, reps)
    first = np.cumsum(reps) - reps
    t = np.arange(rows.size) - np.repeat(first, reps)  # 0 .. level-1
    cols = tokens * 5 + t
    if scale:
        values = np.repeat(_LEVEL_LCM // np.maximum(level, 1), reps)
    else:
        values = np.ones(rows.size, dtype=np.int64)
    out = sp.csr_matrix(
        (values.astype(np.float32), (rows, cols)),
        shape=(matrix.shape[0], matrix.shape[1] * 5),
    )
    return out


class _Coverage:
    """Exact features of one direction of :class:`~rmatch.criteria.Skills`."""

    def __init__(
        self,
        people: People,
        teachers: np.ndarray,
        learners: np.ndarray,
        *,
        teachers_left: bool,
    ) -> None:
        off = people.sets["skills_offered"]
        want = people.sets["skills_wanted"]
        o = off.matrix[teachers]
        w = want.matrix[learners]
        teach = _threshold_features(o, scale=False)
        learn = _threshold_features(w, scale=True)
        keep = np.flatnonzero(
            (np.diff(teach.tocsc().indptr) > 0) & (np.diff(learn.tocsc().indptr) > 0)
        )
        teach, learn = teach[:, keep], learn[:, keep]
        # the mentor side (rows of a block) is sparse, the mentee side dense
        self.left: sp.csr_matrix = _csr32(teach if teachers_left else learn)
        self.right: np.ndarray = _dense_u8(learn if teachers_left else teach)
        n_wants = np.diff(w.indptr).astype(np.float64)
        self.teach_present = np.asarray(off.present[teachers], dtype=bool)
        self.learn_ok = np.asarray(want.present[learners], dtype=bool) & (n_wants > 0)
        inv = np.zeros(n_wants.size, dtype=np.float64)
        np.divide(1.0, _LEVEL_LCM * n_wants, out=inv, where=n_wants > 0)
        self.inv = inv.astype(np.float32)
        self._scaled: dict[float, np.ndarray] = {}

    def inv_scaled(self, weight: np.float32) -> np.ndarray:
        """``inv * weight`` per learner (float32, computed once)."""
        out = self._scaled.get(float(weight))
        if out is None:
            out = self._scaled[float(weight)] = self.inv * weight
        return out


def _levels_supported(people: People) -> bool:
    for name in ("skills_offered", "skills_wanted"):
        data = people.sets[name].matrix.data
        if data.size and not np.all(np.isin(data, (1, 2, 3, 4, 5))):
            return False
    return True


class _Slots:
    """UTC free slots of mentors and mentees, merged into exact *atoms*.

    An atom is a run of adjacent slots within one hour that every participant has
    either all free or all busy; its weight is the run length. ``left @ right.T``
    then counts shared slots exactly, and atoms are ordered by hour so that the
    slots before a given hour are a prefix.
    """

    def __init__(self, people: People, mentors: np.ndarray, mentees: np.ndarray):
        self.has_left = np.asarray(people.has_availability[mentors], dtype=bool)
        self.has_right = np.asarray(people.has_availability[mentees], dtype=bool)
        n_buckets = SLOTS_PER_WEEK // _SLOTS_PER_BUCKET
        if people.availability is None:
            self.left = _csr32(sp.csr_matrix((mentors.size, 0)))
            self.right = np.zeros((mentees.size, 0), np.uint8)
            self.bucket_start = np.zeros(n_buckets + 1, np.int64)
            return
        bits_l = np.unpackbits(people.availability[mentors], axis=1)[:, :SLOTS_PER_WEEK]
        bits_r = np.unpackbits(people.availability[mentees], axis=1)[:, :SLOTS_PER_WEEK]
        used = bits_l.any(axis=0) & bits_r.any(axis=0)
        # a slot starts a new atom unless it is in the same hour as the previous
        # slot and every participant is free in both or busy in both
        same = np.zeros(SLOTS_PER_WEEK, dtype=bool)
        same[1:] = ~(
            (bits_l[:, 1:] != bits_l[:, :-1]).any(axis=0)
            | (bits_r[:, 1:] != bits_r[:, :-1]).any(axis=0)
        )
        same[np.arange(0, SLOTS_PER_WEEK, _SLOTS_PER_BUCKET)] = False
        slots = np.flatnonzero(used)
        starts = slots[~same[slots] | ~np.isin(slots - 1, slots)]
        # run length of each atom: used slots up to the next start
        atom_of_slot = np.searchsorted(starts, slots, side="right") - 1
        weight = np.bincount(atom_of_slot, minlength=starts.size)
        self.left = _csr32(
            sp.csr_matrix(bits_l[:, starts] * weight[None, :].astype(np.uint8))
        )
        self.right = np.ascontiguousarray(bits_r[:, starts], dtype=np.uint8)
        bucket = starts // _SLOTS_PER_BUCKET
        self.bucket_start = np.searchsorted(bucket, np.arange(n_buckets + 1)).astype(
            np.int64
        )

    def members(self, side: str, bucket: int) -> np.ndarray:
        """Nodes of ``side`` free in some atom of ``bucket`` (sorted)."""
        a, b = self.bucket_start[bucket], self.bucket_start[bucket + 1]
        if side == "left":
            return np.flatnonzero(np.diff(self.left[:, a:b].indptr) > 0)
        return np.flatnonzero(self.right[:, a:b].any(axis=1))


# --------------------------------------------------------------------------- kernels
Presence = tuple[np.ndarray, np.ndarray] | np.ndarray | None


class _Kernel:
    """Score one criterion on a block: values (0 without data) and presence."""

    label: str = ""
    weight: float = 1.0
    generic: bool = False

    def evaluate(self, bd: _BlockData) -> tuple[np.ndarray, Presence]:
        raise NotImplementedError


class _SkillsKernel(_Kernel):
    def __init__(
        self, crit: Skills, people: People, mentors: np.ndarray, mentees: np.ndarray
    ) -> None:
        self.label = _criterion_label(crit)
        self.weight = float(crit.weight)
        self.f = float(crit.forward)
        self.b = float(crit.backward)
        self.fwd = (
            _Coverage(people, mentors, mentees, teachers_left=True)
            if self.f > 0
            else None
        )
        self.bwd = (
            _Coverage(people, mentees, mentors, teachers_left=False)
            if self.b > 0
            else None
        )

    def evaluate(self, bd: _BlockData) -> tuple[np.ndarray, Presence]:
        both = self.fwd is not None and self.bwd is not None
        # the direction weight is folded into the per-mentee / per-mentor scale,
        # so a pair sees the same float32 operations in every block
        wf = np.float32(self.f) if both else np.float32(1.0)
        wb = np.float32(self.b) if both else np.float32(1.0)
        val: np.ndarray | None = None
        pres: list[tuple[np.ndarray, np.ndarray]] = []
        if self.fwd is not None:
            c = self.fwd
            val = bd.product(("sk_f", id(self)), c.left, c.right)
            val *= bd.cols_of(c.inv_scaled(wf))[None, :]
            pres.append((bd.rows_of(c.teach_present), bd.cols_of(c.learn_ok)))
        if self.bwd is not None:
            c = self.bwd
            back = bd.product(("sk_b", id(self)), c.left, c.right)
            back *= bd.rows_of(c.inv_scaled(wb))[:, None]
            pres.append((bd.rows_of(c.learn_ok), bd.cols_of(c.teach_present)))
            if val is None:
                val = back
            else:
                val += back
        assert val is not None
        if not both:
            return val, _simplify(pres[0])
        fp, bp = pres
        if _simplify(fp) is None and _simplify(bp) is None:
            val /= np.float32(wf + wb)
            return val, None
        den = _outer(fp) * wf
        den += _outer(bp) * wb
        has = den > 0
        np.divide(val, den, out=val, where=has)
        val[~has] = 0
        return val, has


class _ScheduleKernel(_Kernel):
    def __init__(self, crit: Schedule, slots: _Slots) -> None:
        self.label = _criterion_label(crit)
        self.weight = float(crit.weight)
        self.target = np.float32(crit.target_hours)
        self.slots = slots

    def evaluate(self, bd: _BlockData) -> tuple[np.ndarray, Presence]:
        hours = bd.shared_hours()
        out = np.divide(hours, self.target)
        np.minimum(out, np.float32(1.0), out=out)
        pres = (bd.rows_of(self.slots.has_left), bd.cols_of(self.slots.has_right))
        return out, _simplify(pres)


class _SetKernel(_Kernel):
    def __init__(
        self,
        crit: SetSimilarity,
        people: People,
        mentors: np.ndarray,
        mentees: np.ndarray,
    ) -> None:
        self.label = _criterion_label(crit)
        self.weight = float(crit.weight)
        self.jaccard = crit.measure == "jaccard"
        matrix = people.sets[crit.column].matrix.copy()
        matrix.data = np.ones_like(matrix.data)
        a = matrix[mentors]
        b = matrix[mentees]
        keep = np.flatnonzero(
            (np.diff(a.tocsc().indptr) > 0) & (np.diff(b.tocsc().indptr) > 0)
        )
        self.left = _csr32(a[:, keep])
        self.right = _dense_u8(b[:, keep])
        self.size_left = np.diff(a.indptr).astype(np.float32)
        self.size_right = np.diff(b.indptr).astype(np.float32)

    def evaluate(self, bd: _BlockData) -> tuple[np.ndarray, Presence]:
        shared = bd.product(("set", id(self)), self.left, self.right)
        sa = bd.rows_of(self.size_left)
        sb = bd.cols_of(self.size_right)
        if self.jaccard:
            den = np.add.outer(sa, sb)
            den -= shared
        else:
            den = np.minimum.outer(sa, sb)
        np.maximum(den, np.float32(1.0), out=den)
        np.divide(shared, den, out=shared)
        return shared, _simplify((sa > 0, sb > 0))


class _GenericKernel(_Kernel):
    generic = True

    def __init__(self, crit: Criterion) -> None:
        self.crit = crit
        self.label = _criterion_label(crit)
        self.weight = float(crit.weight)

    def evaluate(self, bd: _BlockData) -> tuple[np.ndarray, Presence]:
        s = np.asarray(self.crit.score(bd.block()), dtype=np.float64)
        if s.shape != bd.shape:
            raise ConfigError(
                f"criterion {self.label!r} returned shape {s.shape}, "
                f"expected {bd.shape} (mentors × mentees)"
            )
        ok = ~np.isnan(s)
        val = np.where(ok, s, 0.0).astype(np.float32)
        return val, (None if ok.all() else ok)


def _nonzero(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a C-contiguous 2-D mask (a 1-D scan is ~3x faster)."""
    flat = np.flatnonzero(mask)
    rows, cols = np.divmod(flat, mask.shape[1])
    return rows, cols


def _simplify(pres: Presence) -> Presence:
    """Drop a separable presence that is true everywhere."""
    if isinstance(pres, tuple) and pres[0].all() and pres[1].all():
        return None
    return pres


def _outer(pres: Presence) -> np.ndarray:
    if pres is None:
        raise ValueError("no presence mask")
    if isinstance(pres, tuple):
        out: np.ndarray = np.multiply.outer(
            pres[0].astype(np.float32), pres[1].astype(np.float32)
        )
        return out
    return pres.astype(np.float32)


# --------------------------------------------------------------------------- rules
class _RulePlan:
    """How one rule is applied to a block (in place on the ``allowed`` mask)."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    def apply(self, bd: _BlockData, allowed: np.ndarray) -> None:
        mask = np.asarray(self.rule.allowed(bd.block()), dtype=bool)
        if mask.shape != bd.shape:
            raise ConfigError(
                f"rule {self.rule.title()!r} returned shape {mask.shape}, "
                f"expected {bd.shape} (mentors × mentees)"
            )
        allowed &= mask


class _SparsePlan(_RulePlan):
    """A rule that forbids a short list of pairs (reporting lines, forbidden pairs)."""

    def __init__(self, rule: Rule, left: np.ndarray, right: np.ndarray, n_left: int):
        super().__init__(rule)
        order = np.lexsort((right, left))
        self.left = left[order]
        self.right = right[order]
        self.indptr = np.zeros(n_left + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.left, minlength=n_left), out=self.indptr[1:])

    def apply(self, bd: _BlockData, allowed: np.ndarray) -> None:
        start = self.indptr[bd.rows]
        count = self.indptr[bd.rows + 1] - start
        total = int(count.sum())
        if total == 0:
            return
        row = np.repeat(np.arange(bd.rows.size), count)
        offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        target = self.right[np.repeat(start, count) + offset]
        pos = np.searchsorted(bd.cols, target)
        pos_c = np.minimum(pos, bd.cols.size - 1)
        hit = (pos < bd.cols.size) & (bd.cols[pos_c] == target)
        allowed[row[hit], pos_c[hit]] = False


class _KeyPlan(_RulePlan):
    """A rule that depends only on one key per person (seniority, offset, value)."""

    def __init__(
        self,
        rule: Rule,
        left_code: np.ndarray,
        right_code: np.ndarray,
        table: np.ndarray,
    ) -> None:
        super().__init__(rule)
        self.left_code = left_code
        self.right_code = right_code
        self.table = np.ascontiguousarray(table, dtype=bool)

    def apply(self, bd: _BlockData, allowed: np.ndarray) -> None:
        sub = self.table[bd.rows_of(self.left_code)]
        allowed &= np.take(sub, bd.cols_of(self.right_code), axis=1)


class _HoursPlan(_RulePlan):
    def __init__(self, rule: MinSharedHours, slots: _Slots) -> None:
        super().__init__(rule)
        self.threshold = np.float32(rule.hours - 1e-6)
        self.slots = slots

    def apply(self, bd: _BlockData, allowed: np.ndarray) -> None:
        if self.threshold > 0:
            allowed &= bd.shared_hours() >= self.threshold
            return
        pres = _simplify(
            (bd.rows_of(self.slots.has_left), bd.cols_of(self.slots.has_right))
        )
        if pres is not None:
            allowed &= _outer(pres) > 0


def _key_codes(values: np.ndarray) -> np.ndarray:
    """Integer codes of float keys, NaN included as its own code."""
    vals = np.asarray(values, dtype=np.float64)
    nan = np.isnan(vals)
    uniq = np.unique(vals[~nan])
    codes = np.searchsorted(uniq, np.where(nan, 0.0, vals)).astype(np.int64)
    codes[nan] = uniq.size
    return codes


def _key_plan(
    rule: Rule, people: People, mentors: np.ndarray, mentees: np.ndarray
) -> _KeyPlan | None:
    """Build the key plan of a built-in key rule (exact types only)."""
    kind = type(rule)
    if kind is ReverseSeniority:
        codes = _key_codes(people.seniority)
    elif kind is MaxTimezoneGap:
        codes = _key_codes(people.utc_offset_hours)
    elif kind in (SameValue, DifferentValue):
        column = rule.column  # type: ignore[attr-defined]
        if column in people.sets or column not in people.table.columns:
            return None
        raw, _ = _factorize(people.table[column].to_numpy(dtype=object))
        codes = np.where(raw < 0, raw.max(initial=0) + 1, raw)
    else:
        return None
    lc_raw, rc_raw = codes[mentors], codes[mentees]
    lu, first_l, lcode = np.unique(lc_raw, return_index=True, return_inverse=True)
    ru, first_r, rcode = np.unique(rc_raw, return_index=True, return_inverse=True)
    rep_l, rep_r = mentors[first_l], mentees[first_r]
    if lu.size and ru.size:
        table = np.asarray(rule.allowed(Block(people, rep_l, rep_r)), dtype=bool)
    else:
        table = np.zeros((lu.size, ru.size), dtype=bool)
    return _KeyPlan(rule, lcode.astype(np.int64), rcode.astype(np.int64), table)


def _sparse_plan(
    rule: Rule,
    people: People,
    mentors: np.ndarray,
    mentees: np.ndarray,
    left_of: np.ndarray,
    right_of: np.ndarray,
) -> _SparsePlan | None:
    """Build the forbidden-pair list of a built-in sparse rule (exact types only)."""
    kind = type(rule)
    pairs_l: list[np.ndarray] = []
    pairs_r: list[np.ndarray] = []
    if kind is NoReportingLine:
        levels = int(rule.levels)  # type: ignore[attr-defined]
        anc = _ancestors(people, levels)
        for level in range(levels):
            a = anc[mentors, level]
            ok = a >= 0
            node = np.where(ok, right_of[np.maximum(a, 0)], -1)
            hit = node >= 0
            pairs_l.append(np.flatnonzero(hit))
            pairs_r.append(node[hit])
            a = anc[mentees, level]
            ok = a >= 0
            node = np.where(ok, left_of[np.maximum(a, 0)], -1)
            hit = node >= 0
            pairs_l.append(node[hit])
            pairs_r.append(np.flatnonzero(hit))
        if rule.same_manager:  # type: ignore[attr-defined]
            peers = _peer_pairs(people.manager, mentors, mentees)
            if peers is None:
                return None
            pairs_l.append(peers[0])
            pairs_r.append(peers[1])
    elif kind in (ForbiddenPairs, History):
        keys = rule._keys(people)  # type: ignore[attr-defined]
        n = len(people)
        a = left_of[keys // n]
        b = right_of[keys % n]
        ok = (a >= 0) & (b >= 0)
        pairs_l.append(a[ok])
        pairs_r.append(b[ok])
    else:
        return None
    left = np.concatenate(pairs_l) if pairs_l else np.zeros(0, np.int64)
    right = np.concatenate(pairs_r) if pairs_r else np.zeros(0, np.int64)
    not_self = mentors[left] != mentees[right]
    key = np.unique(left[not_self] * np.int64(mentees.size) + right[not_self])
    return _SparsePlan(
        rule, key // max(mentees.size, 1), key % max(mentees.size, 1), mentors.size
    )


def _peer_pairs(
    manager: np.ndarray, mentors: np.ndarray, mentees: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """All (mentor node, mentee node) pairs sharing a direct manager."""
    ml = manager[mentors]
    mr = manager[mentees]
    lo = np.argsort(ml, kind="stable")
    ro = np.argsort(mr, kind="stable")
    ml_s, mr_s = ml[lo], mr[ro]
    managers = np.intersect1d(ml_s[ml_s >= 0], mr_s[mr_s >= 0])
    if managers.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    l_start = np.searchsorted(ml_s, managers)
    l_cnt = np.searchsorted(ml_s, managers, side="right") - l_start
    r_start = np.searchsorted(mr_s, managers)
    r_cnt = np.searchsorted(mr_s, managers, side="right") - r_start
    sizes = l_cnt * r_cnt
    total = int(sizes.sum())
    if total > _MAX_PEER_PAIRS:
        return None
    group = np.repeat(np.arange(managers.size), sizes)
    within = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    li = l_start[group] + within // r_cnt[group]
    ri = r_start[group] + within % r_cnt[group]
    return lo[li].astype(np.int64), ro[ri].astype(np.int64)


# --------------------------------------------------------------------------- blocks
class _BlockData:
    """One block being scored: left nodes ``rows`` × right nodes ``cols``."""

    def __init__(
        self,
        scorer: _Scorer,
        rows: np.ndarray,
        cols: np.ndarray,
        cache: dict[Any, Any],
    ) -> None:
        self.scorer = scorer
        self.rows = rows
        self.cols = cols
        self.cache = cache
        self.shape = (int(rows.size), int(cols.size))
        self.hours: np.ndarray | None = None
        self.total: np.ndarray | None = None
        self.has_data: np.ndarray | None = None
        self._block: Block | None = None

    def rows_of(self, values: np.ndarray) -> np.ndarray:
        out: np.ndarray = values[self.rows]
        return out

    def cols_of(self, values: np.ndarray) -> np.ndarray:
        key = ("cols", id(values))
        out = self.cache.get(key)
        if out is None:
            out = self.cache[key] = values[self.cols]
        result: np.ndarray = out
        return result

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
        a = left_feats[self.rows]
        b = self.right_features(key, right_feats)
        out: np.ndarray = np.asarray(a @ b)
        return out

    def shared_hours(self) -> np.ndarray:
        if self.hours is None:
            s = self.scorer.slots
            assert s is not None
            count = self.product("slots", s.left, s.right)
            count *= _HOUR
            self.hours = count
        return self.hours

    def block(self) -> Block:
        if self._block is None:
            sc = self.scorer
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


@dataclass
class _Out:
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


class _Scorer:
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
        n = len(people)
        self.left_of = np.full(n, -1, dtype=np.int64)
        self.left_of[self.mentors] = np.arange(self.n_left)
        self.right_of = np.full(n, -1, dtype=np.int64)
        self.right_of[self.mentees] = np.arange(self.n_right)
        # right node of the same person (role "both"), for self pairs
        self.self_right = self.right_of[self.mentors]
        need_slots = any(type(c) is Schedule for c in self.criteria) or any(
            type(r) is MinSharedHours for r in self.rules
        )
        self.slots = _Slots(people, self.mentors, self.mentees) if need_slots else None
        self.kernels = [self._kernel(c) for c in self.criteria]
        self.weights = np.array([k.weight for k in self.kernels], dtype=np.float64)
        self.any_generic = any(k.generic for k in self.kernels)
        self.plans: list[_RulePlan] = [self._plan(r) for r in self.rules]
        self.count_from = 0
        self.bucketed = False

    # ---------------------------------------------------------------- building
    def _kernel(self, c: Criterion) -> _Kernel:
        people = self.people
        kind = type(c)
        if kind is Skills:
            skills = c
            assert isinstance(skills, Skills)
            if (
                "skills_offered" in people.sets
                and "skills_wanted" in people.sets
                and _levels_supported(people)
            ):
                return _SkillsKernel(skills, people, self.mentors, self.mentees)
        elif kind is Schedule:
            assert isinstance(c, Schedule)
            assert self.slots is not None
            return _ScheduleKernel(c, self.slots)
        elif (
            isinstance(c, SetSimilarity)
            and kind.score is SetSimilarity.score
            and c.column in people.sets
            and c.measure in ("jaccard", "overlap")
        ):
            return _SetKernel(c, people, self.mentors, self.mentees)
        return _GenericKernel(c)

    def _plan(self, r: Rule) -> _RulePlan:
        kind = type(r)
        if kind is MinSharedHours:
            assert isinstance(r, MinSharedHours)
            assert self.slots is not None
            return _HoursPlan(r, self.slots)
        if kind is MinScore:
            return _RulePlan(r)
        key = _key_plan(r, self.people, self.mentors, self.mentees)
        if key is not None:
            return key
        sparse = _sparse_plan(
            r, self.people, self.mentors, self.mentees, self.left_of, self.right_of
        )
        if sparse is not None:
            return sparse
        return _RulePlan(r)

    # ---------------------------------------------------------------- blocking
    def blocking_rule(self) -> int | None:
        """Index of the ``MinSharedHours`` rule usable for blocking, if any."""
        for r, plan in enumerate(self.plans[: self.n_pre]):
            if isinstance(plan, _HoursPlan):
                if plan.threshold <= 0 or self.slots is None:
                    return None
                return r
            if not isinstance(plan, _KeyPlan | _SparsePlan):
                return None  # a rule before it cannot be counted without scoring
        return None

    def plan_jobs(self, block_cells: int, blocking: bool = True) -> list[_Job]:
        """Cut the pairs to score into jobs (a set of rows × a set of columns)."""
        n_l, n_r = self.n_left, self.n_right
        cells = max(1, min(block_cells, _BLOCK_TARGET))
        r_b = self.blocking_rule() if blocking else None
        jobs: list[_Job] = []
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
                    jobs += _split(b, rows, cols, cells)
                return jobs
        self.bucketed = False
        self.count_from = 0
        if n_l == 0 or n_r == 0:
            return []
        return _split(-1, np.arange(n_l), np.arange(n_r), cells)

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
    ) -> _Out:
        """Score ``rows`` × ``cols``; return the surviving pairs and the counts.

        ``tau_left`` / ``tau_right`` are running lower bounds on the ``k``-th best
        score of each row / column of the block (None: keep every allowed pair).
        """
        bd = _BlockData(self, rows, cols, cache)
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
                row_counts[level] = np.count_nonzero(allowed, axis=1)
                col_counts[level] = np.count_nonzero(allowed, axis=0)
        empty = np.zeros(0, dtype=np.int64)
        n_crit = len(self.kernels)
        if not allowed.any():  # nothing left: later counts stay 0
            return _Out(
                empty,
                empty,
                np.zeros(0, np.float32),
                np.zeros((0, n_crit), np.float32),
                rows,
                cols,
                row_counts,
                col_counts,
                scored,
            )
        total, values, presence = self._total(bd)
        bd.total = total
        for r in range(self.n_pre, len(self.rules)):
            plan = self.plans[r]
            if type(plan.rule) is MinScore:
                thr = np.float32(plan.rule.threshold - 1e-12)  # type: ignore[attr-defined]
                allowed &= total >= thr
                if bd.has_data is not None:
                    allowed &= bd.has_data
            else:
                plan.apply(bd, allowed)
            if r >= self.count_from:
                level = r - self.count_from
                row_counts[level] = np.count_nonzero(allowed, axis=1)
                col_counts[level] = np.count_nonzero(allowed, axis=0)
        if tau_left is not None and tau_right is not None:
            tl, tr = tau_left, tau_right
            if k is not None and n >= 32 * k:
                # a row's k-th best among a sample of columns is a lower bound on
                # its k-th best overall: a cheap bar for rows seen for the first time
                step = n // (16 * k)
                sample = np.where(allowed[:, ::step], total[:, ::step], -np.inf)
                kth = -np.partition(-sample, k - 1, axis=1)[:, k - 1]
                tl = np.maximum(tl, kth.astype(np.float32))
            bar = np.minimum.outer(tl, tr)
            keep = total >= bar
            keep &= allowed
            ri, ci = _nonzero(keep)
            w = total[ri, ci]
            if k is not None and ri.size > 2 * k * (m + n):
                # a pair can only make a person's top k if it beats their running
                # bound and is in their top k within this block
                by_row = np.flatnonzero(w >= tl[ri])
                by_col = np.flatnonzero(w >= tr[ci])
                sel = np.zeros(ri.size, dtype=bool)
                top, _, _ = _select(ri[by_row], ci[by_row], w[by_row], k, m)
                sel[by_row[top]] = True
                top, _, _ = _select(ci[by_col], ri[by_col], w[by_col], k, n)
                sel[by_col[top]] = True
                ri, ci, w = ri[sel], ci[sel], w[sel]
        else:
            ri, ci = _nonzero(allowed)
            w = total[ri, ci]
        crit = np.empty((ri.size, n_crit), dtype=np.float32)
        for c, (val, pres) in enumerate(zip(values, presence, strict=True)):
            col = val[ri, ci]
            if pres is not None:
                if isinstance(pres, tuple):
                    ok = pres[0][ri] & pres[1][ci]
                else:
                    ok = pres[ri, ci]
                col = np.where(ok, col, np.float32(np.nan))
            crit[:, c] = col
        return _Out(
            rows[ri],
            cols[ci],
            w,
            crit,
            rows,
            cols,
            row_counts,
            col_counts,
            scored,
        )

    def _owned(self, bd: _BlockData, bucket: int) -> np.ndarray:
        """Pairs whose first shared free slot is in hour ``bucket``; sets hours."""
        s = self.slots
        assert s is not None
        a0, a1 = int(s.bucket_start[bucket]), int(s.bucket_start[bucket + 1])
        left = s.left[bd.rows]
        right = bd.right_features("slots", s.right)  # (atoms, n)
        owned: np.ndarray = np.asarray(left[:, a0:a1] @ right[a0:a1]) > 0
        if a0 > 0:
            before = np.asarray(left[:, :a0] @ right[:a0])
            owned &= before == 0
        hours = np.asarray(left[:, a0:] @ right[a0:])
        hours *= _HOUR
        bd.hours = hours
        return owned

    def _total(
        self, bd: _BlockData
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
                scratch = np.empty_like(num)
            else:
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
                den += _outer(pres) * w
        if num is None:
            num = np.zeros(bd.shape, dtype=np.float32)
        if den is None:
            if den_scalar > 0:
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
            keys = [p for p in prefix if isinstance(p, _KeyPlan)]
            sparse = [p for p in prefix if isinstance(p, _SparsePlan)]
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
                        [p.left * np.int64(max(n_r, 1)) + p.right for p in sparse]
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

    def for_workers(self) -> _Scorer:
        """A copy without the parts of ``people`` that the blocks do not read."""
        if self.any_generic or any(
            type(p) is _RulePlan and type(p.rule) is not MinScore for p in self.plans
        ):
            return self
        slim = replace(self.people, table=self.people.table.iloc[:0, :0])
        clone = object.__new__(_Scorer)
        clone.__dict__.update(self.__dict__)
        clone.people = slim
        return clone


def _combine_keys(
    plans: Sequence[_KeyPlan],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Combined codes and allowed table of several key rules (all must allow)."""
    if len(plans) == 1:
        p = plans[0]
        return p.left_code, p.right_code, p.table
    lstack = np.stack([p.left_code for p in plans], axis=1)
    rstack = np.stack([p.right_code for p in plans], axis=1)
    lu, lc = np.unique(lstack, axis=0, return_inverse=True)
    ru, rc = np.unique(rstack, axis=0, return_inverse=True)
    table = np.ones((lu.shape[0], ru.shape[0]), dtype=bool)
    for k, p in enumerate(plans):
        table &= p.table[lu[:, k]][:, ru[:, k]]
    return lc.ravel().astype(np.int64), rc.ravel().astype(np.int64), table


@dataclass(frozen=True)
class _Job:
    """Rows × columns to score; ``bucket >= 0`` restricts to pairs owned by it."""

    bucket: int
    rows: np.ndarray
    cols: np.ndarray
    rows_per_block: int

    @property
    def n_blocks(self) -> int:
        return max(1, -(-int(self.rows.size) // self.rows_per_block))


def _split(bucket: int, rows: np.ndarray, cols: np.ndarray, cells: int) -> list[_Job]:
    """Cut ``rows × cols`` into jobs of at most ``_MAX_COLS`` columns.

    Blocks get at least ~256 rows where possible: a block's local top ``k`` per
    column only prunes well when the block has many more rows than ``k``.
    """
    jobs = []
    width = int(min(cols.size, max(256, min(_MAX_COLS, cells // 256))))
    for c0 in range(0, int(cols.size), max(width, 1)):
        part = cols[c0 : c0 + width]
        rpb = max(1, cells // max(int(part.size), 1))
        jobs.append(_Job(bucket, rows, part, rpb))
    return jobs


class _Running:
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
        keep_r, kth_r, _ = _select(r, c, w, self.k, self.n_rows)
        keep_c, kth_c, _ = _select(c, r, w, self.k, self.n_cols)
        keep = keep_r | keep_c
        kept = (r[keep], c[keep], w[keep], crit[keep])
        self.parts = [kept]
        self.size = int(keep.sum())
        self.tau_rows, self.tau_cols = kth_r, kth_c
        self.limit = max(self.limit, self.size + self.size // 2)
        return kept


def _run_job(
    sc: _Scorer,
    job: _Job,
    taus: Callable[[], tuple[np.ndarray | None, np.ndarray | None]],
    k: int | None,
    on_block: Callable[[], None] | None = None,
) -> _Out:
    """Score every block of ``job``; return its survivors and counts in one piece.

    With ``k``, the job keeps its own exact top ``k`` per row and column (a
    superset of what the job contributes to the global top ``k``), and a block
    only hands over the pairs that beat the job's or the global running bound.
    """
    cache: dict[Any, Any] = {}
    outs = []
    running = _Running(int(job.rows.size), int(job.cols.size), k) if k else None
    for lo in range(0, int(job.rows.size), job.rows_per_block):
        rows = job.rows[lo : lo + job.rows_per_block]
        tl, tr = taus()
        t_rows = t_cols = None
        if running is not None and tl is not None and tr is not None:
            hi = lo + rows.size
            t_rows = np.maximum(tl[rows], running.tau_rows[lo:hi])
            t_cols = np.maximum(tr[job.cols], running.tau_cols)
        out = sc.score_block(job.bucket, rows, job.cols, cache, t_rows, t_cols, k)
        if running is not None:
            running.add(
                np.searchsorted(job.rows, out.left),
                np.searchsorted(job.cols, out.right),
                out.weight,
                out.crit,
            )
            out.left = out.right = np.zeros(0, np.int64)
            out.weight = np.zeros(0, np.float32)
            out.crit = np.zeros((0, len(sc.kernels)), np.float32)
        outs.append(out)
        if on_block is not None:
            on_block()
    n_levels = len(sc.rules) - sc.count_from
    merged = _merge_outs(outs, job.rows, job.cols, len(sc.kernels), n_levels)
    if running is not None:
        r, c, w, crit = running.compact()
        merged.left, merged.right = job.rows[r], job.cols[c]
        merged.weight = w
        merged.crit = crit if crit.size else np.zeros((0, len(sc.kernels)), np.float32)
    return merged


def _merge_outs(
    outs: list[_Out], rows: np.ndarray, cols: np.ndarray, n_crit: int, n_levels: int
) -> _Out:
    if not outs:
        return _Out(
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
    return _Out(
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


# --------------------------------------------------------------------------- selection
def _desc_bits(w: np.ndarray) -> np.ndarray:
    """``uint32`` keys that sort non-negative float32 scores from best to worst."""
    w32 = np.ascontiguousarray(w, dtype=np.float32) + np.float32(0.0)  # no -0.0
    out: np.ndarray = np.uint32(0xFFFFFFFF) - w32.view(np.uint32)
    return out


def _select(
    node: np.ndarray, other: np.ndarray, w: np.ndarray, k: int, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact top ``k`` per node (best score first, then smallest ``other``).

    Returns
    -------
    keep : numpy.ndarray
        ``bool`` per entry.
    kth : numpy.ndarray
        ``float32`` per node: the ``k``-th best score, ``-inf`` with fewer entries.
    count : numpy.ndarray
        Entries per node.
    """
    count = np.bincount(node, minlength=n)
    kth = np.full(n, -np.inf, dtype=np.float32)
    if node.size == 0:
        return np.zeros(0, dtype=bool), kth, count
    desc = _desc_bits(w).astype(np.int64)
    key = (node.astype(np.int64) << 32) | desc
    s = np.sort(key)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(count, out=start[1:])
    big = np.flatnonzero(count >= k)
    kth_desc = s[start[big] + k - 1] & 0xFFFFFFFF
    kth[big] = (np.uint32(0xFFFFFFFF) - kth_desc.astype(np.uint32)).view(np.float32)
    over = count > k
    if not over.any():
        return np.ones(node.size, dtype=bool), kth, count
    node_over = over[node]
    thr = kth[node]
    keep = ~node_over | (w > thr)
    tie = np.flatnonzero(node_over & (w == thr))
    if tie.size:
        # entries strictly better than the k-th: the first key of the k-th value
        cut = (np.arange(n, dtype=np.int64) << 32) | (
            np.uint32(0xFFFFFFFF) - kth.view(np.uint32)
        ).astype(np.int64)
        better = np.searchsorted(s, cut) - start[:-1]
        room = k - better
        order = np.lexsort((other[tie], node[tie]))
        tn = node[tie][order]
        first = np.searchsorted(tn, tn)
        rank = np.arange(tn.size) - first
        keep[tie[order[rank < room[tn]]]] = True
    return keep, kth, count


class _Collector:
    """Gathers block survivors; keeps the running top ``k`` and its thresholds."""

    def __init__(self, sc: _Scorer, k: int | None) -> None:
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
        self.limit = _COMPACT_AT
        self.scored = 0
        self.survivors = 0
        self.compactions = 0
        self.lock = threading.Lock()

    def taus(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        return self.tau_left, self.tau_right

    def add(self, out: _Out) -> None:
        with self.lock:
            if out.row_counts.size:
                self.counts_left[:, out.rows] += out.row_counts
            if out.col_counts.size:
                self.counts_right[:, out.cols] += out.col_counts
            self.scored += out.scored
            self.survivors += int(out.left.size)
            if out.left.size:
                self.parts.append((out.left, out.right, out.weight, out.crit))
                self.size += int(out.left.size)
            if self.k is not None and self.size > self.limit:
                self.compact()

    def add_kept(self, state: _State) -> None:
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
        keep_r, kth_r, _ = _select(right, left, weight, self.k, self.n_right)
        keep_l, kth_l, _ = _select(left, right, weight, self.k, self.n_left)
        keep = keep_r | keep_l
        self.parts = [(left[keep], right[keep], weight[keep], crit[keep])]
        self.size = int(keep.sum())
        self.tau_left, self.tau_right = kth_l, kth_r
        # compact again once the new pairs are half the kept ones: the running
        # bounds stay fresh and the work stays linear
        self.limit = max(_COMPACT_AT, self.size + self.size // 2)
        self.compactions += 1

    def state(self) -> _State:
        if self.k is not None:
            self.compact()
        left, right, weight, crit = self.arrays()
        return _State(
            left,
            right,
            weight,
            crit,
            self.counts_left,
            self.counts_right,
            self.scored,
            self.survivors,
        )


@dataclass
class _State:
    """A collector's result: kept pairs and counts (what a Dask task returns)."""

    left: np.ndarray
    right: np.ndarray
    weight: np.ndarray
    crit: np.ndarray
    counts_left: np.ndarray
    counts_right: np.ndarray
    scored: int
    survivors: int


# --------------------------------------------------------------------------- building
def _capacities(
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


def _prepare(
    people: People,
    criteria: Sequence[Criterion],
    rules: Sequence[Rule],
    *,
    block_cells: int,
    blocking: bool = True,
    top_k: int | None,
    mentor_capacity: int,
    mentee_capacity: int,
) -> tuple[_Scorer, list[_Job], np.ndarray, np.ndarray, int | None]:
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
    mentors = np.flatnonzero(people.is_mentor)
    mentees = np.flatnonzero(people.is_mentee)
    sc = _Scorer(people, criteria, rules, mentors, mentees)
    jobs = sc.plan_jobs(block_cells, blocking=blocking)
    left_cap, right_cap = _capacities(
        people, mentors, mentees, mentor_capacity, mentee_capacity
    )
    return sc, jobs, left_cap, right_cap, _k_selected(top_k, left_cap, right_cap)


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


def _single_blas_thread() -> None:
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
        Skip pairs that share no free slot when ``MinSharedHours`` allows it. The
        result does not depend on it.

    Returns
    -------
    CandidateSet

    Examples
    --------
    >>> import rmatch
    >>> from rmatch.candidates import build_candidates
    >>> from rmatch.criteria import default_criteria
    >>> people = rmatch.read_people(rmatch.datasets.synthetic_org(300, seed=1))
    >>> cs = build_candidates(people, default_criteria(), [], top_k=5)
    >>> cs.n_edges <= cs.n_allowed, cs.graph.n_left, cs.graph.n_right
    (True, 21, 9)
    """
    started = time.perf_counter()
    sc, jobs, left_cap, right_cap, k_sel = _prepare(
        people,
        criteria,
        rules,
        block_cells=block_cells,
        blocking=blocking,
        top_k=top_k,
        mentor_capacity=mentor_capacity,
        mentee_capacity=mentee_capacity,
    )
    col = _Collector(sc, k_sel)
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
            max_workers=n_threads, initializer=_single_blas_thread
        ) as pool:
            futures = [
                pool.submit(_run_job, sc, job, col.taus, k_sel, tick) for job in jobs
            ]
            for fut in futures:
                col.add(fut.result())
    else:
        for job in jobs:
            col.add(_run_job(sc, job, col.taus, k_sel, tick))
    if not jobs and progress is not None:
        progress("score", 1, 1)
    return _finish(sc, col.state(), top_k, k_sel, left_cap, right_cap, started)


def _k_selected(
    top_k: int | None, left_cap: np.ndarray, right_cap: np.ndarray
) -> int | None:
    if top_k is None:
        return None
    return max(top_k, int(left_cap.max(initial=1)), int(right_cap.max(initial=1)), 1)


def _finish(
    sc: _Scorer,
    state: _State,
    top_k: int | None,
    k_sel: int | None,
    left_cap: np.ndarray,
    right_cap: np.ndarray,
    started: float,
) -> CandidateSet:
    """Turn the collected pairs and counts into a :class:`CandidateSet`."""
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
    order = np.argsort(key)
    left, right, weight, crit = left[order], right[order], weight[order], crit[order]
    w64 = np.clip(weight.astype(np.float64), 0.0, 1.0)
    theta_l = np.full(n_l, -np.inf)
    theta_r = np.full(n_r, -np.inf)
    if k_sel is not None:
        _, kth_l, _ = _select(left, right, weight, k_sel, n_l)
        _, kth_r, _ = _select(right, left, weight, k_sel, n_r)
        big_l = allowed_l > k_sel
        big_r = allowed_r > k_sel
        theta_l[big_l] = kth_l[big_l]
        theta_r[big_r] = kth_r[big_r]
    bound = min(
        _capacity_bound(left, w64, left_cap, n_l),
        _capacity_bound(right, w64, right_cap, n_r),
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


def _capacity_bound(node: np.ndarray, w: np.ndarray, cap: np.ndarray, n: int) -> float:
    """Sum over nodes of their ``cap`` best edge weights."""
    if node.size == 0:
        return 0.0
    key = (node.astype(np.int64) << 32) | _desc_bits(w.astype(np.float32)).astype(
        np.int64
    )
    order = np.argsort(key, kind="stable")
    sn = node[order]
    count = np.bincount(node, minlength=n)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(count, out=start[1:])
    rank = np.arange(sn.size) - start[sn]
    take = rank < cap[sn]
    return float(w[order][take].sum())


# ------------------------------------------------------------------------ certificate
def lp_duals(
    graph: CandidateGraph,
    edges: np.ndarray,
    *,
    max_iter: int = 5_000,
    time_limit: float = 10.0,
) -> tuple[np.ndarray, np.ndarray, bool]:
    """LP duals ``u`` (mentors) and ``v`` (mentees) of a maximum-weight b-matching.

    For the b-matching LP ``max w·x, sum_j x_ij <= a_i, sum_i x_ij <= b_j,
    0 <= x <= 1`` and an optimal integral ``x`` (``edges``), complementary slackness
    asks ``u_i + v_j >= w_ij`` on unchosen edges, ``<=`` on chosen ones, ``u_i = 0``
    for mentors below capacity and ``v_j = 0`` for mentees below capacity. These
    are difference constraints; their solution with the *largest* mentee duals (a
    mentee is worth what its pair gives it) is a shortest-path problem, solved by
    label correcting.

    Parameters
    ----------
    graph : CandidateGraph
    edges : numpy.ndarray
        Chosen edge indices (an optimal matching).
    max_iter : int
        Label-correcting rounds.
    time_limit : float
        Seconds before giving up on convergence.

    Returns
    -------
    u, v : numpy.ndarray
        Non-negative ``float64`` duals. Any non-negative ``u, v`` give a valid
        bound through :func:`dual_bound`; optimal ones make it equal the optimum.
    converged : bool
        Whether the labels converged (they do when ``edges`` is optimal).
    """
    started = time.perf_counter()
    n_l, n_r = graph.n_left, graph.n_right
    left = np.asarray(graph.left)
    right = np.asarray(graph.right)
    w = np.asarray(graph.weight, dtype=np.float64)
    chosen = np.zeros(left.size, dtype=bool)
    chosen[np.asarray(edges, dtype=np.int64)] = True
    load_r = np.bincount(right[chosen], minlength=n_r)
    # delta_i = -u_i (mentors), delta_j = v_j (mentees)
    start_r = np.where(load_r < graph.right_capacity, 0.0, np.inf)
    um = np.flatnonzero(~chosen)
    order = np.argsort(left[um], kind="stable")
    um = um[order]
    u_left, u_right, u_w = left[um], right[um], w[um]
    seg = np.flatnonzero(np.r_[True, u_left[1:] != u_left[:-1]]) if um.size else um
    seg_nodes = u_left[seg] if um.size else um
    ch = np.flatnonzero(chosen)
    c_left, c_right, c_w = left[ch], right[ch], w[ch]
    d_left = np.zeros(n_l)
    d_right = start_r.copy()
    converged = False
    for _ in range(max_iter):
        new_left = np.zeros(n_l)
        if um.size:
            cand = d_right[u_right] - u_w
            mins = np.minimum.reduceat(cand, seg)
            new_left[seg_nodes] = np.minimum(0.0, mins)
        new_right = start_r.copy()
        if ch.size:
            np.minimum.at(new_right, c_right, new_left[c_left] + c_w)
        change = max(_max_change(new_left, d_left), _max_change(new_right, d_right))
        if change <= 1e-12:  # float noise can leave cycles of length -1e-17
            d_left, d_right = new_left, new_right
            converged = True
            break
        d_left, d_right = new_left, new_right
        if time.perf_counter() - started > time_limit:
            break
    u = np.maximum(-d_left, 0.0)
    v = np.where(np.isfinite(d_right), np.maximum(d_right, 0.0), 1.0)
    return u, v, converged


def _max_change(new: np.ndarray, old: np.ndarray) -> float:
    both = np.isfinite(new) & np.isfinite(old)
    if not np.array_equal(np.isfinite(new), np.isfinite(old)):
        return float("inf")
    return float(np.max(np.abs(new[both] - old[both]), initial=0.0))


def dual_bound(graph: CandidateGraph, u: np.ndarray, v: np.ndarray) -> float:
    """Weak-duality bound ``sum(a u) + sum(b v) + sum((w - u - v)^+)`` over the edges.

    Valid for any non-negative ``u, v``: it bounds the best total of every
    b-matching of ``graph`` (capacities only; other constraints can only lower the
    optimum).
    """
    w = np.asarray(graph.weight, dtype=np.float64)
    excess = np.maximum(w - u[graph.left] - v[graph.right], 0.0)
    return float(
        np.dot(graph.left_capacity, u) + np.dot(graph.right_capacity, v) + excess.sum()
    )


def _suspects(
    cs: CandidateSet, u: np.ndarray, v: np.ndarray, limit: int
) -> tuple[np.ndarray, np.ndarray, int, float, float]:
    """Non-edges that ``theta`` cannot rule out: ``min(theta_i, theta_j) > u_i + v_j``.

    Returns
    -------
    left, right : numpy.ndarray
        Up to ``limit`` such pairs.
    count : int
        How many there are in all.
    excess_all, excess_listed : float
        Sum of ``min(theta) - u - v`` over all of them, and over the listed ones.
    """
    tl = np.asarray(cs.theta_left, dtype=np.float64)
    tr = np.asarray(cs.theta_right, dtype=np.float64)
    rows = np.flatnonzero(tl > u)
    cols = np.flatnonzero(tr > v)
    g = cs.graph
    out_l: list[np.ndarray] = []
    out_r: list[np.ndarray] = []
    count = 0
    listed = 0
    excess_all = excess_listed = 0.0
    if rows.size and cols.size:
        n_r = max(g.n_right, 1)
        edge_key = np.asarray(g.left) * np.int64(n_r) + np.asarray(g.right)
        step = max(1, _BLOCK_TARGET // cols.size)
        tr_c, v_c = tr[cols], v[cols]
        for lo in range(0, rows.size, step):
            r = rows[lo : lo + step]
            excess = np.minimum.outer(tl[r], tr_c) - np.add.outer(u[r], v_c)
            ri, ci = np.nonzero(excess > 0)
            if ri.size == 0:
                continue
            li, rj = r[ri], cols[ci]
            key = li * np.int64(n_r) + rj
            if edge_key.size:
                pos = np.minimum(np.searchsorted(edge_key, key), edge_key.size - 1)
                fresh = edge_key[pos] != key
            else:
                fresh = np.ones(key.size, dtype=bool)
            x = excess[ri, ci][fresh]
            count += int(fresh.sum())
            excess_all += float(x.sum())
            room = limit - listed
            if room > 0:
                out_l.append(li[fresh][:room])
                out_r.append(rj[fresh][:room])
                listed += int(min(room, x.size))
                excess_listed += float(x[:room].sum())
    z = np.zeros(0, np.int64)
    return (
        np.concatenate(out_l) if out_l else z,
        np.concatenate(out_r) if out_r else z,
        count,
        excess_all,
        excess_listed,
    )


def _rescore(
    sc: _Scorer, li: np.ndarray, rj: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score the given pairs exactly.

    Returns
    -------
    keys : numpy.ndarray
        Sorted unique ``left * n_right + right`` of the pairs asked.
    weight : numpy.ndarray
        Their score, ``-inf`` where a rule forbids the pair.
    crit : numpy.ndarray
        Their criterion scores (NaN where forbidden or without data).
    """
    n_r = max(sc.n_right, 1)
    keys = np.unique(li * np.int64(n_r) + rj)
    li, rj = keys // n_r, keys % n_r
    weight = np.full(keys.size, -np.inf)
    crit = np.full((keys.size, len(sc.kernels)), np.nan, dtype=np.float32)
    rows, first = np.unique(li, return_index=True)
    bounds = [*first.tolist(), keys.size]
    start = 0
    while start < rows.size:
        stop = start + 1
        cols = rj[bounds[start] : bounds[stop]]
        while stop < rows.size:
            more = np.union1d(cols, rj[bounds[stop] : bounds[stop + 1]])
            if (stop + 1 - start) * more.size > _BLOCK_TARGET:
                break
            cols = more
            stop += 1
        cols = np.unique(cols)
        out = sc.score_block(-1, rows[start:stop], cols, {}, None, None)
        if out.left.size:
            k = out.left * np.int64(n_r) + out.right
            pos = np.searchsorted(keys, k)
            pos_c = np.minimum(pos, keys.size - 1)
            hit = keys[pos_c] == k
            weight[pos_c[hit]] = np.clip(out.weight[hit].astype(np.float64), 0, 1)
            crit[pos_c[hit]] = out.crit[hit]
        start = stop
    return keys, weight, crit


def _add_edges(
    cs: CandidateSet,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    crit: np.ndarray,
) -> CandidateSet:
    """Return ``cs`` with more edges (kept sorted by ``(left, right)``)."""
    g = cs.graph
    n_r = max(g.n_right, 1)
    all_l = np.concatenate([np.asarray(g.left), left])
    all_r = np.concatenate([np.asarray(g.right), right])
    all_w = np.concatenate([np.asarray(g.weight), np.clip(weight, 0.0, 1.0)])
    all_c = np.concatenate([cs.criterion_scores, crit.astype(np.float32)])
    order = np.argsort(all_l * np.int64(n_r) + all_r, kind="stable")
    graph = replace(g, left=all_l[order], right=all_r[order], weight=all_w[order])
    crit_all = all_c[order]
    has = (
        ~np.all(np.isnan(crit_all), axis=1)
        if crit_all.shape[1]
        else np.zeros(order.size, dtype=bool)
    )
    return replace(cs, graph=graph, criterion_scores=crit_all, has_data=has)


class _Known:
    """Exact scores of pruned pairs re-scored so far (sorted by key)."""

    def __init__(self, n_crit: int) -> None:
        self.keys = np.zeros(0, np.int64)
        self.weight = np.zeros(0)
        self.crit = np.zeros((0, n_crit), np.float32)

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        pos = np.minimum(np.searchsorted(self.keys, keys), max(self.keys.size - 1, 0))
        if self.keys.size == 0:
            return pos, np.zeros(keys.size, dtype=bool)
        return pos, self.keys[pos] == keys

    def add(self, keys: np.ndarray, weight: np.ndarray, crit: np.ndarray) -> None:
        k = np.concatenate([self.keys, keys])
        order = np.argsort(k, kind="stable")
        self.keys = k[order]
        self.weight = np.concatenate([self.weight, weight])[order]
        self.crit = np.concatenate([self.crit, crit])[order]


def certify(
    cs: CandidateSet,
    solution: Solution,
    *,
    people: People,
    criteria: Sequence[Criterion],
    rules: Sequence[Rule],
    solve: Callable[[CandidateGraph], Solution],
    max_rounds: int = 8,
    max_rescore: int | None = None,
    progress: Progress | None = None,
) -> tuple[CandidateSet, Solution, Certificate]:
    """Bound the unpruned optimum; add improving pruned pairs and solve again.

    Parameters
    ----------
    cs : CandidateSet
        A candidate set from :func:`build_candidates` (``top_k`` set).
    solution : Solution
        The optimal matching of ``cs.graph`` for the ``"total"`` objective.
    people, criteria, rules
        What built ``cs`` (to re-score pruned pairs exactly).
    solve : callable
        ``solve(graph) -> Solution`` with the program's solver settings.
    max_rounds : int
        Column-generation rounds before settling for a bound.
    max_rescore : int, optional
        Pruned pairs re-scored per round at most; the others are bounded by
        ``theta``. Default: 5 million or three times the candidate pairs,
        whichever is larger (re-scoring is cheap next to the block scoring, and
        every pair left unscored weakens the bound).
    progress : callable, optional
        ``progress("certify", round, max_rounds)`` after each round.

    Returns
    -------
    (CandidateSet, Solution, Certificate)
        The candidate set (with any added edges, ``upper_bound`` and
        ``certificate`` set), its solution, and the certificate.

    Notes
    -----
    The LP bound ignores side constraints, lower bounds and required pairs (a
    relaxation, so it stays valid); with those the gap may stay open and no pairs
    are added.
    """
    started = time.perf_counter()
    plain = not (
        cs.graph.side_constraints or cs.graph.has_lower_bounds or cs.graph.has_required
    )
    rounds = added = rescored = 0
    scorer: _Scorer | None = None
    known = _Known(len(cs.criteria))
    solve_seconds = 0.0
    n_r = max(cs.graph.n_right, 1)
    if max_rescore is None:
        max_rescore = max(5_000_000, 3 * cs.n_edges)
    while True:
        g = cs.graph
        # with side constraints the matching need not be optimal for the plain LP:
        # a few rounds give valid (if weaker) duals
        u, v, _ = lp_duals(g, solution.edges, max_iter=5_000 if plain else 200)
        bound = dual_bound(g, u, v)
        sl, sr, n_susp, x_all, x_listed = _suspects(cs, u, v, max_rescore)
        unresolved = n_susp - int(sl.size)
        extra = x_all - x_listed
        if sl.size == 0:
            break
        keys = sl * np.int64(n_r) + sr
        _, seen = known.lookup(keys)
        if not seen.all():
            if scorer is None:
                scorer = _Scorer(people, criteria, rules, cs.mentors, cs.mentees)
            miss = keys[~seen]
            k_new, w_new, c_new = _rescore(scorer, miss // n_r, miss % n_r)
            known.add(k_new, w_new, c_new)
            rescored += int(k_new.size)
        pos, _ = known.lookup(keys)
        w_exact = known.weight[pos]
        excess = w_exact - u[sl] - v[sr]
        violators = excess > 1e-12
        if violators.any() and plain and rounds < max_rounds:
            vp = pos[violators]
            cs = _add_edges(
                cs, sl[violators], sr[violators], known.weight[vp], known.crit[vp]
            )
            added += int(violators.sum())
            rounds += 1
            if progress is not None:
                progress("certify", rounds, max_rounds)
            t = time.perf_counter()
            solution = solve(cs.graph)
            solve_seconds += time.perf_counter() - t
            continue
        extra += float(np.maximum(excess, 0.0).sum())
        break
    # the capacity bound is valid too: keep the tighter one
    total_bound = max(min(bound + extra, cs.upper_bound), float(solution.objective))
    gap = (total_bound - solution.objective) / max(abs(total_bound), 1e-9)
    cert = Certificate(
        bound=total_bound,
        objective=float(solution.objective),
        gap=float(max(gap, 0.0)),
        optimal=bool(gap <= 1e-9),
        method="lp-dual" if bound + extra <= cs.upper_bound else "capacity",
        rounds=rounds,
        added_edges=added,
        rescored=rescored,
        unresolved=int(max(unresolved, 0)),
        seconds=time.perf_counter() - started - solve_seconds,
    )
    cs = replace(cs, upper_bound=total_bound, certificate=cert)
    return cs, solution, cert


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


def describe_candidates(cs: CandidateSet) -> dict[str, Any]:
    """Return JSON-safe statistics of a candidate set."""
    out: dict[str, Any] = {
        "mentors": int(cs.graph.n_left),
        "mentees": int(cs.graph.n_right),
        "edges": cs.n_edges,
        "allowed_pairs": cs.n_allowed,
        "top_k": cs.top_k,
        "upper_bound": cs.upper_bound,
        "seconds": round(cs.seconds, 4),
        **cs.stats,
    }
    if cs.certificate is not None:
        out["certificate"] = cs.certificate.to_dict()
    return out

"""Build the candidate graph: score blocks, apply rules as masks, keep the best pairs.

Mentors are cut into blocks of rows; each block is scored against all mentees with
the criteria (vectorized), the rules remove forbidden pairs, and the allowed pairs are
kept: all of them by default, or only the best ``top_k`` per mentor and per mentee.
Memory is bounded by the block size and ``top_k``, never by mentors × mentees.

While scanning, the builder also records, for every person, how many partners the
rules removed and the best scores they could get from any allowed partner. The
first feeds the unmatched reasons; the second gives an upper bound on the unpruned
optimum, so a pruned result can be certified (:attr:`CandidateSet.upper_bound`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rmatch.criteria import Block, Criterion, criterion_label
from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.rules import Rule
from rmatch.solvers._graph import CandidateGraph

__all__ = ["CandidateSet", "build_candidates"]

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, eq=False)
class CandidateSet:
    """The candidate graph plus what is needed to explain it.

    Attributes
    ----------
    graph : CandidateGraph
        Left nodes are mentors, right nodes are mentees.
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
        Upper bound on the best total score over *all* allowed pairs (unpruned), from
        each person's best allowed partners and capacities.
    n_allowed : int
        Allowed pairs before pruning.
    seconds : float
        Time spent building.
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

    @property
    def n_edges(self) -> int:
        """Number of candidate pairs."""
        return int(self.graph.left.shape[0])


def _top_k_rows(score: np.ndarray, k: int) -> np.ndarray:
    """Return a bool mask of the ``k`` best finite entries of each row."""
    m, n = score.shape
    keep = np.zeros((m, n), dtype=bool)
    if k <= 0 or n == 0:
        return keep
    if k >= n:
        return np.isfinite(score)
    idx = np.argpartition(-score, k - 1, axis=1)[:, :k]
    rows = np.repeat(np.arange(m), k)
    keep[rows, idx.ravel()] = True
    return keep & np.isfinite(score)


def _capacity_bound(best: np.ndarray, capacity: np.ndarray) -> float:
    """Sum over nodes of their ``capacity`` best scores (``best`` sorted desc)."""
    if best.size == 0:
        return 0.0
    cols = np.arange(best.shape[1])[None, :]
    take = cols < np.minimum(capacity, best.shape[1])[:, None]
    return float(np.where(take & np.isfinite(best), best, 0.0).sum())


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
        Keep only the ``top_k`` best candidates per mentor and per mentee.
    block_cells : int
        Pairs scored at once (memory bound).
    progress : callable, optional
        ``progress(stage, done, total)`` after each block.

    Returns
    -------
    CandidateSet
    """
    started = time.perf_counter()
    if not criteria:
        raise ConfigError("a program needs at least one criterion")
    total_weight = float(sum(c.weight for c in criteria))
    if total_weight <= 0:
        raise ConfigError("the criteria weights add up to 0; give one a weight > 0")
    mentors = np.flatnonzero(people.is_mentor)
    mentees = np.flatnonzero(people.is_mentee)
    n_left, n_right, n_crit = mentors.size, mentees.size, len(criteria)
    left_cap = np.where(
        people.mentor_capacity[mentors] >= 0,
        people.mentor_capacity[mentors],
        mentor_capacity,
    )
    right_cap = np.where(
        people.mentee_capacity[mentees] >= 0,
        people.mentee_capacity[mentees],
        mentee_capacity,
    )
    pre_rules = [r for r in rules if not r.needs_score]
    post_rules = [r for r in rules if r.needs_score]
    ordered_rules = pre_rules + post_rules
    n_rules = len(ordered_rules)
    possible_left = np.zeros(n_left, dtype=np.int64)
    possible_right = np.zeros(n_right, dtype=np.int64)
    removed_left = np.zeros((n_rules, n_left), dtype=np.int64)
    removed_right = np.zeros((n_rules, n_right), dtype=np.int64)
    k_best = max(
        int(left_cap.max(initial=1)), int(right_cap.max(initial=1)), top_k or 0, 1
    )
    best_left = np.full((n_left, 0), -np.inf)
    best_right = np.full((n_right, k_best), -np.inf)
    run_left = np.full((n_right, k_best), -1, dtype=np.int64)
    run_crit = np.full((n_right, k_best, n_crit), np.nan, dtype=np.float32)

    parts_left: list[np.ndarray] = []
    parts_right: list[np.ndarray] = []
    parts_weight: list[np.ndarray] = []
    parts_crit: list[np.ndarray] = []
    best_left_parts: list[np.ndarray] = []
    n_allowed = 0
    rows_per_block = max(1, block_cells // max(n_right, 1))
    n_blocks = max(1, -(-n_left // rows_per_block))
    for b in range(n_blocks):
        lo, hi = b * rows_per_block, min(n_left, (b + 1) * rows_per_block)
        block = Block(people, mentors[lo:hi], mentees)
        allowed = block.mentors[:, None] != block.mentees[None, :]
        possible_left[lo:hi] = allowed.sum(axis=1)
        possible_right += allowed.sum(axis=0)
        for r, rule in enumerate(pre_rules):
            mask = np.asarray(rule.allowed(block), dtype=bool)
            removed = allowed & ~mask
            removed_left[r, lo:hi] += removed.sum(axis=1)
            removed_right[r] += removed.sum(axis=0)
            allowed &= mask
        scores = np.empty((n_crit, *block.shape), dtype=np.float64)
        num = np.zeros(block.shape)
        den = np.zeros(block.shape)
        for c, crit in enumerate(criteria):
            s = np.asarray(crit.score(block), dtype=np.float64)
            if s.shape != block.shape:
                raise ConfigError(
                    f"criterion {criterion_label(crit)!r} returned shape {s.shape}, "
                    f"expected {block.shape} (mentors × mentees)"
                )
            scores[c] = s
            ok = ~np.isnan(s)
            num += np.where(ok, s, 0.0) * crit.weight
            den += ok * crit.weight
        with np.errstate(invalid="ignore", divide="ignore"):
            total = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        total = np.clip(total, 0.0, 1.0)
        block.total = total
        for r, rule in enumerate(post_rules, start=len(pre_rules)):
            mask = np.asarray(rule.allowed(block), dtype=bool)
            removed = allowed & ~mask
            removed_left[r, lo:hi] += removed.sum(axis=1)
            removed_right[r] += removed.sum(axis=0)
            allowed &= mask
        n_allowed += int(allowed.sum())
        weight = np.where(allowed, np.nan_to_num(total, nan=0.0), -np.inf)
        # Best allowed scores per person (for the certified upper bound).
        kb = min(k_best, weight.shape[1])
        if kb:
            top_rows = -np.sort(-weight, axis=1)[:, :kb] if weight.shape[1] else weight
            best_left_parts.append(
                np.pad(top_rows, ((0, 0), (0, k_best - kb)), constant_values=-np.inf)
            )
        else:
            best_left_parts.append(np.full((hi - lo, k_best), -np.inf))
        if top_k is None:
            keep = allowed
        else:
            keep = _top_k_rows(weight, top_k)
            # Running top-k per mentee over all blocks so far.
            kc = min(k_best, weight.shape[0])
            col_idx = (
                np.argpartition(-weight, kc - 1, axis=0)[:kc]
                if kc < weight.shape[0]
                else np.broadcast_to(np.arange(weight.shape[0])[:, None], weight.shape)
            )
            col_scores = np.take_along_axis(weight, col_idx, axis=0).T  # (N, kc)
            col_crit = scores[:, col_idx, np.arange(n_right)[None, :]]  # (C, kc, N)
            merged_s = np.concatenate([best_right, col_scores], axis=1)
            merged_l = np.concatenate([run_left, (col_idx + lo).T], axis=1)
            merged_c = np.concatenate(
                [run_crit, np.transpose(col_crit, (2, 1, 0)).astype(np.float32)], axis=1
            )
            order = np.lexsort((merged_l, -merged_s), axis=1)[:, :k_best]
            best_right = np.take_along_axis(merged_s, order, axis=1)
            run_left = np.take_along_axis(merged_l, order, axis=1)
            run_crit = np.take_along_axis(merged_c, order[:, :, None], axis=1)
        if top_k is None:
            kr = min(k_best, weight.shape[0])
            if kr:
                col_top = -np.sort(-weight, axis=0)[:kr].T
                merged = np.concatenate([best_right, col_top], axis=1)
                best_right = -np.sort(-merged, axis=1)[:, :k_best]
        rr, cc = np.nonzero(keep)
        parts_left.append(rr.astype(np.int64) + lo)
        parts_right.append(cc.astype(np.int64))
        parts_weight.append(weight[rr, cc])
        parts_crit.append(scores[:, rr, cc].T.astype(np.float32))
        if progress is not None:
            progress("score", b + 1, n_blocks)

    left = np.concatenate(parts_left) if parts_left else np.zeros(0, np.int64)
    right = np.concatenate(parts_right) if parts_right else np.zeros(0, np.int64)
    weight = np.concatenate(parts_weight) if parts_weight else np.zeros(0)
    crit = (
        np.concatenate(parts_crit) if parts_crit else np.zeros((0, n_crit), np.float32)
    )
    if top_k is not None and n_right:
        sel = np.isfinite(best_right) & (run_left >= 0)
        jj, kk = np.nonzero(sel)
        left = np.concatenate([left, run_left[jj, kk]])
        right = np.concatenate([right, jj.astype(np.int64)])
        weight = np.concatenate([weight, best_right[jj, kk]])
        crit = np.concatenate([crit, run_crit[jj, kk]])
    order = np.lexsort((right, left))
    left, right, weight, crit = left[order], right[order], weight[order], crit[order]
    if left.size:
        first = np.ones(left.size, dtype=bool)
        first[1:] = (left[1:] != left[:-1]) | (right[1:] != right[:-1])
        left, right, weight, crit = (
            left[first],
            right[first],
            weight[first],
            crit[first],
        )
    best_left = (
        np.concatenate(best_left_parts) if best_left_parts else np.zeros((0, k_best))
    )
    bound = min(
        _capacity_bound(best_left, left_cap), _capacity_bound(best_right, right_cap)
    )
    graph = CandidateGraph(
        n_left=n_left,
        n_right=n_right,
        left=left,
        right=right,
        weight=np.clip(weight.astype(np.float64), 0.0, 1.0),
        left_capacity=left_cap.astype(np.int64),
        right_capacity=right_cap.astype(np.int64),
    )
    has_data = (
        ~np.all(np.isnan(crit), axis=1) if crit.size else np.zeros(left.size, bool)
    )
    return CandidateSet(
        graph=graph,
        mentors=mentors,
        mentees=mentees,
        criteria=tuple(criterion_label(c) for c in criteria),
        criterion_scores=crit,
        has_data=has_data,
        rules=tuple(ordered_rules),
        possible_left=possible_left,
        possible_right=possible_right,
        removed_left=removed_left,
        removed_right=removed_right,
        top_k=top_k,
        upper_bound=bound,
        n_allowed=n_allowed,
        seconds=time.perf_counter() - started,
    )


def describe_candidates(cs: CandidateSet) -> dict[str, Any]:
    """Return JSON-safe statistics of a candidate set."""
    return {
        "mentors": int(cs.graph.n_left),
        "mentees": int(cs.graph.n_right),
        "edges": cs.n_edges,
        "allowed_pairs": cs.n_allowed,
        "top_k": cs.top_k,
        "upper_bound": cs.upper_bound,
        "seconds": round(cs.seconds, 4),
    }

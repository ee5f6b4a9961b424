"""Certified quality of a matching on a pruned candidate graph.

For every person the builder records ``theta``: an upper bound on the score of any
allowed partner that is *not* an edge. After solving,
[`certify()`][rmatch.certify.certify] computes LP duals ``u`` (mentors) and ``v``
(mentees) of the pruned problem; by weak duality ``sum(cap * u) + sum(cap * v) + sum((w
- u - v)^+)`` over *all* allowed pairs bounds the unpruned optimum, and a pair that is
not an edge can only add to it when ``min(theta_i, theta_j) > u_i + v_j``. Those few
pairs are re-scored exactly; the ones that would improve the matching are added to the
graph and it is solved again (column generation). When none is left, the pruned optimum
*is* the unpruned optimum and the gap is 0 — a certificate, not an estimate.

Precision. Scores are computed in float32 (the block kernels) and widened to
float64, so two pairs whose exact scores tie can differ by an ulp or two, and a
pruned pair can beat its duals by ``~1e-8`` for no reason but rounding. Chasing
those (adding the pair and solving again) moves the objective by as little and
can go on for rounds. A pair counts as improving only when its excess is above
`rounding_tolerance()`; the excess of the others (ties at the scores'
precision) still goes into the bound, so the certificate stays a proof: the gap
is their total excess over the bound, and the matching is called optimal only
when that is within the optimality tolerance (`OPTIMAL_GAP`). If it is
not, those pairs are added like any improving pair.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from rmatch.candidates import (
    BLOCK_TARGET,
    CandidateSet,
    Certificate,
    Progress,
    Scorer,
)
from rmatch.people import People
from rmatch.rules import Rule
from rmatch.scoring import Criterion
from rmatch.solvers import CandidateGraph, Solution

__all__ = [
    "OPTIMAL_GAP",
    "ROUNDING_ULPS",
    "Certificate",
    "add_edges",
    "certify",
    "dual_bound",
    "lp_duals",
    "rescore",
    "rounding_tolerance",
]

#: Relative gap under which a certificate calls the matching optimal (see
#: [`Certificate`][rmatch.candidates.Certificate]).
OPTIMAL_GAP = 1e-9

#: Float32 ulps (of the largest score) within which a pruned pair's excess over
#: its duals is rounding, not an improvement; see `rounding_tolerance()`.
ROUNDING_ULPS = 4.0


def rounding_tolerance(weights: np.ndarray, dtype: npt.DTypeLike = np.float32) -> float:
    """Largest reduced-cost excess that the scores' rounding alone can produce.

    A score is a weighted mean of criterion values, each a few float32
    operations (a product, a ratio, a clip), rounded to the score's ``dtype``
    and then widened to float64. Every operation is exact to half an ulp, so a
    score is exact to a few ulps of the largest score, and two pairs whose
    exact scores tie can differ by that much. A pair's excess
    ``w_ij - u_i - v_j`` over the duals compares its score with the scores of
    the matched pairs that set ``u_i + v_j``: an excess below
    ``ROUNDING_ULPS * eps(dtype) * max|w|`` is a tie at the scores' precision.

    Parameters
    ----------
    weights : numpy.ndarray
        The scores in play (edge weights and re-scored pairs).
    dtype : numpy.dtype, optional
        The precision the scores were computed in (float32 for the built-in
        kernels; float64 gives a tolerance of ``~1e-15``).

    Returns
    -------
    float
        The tolerance (0 when there are no scores).

    Examples
    --------
    >>> rounding_tolerance(np.array([0.25, 1.0]))  # 4 * 2**-23
    4.76837158203125e-07
    >>> rounding_tolerance(np.array([0.5]), np.float64) < 1e-15
    True
    """
    w = np.abs(np.asarray(weights, dtype=np.float64))
    w = w[np.isfinite(w)]
    scale = float(w.max()) if w.size else 0.0
    return ROUNDING_ULPS * float(np.finfo(np.dtype(dtype)).eps) * scale


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
        Non-negative ``float64`` duals. Any non-negative ``u, v`` give a valid bound
        through [`dual_bound()`][rmatch.certify.dual_bound]; optimal ones make it equal
        the optimum.
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
        step = max(1, BLOCK_TARGET // cols.size)
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


def rescore(
    sc: Scorer, li: np.ndarray, rj: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score the given (left node, right node) pairs exactly.

    Parameters
    ----------
    sc : Scorer
        The scorer of the run (same people, criteria and rules).
    li, rj : numpy.ndarray
        Left and right node numbers.

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
            if (stop + 1 - start) * more.size > BLOCK_TARGET:
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


def add_edges(
    cs: CandidateSet,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    crit: np.ndarray,
) -> CandidateSet:
    """Return ``cs`` with more edges, kept sorted by ``(left, right)``.

    Parameters
    ----------
    cs : CandidateSet
    left, right : numpy.ndarray
        Node indices (mentor side, mentee side) of the new edges.
    weight : numpy.ndarray
        Their weighted scores (clipped to ``[0, 1]``).
    crit : numpy.ndarray
        Their per-criterion scores, one row per edge.

    Returns
    -------
    CandidateSet
        The new edges are never required; the required flags of the old ones
        are kept.
    """
    g = cs.graph
    n_r = np.int64(max(g.n_right, 1))
    all_l = np.concatenate([g.left, left])
    all_r = np.concatenate([g.right, right])
    order = np.argsort(all_l * n_r + all_r, kind="stable")
    weights = np.concatenate([g.weight, np.clip(weight, 0.0, 1.0)])[order]
    required = None
    if g.required is not None:
        required = np.concatenate([g.required, np.zeros(left.size, bool)])[order]
    graph = replace(
        g, left=all_l[order], right=all_r[order], weight=weights, required=required
    )
    scores = np.concatenate([cs.criterion_scores, crit.astype(np.float32)])[order]
    has = (
        ~np.all(np.isnan(scores), axis=1)
        if scores.shape[1]
        else np.zeros(order.size, dtype=bool)
    )
    return replace(cs, graph=graph, criterion_scores=scores, has_data=has)


def _gap(bound: float, objective: float) -> float:
    """Relative gap ``(bound - objective) / bound``, never negative."""
    return float(max((bound - objective) / max(abs(bound), 1e-9), 0.0))


def _optimal(bound: float, objective: float) -> bool:
    return _gap(bound, objective) <= OPTIMAL_GAP


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
        A candidate set from `build_candidates()` (``top_k`` set).
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

    A pruned pair is added only when its excess over the duals is above
    `rounding_tolerance()` (a few float32 ulps of the largest score): below
    that it ties at the scores' precision. Its excess still counts in the bound,
    so ``bound`` remains an upper bound on the unpruned optimum of the scores as
    computed; the ties are added after all when their total alone would push the
    gap above `OPTIMAL_GAP`. Re-solves are cold: the solver interface
    (``solve(graph)``) takes no starting basis, and SciPy's HiGHS ``linprog``
    accepts none.
    """
    started = time.perf_counter()
    plain = not (
        cs.graph.side_constraints or cs.graph.has_lower_bounds or cs.graph.has_required
    )
    rounds = added = rescored = 0
    scorer: Scorer | None = None
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
                scorer = Scorer(people, criteria, rules, cs.mentors, cs.mentees)
            miss = keys[~seen]
            k_new, w_new, c_new = rescore(scorer, miss // n_r, miss % n_r)
            known.add(k_new, w_new, c_new)
            rescored += int(k_new.size)
        pos, _ = known.lookup(keys)
        w_exact = known.weight[pos]
        excess = w_exact - u[sl] - v[sr]
        tol = rounding_tolerance(np.concatenate([np.asarray(g.weight), w_exact]))
        violators = excess > tol
        if not violators.any():
            # only ties at the scores' precision: their excess stays in the bound;
            # chase them too if they alone stand between the matching and optimal
            ties = float(np.maximum(excess, 0.0).sum())
            near = min(bound + extra, cs.upper_bound)
            far = min(bound + extra + ties, cs.upper_bound)
            if _optimal(near, solution.objective) and not _optimal(
                far, solution.objective
            ):
                violators = excess > 0.0
        if violators.any() and plain and rounds < max_rounds:
            vp = pos[violators]
            cs = add_edges(
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
    gap = _gap(total_bound, solution.objective)
    cert = Certificate(
        bound=total_bound,
        objective=float(solution.objective),
        gap=gap,
        optimal=bool(gap <= OPTIMAL_GAP),
        method="lp-dual" if bound + extra <= cs.upper_bound else "capacity",
        rounds=rounds,
        added_edges=added,
        rescored=rescored,
        unresolved=int(max(unresolved, 0)),
        seconds=time.perf_counter() - started - solve_seconds,
    )
    cs = replace(cs, upper_bound=total_bound, certificate=cert)
    return cs, solution, cert

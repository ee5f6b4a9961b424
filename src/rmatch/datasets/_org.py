"""Org chart of a synthetic organization: tree, departments, offices, grades, roles.

Used by [`rmatch.datasets.synthetic_org()`][rmatch.datasets.synthetic_org]; every
function draws from the random generator it is given, in a fixed order, so the same seed
gives the same company.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from rmatch.datasets.vocabulary import DEPARTMENTS, Location

__all__ = [
    "assign_departments",
    "assign_locations",
    "build_tree",
    "draw_roles",
    "draw_seniority",
    "leadership",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

# Span of control 3..12, mode around 6-7 (mean ~7).
_SPAN_VALUES: Final = np.arange(3, 13, dtype=np.int64)
_SPAN_P: Final = np.array([6, 10, 13, 14, 14, 12, 10, 8, 7, 6], dtype=np.float64) / 100


# ---------------------------------------------------------------------------
# Org chart
# ---------------------------------------------------------------------------


def build_tree(
    n: int, n_dept: int, rng: np.random.Generator
) -> tuple[IntArray, IntArray]:
    """Return ``parent`` (-1 for the root) and ``level`` arrays, ids in BFS order.

    Parameters
    ----------
    n : int
        Number of people.
    n_dept : int
        Number of departments (the chief executive has about that many reports).
    rng : numpy.random.Generator
        Random generator of the tree.

    Returns
    -------
    parent, level : numpy.ndarray
        Manager index (-1 for the chief executive) and depth of each person;
        levels are non-decreasing.
    """
    parent = np.full(n, -1, dtype=np.int64)
    level = np.zeros(n, dtype=np.int64)
    frontier = np.zeros(1, dtype=np.int64)
    next_id, lvl = 1, 0
    while next_id < n:
        remaining = n - next_id
        size = frontier.size
        if lvl == 0:
            flags = np.ones(1, dtype=np.bool_)
            ceo = min(12, max(3, n_dept + int(rng.integers(0, 3))))
            spans = np.array([ceo], dtype=np.int64)
        else:
            p_manager = 1.0 if lvl == 1 else (0.85 if lvl == 2 else 0.7)
            flags = rng.random(size) < p_manager
            if not flags.any():
                flags[int(rng.integers(0, size))] = True
            spans = rng.choice(_SPAN_VALUES, size=size, p=_SPAN_P)
        # managers first, in random order, then the others (possible extra managers)
        order = rng.permutation(size)
        order = order[np.argsort(~flags[order], kind="stable")]
        spans = spans[order]
        n_flagged = int(flags.sum())
        total = int(spans[:n_flagged].sum())
        if remaining < 3:  # tiny company: the chief executive takes everyone
            chosen, spans = frontier[:1], np.array([remaining], dtype=np.int64)
        elif total >= remaining - 2 and 12 * size >= remaining:
            # last level: distribute exactly ``remaining`` people
            cum = np.cumsum(spans)
            m = int(np.searchsorted(cum, remaining)) + 1
            m = min(max(m, -(-remaining // 12)), size, remaining // 3)
            spans = _fit_spans(spans[:m], remaining, rng)
            chosen = frontier[order[:m]]
        else:
            chosen = frontier[order[:n_flagged]]
            spans = spans[:n_flagged]
            # leave at least 3 people for the next level
            spans = _fit_spans(spans, min(total, remaining - 3), rng)
        sort = np.argsort(chosen, kind="stable")
        chosen, spans = chosen[sort], spans[sort]
        count = int(spans.sum())
        parent[next_id : next_id + count] = np.repeat(chosen, spans)
        level[next_id : next_id + count] = lvl + 1
        frontier = np.arange(next_id, next_id + count, dtype=np.int64)
        next_id += count
        lvl += 1
    return parent, level


def _fit_spans(spans: IntArray, target: int, rng: np.random.Generator) -> IntArray:
    """Clip spans to 3..12 and move them by ±1 until they sum to ``target``."""
    spans = np.clip(spans, 3, 12).astype(np.int64)
    diff = target - int(spans.sum())
    while diff != 0:
        room = 12 - spans if diff > 0 else spans - 3
        idx = np.flatnonzero(room > 0)
        if idx.size == 0:  # cannot reach the target within 3..12
            break
        idx = rng.permutation(idx)[: abs(diff)]
        spans[idx] += 1 if diff > 0 else -1
        diff -= idx.size if diff > 0 else -idx.size
    return spans


def assign_departments(
    parent: IntArray,
    level: IntArray,
    starts: IntArray,
    n_dept: int,
    rng: np.random.Generator,
) -> IntArray:
    """Department index per person (-1 for the chief executive).

    Parameters
    ----------
    parent, level : numpy.ndarray
        The tree from `build_tree()`.
    starts : numpy.ndarray
        First person of each level (and one past the last).
    n_dept : int
        Number of functional departments.
    rng : numpy.random.Generator
        Random generator of the departments.

    Returns
    -------
    numpy.ndarray
        Index into ``DEPARTMENTS`` per person.
    """
    n = parent.size
    dept = np.full(n, -1, dtype=np.int64)
    weights = np.array([d[1] for d in DEPARTMENTS[:n_dept]], dtype=np.float64)
    weights /= weights.sum()
    n_levels = starts.size - 1
    for lvl in range(1, n_levels):
        lo, hi = int(starts[lvl]), int(starts[lvl + 1])
        if lvl == 1:
            # executives: one per department, the biggest department to the biggest
            # organization; extra executives share a random department
            k = hi - lo
            own = np.argsort(-weights, kind="stable")[: min(k, n_dept)]
            extra = rng.choice(n_dept, size=max(0, k - n_dept), p=weights)
            by_size = np.argsort(-_subtree_sizes(parent, starts)[lo:hi], kind="stable")
            dept[lo + by_size] = np.concatenate([own, rng.permutation(extra)])
            continue
        inherit = rng.random(hi - lo) < 0.93
        random_dept = rng.choice(n_dept, size=hi - lo, p=weights)
        dept[lo:hi] = np.where(inherit, dept[parent[lo:hi]], random_dept)
        if lvl == 2:  # departments without an executive report to one
            missing = np.setdiff1d(np.arange(n_dept), dept[lo:hi])
            if missing.size:
                is_manager = np.zeros(hi - lo, dtype=np.bool_)
                if lvl + 1 < n_levels:
                    is_manager[
                        np.unique(parent[starts[lvl + 1] : starts[lvl + 2]]) - lo
                    ] = True
                pool = np.flatnonzero(is_manager)
                if pool.size < missing.size:
                    pool = np.arange(hi - lo)
                picks = rng.permutation(pool)[: missing.size]
                dept[lo + picks] = missing[: picks.size]
    return dept


def _subtree_sizes(parent: IntArray, starts: IntArray) -> IntArray:
    """Number of people in each person's subtree (themselves included)."""
    size = np.ones(parent.size, dtype=np.int64)
    for lvl in range(starts.size - 2, 0, -1):
        lo, hi = int(starts[lvl]), int(starts[lvl + 1])
        up = int(starts[lvl - 1])
        size[up:lo] += np.bincount(
            parent[lo:hi] - up, weights=size[lo:hi], minlength=lo - up
        ).astype(np.int64)
    return size


def assign_locations(
    parent: IntArray,
    starts: IntArray,
    locations: tuple[Location, ...],
    rng: np.random.Generator,
) -> IntArray:
    """Office index per person: headquarters at the top, teams mostly co-located.

    Parameters
    ----------
    parent : numpy.ndarray
        Manager index per person (-1 for the chief executive).
    starts : numpy.ndarray
        First person of each level (and one past the last).
    locations : tuple of Location
        The offices; the first is headquarters.
    rng : numpy.random.Generator
        Random generator of the offices.

    Returns
    -------
    numpy.ndarray
        Index into ``locations`` per person.
    """
    loc = np.zeros(parent.size, dtype=np.int64)
    weights = np.array([x.weight for x in locations], dtype=np.float64)
    weights /= weights.sum()
    for lvl in range(1, starts.size - 1):
        lo, hi = int(starts[lvl]), int(starts[lvl + 1])
        p_stay = 0.6 if lvl == 1 else 0.8
        stay = rng.random(hi - lo) < p_stay
        other = rng.choice(len(locations), size=hi - lo, p=weights)
        loc[lo:hi] = np.where(stay, loc[parent[lo:hi]], other)
    return loc


def draw_seniority(
    parent: IntArray, level: IntArray, rng: np.random.Generator
) -> IntArray:
    """Grade 1–10 following the level; individual contributors up to 2 below.

    Parameters
    ----------
    parent, level : numpy.ndarray
        The tree from `build_tree()`.
    rng : numpy.random.Generator
        Random generator of the grades.

    Returns
    -------
    numpy.ndarray
        Seniority grade per person (10 for the chief executive).
    """
    n = parent.size
    depth = max(int(level[-1]), 1)
    base = np.rint(10.0 - 7.0 * level / depth).astype(np.int64)
    is_manager = np.zeros(n, dtype=np.bool_)
    is_manager[parent[parent >= 0]] = True
    drop = rng.integers(0, 3, size=n)
    grade = np.where(is_manager, base, base - drop)
    grade[0] = 10
    return np.clip(grade, 1, 10)


def leadership(seniority: IntArray) -> FloatArray:
    """Smooth 0..1 'leader-ness' of a grade (0.01 at 1, 0.35 at 4, 0.65 at 5).

    Grades 4–5 are where the first line of managers sits in most organizations.

    Parameters
    ----------
    seniority : numpy.ndarray
        Grades 1–10.

    Returns
    -------
    numpy.ndarray
        Leadership in (0, 1), one per grade.
    """
    return 1.0 / (1.0 + np.exp(-1.3 * (seniority.astype(np.float64) - 4.5)))


# ---------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------


def draw_roles(
    seniority: IntArray,
    counts: tuple[int, int, int],
    reverse: bool,
    rng: np.random.Generator,
) -> IntArray:
    """Role code per person: 0 none, 1 mentor, 2 mentee, 3 both.

    Parameters
    ----------
    seniority : numpy.ndarray
        Grade 1–10 per person.
    counts : (int, int, int)
        Number of mentors, mentees and ``both``.
    reverse : bool
        Reverse mentoring (junior mentors, senior mentees).
    rng : numpy.random.Generator
        Random generator of the roles.

    Returns
    -------
    numpy.ndarray
        Role code per person.
    """
    n = seniority.size
    role = np.zeros(n, dtype=np.int8)
    s = seniority.astype(np.float64)
    senior_w = np.exp(1.2 * (s - 5.5))
    junior_w = np.exp(-1.2 * (s - 5.5))
    middle_w = np.exp(-0.5 * np.abs(s - 5.5))
    n_mentor, n_mentee, n_both = counts
    if reverse:  # leaders are mentees, juniors mentors
        plan = ((2, n_mentee, senior_w), (1, n_mentor, junior_w), (3, n_both, middle_w))
    else:
        plan = ((1, n_mentor, senior_w), (2, n_mentee, junior_w), (3, n_both, middle_w))
    for code, k, weights in plan:
        # weighted sampling without replacement (exponential keys, k smallest)
        keys = rng.exponential(size=n) / weights
        keys[role > 0] = np.inf
        if k > 0:
            role[np.argpartition(keys, k - 1)[:k]] = code
    return role.astype(np.int64)

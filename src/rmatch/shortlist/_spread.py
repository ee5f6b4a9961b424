"""Spread suggestions across candidates: a capped b-matching, and exposure figures."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from rmatch.errors import ConfigError
from rmatch.solvers import CandidateGraph, solve
from rmatch.solvers.flow import max_cardinality

IntArray = npt.NDArray[np.int64]

#: Sides a shortlist can be made for: whose lists they are.
SIDES = ("mentee", "mentor")


@dataclass(frozen=True)
class Oriented:
    """A candidate graph seen from the people who get the lists.

    Attributes
    ----------
    person, candidate : numpy.ndarray
        Node of the person and of the candidate of every edge.
    n_person, n_candidate : int
        Number of nodes on each side.
    person_open, candidate_open : numpy.ndarray
        bool per node: capacity above 0 (people who asked for no partner neither
        get a list nor appear on one).
    weight : numpy.ndarray
        Score of every edge.
    """

    person: IntArray
    candidate: IntArray
    n_person: int
    n_candidate: int
    person_open: npt.NDArray[np.bool_]
    candidate_open: npt.NDArray[np.bool_]
    weight: npt.NDArray[np.float64]


def orient(graph: CandidateGraph, side: str) -> Oriented:
    """Return ``graph`` from the side of the people who get the lists.

    Parameters
    ----------
    graph : CandidateGraph
        Left = mentors, right = mentees.
    side : {"mentee", "mentor"}
        ``"mentee"``: mentees get lists of mentors.

    Returns
    -------
    Oriented
    """
    if side not in SIDES:
        raise ConfigError(f"side must be 'mentee' or 'mentor'; got {side!r}")
    left = np.asarray(graph.left, dtype=np.int64)
    right = np.asarray(graph.right, dtype=np.int64)
    if side == "mentee":
        return Oriented(
            right,
            left,
            graph.n_right,
            graph.n_left,
            np.asarray(graph.right_capacity) > 0,
            np.asarray(graph.left_capacity) > 0,
            np.asarray(graph.weight, dtype=np.float64),
        )
    return Oriented(
        left,
        right,
        graph.n_left,
        graph.n_right,
        np.asarray(graph.left_capacity) > 0,
        np.asarray(graph.right_capacity) > 0,
        np.asarray(graph.weight, dtype=np.float64),
    )


def usable(o: Oriented) -> npt.NDArray[np.bool_]:
    """Edges whose both ends have a capacity above 0."""
    return o.person_open[o.person] & o.candidate_open[o.candidate]


def capped_graph(o: Oriented, k: int, cap: int, edges: IntArray) -> CandidateGraph:
    """The b-matching graph: ``edges`` of ``o``, people ≤ ``k``, candidates ≤ ``cap``.

    Left nodes are the people, right nodes the candidates (whatever the side).
    """
    return CandidateGraph(
        n_left=o.n_person,
        n_right=o.n_candidate,
        left=o.person[edges],
        right=o.candidate[edges],
        weight=o.weight[edges],
        left_capacity=np.where(o.person_open, k, 0).astype(np.int64),
        right_capacity=np.where(o.candidate_open, cap, 0).astype(np.int64),
    )


def count_with_cap(o: Oriented, k: int, cap: int, edges: IntArray) -> int:
    """Most suggestions possible when every candidate is on at most ``cap`` lists."""
    return int(max_cardinality(capped_graph(o, k, cap, edges)).edges.shape[0])


def smallest_cap(o: Oriented, k: int, edges: IntArray) -> tuple[int, int]:
    """Return ``(cap, count)``: the least cap that still gives the most suggestions.

    The most suggestions is what an unlimited cap gives (each person's ``k`` best,
    or all their allowed candidates when fewer); the least cap keeping that count
    is found by bisection on max-flow counts, starting from
    ``ceil(count / open candidates)``.
    """
    if edges.size == 0:
        return 0, 0
    degree = np.bincount(o.candidate[edges], minlength=o.n_candidate)
    high = max(int(degree.max()), 1)
    best = count_with_cap(o, k, high, edges)
    n_open = max(int(np.count_nonzero(degree)), 1)
    low = max(math.ceil(best / n_open), 1)
    while low < high:  # invariant: count(high) == best
        mid = (low + high) // 2
        if count_with_cap(o, k, mid, edges) == best:
            high = mid
        else:
            low = mid + 1
    return high, best


def solve_capped(o: Oriented, k: int, cap: int, edges: IntArray) -> IntArray:
    """Indices into ``edges`` chosen by the exact capped b-matching.

    The flow solver maximizes the number of suggestions first, then their total
    score (``objective="coverage"``).
    """
    if edges.size == 0:
        return np.zeros(0, dtype=np.int64)
    graph = capped_graph(o, k, cap, edges)
    solution = solve(graph, method="flow", objective="coverage")
    return np.asarray(solution.edges, dtype=np.int64)


def top_k_per_person(o: Oriented, k: int, edges: IntArray, key: IntArray) -> IntArray:
    """Indices into ``edges``: each person's ``k`` best (ties: smaller ``key``).

    ``key`` is the sort key of each candidate node (its rank by id). This is the
    shortlist without a cap.
    """
    if edges.size == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((key[o.candidate[edges]], -o.weight[edges], o.person[edges]))
    rank = rank_in_groups(o.person[edges][order])
    return np.sort(order[rank < k]).astype(np.int64)


def rank_in_groups(groups: npt.ArrayLike) -> IntArray:
    """0-based position of each item within its run of equal, consecutive groups."""
    g = np.asarray(groups)
    if g.size == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, g.size]))
    return (np.arange(g.size) - first).astype(np.int64)


def gini(values: npt.ArrayLike) -> float:
    """Gini coefficient of non-negative counts (0: even, near 1: concentrated).

    Examples
    --------
    >>> gini([2, 2, 2]), round(gini([0, 0, 6]), 3)
    (0.0, 0.667)
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n, total = x.size, float(x.sum()) if x.size else 0.0
    if n == 0 or total == 0:
        return 0.0
    index = np.arange(1, n + 1)
    return float((2 * index - n - 1) @ x / (n * total))


def exposure_figures(o: Oriented, edges: IntArray, chosen: IntArray) -> dict[str, Any]:
    """Appearances per open candidate and score of a set of suggestions."""
    counts = np.bincount(o.candidate[edges[chosen]], minlength=o.n_candidate)
    counts = counts[o.candidate_open]
    return {
        "suggestions": int(chosen.size),
        "max": int(counts.max()) if counts.size else 0,
        "median": float(np.median(counts)) if counts.size else 0.0,
        "gini": round(gini(counts), 6),
        "candidates_used": int(np.count_nonzero(counts)),
        "total_score": float(o.weight[edges[chosen]].sum()),
    }

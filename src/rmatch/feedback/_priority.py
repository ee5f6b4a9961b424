"""People left unmatched last round come first: a lexicographic objective.

The solve maximizes, in this order, (1) the number of *priority people* (left
unmatched in the previous round) who get at least one partner and (2) the program's
total score. Both are solved exactly on one max-weight b-matching by a weight offset
and a gadget for capacities above one:

* every candidate pair ``e`` gets the value ``w_e + B * (p_mentor + p_mentee)``, with
  ``p = 1`` for a priority person and ``B = K + 1``, ``K`` an upper bound on the number
  of pairs: scores lie in ``[0, 1]``, so any score total is below ``B`` and one more
  priority person matched outweighs every score difference;
* a priority person with capacity ``c > 1`` gets ``c - 1`` dummy partners (capacity 1,
  value ``B``). An optimal solution fills the person's free capacity with dummies, so
  the person contributes ``c * B`` when they have a real partner and ``(c - 1) * B``
  when not: exactly ``B`` per priority person matched, whatever the number of
  partners.

Values are divided by their maximum to stay in ``[0, 1]`` (the graph's contract);
the order of solutions is unchanged. Two cases are not exact, and
``stats["priority"]["exact"]`` is then false (``possible`` is None): graphs with
minimum loads get no dummies (a dummy would count towards the minimum), so the
offset counts pairs of priority people; and a priority person with the role
``both`` has two nodes, each counted.

Precision: the flow backends solve the scaled integer costs exactly (OR-Tools costs
keep about 2**62 / (values * nodes) of resolution), so the score part is optimal to
the usual 1e-9. The ILP (used for quotas) stops at a relative MIP gap of 1e-9 of the
whole value, which is about ``1e-9 * K**2`` in score units (0.001 for 1,000 pairs).

When the solve is optimal and exact, the number of priority people matched is
therefore the largest any matching reaches (``possible`` in the report; the property
tests check it against an integer program). Otherwise ``possible`` is None.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from rmatch.candidates import CandidateSet
from rmatch.solvers import CandidateGraph, LinearConstraint, Solution

__all__ = ["PrioritySolve"]

Run = Callable[[CandidateGraph], Solution]


class PrioritySolve:
    """Solve hook of a round: priority people first, then the score.

    Parameters
    ----------
    priority : numpy.ndarray
        ``bool`` per person position: left unmatched in the previous round.
    """

    def __init__(self, priority: np.ndarray) -> None:
        self.priority = np.asarray(priority, dtype=bool)
        self.left = np.zeros(0, dtype=bool)
        self.right = np.zeros(0, dtype=bool)
        self.mentors = np.zeros(0, dtype=np.int64)
        self.mentees = np.zeros(0, dtype=np.int64)
        self.report: dict[str, Any] = {}

    def bind(self, cs: CandidateSet) -> None:
        """Map the priority onto the nodes of ``cs.graph``."""
        self.mentors = np.asarray(cs.mentors, dtype=np.int64)
        self.mentees = np.asarray(cs.mentees, dtype=np.int64)
        self.left = self.priority[self.mentors]
        self.right = self.priority[self.mentees]

    def covered(self, graph: CandidateGraph, edges: np.ndarray) -> int:
        """Number of priority people with at least one pair among ``edges``."""
        people = np.concatenate(
            [self.mentors[graph.left[edges]], self.mentees[graph.right[edges]]]
        )
        return int(np.unique(people[self.priority[people]]).size)

    def __call__(self, graph: CandidateGraph, run: Run) -> Solution:
        """Solve ``graph`` with ``run`` under the lexicographic objective."""
        if self.left.shape != (graph.n_left,) or self.right.shape != (graph.n_right,):
            return run(graph)  # not bound to this graph's nodes
        n_priority = int(
            np.unique(
                np.concatenate([self.mentors[self.left], self.mentees[self.right]])
            ).size
        )
        if n_priority == 0:
            self.report = {"people": 0, "matched": 0, "possible": 0, "exact": True}
            return run(graph)
        offset = float(graph.max_pairs() + 1)
        # a person on both sides (role "both") has two nodes: each would count
        both = np.intersect1d(
            self.mentors[self.left & (graph.left_capacity > 0)],
            self.mentees[self.right & (graph.right_capacity > 0)],
        )
        exact = not graph.has_lower_bounds and both.size == 0
        pri = self.left[graph.left].astype(float) + self.right[graph.right]
        dummies = not graph.has_lower_bounds
        lex_graph, n_real, scale = _augment(
            graph, graph.weight + offset * pri, self.left, self.right, offset, dummies
        )
        lex = run(lex_graph)
        edges = lex.edges[lex.edges < n_real]
        got = self.covered(graph, edges)
        total = float(np.sum(graph.weight[edges]))
        bound = None
        if lex.status == "optimal":
            bound = total
        elif lex.bound is not None:
            filled = float(lex_graph.n_edges - n_real) * offset
            bound = max(total, lex.bound * scale - offset * got - filled)
        exact = exact and lex.status == "optimal"
        self.report = {
            "people": n_priority,
            "matched": got,
            "possible": got if exact else None,
            "exact": exact,
            "offset": offset,
        }
        stats = {**lex.stats, "priority": dict(self.report)}
        return dataclasses.replace(
            lex,
            edges=edges,
            total_score=total,
            objective=total,
            bound=bound,
            gap=None if bound is None else (bound - total) / max(abs(bound), 1e-9),
            stats=stats,
        )


def _augment(
    graph: CandidateGraph,
    values: np.ndarray,
    left_pri: np.ndarray,
    right_pri: np.ndarray,
    dummy_value: float,
    dummies: bool,
) -> tuple[CandidateGraph, int, float]:
    """``graph`` with ``values`` (scaled into [0, 1]) and the dummy partners.

    Returns the graph, the number of real edges (the first ones) and the scale the
    values were divided by.
    """
    n_real = graph.n_edges
    extra_l: list[np.ndarray] = []
    extra_r: list[np.ndarray] = []
    n_left, n_right = graph.n_left, graph.n_right
    if dummies:
        # a priority mentor of capacity c gets c - 1 dummy mentees, and vice versa
        reps = np.where(left_pri, np.maximum(graph.left_capacity - 1, 0), 0)
        mentors = np.repeat(np.arange(n_left, dtype=np.int64), reps)
        extra_l.append(mentors)
        extra_r.append(n_right + np.arange(mentors.size, dtype=np.int64))
        n_dummy_right = mentors.size
        reps = np.where(right_pri, np.maximum(graph.right_capacity - 1, 0), 0)
        mentees = np.repeat(np.arange(n_right, dtype=np.int64), reps)
        extra_l.append(n_left + np.arange(mentees.size, dtype=np.int64))
        extra_r.append(mentees)
        n_dummy_left = mentees.size
    else:
        n_dummy_left = n_dummy_right = 0
    left = np.concatenate([graph.left, *extra_l]).astype(np.int64)
    right = np.concatenate([graph.right, *extra_r]).astype(np.int64)
    n_extra = left.size - n_real
    weight = np.concatenate([values, np.full(n_extra, dummy_value)])
    scale = float(weight.max(initial=0.0)) or 1.0
    ones_l = np.ones(n_dummy_left, dtype=np.int64)
    ones_r = np.ones(n_dummy_right, dtype=np.int64)

    def pad_min(arr: np.ndarray | None, n: int) -> np.ndarray | None:
        return None if arr is None else np.concatenate([arr, np.zeros(n, np.int64)])

    out = CandidateGraph(
        n_left=n_left + n_dummy_left,
        n_right=n_right + n_dummy_right,
        left=left,
        right=right,
        weight=np.clip(weight / scale, 0.0, 1.0),
        left_capacity=np.concatenate([graph.left_capacity, ones_l]),
        right_capacity=np.concatenate([graph.right_capacity, ones_r]),
        left_min=pad_min(graph.left_min, n_dummy_left),
        right_min=pad_min(graph.right_min, n_dummy_right),
        required=None
        if graph.required is None
        else np.concatenate([graph.required, np.zeros(n_extra, dtype=bool)]),
        side_constraints=tuple(
            LinearConstraint(
                c.name,
                np.concatenate([c.coef, np.zeros(n_extra)]),
                c.sense,
                c.rhs,
                c.description,
            )
            for c in graph.side_constraints
        ),
    )
    return out, n_real, scale

"""What the candidate builder returns: the candidate set and its certificate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rmatch.rules import Rule
from rmatch.solvers import CandidateGraph


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
        LP-dual bound once [`certify()`][rmatch.certify] has run.
    n_allowed : int
        Allowed pairs before pruning.
    seconds : float
        Time spent building.
    theta_left, theta_right : numpy.ndarray
        ``float64`` per node: no allowed pair of this person that is *not* an edge
        scores more (``-inf``: every allowed partner is an edge).
    certificate : Certificate or None
        Set by [`certify()`][rmatch.certify] after solving.
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

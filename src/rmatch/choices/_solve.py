"""Solve with stated preferences: stable (deferred acceptance) or the best ranks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np

from rmatch.candidates import CandidateSet
from rmatch.choices._plan import Preferences, choice_stats, preferences, subgraph_ranks
from rmatch.choices._read import Choices, read_choices
from rmatch.constraints import translate
from rmatch.errors import ConfigError, InfeasibleGraphError, SolverError
from rmatch.people import People
from rmatch.rules import Rule
from rmatch.scoring import Criterion
from rmatch.solvers import Solution, solve, verify
from rmatch.solvers.stable import blocking_pairs, stable_edges

__all__ = ["ChoiceMatch", "SolverSettings", "match_choices", "rank_weights"]


class SolverSettings(Protocol):
    """What `ChoiceMatch.solve()` needs of a program (a `rmatch.Program`)."""

    method: str
    objective: str
    time_limit: float | None
    seed: int


def rank_weights(prefs: Preferences, acceptable_graph: Any) -> np.ndarray:
    """Weights in ``[0, 1]`` whose best total is the best rank utility, then score.

    ``(utility + eps * score) / (2 K + 1)`` with ``eps = 1 / (2 (P + 1))``, ``P`` a
    bound on the number of pairs: all the scores together weigh less than one unit
    of utility, so the order is exactly lexicographic (up to the solver's
    tolerance).
    """
    acc = prefs.acceptable
    pairs = max(int(acceptable_graph.max_pairs()), 1)
    eps = 1.0 / (2.0 * (pairs + 1))
    util = prefs.utility[acc].astype(np.float64)
    score = np.asarray(acceptable_graph.weight, dtype=np.float64)
    out: np.ndarray = np.clip(
        (util + eps * score) / (2.0 * prefs.longest + 1.0), 0.0, 1.0
    )
    return out


@dataclass(frozen=True, eq=False)
class ChoiceMatch:
    """A program's candidate set with stated preferences, ready to solve.

    Built by [`match_choices()`][rmatch.choices.match_choices]; ``Program.match``
    solves it and passes `report()` to the [`Matching`][rmatch.result.Matching].
    """

    people: People
    prefs: Preferences
    owners: Mapping[str, Any]

    @property
    def candidates(self) -> CandidateSet:
        """The candidate set (chosen pairs pruned by ``top_k`` added back)."""
        return self.prefs.candidates

    def solve(self, settings: SolverSettings) -> Solution:
        """Solve on the acceptable pairs with ``settings.method``.

        ``stable`` / ``stable:mentor``: deferred acceptance on the stated
        preferences (mentee- / mentor-optimal). Any other method maximizes the
        rank utility, ties broken by score, under the program's objective.
        """
        cs, prefs = self.candidates, self.prefs
        sub = cs.graph.subgraph(prefs.acceptable)
        kept = np.flatnonzero(prefs.acceptable)
        ranks = subgraph_ranks(prefs)
        name, _, variant = settings.method.partition(":")
        try:
            if name == "stable":
                sol = self._stable(sub, ranks, variant or "mentee", settings)
            else:
                weighted = replace(sub, weight=rank_weights(prefs, sub))
                sol = solve(
                    weighted,
                    method=settings.method,
                    objective=settings.objective,
                    time_limit=settings.time_limit,
                    seed=settings.seed,
                )
        except InfeasibleGraphError as err:
            raise translate(err, self.people, cs, self.owners) from None
        local = np.asarray(sol.edges, dtype=np.int64)
        edges = kept[local]
        utility = int(prefs.utility[edges].sum())
        stats = dict(sol.stats)
        stats["preferences"] = "choices"
        stats["blocking_pairs"] = int(blocking_pairs(sub, local, ranks).size)
        stats["choices"] = choice_stats(prefs, edges)
        objective_name, objective = sol.objective_name, float(sol.objective)
        bound, gap = sol.bound, sol.gap
        if settings.objective == "total":
            objective_name, objective = "rank utility", float(utility)
            proven = sol.status == "optimal"
            bound, gap = (objective, 0.0) if proven else (None, None)
        elif settings.objective == "fairness":
            objective = float(prefs.utility[edges].min()) if edges.size else 0.0
            proven = sol.status == "optimal"
            bound, gap = (objective, 0.0) if proven else (None, None)
        return replace(
            sol,
            edges=edges,
            total_score=float(np.sum(cs.graph.weight[edges])),
            objective=objective,
            objective_name=objective_name,
            bound=bound,
            gap=gap,
            method=f"{sol.method} on choices",
            stats=stats,
        )

    def _stable(
        self,
        sub: Any,
        ranks: tuple[np.ndarray, np.ndarray],
        proposer: str,
        settings: SolverSettings,
    ) -> Solution:
        if sub.side_constraints or sub.has_lower_bounds or sub.has_required:
            raise ConfigError(
                "method 'stable' does not support quotas, minimum loads or required "
                "pairs; use method='flow' or 'ilp' (the best ranks)"
            )
        local = stable_edges(sub, ranks, proposer)
        problems = verify(sub, local)
        if problems:  # pragma: no cover - a bug
            raise SolverError("stable matching breaks the rules: " + problems[0])
        total = float(np.sum(sub.weight[local]))
        return Solution(
            edges=local,
            total_score=total,
            objective=float(local.size) if settings.objective == "coverage" else total,
            bound=None,
            gap=None,
            status="feasible",
            method=f"stable(deferred-acceptance, {proposer}s propose)",
            objective_name=settings.objective,
            seconds=0.0,
            stats={
                "n_left": sub.n_left,
                "n_right": sub.n_right,
                "n_edges": sub.n_edges,
                "requested_method": settings.method,
                "n_pairs": int(local.size),
            },
        )

    def report(self, solution: Solution) -> dict[str, Any]:
        """``reasons`` and ``pair_columns`` for [`Matching`][rmatch.result.Matching]."""
        prefs = self.prefs
        e = np.asarray(solution.edges, dtype=np.int64)
        columns = {
            "mentee_choice": np.where(prefs.choice_r[e] > 0, prefs.choice_r[e], np.nan),
            "mentor_choice": np.where(prefs.choice_l[e] > 0, prefs.choice_l[e], np.nan),
        }
        stable = "stable" in solution.method
        return {"reasons": self._reasons(e, stable), "pair_columns": columns}

    def _reasons(self, e: np.ndarray, stable: bool) -> dict[str, tuple[str, str]]:
        """Why each unmatched chooser (or unchosen person) has no pair."""
        cs, prefs, people = self.candidates, self.prefs, self.people
        g = cs.graph
        out: dict[str, tuple[str, str]] = {}
        matched = np.zeros(len(people), dtype=bool)
        matched[cs.mentors[g.left[e]]] = True
        matched[cs.mentees[g.right[e]]] = True
        acc = prefs.acceptable
        for nodes_of, node_arr, cap, chooser, choice, other in (
            (cs.mentees, g.right, g.right_capacity, prefs.chooser_r, prefs.choice_r,
             "mentor"),
            (cs.mentors, g.left, g.left_capacity, prefs.chooser_l, prefs.choice_l,
             "mentee"),
        ):  # fmt: skip
            n_nodes = nodes_of.size
            ranked = np.bincount(node_arr[choice > 0], minlength=n_nodes)
            accepted = np.bincount(node_arr[acc & (choice > 0)], minlength=n_nodes)
            degree = np.bincount(node_arr, minlength=n_nodes)
            open_ = np.bincount(node_arr[acc], minlength=n_nodes)
            # capacity 0 keeps its own reason
            for node in np.flatnonzero(~matched[nodes_of] & (cap > 0)).tolist():
                pid = str(people.ids[nodes_of[node]])
                if pid in out:
                    continue
                if chooser[node]:
                    out[pid] = self._chooser_reason(
                        pid, int(ranked[node]), int(accepted[node]), other, stable
                    )
                elif degree[node] and not open_[node]:
                    out[pid] = (
                        "not_chosen",
                        f"none of their {int(degree[node])} allowed {other}s chose "
                        f"them (people who rank are paired only with whom they "
                        "ranked)",
                    )
        return out

    def _chooser_reason(
        self, pid: str, ranked: int, accepted: int, other: str, stable: bool
    ) -> tuple[str, str]:
        forbidden = self.prefs.forbidden.get(pid, 0)
        if ranked == 0:
            return (
                "choices_forbidden",
                f"all {forbidden} of their choices are pairs the program's rules "
                "forbid",
            )
        if accepted == 0:
            return (
                "choices_unacceptable",
                f"none of the {ranked} {other}s they chose ranked them (a person "
                "who ranks accepts only whom they ranked)",
            )
        how = (
            f"each is full with {self._people_word(other)} it prefers"
            if stable
            else "they are taken in the best matching of everyone's ranks"
        )
        return (
            "choices_taken",
            f"none of their choices could take them: of the {ranked} {other}s they "
            f"chose, {accepted} would accept them, and {how}",
        )

    @staticmethod
    def _people_word(other: str) -> str:
        return "mentees" if other == "mentor" else "mentors"


def match_choices(
    choices: Choices | Any,
    people: People,
    cs: CandidateSet,
    *,
    criteria: Sequence[Criterion],
    rules: Sequence[Rule],
    owners: Mapping[str, Any] | None = None,
) -> ChoiceMatch:
    """Put ``choices`` (a [`Choices`][rmatch.choices.Choices] or a file) on ``cs``.

    What ``Program.match(people, choices=...)`` runs after building the candidate
    set; see [`rmatch.choices`][rmatch.choices].
    """
    chosen = read_choices(choices, people)
    prefs = preferences(chosen, people, cs, criteria, rules)
    return ChoiceMatch(people=people, prefs=prefs, owners=dict(owners or {}))

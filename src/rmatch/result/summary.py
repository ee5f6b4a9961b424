"""Summary: the headline figures of a matching, and the certified quality.

[`summary()`][rmatch.result.summary] computes coverage, scores, objective, bound, gap,
rules, constraints and unmatched reasons; [`quality()`][rmatch.result.quality] the bound
and gap over every allowed pair (also when the candidate graph was pruned).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rmatch.constraints import constraint_report
from rmatch.people import NOT_PARTICIPATING
from rmatch.result.export import to_json_safe
from rmatch.result.reasons import reason_label

if TYPE_CHECKING:
    from rmatch.candidates import CandidateSet
    from rmatch.people import People
    from rmatch.solvers import Solution

__all__ = ["Summary", "nothing_scored", "quality", "summary"]


@dataclass(frozen=True)
class Summary:
    """Headline figures of a matching (``print(result.summary())``)."""

    participants: int
    mentors: int
    mentees: int
    pairs: int
    mentees_matched: int
    mentors_matched: int
    coverage: float
    mean_score: float | None
    min_score: float | None
    objective_name: str
    objective: float
    total_score: float
    bound: float | None
    gap: float | None
    status: str
    method: str
    candidate_pairs: int
    pruned: bool
    unmatched: int
    rejected: int
    not_participating: int = 0
    rules: dict[str, int] = field(default_factory=dict)
    constraints: dict[str, str] = field(default_factory=dict)
    unmatched_reasons: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    blocking_pairs: int | None = None
    preferences: str = "scores"
    choices: dict[str, Any] = field(default_factory=dict)
    rounds: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        out: dict[str, Any] = to_json_safe(asdict(self))
        return out

    def __str__(self) -> str:
        def pct(x: float) -> str:
            return f"{x:.0%}"

        lines = [
            f"participants      {self.participants} ({self.mentors} mentor side, "
            f"{self.mentees} mentee side)",
            f"pairs             {self.pairs}",
            f"mentees matched   {self.mentees_matched} of {self.mentees} "
            f"({pct(self.coverage)})",
            f"mentors matched   {self.mentors_matched} of {self.mentors}",
        ]
        if self.mean_score is not None:
            lines.append(
                f"score             mean {self.mean_score:.3f}, "
                f"min {self.min_score:.3f}"
            )
        bound = "n/a" if self.bound is None else f"{self.bound:.4f}"
        gap = "n/a" if self.gap is None else f"{self.gap:.2%}"
        lines += [
            f"objective         {self.objective_name} = {self.objective:.4f} "
            f"(bound {bound}, gap {gap}, {self.status})",
            f"method            {self.method}"
            + (" on a pruned candidate graph" if self.pruned else ""),
            f"candidate pairs   {self.candidate_pairs}",
        ]
        if self.blocking_pairs is not None:
            lines.append(
                f"blocking pairs    {self.blocking_pairs} "
                f"(preferences: {self.preferences})"
            )
        if self.choices:
            c = self.choices
            mean = c.get("mean_rank")
            lines.append(
                f"choices           {c.get('first_choices', 0)} first choices, "
                f"{c.get('ranked_pairs', 0)} of {self.pairs} pairs ranked by "
                "someone"
                + ("" if mean is None else f", mean rank {mean:.2f}")
                + f", forbidden by rules: {c.get('dropped_forbidden', 0)}"
            )
        if self.rules:
            lines.append("rules (pairs removed):")
            lines += [f"  {k:<50} {v:>8}" for k, v in self.rules.items()]
        if self.constraints:
            lines.append("constraints (achieved):")
            lines += [f"  {k:<50} {v}" for k, v in self.constraints.items()]
        if self.unmatched:
            lines.append(f"unmatched         {self.unmatched}")
            lines += [f"  {v:>4} × {k}" for k, v in self.unmatched_reasons.items()]
        if self.rejected:
            lines.append(f"rejected rows     {self.rejected}")
        if self.not_participating:
            lines.append(f"not participating {self.not_participating}")
        if self.rounds:
            r = self.rounds
            lines.append(
                f"round {r['round']:<11} {r['kept']} kept, {r['ended']} ended, "
                f"{r['new']} new pairs"
            )
            p = r["previously_unmatched"]
            if p["people"]:
                possible = (
                    ""
                    if p["possible"] is None
                    else f" (most possible: {p['possible']})"
                )
                lines.append(
                    f"previously unmatched {p['matched']} of {p['people']} "
                    f"matched{possible}"
                )
        if self.warnings:
            lines.append("warnings:")
            lines += [f"  {w}" for w in self.warnings]
        if self.seconds:
            lines.append(
                "seconds           "
                + ", ".join(f"{k} {v:.3f}" for k, v in self.seconds.items())
            )
        return "\n".join(lines)


def quality(cs: CandidateSet, sol: Solution) -> tuple[float | None, float | None, str]:
    """Return ``(bound, gap, status)`` over every allowed pair, pruned or not.

    Parameters
    ----------
    cs : CandidateSet
        The candidate graph the solution was found on.
    sol : Solution
        The solver's output.

    Returns
    -------
    tuple
        The proven upper bound (None when unknown), the relative gap and the
        status. On a pruned graph the bound covers every allowed pair (see
        `rmatch.candidates.certify()`).
    """
    bound, gap, status = sol.bound, sol.gap, sol.status
    if not cs.pruned:
        return bound, gap, status
    if sol.objective_name != "total":
        # the solver's bound covers the pruned graph only
        return None, None, "feasible"
    bound = max(bound or 0.0, cs.upper_bound)
    gap = max(0.0, (bound - sol.objective) / max(abs(bound), 1e-9))
    return bound, gap, status if gap <= 1e-9 else "feasible"


def summary(
    people: People,
    cs: CandidateSet,
    sol: Solution,
    unmatched: pd.DataFrame,
    rejected: pd.DataFrame,
    *,
    constraints: Sequence[Any] = (),
    seconds: Mapping[str, float] | None = None,
    blocking: tuple[int, str] | None = None,
    warnings: Sequence[str] = (),
) -> Summary:
    """Return coverage, scores, objective, bound, gap, rules and unmatched.

    Parameters
    ----------
    people : People
    cs : CandidateSet
    sol : Solution
    unmatched : pandas.DataFrame
        The unmatched table (with ``reason_code``).
    rejected : pandas.DataFrame
        The rejected table (with ``reason_code``).
    constraints : sequence, optional
        The program's constraints, reported as achieved.
    seconds : mapping, optional
        Time per stage.
    blocking : (int, str), optional
        Blocking pairs and whose preferences they count (``"scores"`` or
        ``"choices"``); see [`Matching.blocking_pairs`][rmatch.result.Matching].
    warnings : sequence of str, optional
        What the run found suspicious (see `nothing_scored`).

    Returns
    -------
    Summary
    """
    g = cs.graph
    e = np.asarray(sol.edges, dtype=np.int64)
    scores = g.weight[e]
    not_participating = int((rejected["reason_code"] == NOT_PARTICIPATING).sum())
    rules = {
        rule.title(): int(cs.removed_right[r].sum()) for r, rule in enumerate(cs.rules)
    }
    reasons: dict[str, int] = {}
    for code in unmatched["reason_code"]:
        label = reason_label(str(code), cs.rules)
        reasons[label] = reasons.get(label, 0) + 1
    achieved: dict[str, str] = {}
    if constraints:
        achieved = constraint_report(people, cs, list(constraints), e)
    bound, gap, status = quality(cs, sol)
    return Summary(
        participants=int(np.count_nonzero(people.is_participant)),
        mentors=int(g.n_left),
        mentees=int(g.n_right),
        pairs=int(e.size),
        mentees_matched=int(np.unique(g.right[e]).size),
        mentors_matched=int(np.unique(g.left[e]).size),
        coverage=float(np.unique(g.right[e]).size / g.n_right) if g.n_right else 0.0,
        mean_score=float(scores.mean()) if scores.size else None,
        min_score=float(scores.min()) if scores.size else None,
        objective_name=sol.objective_name,
        objective=float(sol.objective),
        total_score=float(sol.total_score),
        bound=None if bound is None else float(bound),
        gap=None if gap is None else float(gap),
        status=status,
        method=sol.method,
        candidate_pairs=cs.n_edges,
        pruned=cs.pruned,
        unmatched=len(unmatched),
        rejected=len(rejected) - not_participating,
        not_participating=not_participating,
        rules=rules,
        constraints=achieved,
        unmatched_reasons={str(k): int(v) for k, v in reasons.items()},
        seconds={k: round(v, 4) for k, v in (seconds or {}).items()},
        blocking_pairs=None if blocking is None else int(blocking[0]),
        preferences="scores" if blocking is None else blocking[1],
        choices=dict(sol.stats.get("choices", {})),
        warnings=list(warnings),
    )


def nothing_scored(
    people: People, cs: CandidateSet, criteria: Sequence[Any]
) -> list[str]:
    """A warning when every candidate pair scores 0, naming the missing data.

    Parameters
    ----------
    people : People
    cs : CandidateSet
    criteria : sequence of Criterion
        The scoring criteria; each says what it misses
        ([`Criterion.nothing_found`][rmatch.scoring.Criterion.nothing_found]).

    Returns
    -------
    list of str
        Empty unless there are candidate pairs and none scores above 0.
    """
    weight = cs.graph.weight
    if weight.size == 0 or float(weight.max()) > 0:
        return []
    found = "; ".join(c.nothing_found(people) for c in criteria)
    return [
        f"every candidate pair scores 0: the criteria found nothing to score "
        f"({found}); the pairs are arbitrary"
    ]

"""Matching: the result of a program run, with explanations and exports.

Every participant ends in exactly one of three places: a pair (``pairs``), the
unmatched table with a concrete reason (``unmatched``), or the rejected table when
their input row could not be used (``rejected``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rmatch.export import to_json_safe, write_table
from rmatch.people import NOT_PARTICIPATING

if TYPE_CHECKING:
    from rmatch.candidates import CandidateSet
    from rmatch.people import People
    from rmatch.scoring import Criterion
    from rmatch.solvers._graph import Solution

__all__ = ["Explanation", "Matching", "Summary"]


def _ordinal(n: int) -> str:
    suffix = (
        "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    )
    return f"{n}{suffix}"


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
        if self.seconds:
            lines.append(
                "seconds           "
                + ", ".join(f"{k} {v:.3f}" for k, v in self.seconds.items())
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class Explanation:
    """Why a person got their partner(s), or why nobody (``print(...)`` for text)."""

    person_id: str
    name: str
    role: str
    status: str
    pairs: list[dict[str, Any]]
    reason: str | None
    rules: dict[str, int]
    candidates: int

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        out: dict[str, Any] = to_json_safe(asdict(self))
        return out

    def __str__(self) -> str:
        head = f"{self.name} ({self.person_id}), {self.role}: {self.status}"
        lines = [head]
        for p in self.pairs:
            lines.append(
                f"  {p['partner_role']} {p['partner_name']} ({p['partner_id']}): "
                f"score {p['score']:.3f}, {p['rank_text']}"
            )
            for c in p["criteria"]:
                value = "  n/a" if c["value"] is None else f"{c['value']:.2f}"
                lines.append(
                    f"    {c['criterion']:<12} {value}  weight {c['weight']:g}"
                    f"  {c['text']}" + (f" — {c['detail']}" if c["detail"] else "")
                )
            if p.get("better"):
                lines.append(f"    note: {p['better']}")
        if self.reason:
            lines.append(f"  reason: {self.reason}")
        lines.append(f"  allowed candidates: {self.candidates}")
        for title, count in self.rules.items():
            lines.append(f"  rule '{title}' removed {count} candidate(s)")
        return "\n".join(lines)


class Matching:
    """The pairs chosen by a program, and everyone left out, with reasons.

    Attributes
    ----------
    pairs : pandas.DataFrame
        ``mentor_id``, ``mentee_id``, ``score``, one column per criterion, then
        ``mentor_name`` and ``mentee_name``. Sorted by score (best first), then ids.
    unmatched : pandas.DataFrame
        ``id``, ``name``, ``role``, ``reason`` and a stable ``reason_code``
        (``capacity_zero``, ``no_partners``, ``rule:<name>``, ``rules``, ``pruned``,
        ``slots_exhausted``, ``taken``, ``objective``).
    rejected : pandas.DataFrame
        ``file``, ``row``, ``id``, ``reason``, ``reason_code``: input rows that
        were not used (``rejected``), and survey respondents who answered neither
        mentor nor mentee (``not_participating``; they stay in the org chart).
    solution : Solution
        Raw solver output (objective, bound, gap, status, method, stats).
    """

    def __init__(
        self,
        people: People,
        candidates: CandidateSet,
        solution: Solution,
        criteria: list[Criterion],
        *,
        seconds: dict[str, float] | None = None,
        program: dict[str, Any] | None = None,
        constraints: Sequence[Any] = (),
    ) -> None:
        self.people = people
        self.constraints = list(constraints)
        self.candidates = candidates
        self.solution = solution
        self.criteria = list(criteria)
        self.seconds = dict(seconds or {})
        self.program = program or {}
        self.pairs = self._pairs_frame()
        self.unmatched = self._unmatched_frame()
        self.rejected = pd.DataFrame(
            [
                {
                    "file": str(r.get("file", people.source)),
                    "row": r.get("row"),
                    "id": str(r.get("id", "")),
                    "reason": str(r.get("reason", "")),
                    "reason_code": str(r.get("code", "rejected")),
                }
                for r in people.rejected
            ],
            columns=["file", "row", "id", "reason", "reason_code"],
        )

    # ------------------------------------------------------------------ tables
    def _chosen(self) -> np.ndarray:
        return np.asarray(self.solution.edges, dtype=np.int64)

    def _pairs_frame(self) -> pd.DataFrame:
        cs, people = self.candidates, self.people
        e = self._chosen()
        g = cs.graph
        mentor_pos = cs.mentors[g.left[e]]
        mentee_pos = cs.mentees[g.right[e]]
        data: dict[str, Any] = {
            "mentor_id": people.ids[mentor_pos].astype(str),
            "mentee_id": people.ids[mentee_pos].astype(str),
            "score": g.weight[e].astype(np.float64),
        }
        for c, name in enumerate(cs.criteria):
            data[name] = cs.criterion_scores[e, c].astype(np.float64)
        data["mentor_name"] = [people.name_of(int(i)) for i in mentor_pos]
        data["mentee_name"] = [people.name_of(int(i)) for i in mentee_pos]
        frame = pd.DataFrame(data)
        if len(frame):
            frame = frame.sort_values(
                ["score", "mentor_id", "mentee_id"],
                ascending=[False, True, True],
                kind="mergesort",
            ).reset_index(drop=True)
        return frame

    def _unmatched_frame(self) -> pd.DataFrame:
        from rmatch.reasons import unmatched_reasons

        rows = unmatched_reasons(self.people, self.candidates, self.solution)
        return pd.DataFrame(
            rows, columns=["id", "name", "role", "reason", "reason_code"]
        )

    # ------------------------------------------------------------------ figures
    @property
    def objective(self) -> float:
        """Value of the objective that was optimized."""
        return float(self.solution.objective)

    @property
    def total_score(self) -> float:
        """Sum of the scores of the chosen pairs."""
        return float(self.solution.total_score)

    @property
    def bound(self) -> float | None:
        """Proven upper bound on the objective (None when unknown).

        On a pruned candidate graph this bounds every allowed pair, not only the
        candidates (see :func:`rmatch.certify.certify`).
        """
        return self._quality()[0]

    @property
    def gap(self) -> float | None:
        """Relative gap between the bound and the objective."""
        return self._quality()[1]

    def _quality(self) -> tuple[float | None, float | None, str]:
        """``(bound, gap, status)`` over every allowed pair, pruned or not."""
        cs, sol = self.candidates, self.solution
        bound, gap, status = sol.bound, sol.gap, sol.status
        if not cs.pruned:
            return bound, gap, status
        if sol.objective_name != "total":
            # the solver's bound covers the pruned graph only
            return None, None, "feasible"
        bound = max(bound or 0.0, cs.upper_bound)
        gap = max(0.0, (bound - sol.objective) / max(abs(bound), 1e-9))
        return bound, gap, status if gap <= 1e-9 else "feasible"

    def summary(self) -> Summary:
        """Return coverage, scores, objective, bound, gap, rules and unmatched."""
        cs, people, sol = self.candidates, self.people, self.solution
        g = cs.graph
        e = self._chosen()
        scores = g.weight[e]
        not_participating = int(
            (self.rejected["reason_code"] == NOT_PARTICIPATING).sum()
        )
        rules = {
            rule.title(): int(cs.removed_right[r].sum())
            for r, rule in enumerate(cs.rules)
        }
        from rmatch.reasons import reason_label

        reasons: dict[str, int] = {}
        for code in self.unmatched["reason_code"]:
            label = reason_label(str(code), cs.rules)
            reasons[label] = reasons.get(label, 0) + 1
        constraints: dict[str, str] = {}
        if self.constraints:
            from rmatch.constraints import constraint_report

            constraints = constraint_report(people, cs, self.constraints, e)
        pruned = cs.pruned
        bound, gap, status = self._quality()
        return Summary(
            participants=int(np.count_nonzero(people.is_participant)),
            mentors=int(g.n_left),
            mentees=int(g.n_right),
            pairs=int(e.size),
            mentees_matched=int(np.unique(g.right[e]).size),
            mentors_matched=int(np.unique(g.left[e]).size),
            coverage=float(np.unique(g.right[e]).size / g.n_right)
            if g.n_right
            else 0.0,
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
            pruned=pruned,
            unmatched=len(self.unmatched),
            rejected=len(self.rejected) - not_participating,
            not_participating=not_participating,
            rules=rules,
            constraints=constraints,
            unmatched_reasons={str(k): int(v) for k, v in reasons.items()},
            seconds={k: round(v, 4) for k, v in self.seconds.items()},
        )

    # ------------------------------------------------------------------ explain
    def explain(self, person_id: str) -> Explanation:
        """Explain one person's pairs (or why they have none).

        Parameters
        ----------
        person_id : str

        Returns
        -------
        Explanation
            ``print()`` it for text; ``.to_dict()`` for HR tools.
        """
        from rmatch.reasons import explain_person

        return explain_person(self, str(person_id))

    # ------------------------------------------------------------------ export
    def to_records(self) -> dict[str, Any]:
        """Return pairs, unmatched, rejected and the summary as JSON-safe data."""
        out: dict[str, Any] = to_json_safe(
            {
                "pairs": self.pairs.to_dict(orient="records"),
                "unmatched": self.unmatched.to_dict(orient="records"),
                "rejected": self.rejected.to_dict(orient="records"),
                "summary": self.summary().to_dict(),
            }
        )
        return out

    def to_json(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_records` as JSON."""
        target = Path(path)
        target.write_text(
            json.dumps(self.to_records(), ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        return target

    def to_csv(
        self,
        path: str | os.PathLike[str],
        *,
        unmatched: str | os.PathLike[str] | None = None,
        bom: bool = False,
    ) -> Path:
        """Write the pairs (and optionally the unmatched) as spreadsheet-safe CSV.

        Parameters
        ----------
        path : path
            ``pairs.csv``; ``.xlsx`` and ``.json`` work too.
        unmatched : path, optional
            Where to write the unmatched table (with the rejected rows appended).
        bom : bool, default False
            Write UTF-8 with a byte-order mark (for Excel).
        """
        out = write_table(self.pairs, path, bom=bom)
        if unmatched is not None:
            write_table(self.unmatched_and_rejected(), unmatched, bom=bom)
        return out

    def unmatched_and_rejected(self) -> pd.DataFrame:
        """Unmatched people and rejected rows in one table (``status`` column).

        ``status`` is ``unmatched``, ``rejected`` or ``not participating``.
        """
        a = self.unmatched.assign(status="unmatched", row="", file="")
        status = np.where(
            self.rejected["reason_code"] == NOT_PARTICIPATING,
            "not participating",
            "rejected",
        )
        b = self.rejected.assign(status=status, name="", role="")
        cols = ["id", "name", "role", "status", "reason", "reason_code", "file", "row"]
        return pd.concat([a[cols], b[cols]], ignore_index=True)

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"Matching(pairs={s.pairs}, unmatched={s.unmatched}, "
            f"objective={s.objective:.4f}, method={s.method!r}, status={s.status!r})"
        )

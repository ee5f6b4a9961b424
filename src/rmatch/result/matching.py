"""Matching: the result of a program run, with explanations and exports.

Every participant ends in exactly one of three places: a pair (``pairs``), the
unmatched table with a concrete reason (``unmatched``), or the rejected table when
their input row could not be used (``rejected``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rmatch.people import NOT_PARTICIPATING
from rmatch.result.explanation import Explanation
from rmatch.result.export import to_json_safe, write_table
from rmatch.result.reasons import explain_person, unmatched_reasons
from rmatch.result.summary import Summary, quality, summary

if TYPE_CHECKING:
    from rmatch.candidates import CandidateSet
    from rmatch.people import People
    from rmatch.scoring import Criterion
    from rmatch.solvers import Solution

__all__ = ["Matching"]


class Matching:
    """The pairs chosen by a program, and everyone left out, with reasons.

    Attributes
    ----------
    pairs : pandas.DataFrame
        ``mentor_id``, ``mentee_id``, ``score``, one column per criterion, then
        ``mentor_name`` and ``mentee_name``. Sorted by score (best first), then ids.
    unmatched : pandas.DataFrame
        ``id``, ``name``, ``role``, ``reason``, a stable ``reason_code``
        (``capacity_zero``, ``no_partners``, ``rule:<name>``, ``rules``, ``pruned``,
        ``slots_exhausted``, ``taken``, ``objective``).
    rejected : pandas.DataFrame
        ``file``, ``row``, ``id``, ``reason``, ``reason_code``, ``name``: input rows
        that were not used (``rejected``), and survey respondents who answered
        neither mentor nor mentee (``not_participating``; they stay in the org
        chart). A rejected duplicate answer carries the id the kept answer got
        (e.g. from the HR file) and the name. ``unmatched`` has the ``file`` and
        ``row`` each person was read from too.
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
        self.unmatched = self._with_source(self.unmatched)  # where to fix the row
        self.rejected = pd.DataFrame(
            [
                {
                    "file": str(r.get("file", people.source)),
                    "row": r.get("row"),
                    "id": str(r.get("id", "")),
                    "reason": str(r.get("reason", "")),
                    "reason_code": str(r.get("code", "rejected")),
                    "name": str(r.get("name", "")),
                }
                for r in people.rejected
            ],
            columns=["file", "row", "id", "reason", "reason_code", "name"],
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
        rows = unmatched_reasons(self.people, self.candidates, self.solution)
        return pd.DataFrame(
            rows, columns=["id", "name", "role", "reason", "reason_code"]
        )

    def _with_source(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (with an ``id`` column) plus the ``file`` and ``row`` read from."""
        people = self.people
        positions = people.positions(frame["id"]).tolist()
        rows: list[Any] = [people.row_of(p) if p >= 0 else None for p in positions]
        return frame.assign(
            file=[people.file_of(p) if p >= 0 else "" for p in positions],
            row=pd.Series(rows, index=frame.index, dtype=object),
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
        candidates (see [`rmatch.result.quality()`][rmatch.result.quality]).
        """
        return self._quality()[0]

    @property
    def gap(self) -> float | None:
        """Relative gap between the bound and the objective."""
        return self._quality()[1]

    def _quality(self) -> tuple[float | None, float | None, str]:
        """``(bound, gap, status)`` over every allowed pair, pruned or not."""
        return quality(self.candidates, self.solution)

    def summary(self) -> Summary:
        """Return coverage, scores, objective, bound, gap, rules and unmatched."""
        return summary(
            self.people,
            self.candidates,
            self.solution,
            self.unmatched,
            self.rejected,
            constraints=self.constraints,
            seconds=self.seconds,
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
        return explain_person(
            self.people,
            self.candidates,
            self.solution,
            self.criteria,
            self.unmatched,
            str(person_id),
        )

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
        """Write `to_records()` as JSON."""
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
        a = self.unmatched.assign(status="unmatched")
        status = np.where(
            self.rejected["reason_code"] == NOT_PARTICIPATING,
            "not participating",
            "rejected",
        )
        b = self.rejected.assign(status=status, role="")
        cols = ["id", "name", "role", "status", "reason", "reason_code", "file", "row"]
        return pd.concat([a[cols], b[cols]], ignore_index=True)

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"Matching(pairs={s.pairs}, unmatched={s.unmatched}, "
            f"objective={s.objective:.4f}, method={s.method!r}, status={s.status!r})"
        )

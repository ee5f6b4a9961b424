"""Matching: the result of a program run, with explanations and exports.

Every participant ends in exactly one of three places: a pair (``pairs``), the
unmatched table with a concrete reason (``unmatched``), or the rejected table when
their input row could not be used (``rejected``).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rmatch.people import NOT_PARTICIPATING
from rmatch.result.explanation import Explanation, ordinal
from rmatch.result.export import frame_records, to_json_safe, write_json, write_table
from rmatch.result.reasons import explain_person, unmatched_table
from rmatch.result.summary import Summary, nothing_scored, quality, summary
from rmatch.solvers import blocking_pairs

if TYPE_CHECKING:
    from rmatch.candidates import CandidateSet
    from rmatch.people import People
    from rmatch.report import Comparison, Report
    from rmatch.scoring import Criterion
    from rmatch.solvers import Solution

__all__ = ["SCHEMA_VERSION", "Matching", "schema_path"]

#: Version of the JSON written by `Matching.to_json` (``schema_version``); the JSON
#: Schema ships as ``rmatch/result/matching.schema.json``.
SCHEMA_VERSION = "1.0"


def schema_path() -> Path:
    """Path of the JSON Schema of `Matching.to_json` output (shipped with rmatch)."""
    return Path(__file__).with_name("matching.schema.json")


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
        ``slots_exhausted``, ``taken``, ``objective``; with choices
        ``choices_forbidden``, ``choices_unacceptable``, ``choices_taken``,
        ``not_chosen``, see [`rmatch.choices`][rmatch.choices]).
    rejected : pandas.DataFrame
        ``file``, ``row``, ``id``, ``reason``, ``reason_code``, ``name``: input rows
        that were not used (``rejected``), and survey respondents who answered
        neither mentor nor mentee (``not_participating``; they stay in the org
        chart). A rejected duplicate answer carries the id the kept answer got
        (e.g. from the HR file) and the name. ``unmatched`` has the ``file`` and
        ``row`` each person was read from too.
    solution : Solution
        Raw solver output (objective, bound, gap, status, method, stats).

    Notes
    -----
    A program matched with choices ([`rmatch.choices`][rmatch.choices]) passes
    ``reasons`` (person id -> ``(reason_code, reason)``, replacing the default reason
    of an unmatched person) and ``pair_columns`` (extra ``pairs`` columns, one value
    per chosen edge in ``solution.edges`` order) to the constructor.
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
        reasons: Mapping[str, tuple[str, str]] | None = None,
        pair_columns: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self._reasons = dict(reasons or {})  # id -> (code, text) replacing the default
        self._pair_columns = dict(pair_columns or {})  # per chosen edge, edge order
        self.people = people
        self.constraints = list(constraints)
        self.candidates = candidates
        self.solution = solution
        self.criteria = list(criteria)
        self.seconds = dict(seconds or {})
        self.program = program or {}
        #: Changelog of a re-match (``rmatch.feedback``): None for a first round.
        self.changes: pd.DataFrame | None = None
        #: Round number, history and priority report of a re-match.
        self.rounds: dict[str, Any] = {}

    # The tables are built on first use (a plan of n rounds makes n results, and a
    # caller may only want the totals); each is built once, and may be replaced.
    @cached_property
    def pairs(self) -> pd.DataFrame:
        """The chosen pairs (see the class docstring)."""
        return self._pairs_frame()

    @cached_property
    def unmatched(self) -> pd.DataFrame:
        """Everyone left out, with the reason, file and row (see the class)."""
        return self._unmatched_frame()  # with the file and row: where to fix it

    @cached_property
    def warnings(self) -> list[str]:
        """Warnings about the run (e.g. every score is 0), also in `summary()`."""
        return nothing_scored(self.people, self.candidates, self.criteria)

    @cached_property
    def rejected(self) -> pd.DataFrame:
        """Input rows that were not used (see the class docstring)."""
        people = self.people
        return pd.DataFrame(
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
        data.update(self._pair_columns)
        data["mentor_name"] = people.names_of(mentor_pos)
        data["mentee_name"] = people.names_of(mentee_pos)
        frame = pd.DataFrame(data)
        if len(frame):
            frame = frame.sort_values(
                ["score", "mentor_id", "mentee_id"],
                ascending=[False, True, True],
                kind="mergesort",
            ).reset_index(drop=True)
        return frame

    def _unmatched_frame(self) -> pd.DataFrame:
        table = unmatched_table(self.people, self.candidates, self.solution)
        # by id, not by row
        table = table.sort_values("id", kind="stable", ignore_index=True)
        if self._reasons and len(table):
            replaced = table["id"].map(self._reasons)
            hit = replaced.notna().to_numpy()
            if hit.any():
                table.loc[hit, "reason_code"] = [r[0] for r in replaced[hit]]
                table.loc[hit, "reason"] = [r[1] for r in replaced[hit]]
        return self._with_source(table)

    def _with_source(self, table: pd.DataFrame) -> pd.DataFrame:
        """``table`` (with a ``position`` column) plus the ``file`` and ``row`` read
        from, and without the position."""
        people = self.people
        at = table.pop("position").to_numpy(dtype=np.int64)
        if people.files is None:
            files: Any = pd.Series([people.source] * len(at), dtype=object)
        else:
            files = pd.Series(people.files[at].astype(str), dtype=object)
        files.index = table.index
        rows = people.rows[at].astype(int).tolist() if people.rows.size else None
        if rows is None:
            rows = [None] * len(at)
        return table.assign(
            file=files, row=pd.Series(rows, index=table.index, dtype=object)
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
        out = summary(
            self.people,
            self.candidates,
            self.solution,
            self.unmatched,
            self.rejected,
            constraints=self.constraints,
            seconds=self.seconds,
            blocking=(self.blocking_pairs, self.preferences),
            warnings=self.warnings,
        )
        if self.rounds:
            keep = ("round", "kept", "ended", "new", "previously_unmatched")
            out = dataclasses.replace(
                out, rounds={k: self.rounds[k] for k in keep if k in self.rounds}
            )
        return out

    @property
    def preferences(self) -> str:
        """Whose preferences `blocking_pairs` uses: ``"scores"`` or ``"choices"``."""
        return str(self.solution.stats.get("preferences", "scores"))

    @cached_property
    def blocking_pairs(self) -> int:
        """Pairs not chosen that would both rather be together (0: stable).

        A candidate pair blocks when each of the two has a free place or prefers
        the other to their worst partner. Preferences are the stated choices when
        the program matched with choices ([`rmatch.choices`][rmatch.choices]), else
        the scores (ties by position), as ``method="stable"`` uses. Only candidate
        pairs are checked (on a pruned graph, pruned pairs are not).
        """
        stats = self.solution.stats
        if "blocking_pairs" in stats:
            return int(stats["blocking_pairs"])
        return int(blocking_pairs(self.candidates.graph, self._chosen()).size)

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
        out = explain_person(
            self.people,
            self.candidates,
            self.solution,
            self.criteria,
            self.unmatched,
            str(person_id),
        )
        if "mentee_choice" in self._pair_columns:  # matched on stated choices
            self._add_choices(out)
        return out

    def _add_choices(self, out: Explanation) -> None:
        """Say which of their choices each partner was (the scores did not decide)."""
        for pair in out.pairs:
            me, other = out.person_id, pair["partner_id"]
            ids = (other, me) if pair["as"] == "mentee" else (me, other)
            row = self.pairs[
                (self.pairs["mentor_id"] == ids[0])
                & (self.pairs["mentee_id"] == ids[1])
            ]
            rank = row[f"{pair['as']}_choice"].iloc[0] if len(row) else np.nan
            pair["choice"] = None if np.isnan(rank) else int(rank)
            pair["rank_text"] += (
                "; not ranked by them"
                if pair["choice"] is None
                else f"; their {ordinal(pair['choice'])} choice"
            )
            pair["better"] = None  # the stated preferences chose, not the scores

    # ------------------------------------------------------------------ report
    def report(
        self,
        *,
        prices: pd.DataFrame | None = None,
        compare: Comparison | None = None,
        explain: bool = True,
    ) -> Report:
        """Return the program owner's report (tables, charts, a shareable page).

        Parameters
        ----------
        prices : pandas.DataFrame, optional
            The table of [`price_of_rules()`][rmatch.analysis.price_of_rules], shown
            as the price of each rule.
        compare : Comparison, optional
            Another matching of the same people, shown side by side
            ([`Comparison`][rmatch.report.Comparison]).
        explain : bool, default True
            Give every pair its explanation text (criteria, values, details).

        Returns
        -------
        Report
            ``.coverage``, ``.scores``, ``.criteria``... are DataFrames;
            ``.to_html(path)`` writes the page.
        """
        from rmatch.report import build_report
        from rmatch.result.reporting import report_inputs

        data = report_inputs(self, explain=explain)
        return build_report(**data, prices=prices, compare=compare)

    # ------------------------------------------------------------------ export
    def to_records(
        self, *, report: bool = False, explain: bool = False, timings: bool = False
    ) -> dict[str, Any]:
        """Return pairs, unmatched, rejected and the summary as JSON-safe data.

        Also ``schema_version`` (`rmatch.result.SCHEMA_VERSION`)
        and the ``program`` settings; after a re-match, ``changes`` (the
        changelog) and ``rounds`` (the history the next round needs). With
        ``report`` the records also hold a ``report`` part (the
        participants' groups, capacities and skills, the criterion weights) from
        which [`report_from_records()`][rmatch.report.report_from_records] rebuilds
        the report (one row per participant: large for a large program, so it is
        left out by default; [`to_json()`][rmatch.result.Matching.to_json] writes
        it, for ``rmatch report result.json``); with ``explain`` it holds one
        explanation text per pair too. The seconds per stage vary from run to
        run, so they are left out unless ``timings`` (a top-level ``"timings"``
        field): the same input and program then give byte-identical JSON.
        """
        summary = self.summary().to_dict()
        seconds = summary.pop("seconds", {})
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "program": to_json_safe(self.program),
            "pairs": frame_records(self.pairs),
            "unmatched": frame_records(self.unmatched),
            "rejected": frame_records(self.rejected),
            "summary": to_json_safe(summary),
        }
        if timings:
            out["timings"] = to_json_safe(seconds)
        if self.changes is not None:
            out["changes"] = frame_records(self.changes)
        if self.rounds:
            out["rounds"] = to_json_safe(self.rounds)
        if report:
            from rmatch.result.reporting import report_section

            out["report"] = report_section(self, explain=explain)
        return out

    def to_json(
        self,
        path: str | os.PathLike[str],
        *,
        report: bool = True,
        explain: bool = True,
        timings: bool = False,
    ) -> Path:
        """Write `to_records()` as JSON, by default with the ``report`` part.

        ``report`` and ``explain`` (an explanation per pair) are what ``rmatch
        report result.json`` needs; timings are left out unless ``timings=True``
        (see `to_records`).
        """
        records = self.to_records(report=report, explain=explain, timings=timings)
        return write_json(records, path)

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

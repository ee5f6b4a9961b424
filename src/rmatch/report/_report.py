"""Report: the program owner's tables, charts and shareable page, from plain data."""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rmatch.people import NOT_PARTICIPATING
from rmatch.report._tables import (
    capacity_use,
    coverage,
    criterion_contributions,
    matching_figures,
    mix,
    people_status,
    reasons,
    score_distribution,
    skills_covered,
)

__all__ = ["CHARTS_HINT", "Comparison", "Report", "build_report", "report_from_records"]

#: What to install for charts (said once per report when pygal is missing).
CHARTS_HINT = "charts need pygal: pip install 'rmatch[report]'"

#: Fields of the certificate, in order, with their labels.
_CERTIFICATE = (
    ("objective_name", "objective"),
    ("objective", "objective value"),
    ("total_score", "total score"),
    ("bound", "upper bound"),
    ("gap", "gap"),
    ("status", "status"),
    ("method", "solver"),
    ("candidate_pairs", "candidate pairs"),
    ("pruned", "pruned candidate graph"),
)


@dataclass(frozen=True)
class Comparison:
    """Another matching of the same people, to show side by side.

    Build one by hand, or get one from the pairs checker (``rmatch check``).

    Attributes
    ----------
    name : str
        How the other matching is called in the report (``"last round"``,
        ``"hand-made"``).
    pairs : pandas.DataFrame
        ``mentor_id`` and ``mentee_id``; ``score`` when known.
    objective : float
        Its objective under the program (NaN when unknown).
    findings : pandas.DataFrame
        What it breaks: ``kind``, ``rule``, ``people``, ``message`` (empty when
        nothing).
    """

    name: str
    pairs: pd.DataFrame
    objective: float = float("nan")
    findings: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["kind", "rule", "people", "message"]
        )
    )


@dataclass(eq=False, repr=False)
class Report:
    """The program owner's report: every part a DataFrame, plus charts and a page.

    Build one with [`Matching.report()`][rmatch.result.Matching.report], from the
    JSON of [`Matching.to_json()`][rmatch.result.Matching.to_json] with
    [`report_from_records()`][rmatch.report.report_from_records], or from plain
    tables with [`build_report()`][rmatch.report.build_report].

    Attributes
    ----------
    title : str
    overview : pandas.DataFrame
        ``measure``, ``value``: the headline figures.
    people : pandas.DataFrame
        One row per participant: ``id``, ``role``, ``department``, ``location``,
        ``seniority``, ``seniority_band``, ``status`` (``matched`` /
        ``unmatched``), ``pairs``, ``as_mentor``, ``as_mentee``.
    coverage : pandas.DataFrame
        Coverage overall and by role, department, seniority band and location.
    scores : pandas.DataFrame
        The score distribution (bins).
    criteria : pandas.DataFrame
        Each criterion's mean value and contribution to the scores.
    mix : pandas.DataFrame
        Cross-department and cross-location shares; in reverse mode the share of
        pairs where the mentor is junior.
    skills : pandas.DataFrame
        Skills wanted by mentees against skills covered by their mentors.
    reasons : pandas.DataFrame
        The unmatched (and rejected rows) counted by reason.
    capacity : pandas.DataFrame
        Slots offered and used per side.
    certificate : pandas.DataFrame
        ``field``, ``value``: objective, bound, gap, status, solver, seconds.
    rules : pandas.DataFrame
        ``rule``, ``pairs_removed``.
    pairs : pandas.DataFrame
        The pairs, with ``explanation`` (plain text) when given.
    unmatched : pandas.DataFrame
        ``id``, ``name``, ``role``, ``reason``, ``reason_code``.
    rejected : pandas.DataFrame
        Input rows that were not used.
    prices : pandas.DataFrame or None
        The price of each rule, when asked
        ([`price_of_rules()`][rmatch.analysis.price_of_rules]).
    comparison : pandas.DataFrame or None
        ``measure``, then one column per matching, side by side.
    findings : pandas.DataFrame or None
        What the compared matching breaks.
    compare_name : str or None
    """

    title: str
    overview: pd.DataFrame
    people: pd.DataFrame
    coverage: pd.DataFrame
    scores: pd.DataFrame
    criteria: pd.DataFrame
    mix: pd.DataFrame
    skills: pd.DataFrame
    reasons: pd.DataFrame
    capacity: pd.DataFrame
    certificate: pd.DataFrame
    rules: pd.DataFrame
    pairs: pd.DataFrame
    unmatched: pd.DataFrame
    rejected: pd.DataFrame
    prices: pd.DataFrame | None = None
    comparison: pd.DataFrame | None = None
    findings: pd.DataFrame | None = None
    compare_name: str | None = None
    _charts: dict[str, str] | None = field(default=None, repr=False)
    _note: str | None = field(default=None, repr=False)

    #: The tables of [`tables()`][rmatch.report.Report.tables], in page order.
    TABLES = (
        "overview",
        "coverage",
        "scores",
        "criteria",
        "mix",
        "skills",
        "reasons",
        "capacity",
        "certificate",
        "rules",
        "prices",
        "comparison",
        "findings",
    )

    def tables(self) -> dict[str, pd.DataFrame]:
        """Return the summary tables by name (those present), in page order."""
        out = {}
        for name in self.TABLES:
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @property
    def charts(self) -> dict[str, str]:
        """Charts as SVG text by name (empty without pygal).

        Without pygal the first access warns once: ``pip install
        'rmatch[report]'``; the tables work all the same.
        """
        if self._charts is None:
            from rmatch.report._charts import ChartsUnavailable, make_charts

            try:
                self._charts = make_charts(self)
            except ChartsUnavailable:
                self._charts = {}
                self._note = CHARTS_HINT
                warnings.warn(CHARTS_HINT, UserWarning, stacklevel=2)
        return self._charts

    @property
    def charts_note(self) -> str | None:
        """Why there are no charts (``None`` when they were made or not yet asked)."""
        return self._note

    def to_html(self, path: str | os.PathLike[str], *, names: bool = True) -> Path:
        """Write the report as one self-contained HTML page.

        The page opens offline: styles, charts (inline SVG) and a few lines of
        script are in the file; nothing is loaded from anywhere. It has a searchable
        table of the pairs with their explanations and one of the unmatched with
        their reasons. Every value from the sign-ups is escaped: a name such as
        ``<img src=x onerror=alert(1)>`` is shown as text.

        Parameters
        ----------
        path : path
        names : bool, default True
            ``False`` leaves every name out (ids only), for sharing outside HR.

        Returns
        -------
        pathlib.Path
        """
        from rmatch.report._html import render

        target = Path(path)
        target.write_text(render(self, names=names), encoding="utf-8")
        return target

    def __repr__(self) -> str:
        return (
            f"Report({self.title!r}, participants={len(self.people)}, "
            f"pairs={len(self.pairs)}, tables={list(self.tables())})"
        )

    def __str__(self) -> str:
        figures = self.overview.set_index("measure")["value"]
        lines = [self.title]
        for measure, value in figures.items():
            shown = f"{value:.4g}" if isinstance(value, float) else str(value)
            lines.append(f"  {measure:<24} {shown}")
        return "\n".join(lines)


def _certificate(summary: Mapping[str, Any]) -> pd.DataFrame:
    rows = [(label, summary.get(key)) for key, label in _CERTIFICATE if key in summary]
    seconds = summary.get("seconds") or {}
    if seconds:
        rows.append(("seconds", round(float(sum(seconds.values())), 4)))
        rows += [(f"seconds: {k}", v) for k, v in seconds.items()]
    return pd.DataFrame(rows, columns=["field", "value"])


def _overview(
    people: pd.DataFrame,
    pairs: pd.DataFrame,
    unmatched: pd.DataFrame,
    rejected: pd.DataFrame,
    coverage: pd.DataFrame,
    summary: Mapping[str, Any],
) -> pd.DataFrame:
    codes = (
        rejected["reason_code"].astype(str)
        if len(rejected)
        else pd.Series([], dtype=str)
    )
    n_not = int((codes == NOT_PARTICIPATING).sum())
    everyone = coverage.iloc[0]
    scores = pd.to_numeric(pairs["score"], errors="coerce") if len(pairs) else None
    rows: list[tuple[str, Any]] = [
        ("participants", len(people)),
        ("pairs", len(pairs)),
        ("matched", int(everyone["matched"])),
        ("unmatched", len(unmatched)),
        ("rejected rows", len(rejected) - n_not),
        ("not participating", n_not),
        ("coverage", float(everyone["coverage"])),
        ("mentee coverage", float(everyone["mentee_coverage"])),
        ("mean score", float(scores.mean()) if scores is not None else np.nan),
        ("median score", float(scores.median()) if scores is not None else np.nan),
        ("min score", float(scores.min()) if scores is not None else np.nan),
    ]
    for key, label in (
        ("objective", "objective"),
        ("gap", "gap"),
        ("status", "status"),
    ):
        if key in summary:
            rows.append((label, summary[key]))
    return pd.DataFrame(rows, columns=["measure", "value"])


def _comparison(
    compare: Comparison,
    pairs: pd.DataFrame,
    people: pd.DataFrame,
    summary: Mapping[str, Any],
    *,
    reverse: bool,
) -> pd.DataFrame:
    mine = matching_figures(pairs, people, reverse=reverse)
    theirs = matching_figures(compare.pairs, people, reverse=reverse)
    mine["objective"] = float(summary.get("objective", np.nan))
    theirs["objective"] = float(compare.objective)
    key = ["mentor_id", "mentee_id"]
    common = (
        pairs[key].astype(str).merge(compare.pairs[key].astype(str).drop_duplicates())
    )
    mine["pairs in both"] = theirs["pairs in both"] = float(len(common))
    mine["findings"] = 0.0
    theirs["findings"] = float(len(compare.findings))
    name = compare.name if compare.name != "rmatch" else "rmatch (compared)"
    return pd.DataFrame(
        {
            "measure": list(mine),
            "rmatch": list(mine.values()),
            name: [theirs[k] for k in mine],
        }
    )


def build_report(
    pairs: pd.DataFrame,
    unmatched: pd.DataFrame,
    rejected: pd.DataFrame,
    participants: pd.DataFrame,
    *,
    weights: Mapping[str, float],
    summary: Mapping[str, Any],
    skills: pd.DataFrame | None = None,
    reason_labels: Mapping[str, str] | None = None,
    explanations: Sequence[str] | None = None,
    reverse: bool = False,
    prices: pd.DataFrame | None = None,
    compare: Comparison | None = None,
    title: str = "Mentoring program report",
) -> Report:
    """Build a [`Report`][rmatch.report.Report] from plain tables.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``mentor_id``, ``mentee_id``, ``score``, one column per criterion, names.
    unmatched : pandas.DataFrame
        ``id``, ``name``, ``role``, ``reason``, ``reason_code``.
    rejected : pandas.DataFrame
        ``file``, ``row``, ``id``, ``reason``, ``reason_code``.
    participants : pandas.DataFrame
        One row per participant: ``id``, ``role``; ``department``, ``location``,
        ``seniority``, ``mentor_capacity``, ``mentee_capacity`` when known.
    weights : mapping of str to float
        Criterion column of ``pairs`` -> weight.
    summary : mapping
        The certificate: ``objective``, ``bound``, ``gap``, ``status``, ``method``
        (the solver), ``seconds``... (the dict of
        [`Summary`][rmatch.result.Summary]; missing keys are left out).
    skills : pandas.DataFrame, optional
        Long form ``id``, ``kind`` (``wanted`` / ``offered``), ``skill``.
    reason_labels : mapping, optional
        Reason code -> short label.
    explanations : sequence of str, optional
        One plain text per row of ``pairs``.
    reverse : bool, default False
        Reverse mentoring: report the share of pairs where the mentor is junior.
    prices : pandas.DataFrame, optional
        The table of [`price_of_rules()`][rmatch.analysis.price_of_rules].
    compare : Comparison, optional
        Another matching to show side by side.
    title : str

    Returns
    -------
    Report
    """
    people = people_status(pairs, participants)
    groups = coverage(people)
    rules = summary.get("rules") or {}
    pairs_out = pairs.reset_index(drop=True).copy()
    if explanations is not None:
        pairs_out["explanation"] = list(explanations)
    return Report(
        title=title,
        overview=_overview(people, pairs, unmatched, rejected, groups, summary),
        people=people,
        coverage=groups,
        scores=score_distribution(
            pairs["score"] if len(pairs) else pd.Series([], dtype=float)
        ),
        criteria=criterion_contributions(pairs, weights),
        mix=mix(pairs, people, reverse=reverse),
        skills=skills_covered(
            pairs,
            people,
            skills
            if skills is not None
            else pd.DataFrame(columns=["id", "kind", "skill"]),
        ),
        reasons=reasons(unmatched, rejected, reason_labels or {}),
        capacity=capacity_use(people, participants.reset_index(drop=True)),
        certificate=_certificate(summary),
        rules=pd.DataFrame(list(rules.items()), columns=["rule", "pairs_removed"]),
        pairs=pairs_out,
        unmatched=unmatched.reset_index(drop=True),
        rejected=rejected.reset_index(drop=True),
        prices=None if prices is None else prices.reset_index(drop=True),
        comparison=None
        if compare is None
        else _comparison(compare, pairs, people, summary, reverse=reverse),
        findings=None if compare is None else compare.findings.reset_index(drop=True),
        compare_name=None if compare is None else compare.name,
    )


def report_from_records(
    data: Mapping[str, Any],
    *,
    prices: pd.DataFrame | None = None,
    compare: Comparison | None = None,
) -> Report:
    """Rebuild a report from the records of a matching (or its JSON file).

    Parameters
    ----------
    data : mapping
        The records (or the parsed JSON file of
        [`Matching.to_json()`][rmatch.result.Matching.to_json]). Its ``report``
        section holds the participants, skills, weights and explanations; without
        it (a file from an older rmatch) the report still has the pairs, the
        unmatched and the certificate, and the participants are those two tables.
    prices, compare
        As in [`build_report()`][rmatch.report.build_report].

    Returns
    -------
    Report
    """
    section: Mapping[str, Any] = data.get("report") or {}
    pairs = pd.DataFrame(data.get("pairs") or [])
    if pairs.empty:  # no pairs: the columns still tell the criteria
        names = list(section.get("weights") or {})
        pairs = pd.DataFrame(
            columns=[
                "mentor_id",
                "mentee_id",
                "score",
                *names,
                "mentor_name",
                "mentee_name",
            ]
        )
    unmatched = pd.DataFrame(
        data.get("unmatched") or [],
        columns=["id", "name", "role", "reason", "reason_code"],
    )
    rejected = pd.DataFrame(
        data.get("rejected") or [],
        columns=["file", "row", "id", "reason", "reason_code"],
    )
    if section.get("participants"):
        participants = pd.DataFrame(section["participants"])
    else:
        participants = pd.concat(
            [
                pd.DataFrame({"id": pairs["mentor_id"], "role": "mentor"}),
                pd.DataFrame({"id": pairs["mentee_id"], "role": "mentee"}),
                unmatched[["id", "role"]],
            ],
            ignore_index=True,
        ).drop_duplicates("id")
    weights = section.get("weights") or {
        c: 1.0
        for c in pairs.columns
        if c not in ("mentor_id", "mentee_id", "score", "mentor_name", "mentee_name")
    }
    for c in weights:
        if c in pairs:
            pairs[c] = pd.to_numeric(pairs[c], errors="coerce").astype(np.float64)
    if "score" in pairs:
        pairs["score"] = pd.to_numeric(pairs["score"], errors="coerce").astype(
            np.float64
        )
    explanations = section.get("explanations")
    return build_report(
        pairs,
        unmatched,
        rejected,
        participants,
        weights=weights,
        # the seconds per stage are in "timings" (only when written with timings)
        summary={**(data.get("summary") or {}), "seconds": data.get("timings") or {}},
        skills=pd.DataFrame(
            section.get("skills") or {}, columns=["id", "kind", "skill"]
        ),
        reason_labels=section.get("reason_labels") or {},
        explanations=explanations
        if explanations and len(explanations) == len(pairs)
        else None,
        reverse=bool(section.get("reverse", False)),
        prices=prices,
        compare=compare,
        title=str(section.get("title") or "Mentoring program report"),
    )

"""Check any pairs table under a program: what it breaks, and what it scores.

[`check_pairs()`][rmatch.analysis.check_pairs] is the public, independent verify that
HR tools and analysts call on edited pairs, a hand-made matching, last round's pairs
or another tool's output. It scores every pair exactly as the program does (the same
criteria, weights and kernels, for any pair: not only the candidates kept by
``top_k``), and lists every problem with the people involved:

* a pair listed twice, an id that is not in the sign-ups (or whose row was rejected),
  a person on the wrong side (a mentee listed as mentor);
* a pair a hard rule forbids (each rule that forbids it, and why);
* a mentor or mentee with more pairs than their capacity;
* a quota, load bound or required pair of the program
  ([`rmatch.constraints`][rmatch.constraints]) that does not hold, re-checked from the
  people data by the constraint's own ``violations``.

Its objective is set against rmatch's optimum for the same program and people.

Examples
--------
>>> import rmatch
>>> people = rmatch.read_people([
...     {"id": "A", "role": "mentor", "skills_offered": "genai:5", "manager_id": ""},
...     {"id": "B", "role": "mentee", "skills_wanted": "genai:3", "manager_id": "A"},
...     {"id": "C", "role": "mentee", "skills_wanted": "genai:2", "manager_id": ""},
... ])
>>> program = rmatch.Program(criteria=[rmatch.Skills()])
>>> check = rmatch.check_pairs(program, people, [{"mentor_id": "A", "mentee_id": "B"}])
>>> check.ok
False
>>> print(check.findings["message"][0])
the rule 'no reporting line' forbids A → B (row 2): in each other's reporting line \
(1 level(s) apart)
>>> rmatch.check_pairs(program, people, [{"mentor_id": "A", "mentee_id": "C"}]).ok
True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rmatch.analysis._pairs_findings import (
    FINDING_COLUMNS,
    Findings,
    capacities,
    constraint_findings,
    unknown_ids,
    wrong_sides,
)
from rmatch.analysis._pairs_text import summary_text
from rmatch.candidates import CandidateSet, Scorer
from rmatch.certify import rescore
from rmatch.constraints import apply_constraints, is_constraint
from rmatch.errors import InfeasibleError
from rmatch.people import People
from rmatch.program import Program
from rmatch.result import Matching, read_matching, to_json_safe
from rmatch.settings import run_settings

__all__ = ["FINDING_COLUMNS", "PairsCheck", "check_pairs"]


class PairsCheck:
    """What [`check_pairs()`][rmatch.analysis.check_pairs] found.

    Attributes
    ----------
    name : str
        The pairs' name (the file name by default).
    pairs : pandas.DataFrame
        One row per listed pair, in the order given: ``row`` (file row), ``mentor_id``,
        ``mentee_id``, ``score``, one column per criterion (as in
        [`Matching.pairs`][rmatch.result.Matching]), ``mentor_name``, ``mentee_name``
        and ``status``: ``ok``, ``forbidden`` (a hard rule forbids it: scored without
        the rules), ``unknown id``, ``wrong side`` or ``duplicate`` (these three are
        not scored, ``score`` is NaN).
    objective : float
        The program's objective over the scored pairs (``total``: the sum of their
        scores; ``coverage``: their number; ``fairness``: the worst score).
        Forbidden pairs count, with their score.
    optimum : float or None
        rmatch's objective for the same program and people (None when no matching
        satisfies the program).
    optimum_status : str
        ``optimal`` (proven), ``feasible``, ``time_limit``, ``given`` (passed in as a
        number) or ``infeasible``.
    objective_name : str
        ``total``, ``coverage`` or ``fairness``.
    findings : pandas.DataFrame
        Every problem: ``kind`` (``error``, or ``note`` for what is not a problem
        of the pairs), ``code`` (``duplicate``, ``unknown_id``, ``wrong_side``,
        ``forbidden``, ``capacity``, ``constraint``; notes: ``infeasible``,
        ``stale_scores`` when the file's own ``score`` column is not the program's),
        ``rule`` (the rule, capacity or constraint concerned), ``people`` (tuple of
        ids) and ``message``.
    """

    def __init__(
        self,
        name: str,
        pairs: pd.DataFrame,
        objective: float,
        optimum: float | None,
        findings: pd.DataFrame,
        *,
        objective_name: str = "total",
        optimum_status: str = "optimal",
        program_name: str | None = None,
    ) -> None:
        self.name = name
        self.pairs = pairs
        self.objective = float(objective)
        self.optimum = None if optimum is None else float(optimum)
        self.findings = findings
        self.objective_name = objective_name
        self.optimum_status = optimum_status
        self.program_name = program_name

    @property
    def ok(self) -> bool:
        """No finding of kind ``error``."""
        return not bool((self.findings["kind"] == "error").any())

    @property
    def errors(self) -> int:
        """Number of findings of kind ``error``."""
        return int((self.findings["kind"] == "error").sum())

    @property
    def ratio(self) -> float | None:
        """``objective / optimum`` (None without an optimum or when it is 0)."""
        if self.optimum is None or self.optimum == 0:
            return None
        return self.objective / self.optimum

    @property
    def gap(self) -> float | None:
        """``optimum - objective``: what the pairs leave on the table."""
        return None if self.optimum is None else self.optimum - self.objective

    def summary(self) -> str:
        """Return the findings and the objective against the optimum, as text."""
        return summary_text(self)

    def __str__(self) -> str:
        return self.summary()

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (``rmatch check --json``)."""
        findings = self.findings.assign(people=self.findings["people"].map(list))
        out: dict[str, Any] = to_json_safe(
            {
                "name": self.name,
                "program": self.program_name,
                "ok": self.ok,
                "objective_name": self.objective_name,
                "objective": self.objective,
                "optimum": self.optimum,
                "optimum_status": self.optimum_status,
                "ratio": self.ratio,
                "findings": findings.to_dict(orient="records"),
                "pairs": self.pairs.to_dict(orient="records"),
            }
        )
        return out

    def __repr__(self) -> str:
        return (
            f"PairsCheck(name={self.name!r}, pairs={len(self.pairs)}, "
            f"errors={self.errors}, objective={self.objective:.4f}, "
            f"optimum={self.optimum!r})"
        )


def _name_of(pairs: Any, frame: pd.DataFrame) -> str:
    if isinstance(pairs, str | os.PathLike):
        return Path(pairs).name
    if isinstance(pairs, Matching):
        return "rmatch's matching"
    source = str(frame.attrs.get("source", "") or "")
    return source if source and not source.startswith("<") else "pairs"


def _optimum(
    program: Program, people: People, optimum: Matching | float | None
) -> tuple[float | None, str, CandidateSet | None, str]:
    """``(optimum, status, candidates or None, infeasible reason)``."""
    if isinstance(optimum, Matching):
        return optimum.objective, optimum.summary().status, optimum.candidates, ""
    if optimum is not None:
        return float(optimum), "given", None, ""
    try:
        result = program.match(people)
    except InfeasibleError as err:
        reason = err.reasons[0] if err.reasons else str(err)
        return None, "infeasible", None, reason
    return result.objective, result.summary().status, result.candidates, ""


def _candidates(
    program: Program, people: People, cs: CandidateSet | None
) -> CandidateSet:
    """The program's candidate set with its constraints' capacities."""
    if cs is not None:
        return cs
    # only the capacities, rules and ids are read from it: prune as a match would
    # (automatic top-k, memory check) instead of scoring every pair of a large org
    built: CandidateSet = run_settings(people, program).candidates(people)
    constraints = [r for r in program.rules if is_constraint(r)]
    if constraints:
        built, _ = apply_constraints(people, built, constraints)
    return built


def _score(sc: Scorer, li: np.ndarray, rj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Score and criterion scores of each ``(li, rj)`` pair, in the order given."""
    if li.size == 0:
        return np.zeros(0), np.zeros((0, len(sc.kernels)), np.float32)
    keys, weight, crit = rescore(sc, li, rj)
    pos = np.searchsorted(keys, li * np.int64(max(sc.n_right, 1)) + rj)
    return weight[pos], crit[pos]


def check_pairs(
    program: Program,
    people: People,
    pairs: Any,
    name: str | None = None,
    *,
    optimum: Matching | float | None = None,
) -> PairsCheck:
    """Score and check a pairs table under ``program``.

    Parameters
    ----------
    program : Program
    people : People
        The sign-ups the pairs were made from.
    pairs : path, DataFrame, records, dict or Matching
        Anything [`read_matching()`][rmatch.result.read_matching] reads: a table with
        ``mentor_id`` and ``mentee_id`` columns (``pairs.csv``, the ``--json`` file,
        a hand-made sheet).
    name : str, optional
        What to call the pairs in messages (default: the file name).
    optimum : Matching or float, optional
        rmatch's result for the same program and people, or its objective; by
        default ``program.match(people)`` is run.

    Returns
    -------
    PairsCheck
        ``ok`` is True when nothing is broken.

    Raises
    ------
    ValidationError
        The pairs table cannot be read (a missing column, a blank id, a person
        paired with themselves).
    ConfigError
        The program is invalid.
    """
    frame = read_matching(pairs, keep_repeats=True)
    label = name or _name_of(pairs, frame)
    best, status, cs, infeasible = _optimum(program, people, optimum)
    cs = _candidates(program, people, cs)
    criteria = program.scoring_criteria()
    found = Findings()
    n = len(frame)
    rows = [int(r) for r in frame.attrs.get("rows", range(2, n + 2))]
    mentor_ids = frame["mentor_id"].astype(str).to_numpy()
    mentee_ids = frame["mentee_id"].astype(str).to_numpy()
    status_col = np.full(n, "ok", dtype=object)

    dup = frame.duplicated(["mentor_id", "mentee_id"]).to_numpy()
    # the first row of each pair, looked up only for the repeats (no per-row loop)
    group = frame.groupby(["mentor_id", "mentee_id"], sort=False).ngroup().to_numpy()
    first = np.flatnonzero(~dup)
    first_of_group = np.empty(first.size, dtype=np.int64)
    first_of_group[group[first]] = first
    for i in np.flatnonzero(dup).tolist():
        key = (mentor_ids[i], mentee_ids[i])
        first_row = rows[first_of_group[group[i]]]
        status_col[i] = "duplicate"
        found.add(
            "duplicate",
            "pair listed twice",
            key,
            f"the pair {key[0]} → {key[1]} is listed again at row {rows[i]} "
            f"(first at row {first_row}); it counts once",
        )

    mpos = people.positions(mentor_ids)
    epos = people.positions(mentee_ids)
    sides = [("mentor", mentor_ids, mpos), ("mentee", mentee_ids, epos)]
    unknown_ids(people, found, status_col, dup, sides, rows)
    sc = Scorer(people, criteria, list(cs.rules), cs.mentors, cs.mentees)
    li = np.where(mpos >= 0, sc.left_of[np.maximum(mpos, 0)], -1)
    rj = np.where(epos >= 0, sc.right_of[np.maximum(epos, 0)], -1)
    for side, ids, pos, node in (
        ("mentor", mentor_ids, mpos, li),
        ("mentee", mentee_ids, epos, rj),
    ):
        wrong_sides(people, found, status_col, dup, ids, pos, node, rows, side)

    valid = np.flatnonzero(status_col == "ok")
    score = np.full(n, np.nan)
    crit = np.full((n, len(cs.criteria)), np.nan)
    w, c = _score(sc, li[valid], rj[valid])
    score[valid], crit[valid] = w, c
    bad = valid[np.isneginf(w)]
    if bad.size:
        status_col[bad] = "forbidden"
        free = Scorer(people, criteria, [], cs.mentors, cs.mentees)
        score[bad], crit[bad] = _score(free, li[bad], rj[bad])
        for rule in cs.rules:
            # the criteria only matter to a rule on the score (e.g. a minimum score)
            needs = criteria if rule.needs_score else []
            alone = Scorer(people, needs, [rule], cs.mentors, cs.mentees)
            w_rule, _ = _score(alone, li[bad], rj[bad])
            for i in bad[np.isneginf(w_rule)].tolist():
                why = rule.why_forbidden(people, int(mpos[i]), int(epos[i]))
                found.add(
                    "forbidden",
                    rule.title(),
                    (mentor_ids[i], mentee_ids[i]),
                    f"the rule '{rule.title()}' forbids {mentor_ids[i]} → "
                    f"{mentee_ids[i]} (row {rows[i]}): {why}",
                )

    scored = np.flatnonzero((status_col == "ok") | (status_col == "forbidden"))
    if "score" in frame.columns:
        _stale_scores(found, frame["score"], score, rows, status_col == "ok")
    capacities(people, cs, found, li, rj, mentor_ids, mentee_ids, scored)
    constraints = [r for r in program.rules if is_constraint(r)]
    constraint_findings(people, cs, found, constraints, mpos[scored], epos[scored])
    if infeasible:
        found.add(
            "infeasible",
            "",
            (),
            f"rmatch finds no matching that satisfies the program: {infeasible}",
            kind="note",
        )
    objective = _objective(program.objective, score, li, rj, scored, sc.n_right)
    table = _pairs_table(
        people, cs, rows, mentor_ids, mentee_ids, mpos, epos, score, crit, status_col
    )
    return PairsCheck(
        label,
        table,
        objective,
        best,
        found.frame(),
        objective_name=program.objective,
        optimum_status=status,
        program_name=program.name,
    )


def _stale_scores(
    found: Findings, given: pd.Series, score: np.ndarray, rows: list[int], ok: Any
) -> None:
    """A note when the file's own scores are not the program's (another program?)."""
    old = pd.to_numeric(given, errors="coerce").to_numpy(dtype=np.float64)
    off = np.flatnonzero(ok & ~np.isnan(old) & (np.abs(old - score) > 1e-4))
    if not off.size:
        return
    shown = ", ".join(
        f"row {rows[i]}: {old[i]:.4f} in the file, {score[i]:.4f} now"
        for i in off[:3].tolist()
    )
    found.add(
        "stale_scores",
        "",
        (),
        f"{off.size} pair(s) have another score in the file than under this program "
        f"({shown}): the file was scored under other settings or data",
        kind="note",
    )


def _objective(
    name: str,
    score: np.ndarray,
    li: np.ndarray,
    rj: np.ndarray,
    scored: np.ndarray,
    n_right: int,
) -> float:
    """The program's objective, summed in edge order (as the solvers do)."""
    order = np.argsort(li[scored] * np.int64(max(n_right, 1)) + rj[scored])
    w = score[scored][order]
    if name == "coverage":
        return float(w.size)
    if name == "fairness":
        return float(w.min()) if w.size else 0.0
    return float(np.sum(w))


def _pairs_table(
    people: People,
    cs: CandidateSet,
    rows: list[int],
    mentor_ids: np.ndarray,
    mentee_ids: np.ndarray,
    mpos: np.ndarray,
    epos: np.ndarray,
    score: np.ndarray,
    crit: np.ndarray,
    status: np.ndarray,
) -> pd.DataFrame:
    def names(pos: np.ndarray) -> list[str]:
        known = pos >= 0
        out = np.full(pos.size, "", dtype=object)
        out[known] = people.names_of(pos[known])
        return list(out)

    data: Mapping[str, Any] = {
        "row": np.asarray(rows, dtype=np.int64),
        "mentor_id": mentor_ids.astype(str),
        "mentee_id": mentee_ids.astype(str),
        "score": score,
        **{c: crit[:, k].astype(np.float64) for k, c in enumerate(cs.criteria)},
        "mentor_name": names(mpos),
        "mentee_name": names(epos),
        "status": status.astype(str),
    }
    return pd.DataFrame(data)

"""The price of rules: what each rule of a program costs in match quality.

[`price_of_rules()`][rmatch.analysis.price_of_rules] solves the program with every rule,
then without each rule in turn, and tabulates the objective, the match quality and the
pairs of every run; [`format_price_table()`][rmatch.analysis.format_price_table] renders
the table as text (``rmatch match --price``).

Examples
--------
>>> import rmatch
>>> people = rmatch.read_people(rmatch.datasets.demo_path())
>>> program = rmatch.Program(
...     criteria=[rmatch.Skills(), rmatch.Interests()],
...     rules=[rmatch.NoReportingLine()],
... )
>>> table = rmatch.price_of_rules(program, people)
>>> list(table["rule"])
['(all rules)', 'without no reporting line']
"""

from __future__ import annotations

import copy
import warnings
from typing import Any

import numpy as np
import pandas as pd

from rmatch.constraints import Soft
from rmatch.errors import InfeasibleError
from rmatch.people import People
from rmatch.program import Program
from rmatch.result import Matching

__all__ = ["criteria_score", "format_price_table", "price_of_rules"]


def criteria_score(result: Matching, n_criteria: int) -> float:
    """Total over the pairs of the score from the first ``n_criteria`` criteria.

    Soft rules are appended after the program's criteria, so this is the match
    quality without the soft-rule bonuses (equal to ``total_score`` without them).
    """
    cs = result.candidates
    e = np.asarray(result.solution.edges, dtype=np.int64)
    if e.size == 0:
        return 0.0
    w = np.array([c.weight for c in result.criteria[:n_criteria]], dtype=np.float64)
    s = cs.criterion_scores[e, :n_criteria].astype(np.float64)
    ok = ~np.isnan(s)
    num = (np.where(ok, s, 0.0) * w).sum(axis=1)
    den = (ok * w).sum(axis=1)
    per_pair = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
    return float(np.clip(per_pair, 0.0, 1.0).sum())


def _kind(rule: Any) -> str:
    if isinstance(rule, Soft):
        return "soft"
    return str(getattr(rule, "kind", "hard")) if hasattr(rule, "kind") else "hard"


def _run(program: Program, people: People) -> dict[str, Any]:
    try:
        result = program.match(people)
    except InfeasibleError as err:
        return {
            "status": "infeasible",
            "objective": np.nan,
            "score": np.nan,
            "pairs": np.nan,
            "mentees_matched": np.nan,
            "note": err.reasons[0] if err.reasons else str(err),
        }
    s = result.summary()
    return {
        "status": s.status,
        "objective": s.objective,
        "score": criteria_score(result, len(program.criteria)),
        "pairs": s.pairs,
        "mentees_matched": s.mentees_matched,
        "note": "",
    }


def price_of_rules(program: Program, people: People) -> pd.DataFrame:
    """Solve with every rule, then without each rule in turn.

    Parameters
    ----------
    program : Program
    people : People

    Returns
    -------
    pandas.DataFrame
        One row for ``"(all rules)"`` and one per rule, with columns ``rule``,
        ``kind`` (``hard``, ``soft``, ``quota``, ``load``, ``required``), ``status``
        (``infeasible`` when no matching exists), ``objective`` (of the program's
        objective), ``score`` (total criteria score of the pairs, without soft-rule
        bonuses: the match quality), ``pairs``, ``mentees_matched``, ``price``
        (``score`` without the rule minus ``score`` with all rules: what the rule
        costs in match quality), ``pairs_price`` (pairs gained without the rule) and
        ``note`` (the first reason when infeasible).

    Notes
    -----
    Each row is a full re-solve (scoring included), so this costs ``len(rules) + 1``
    runs of [`Program.match()`][rmatch.program.Program.match]. Warnings of the re-solves
    are not repeated.
    """
    base = _run(program, people)
    rows = [{"rule": "(all rules)", "kind": "", **base}]
    for i, rule in enumerate(program.rules):
        variant = copy.copy(program)
        variant.rules = [r for j, r in enumerate(program.rules) if j != i]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run = _run(variant, people)
        title = rule.title() if hasattr(rule, "title") else repr(rule)
        rows.append({"rule": f"without {title}", "kind": _kind(rule), **run})
    frame = pd.DataFrame(rows)
    frame["price"] = frame["score"] - float(base["score"])
    frame["pairs_price"] = frame["pairs"] - float(base["pairs"])
    frame.loc[0, ["price", "pairs_price"]] = (
        0.0 if base["status"] != "infeasible" else np.nan
    )
    cols = [
        "rule",
        "kind",
        "status",
        "objective",
        "score",
        "pairs",
        "mentees_matched",
        "price",
        "pairs_price",
        "note",
    ]
    return frame[cols]


def _num(x: Any, fmt: str) -> str:
    return "-" if x is None or x != x else format(x, fmt)


def format_price_table(frame: pd.DataFrame) -> str:
    """Render `price_of_rules()` output as a plain-text table."""
    lines = [
        f"{'rule':<52} {'status':<10} {'score':>9} {'pairs':>6} {'price':>9} "
        f"{'+pairs':>6}"
    ]
    for rec in frame.to_dict(orient="records"):
        lines.append(
            f"{str(rec['rule'])[:52]:<52} {rec['status']!s:<10} "
            f"{_num(rec['score'], '.3f'):>9} {_num(rec['pairs'], '.0f'):>6} "
            f"{_num(rec['price'], '+.3f'):>9} {_num(rec['pairs_price'], '+.0f'):>6}"
        )
    return "\n".join(lines)

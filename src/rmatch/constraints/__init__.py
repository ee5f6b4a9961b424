"""Program-level constraints: quotas, required pairs, load bounds and soft rules.

Hard rules ([`rmatch.rules`][rmatch.rules]) remove pairs one by one. The constraints
here act on the matching as a whole, so they cannot be masks; each one turns into fields
of the candidate graph that the solvers enforce exactly:

=====================  ===========================================================
constraint             graph fields =====================
===========================================================
[`CrossShare`][rmatch.constraints.CrossShare]    one linear row: a share of pairs (or of
mentees) cross-column [`PairShare`][rmatch.constraints.PairShare]     one linear row: a
share of pairs satisfying any hard rule [`GroupLimit`][rmatch.constraints.GroupLimit]
one row per group: at most (or at least) N pairs per group
[`GroupCoverage`][rmatch.constraints.GroupCoverage] one row per group: at least X% of
the group's demand matched [`RequiredPairs`][rmatch.constraints.RequiredPairs]
``required`` edges [`MentorLoad`][rmatch.constraints.MentorLoad]    ``left_capacity``
(max) and ``left_min`` (min) [`MenteeLoad`][rmatch.constraints.MenteeLoad]
``right_capacity`` (max) and ``right_min`` (min) =====================
===========================================================

A rule is hard unless it is declared soft with a weight:
[`Soft`][rmatch.constraints.Soft] wraps a hard rule into a *criterion* that scores 1
when the pair satisfies the rule and 0 when it breaks it. It joins the weighted mean of
the criteria like any other, so scores stay in ``[0, 1]`` and a pair that breaks the
rule loses ``weight / (sum of the weights of the criteria with data)`` of its score
instead of being removed.

Every constraint also knows how to explain itself in terms of people
([`Constraint.precheck()`][rmatch.constraints.Constraint.precheck],
[`Constraint.explain_row()`][rmatch.constraints.Constraint.explain_row]) and how to
check a result from the people data alone
([`Constraint.violations()`][rmatch.constraints.Constraint.violations]), independently
of the coefficients it handed to the solver.

Modules: ``base`` ([`Constraint`][rmatch.constraints.Constraint],
[`Quota`][rmatch.constraints.Quota]), ``shares``
([`PairShare`][rmatch.constraints.PairShare],
[`CrossShare`][rmatch.constraints.CrossShare]), ``groups``
([`GroupLimit`][rmatch.constraints.GroupLimit],
[`GroupCoverage`][rmatch.constraints.GroupCoverage]), ``pairs``
([`RequiredPairs`][rmatch.constraints.RequiredPairs]), ``loads``
([`Load`][rmatch.constraints.Load] and its two sides), ``soft``
([`Soft`][rmatch.constraints.Soft]), ``config`` (building them from TOML) and ``apply``
([`apply_constraints()`][rmatch.constraints.apply_constraints] to the candidate graph,
[`precheck()`][rmatch.constraints.precheck],
[`translate()`][rmatch.constraints.translate] of a solver's infeasibility into people
terms, [`check_result()`][rmatch.constraints.check_result] and
[`constraint_report()`][rmatch.constraints.constraint_report] after solving). Import
them from here.

Examples
--------
>>> import rmatch
>>> people = rmatch.read_people([
...     {"id": "M1", "role": "mentor", "department": "IT", "interests": "chess"},
...     {"id": "M2", "role": "mentor", "department": "HR", "interests": "golf"},
...     {"id": "E1", "role": "mentee", "department": "IT", "interests": "chess"},
...     {"id": "E2", "role": "mentee", "department": "HR", "interests": "golf"},
... ])
>>> program = rmatch.Program(
...     criteria=[rmatch.Interests()],
...     rules=[rmatch.CrossShare("department", at_least=1.0)],
... )
>>> sorted(map(tuple, program.match(people).pairs[["mentor_id", "mentee_id"]].values))
[('M1', 'E2'), ('M2', 'E1')]
"""

from __future__ import annotations

from rmatch.constraints._views import candidates_text
from rmatch.constraints.apply import (
    GRAPH_FIELDS,
    apply_constraints,
    check_result,
    chosen_people,
    constraint_report,
    precheck,
    translate,
)
from rmatch.constraints.base import Constraint, Quota
from rmatch.constraints.config import (
    QUOTA_TYPES,
    constraint_from_dict,
    is_constraint,
    quotas_from_config,
)
from rmatch.constraints.groups import GroupCoverage, GroupLimit
from rmatch.constraints.loads import Load, MenteeLoad, MentorLoad
from rmatch.constraints.pairs import RequiredPairs
from rmatch.constraints.shares import CrossShare, PairShare
from rmatch.constraints.soft import Soft

__all__ = [
    "GRAPH_FIELDS",
    "QUOTA_TYPES",
    "Constraint",
    "CrossShare",
    "GroupCoverage",
    "GroupLimit",
    "Load",
    "MenteeLoad",
    "MentorLoad",
    "PairShare",
    "Quota",
    "RequiredPairs",
    "Soft",
    "apply_constraints",
    "candidates_text",
    "check_result",
    "chosen_people",
    "constraint_from_dict",
    "constraint_report",
    "is_constraint",
    "precheck",
    "quotas_from_config",
    "translate",
]

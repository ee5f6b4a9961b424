"""Program-level constraints: quotas, required pairs, load bounds and soft rules.

Hard rules (:mod:`rmatch.rules`) remove pairs one by one. The constraints here act on
the matching as a whole, so they cannot be masks; each one turns into fields of the
candidate graph that the solvers enforce exactly:

=====================  ===========================================================
constraint             graph fields
=====================  ===========================================================
:class:`CrossShare`    one linear row: a share of pairs (or of mentees) cross-column
:class:`PairShare`     one linear row: a share of pairs satisfying any hard rule
:class:`GroupLimit`    one row per group: at most (or at least) N pairs per group
:class:`GroupCoverage` one row per group: at least X% of the group's demand matched
:class:`RequiredPairs` ``required`` edges
:class:`MentorLoad`    ``left_capacity`` (max) and ``left_min`` (min)
:class:`MenteeLoad`    ``right_capacity`` (max) and ``right_min`` (min)
=====================  ===========================================================

A rule is hard unless it is declared soft with a weight: :class:`Soft` wraps a hard
rule into a *criterion* that scores 1 when the pair satisfies the rule and 0 when it
breaks it. It joins the weighted mean of the criteria like any other, so scores stay
in ``[0, 1]`` and a pair that breaks the rule loses ``weight / (sum of the weights of
the criteria with data)`` of its score instead of being removed.

Every constraint also knows how to explain itself in terms of people
(:meth:`Constraint.precheck`, :meth:`Constraint.explain_row`) and how to check a
result from the people data alone (:meth:`Constraint.violations`), independently of
the coefficients it handed to the solver.

Modules: ``base`` (:class:`Constraint`, :class:`Quota`), ``shares`` (:class:`PairShare`,
:class:`CrossShare`), ``groups`` (:class:`GroupLimit`, :class:`GroupCoverage`),
``pairs`` (:class:`RequiredPairs`), ``loads`` (:class:`Load` and its two sides),
``soft`` (:class:`Soft`), ``config`` (building them from TOML) and ``apply``
(:func:`apply_constraints` to the candidate graph, :func:`precheck`,
:func:`translate` of a solver's infeasibility into people terms, :func:`check_result`
and :func:`constraint_report` after solving). Import them from here.

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

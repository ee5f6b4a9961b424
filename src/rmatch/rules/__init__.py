"""Hard rules: which pairs are allowed at all.

A rule returns a boolean "allowed" mask for a [`Block`][rmatch.scoring.Block]. A
forbidden pair is removed from the candidate graph; it is never given a penalty.
Rules are applied in order, and each pair removed is attributed to the first rule that
removed it, so every unmatched person can be told which rule left them without a
candidate.

A rule may hand the candidate builder a pruning plan
([`Rule.plan()`][rmatch.rules.Rule.plan]): a list of forbidden pairs
([`PairsPlan`][rmatch.rules.PairsPlan]), a table of per-person keys
([`KeyPlan`][rmatch.rules.KeyPlan]), shared free hours
([`HoursPlan`][rmatch.rules.HoursPlan], which also lets the builder score only pairs
free in the same hour) or a total-score threshold
([`ScorePlan`][rmatch.rules.ScorePlan]). Without a plan the builder calls
[`Rule.allowed()`][rmatch.rules.Rule.allowed] block by block.

To write your own, subclass [`Rule`][rmatch.rules.Rule] or decorate a function with
[`rule()`][rmatch.rules.rule]; [`register_rule()`][rmatch.rules.register_rule] (or
``@rule(name=...)``, or an entry point in the ``rmatch.rules`` group) makes it usable by
name in a program file.

Examples
--------
>>> from rmatch.rules import NoReportingLine, MinSharedHours
>>> rules = [NoReportingLine(levels=2), MinSharedHours(1)]
>>> rules[0].to_dict()
{'type': 'no_reporting_line', 'levels': 2, 'same_manager': False}
"""

from rmatch.rules._base import (
    HoursPlan,
    KeyPlan,
    PairsPlan,
    Rule,
    RulePlan,
    ScorePlan,
    check_number,
    key_codes,
    positive_int,
)
from rmatch.rules._config import (
    BUILTIN_RULES,
    RULES,
    build_checked,
    register_rule,
    rule_from_dict,
)
from rmatch.rules._custom import rule
from rmatch.rules._pairs import (
    ForbiddenPairs,
    History,
    NoReportingLine,
    ambiguous_pairs,
    read_pairs,
)
from rmatch.rules._values import (
    DifferentValue,
    MaxTimezoneGap,
    MinScore,
    MinSharedHours,
    ReverseSeniority,
    SameValue,
)

__all__ = [
    "BUILTIN_RULES",
    "RULES",
    "DifferentValue",
    "ForbiddenPairs",
    "History",
    "HoursPlan",
    "KeyPlan",
    "MaxTimezoneGap",
    "MinScore",
    "MinSharedHours",
    "NoReportingLine",
    "PairsPlan",
    "ReverseSeniority",
    "Rule",
    "RulePlan",
    "SameValue",
    "ScorePlan",
    "ambiguous_pairs",
    "build_checked",
    "check_number",
    "key_codes",
    "positive_int",
    "read_pairs",
    "register_rule",
    "rule",
    "rule_from_dict",
]

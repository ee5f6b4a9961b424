"""rmatch: pair mentors with mentees — exact, fast and explainable.

rmatch reads a sign-up survey, scores every mentor–mentee pair on skills, interests,
goals and schedule, removes the pairs the program's rules forbid, solves the
assignment exactly, and explains every pair and every person left unmatched.

If you don't care which algorithm runs, call
[`Program.match()`][rmatch.program.Program.match]; if you do, import
[`rmatch.solvers`][rmatch.solvers] and call
[`rmatch.solvers.solve()`][rmatch.solvers.solve] on a candidate graph.

Examples
--------
>>> import rmatch
>>> people = rmatch.read_people(rmatch.datasets.demo_path())
>>> result = rmatch.Program.from_toml(rmatch.datasets.demo_program_path()).match(people)
>>> result.summary().pairs > 20
True
"""

from __future__ import annotations

from typing import Any

from rmatch import datasets, report
from rmatch.analysis import PairsCheck, check_pairs, price_of_rules
from rmatch.choices import Choices, read_choices
from rmatch.constraints import (
    Constraint,
    CrossShare,
    GroupCoverage,
    GroupLimit,
    MenteeLoad,
    MentorLoad,
    PairShare,
    Quota,
    RequiredPairs,
    Soft,
)
from rmatch.errors import (
    ConfigError,
    DataQualityWarning,
    Finding,
    InfeasibleError,
    InfeasibleProgramError,
    Issue,
    RmatchError,
    SolverError,
    UnmatchedWarning,
    ValidationError,
)
from rmatch.feedback import read_feedback
from rmatch.io import read_people
from rmatch.people import People
from rmatch.program import Program
from rmatch.result import Explanation, Matching, Summary, read_matching
from rmatch.rounds import RoundsPlan, plan_rounds
from rmatch.rules import (
    DifferentValue,
    ForbiddenPairs,
    History,
    MaxTimezoneGap,
    MinScore,
    MinSharedHours,
    NoReportingLine,
    ReverseSeniority,
    Rule,
    SameValue,
    register_rule,
    rule,
)
from rmatch.scoring import (
    Block,
    Criterion,
    Goals,
    Interests,
    Schedule,
    SetSimilarity,
    Skills,
    TextSimilarity,
    criterion,
    register_criterion,
)
from rmatch.shortlist import Shortlist
from rmatch.validate import ValidationReport, validate_people

__version__ = "0.1.0"

__all__ = [
    "Block",
    "Choices",
    "ConfigError",
    "Constraint",
    "Criterion",
    "CrossShare",
    "DataQualityWarning",
    "DifferentValue",
    "Explanation",
    "Finding",
    "ForbiddenPairs",
    "Goals",
    "GroupCoverage",
    "GroupLimit",
    "History",
    "InfeasibleError",
    "InfeasibleProgramError",
    "Interests",
    "Issue",
    "Matching",
    "MaxTimezoneGap",
    "MenteeLoad",
    "MentorLoad",
    "MinScore",
    "MinSharedHours",
    "NoReportingLine",
    "PairShare",
    "PairsCheck",
    "People",
    "Program",
    "Quota",
    "RequiredPairs",
    "ReverseSeniority",
    "RmatchError",
    "RoundsPlan",
    "Rule",
    "SameValue",
    "Schedule",
    "SetSimilarity",
    "Shortlist",
    "Skills",
    "Soft",
    "SolverError",
    "Summary",
    "SurveyMap",
    "TextSimilarity",
    "UnmatchedWarning",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "check_pairs",
    "criterion",
    "datasets",
    "plan_rounds",
    "price_of_rules",
    "read_choices",
    "read_feedback",
    "read_matching",
    "read_people",
    "read_survey",
    "register_criterion",
    "register_rule",
    "report",
    "rule",
    "validate_people",
    "validate_survey",
]


_LAZY = {"read_survey", "validate_survey", "SurveyMap"}


def __getattr__(name: str) -> Any:
    # The survey reader (raw exports, presets) is imported on first use.
    if name in _LAZY:
        from rmatch import survey

        return getattr(survey, name)
    raise AttributeError(f"module 'rmatch' has no attribute {name!r}")

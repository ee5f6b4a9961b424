"""rmatch: pair mentors with mentees — exact, fast and explainable.

rmatch reads a sign-up survey, scores every mentor–mentee pair on skills, interests,
goals and schedule, removes the pairs the program's rules forbid, solves the
assignment exactly, and explains every pair and every person left unmatched.

If you don't care which algorithm runs, call :meth:`Program.match`; if you do, import
:mod:`rmatch.solvers` and call :func:`rmatch.solvers.solve` on a candidate graph.

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

from rmatch import datasets
from rmatch.criteria import (
    Block,
    Criterion,
    Goals,
    Interests,
    Schedule,
    SetSimilarity,
    Skills,
    criterion,
)
from rmatch.errors import (
    ConfigError,
    DataQualityWarning,
    InfeasibleError,
    Issue,
    RmatchError,
    SolverError,
    UnmatchedWarning,
    ValidationError,
)
from rmatch.io import read_people
from rmatch.matching import Explanation, Matching, Summary
from rmatch.people import People
from rmatch.program import Program
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
)
from rmatch.validate import ValidationReport, validate_people

__version__ = "0.1.0"

__all__ = [
    "Block",
    "ConfigError",
    "Criterion",
    "DataQualityWarning",
    "DifferentValue",
    "Explanation",
    "ForbiddenPairs",
    "Goals",
    "History",
    "InfeasibleError",
    "Interests",
    "Issue",
    "Matching",
    "MaxTimezoneGap",
    "MinScore",
    "MinSharedHours",
    "NoReportingLine",
    "People",
    "Program",
    "ReverseSeniority",
    "RmatchError",
    "Rule",
    "SameValue",
    "Schedule",
    "SetSimilarity",
    "Skills",
    "SolverError",
    "Summary",
    "UnmatchedWarning",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "criterion",
    "datasets",
    "read_people",
    "read_survey",
    "validate_people",
]


def __getattr__(name: str) -> Any:
    # read_survey lives in rmatch.survey (raw exports); imported on first use.
    if name == "read_survey":
        from rmatch.survey import read_survey

        return read_survey
    raise AttributeError(f"module 'rmatch' has no attribute {name!r}")

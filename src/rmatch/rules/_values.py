"""Rules on values of the two: shared hours, seniority, columns, time zones, score."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.rules._base import (
    HoursPlan,
    KeyPlan,
    Rule,
    RulePlan,
    ScorePlan,
    check_number,
    key_codes,
)
from rmatch.scoring import Block, ScoringContext


class MinSharedHours(Rule):
    """At least ``hours`` of shared free time per week (UTC-aligned).

    Pairs where either side gave no availability are removed too (the rule cannot be
    shown to hold).

    Parameters
    ----------
    hours : float
    """

    name = "min_shared_hours"

    def __init__(self, hours: float = 1.0) -> None:
        self.hours = hours

    def check(self, people: People | None = None) -> None:
        """Validate the parameters."""
        check_number("MinSharedHours", "hours", self.hours, 0.0)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"hours": self.hours}

    def title(self) -> str:
        """Human name."""
        return f"at least {self.hours:g} shared hours a week"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return (
            f"no {other} with overlapping availability (at least {self.hours:g} h/week)"
        )

    def allowed(self, block: Block) -> np.ndarray:
        """Mask pairs with too little shared time."""
        out: np.ndarray = block.has_schedule & (block.shared_hours >= self.hours - 1e-6)
        return out

    def plan(self, context: ScoringContext) -> RulePlan | None:
        """Shared hours of the run's slots (``allowed`` not overridden)."""
        if type(self).allowed is not MinSharedHours.allowed:
            return None
        return HoursPlan(self, self.hours, context.slots)

    def why_forbidden(self, people: People, mentor: int, mentee: int) -> str:
        """Reason text."""
        if not (people.has_availability[mentor] and people.has_availability[mentee]):
            return "availability missing for one of them"
        b = Block(people, np.array([mentor]), np.array([mentee]))
        return f"only {float(b.shared_hours[0, 0]):g} shared hours a week"


class ReverseSeniority(Rule):
    """Reverse mentoring: the mentor is junior to the mentee.

    Allowed when ``seniority[mentee] - seniority[mentor] >= min_gap``. Pairs with an
    unknown seniority are removed.

    Parameters
    ----------
    min_gap : float, default 1.0
    """

    name = "reverse_seniority"

    def __init__(self, min_gap: float = 1.0) -> None:
        self.min_gap = min_gap

    def check(self, people: People | None = None) -> None:
        """Validate the parameters."""
        check_number("ReverseSeniority", "min_gap", self.min_gap, 0.0)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"min_gap": self.min_gap}

    def title(self) -> str:
        """Human name."""
        return f"reverse mentoring (mentor junior by at least {self.min_gap:g})"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        if other == "mentor":
            return f"no mentor is junior to them by at least {self.min_gap:g}"
        return f"no mentee is senior to them by at least {self.min_gap:g}"

    def allowed(self, block: Block) -> np.ndarray:
        """Mask pairs with the wrong seniority order."""
        s = block.people.seniority
        gap = s[block.mentees][None, :] - s[block.mentors][:, None]
        with np.errstate(invalid="ignore"):
            out: np.ndarray = gap >= self.min_gap - 1e-9
        return out

    def plan(self, context: ScoringContext) -> RulePlan | None:
        """A table of keys (``allowed`` not overridden)."""
        if type(self).allowed is not ReverseSeniority.allowed:
            return None
        codes = key_codes(context.people.seniority)
        return KeyPlan.from_keys(self, context, codes)

    def why_forbidden(self, people: People, mentor: int, mentee: int) -> str:
        """Reason text."""
        return (
            f"mentor seniority {people.seniority[mentor]:g} is not below mentee "
            f"seniority {people.seniority[mentee]:g} by {self.min_gap:g}"
        )


class _AttributeRule(Rule):
    def __init__(self, column: str) -> None:
        self.column = column

    def params(self) -> dict[str, Any]:
        return {"column": self.column}

    def check(self, people: People | None = None) -> None:
        if people is not None and self.column not in people.columns:
            raise ConfigError(
                f"rule {self.title()!r} needs the column {self.column!r}, which is not "
                f"in {people.source}; columns are {', '.join(people.columns)}"
            )

    def plan(self, context: ScoringContext) -> RulePlan | None:
        """A table of values of a plain column (``allowed`` not overridden)."""
        if type(self).allowed not in (SameValue.allowed, DifferentValue.allowed):
            return None
        people = context.people
        column = self.column
        if column in people.sets or column not in people.table.columns:
            return None
        raw, _ = _factorize(people.table[column].to_numpy(dtype=object))
        codes = np.where(raw < 0, raw.max(initial=0) + 1, raw)
        return KeyPlan.from_keys(self, context, codes)

    def why_forbidden(self, people: People, mentor: int, mentee: int) -> str:
        """Say both values of the column."""
        a, b = people.value(mentor, self.column), people.value(mentee, self.column)
        return f"{self.column} {a or '(empty)'!r} and {b or '(empty)'!r}"

    def _compare(self, block: Block) -> tuple[np.ndarray, np.ndarray]:
        """Return (equal, known) masks; set columns compare by sharing a token."""
        people = block.people
        if self.column in people.sets:
            field = people.sets[self.column]
            a = field.matrix[block.mentors]
            b = field.matrix[block.mentees]
            a.data[:] = 1
            b.data[:] = 1
            equal = (a @ b.T).toarray() > 0
            known = (
                field.present[block.mentors][:, None]
                & field.present[block.mentees][None, :]
            )
            return equal, known
        values = people.table[self.column].to_numpy(dtype=object)
        codes, _ = _factorize(values)
        cm = codes[block.mentors][:, None]
        ce = codes[block.mentees][None, :]
        return cm == ce, (cm >= 0) & (ce >= 0)


def _factorize(values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Codes of the normalized values (stripped, casefolded; blank or missing such
    as None, NaN or pd.NA: -1) and the values, numbered in order of first
    appearance."""
    codes = None
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        # text only: normalize each distinct text once (a column repeats a few
        # departments); the order of first appearance is the same
        codes, values = pd.factorize(values)
    missing = pd.isna(values)
    normalized = np.array([str(v).strip().casefold() for v in values], dtype=object)
    normalized[(normalized == "") | missing] = None
    found, uniques = pd.factorize(normalized)
    if codes is not None:
        found = found[codes]
    return found.astype(np.int64), [str(u) for u in uniques]


class SameValue(_AttributeRule):
    """Both must have the same value of ``column`` (for a set column: share one).

    Pairs where either value is missing are removed.
    """

    name = "same"

    def title(self) -> str:
        """Human name."""
        return f"same {self.column}"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return f"no {other} with the same {self.column}"

    def allowed(self, block: Block) -> np.ndarray:
        """Mask pairs that differ."""
        equal, known = self._compare(block)
        out: np.ndarray = equal & known
        return out


class DifferentValue(_AttributeRule):
    """The two must differ in ``column`` (e.g. "different department").

    Pairs where either value is missing are kept.
    """

    name = "different"

    def title(self) -> str:
        """Human name."""
        return f"different {self.column}"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return f"every candidate {other} has the same {self.column}"

    def allowed(self, block: Block) -> np.ndarray:
        """Mask pairs that are equal."""
        equal, known = self._compare(block)
        out: np.ndarray = ~(equal & known)
        return out


class MaxTimezoneGap(Rule):
    """The UTC offsets of the two differ by at most ``hours``.

    Pairs where either time zone is unknown are removed.
    """

    name = "max_timezone_gap"

    def __init__(self, hours: float) -> None:
        self.hours = hours

    def check(self, people: People | None = None) -> None:
        """Validate the parameters."""
        check_number("MaxTimezoneGap", "hours", self.hours, 0.0)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"hours": self.hours}

    def title(self) -> str:
        """Human name."""
        return f"time zones at most {self.hours:g} h apart"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return f"no {other} within {self.hours:g} hours of their time zone"

    def allowed(self, block: Block) -> np.ndarray:
        """Mask pairs too far apart."""
        off = block.people.utc_offset_hours
        d = np.abs(off[block.mentors][:, None] - off[block.mentees][None, :])
        # The gap wraps around the globe: UTC-11 and UTC+13 are 0 hours apart.
        d = np.minimum(d, 24 - d)
        with np.errstate(invalid="ignore"):
            out: np.ndarray = d <= self.hours + 1e-9
        return out

    def plan(self, context: ScoringContext) -> RulePlan | None:
        """A table of keys (``allowed`` not overridden)."""
        if type(self).allowed is not MaxTimezoneGap.allowed:
            return None
        return KeyPlan.from_keys(
            self, context, key_codes(context.people.utc_offset_hours)
        )


class MinScore(Rule):
    """Only pairs whose total score is at least ``threshold``."""

    name = "min_score"
    needs_score = True

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    def check(self, people: People | None = None) -> None:
        """Validate the parameters."""
        check_number("MinScore", "threshold", self.threshold, 0.0)
        if self.threshold > 1:
            raise ConfigError(
                "The 'threshold' parameter of MinScore must be in [0, 1]. "
                f"Got {self.threshold!r} instead."
            )

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"threshold": self.threshold}

    def title(self) -> str:
        """Human name."""
        return f"score at least {self.threshold:g}"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return f"no {other} reaches the minimum score {self.threshold:g}"

    def plan(self, context: ScoringContext) -> RulePlan | None:
        """Compare the builder's total score (``allowed`` not overridden)."""
        if type(self).allowed is not MinScore.allowed:
            return None
        return ScorePlan(self, self.threshold)

    def allowed(self, block: Block) -> np.ndarray:
        """Mask pairs below the threshold (pairs without data are removed)."""
        assert block.total is not None
        with np.errstate(invalid="ignore"):
            out: np.ndarray = block.total >= self.threshold - 1e-12
        return out

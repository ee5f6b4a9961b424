"""Hard rules: which pairs are allowed at all.

A rule returns a boolean "allowed" mask for a :class:`~rmatch.criteria.Block`. A
forbidden pair is removed from the candidate graph; it is never given a penalty.
Rules are applied in order, and each pair removed is attributed to the first rule that
removed it, so every unmatched person can be told which rule left them without a
candidate.

Examples
--------
>>> from rmatch.rules import NoReportingLine, MinSharedHours
>>> rules = [NoReportingLine(levels=2), MinSharedHours(1)]
>>> rules[0].to_dict()
{'type': 'no_reporting_line', 'levels': 2, 'same_manager': False}
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import numpy as np

from rmatch.criteria import Block
from rmatch.errors import ConfigError
from rmatch.people import People

__all__ = [
    "DifferentValue",
    "ForbiddenPairs",
    "History",
    "MaxTimezoneGap",
    "MinScore",
    "MinSharedHours",
    "NoReportingLine",
    "ReverseSeniority",
    "Rule",
    "SameValue",
    "rule_from_dict",
]


class Rule:
    """Base class of a hard rule.

    Subclasses set ``name`` and implement :meth:`allowed`. ``needs_score`` rules are
    applied after scoring (``block.total`` is set).
    """

    name: ClassVar[str] = "rule"
    needs_score: ClassVar[bool] = False

    def allowed(self, block: Block) -> np.ndarray:
        """Return ``bool`` ``(M, N)``: True where the pair is allowed."""
        raise NotImplementedError

    def title(self) -> str:
        """Return a short human name, e.g. ``"no reporting line (2 levels)"``."""
        return self.name.replace("_", " ")

    def no_candidate_reason(self, other: str) -> str:
        """Why a person has no candidate left when this rule removed them all.

        Parameters
        ----------
        other : str
            ``"mentor"`` or ``"mentee"``: the role of the missing partner.
        """
        return f"every candidate {other} is excluded by the rule '{self.title()}'"

    def why_forbidden(self, people: People, mentor: int, mentee: int) -> str:
        """Explain why one pair is forbidden (called only when it is)."""
        return f"forbidden by '{self.title()}'"

    def check(self, people: People | None = None) -> None:
        """Raise :class:`ConfigError` for invalid parameters or missing columns."""

    def params(self) -> dict[str, Any]:
        """Parameters that rebuild the rule (JSON-safe)."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"type": name, **params}``."""
        return {"type": self.name, **self.params()}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


def _positive_int(owner: str, name: str, value: object, minimum: int = 0) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ConfigError(
            f"The {name!r} parameter of {owner} must be an int >= {minimum}. "
            f"Got {value!r} instead."
        )


def _number(owner: str, name: str, value: object, minimum: float = 0.0) -> None:
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not np.isfinite(value)
        or value < minimum
    ):
        raise ConfigError(
            f"The {name!r} parameter of {owner} must be a number >= {minimum:g}. "
            f"Got {value!r} instead."
        )


class NoReportingLine(Rule):
    """Never pair a person with someone in their reporting line.

    Parameters
    ----------
    levels : int, default 1
        How far up and down the chain: 1 = direct manager and direct reports,
        2 adds skip-level managers and reports of reports, and so on.
    same_manager : bool, default False
        Also forbid pairs of people who share a direct manager (peers).
    """

    name = "no_reporting_line"

    def __init__(self, levels: int = 1, *, same_manager: bool = False) -> None:
        self.levels = levels
        self.same_manager = same_manager

    def check(self, people: People | None = None) -> None:
        """Validate the parameters."""
        _positive_int("NoReportingLine", "levels", self.levels, minimum=1)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"levels": self.levels, "same_manager": self.same_manager}

    def title(self) -> str:
        """Human name."""
        extra = " or shared manager" if self.same_manager else ""
        if self.levels == 1:
            return f"no reporting line{extra}"
        return f"no reporting line ({self.levels} levels){extra}"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return f"every candidate {other} is in their reporting line"

    def allowed(self, block: Block) -> np.ndarray:
        """Mask pairs where one is among the other's ``levels`` managers."""
        anc = _ancestors(block.people, self.levels)
        a_m = anc[block.mentors]  # (M, k)
        a_e = anc[block.mentees]  # (N, k)
        bad = np.zeros(block.shape, dtype=bool)
        for level in range(self.levels):
            bad |= a_m[:, level][:, None] == block.mentees[None, :]
            bad |= a_e[:, level][None, :] == block.mentors[:, None]
        if self.same_manager:
            m = block.people.manager
            mm = m[block.mentors][:, None]
            bad |= (mm >= 0) & (mm == m[block.mentees][None, :])
        return ~bad

    def why_forbidden(self, people: People, mentor: int, mentee: int) -> str:
        """Say who manages whom."""
        distance = people.reporting_distance(mentor, mentee, self.levels)
        if distance is not None:
            return f"in each other's reporting line ({distance} level(s) apart)"
        return "they share a manager"


# Per-People caches. Keyed weakly by the People object itself (not by ``id()``,
# which Python reuses once an object is garbage-collected).
_ANCESTOR_CACHE: weakref.WeakKeyDictionary[People, dict[int, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


def _ancestors(people: People, levels: int) -> np.ndarray:
    per_people = _ANCESTOR_CACHE.setdefault(people, {})
    if levels not in per_people:
        per_people[levels] = people.ancestors(levels)
    return per_people[levels]


def _pair_keys(
    people: People, pairs: Iterable[tuple[str, str]], owner: str
) -> tuple[np.ndarray, list[str]]:
    """Encode id pairs as sorted ``int64`` keys ``mentor * n + mentee``."""
    n = len(people)
    unknown: list[str] = []
    keys = []
    for a, b in pairs:
        pa, pb = people.positions([a, b])
        if pa < 0 or pb < 0:
            unknown.append(f"({a}, {b})")
            continue
        keys.append(int(pa) * n + int(pb))
    return np.unique(np.asarray(keys, dtype=np.int64)), unknown


class ForbiddenPairs(Rule):
    """Explicitly forbidden pairs, by id.

    Parameters
    ----------
    pairs : iterable of (str, str)
        ``(mentor_id, mentee_id)`` pairs.
    symmetric : bool, default True
        Also forbid the reverse pair (who mentors whom does not matter).
    """

    name = "forbidden_pairs"

    def __init__(
        self, pairs: Iterable[tuple[str, str]], *, symmetric: bool = True
    ) -> None:
        self.pairs = [(str(a), str(b)) for a, b in pairs]
        self.symmetric = symmetric
        self._cache: weakref.WeakKeyDictionary[People, np.ndarray] = (
            weakref.WeakKeyDictionary()
        )

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"pairs": [list(p) for p in self.pairs], "symmetric": self.symmetric}

    def title(self) -> str:
        """Human name."""
        return "forbidden pairs"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return f"every candidate {other} is on the forbidden-pairs list"

    def _keys(self, people: People) -> np.ndarray:
        keys = self._cache.get(people)
        if keys is None:
            pairs = list(self.pairs)
            if self.symmetric:
                pairs += [(b, a) for a, b in self.pairs]
            keys, _ = _pair_keys(people, pairs, type(self).__name__)
            self._cache[people] = keys
        return keys

    def allowed(self, block: Block) -> np.ndarray:
        """Mask the listed pairs."""
        keys = self._keys(block.people)
        if keys.size == 0:
            return np.ones(block.shape, dtype=bool)
        n = len(block.people)
        grid = block.mentors[:, None] * n + block.mentees[None, :]
        return ~np.isin(grid, keys)

    def unknown_ids(self, people: People) -> list[str]:
        """Pairs naming an id that is not in ``people``."""
        return _pair_keys(people, self.pairs, type(self).__name__)[1]


class History(ForbiddenPairs):
    """Never repeat a past pair, in either direction.

    Parameters
    ----------
    pairs : iterable of (str, str)
        Past ``(mentor_id, mentee_id)`` pairs, e.g. from last round's ``pairs.csv``.
    """

    name = "history"

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        super().__init__(pairs, symmetric=True)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"pairs": [list(p) for p in self.pairs]}

    def title(self) -> str:
        """Human name."""
        return "no repeated pairs"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return f"they were paired before with every candidate {other}"

    def why_forbidden(self, people: People, mentor: int, mentee: int) -> str:
        """Reason text."""
        return "they were paired in an earlier round"

    @classmethod
    def from_csv(cls, path: str) -> History:
        """Read past pairs from a CSV with ``mentor_id`` and ``mentee_id`` columns."""
        from rmatch.errors import Issue, ValidationError
        from rmatch.io import read_table

        frame, name = read_table(path)
        missing = [c for c in ("mentor_id", "mentee_id") if c not in frame.columns]
        if missing:
            raise ValidationError(
                [
                    Issue(
                        f"the history file needs the column {c!r}",
                        "use a pairs.csv written by rmatch, or name the columns "
                        "mentor_id and mentee_id",
                        file=name,
                        column=c,
                        code="missing_column",
                    )
                    for c in missing
                ]
            )
        return cls(zip(frame["mentor_id"], frame["mentee_id"], strict=True))


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
        _number("MinSharedHours", "hours", self.hours, 0.0)

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
        _number("ReverseSeniority", "min_gap", self.min_gap, 0.0)

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
    import pandas as pd

    normalized = np.array([str(v).strip().casefold() for v in values], dtype=object)
    normalized[normalized == ""] = None
    codes, uniques = pd.factorize(normalized)
    return codes.astype(np.int64), [str(u) for u in uniques]


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
        _number("MaxTimezoneGap", "hours", self.hours, 0.0)

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


class MinScore(Rule):
    """Only pairs whose total score is at least ``threshold``."""

    name = "min_score"
    needs_score = True

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold

    def check(self, people: People | None = None) -> None:
        """Validate the parameters."""
        _number("MinScore", "threshold", self.threshold, 0.0)
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

    def allowed(self, block: Block) -> np.ndarray:
        """Mask pairs below the threshold (pairs without data are removed)."""
        assert block.total is not None
        with np.errstate(invalid="ignore"):
            out: np.ndarray = block.total >= self.threshold - 1e-12
        return out


BUILTIN_RULES: dict[str, type[Rule]] = {
    "no_reporting_line": NoReportingLine,
    "forbidden_pairs": ForbiddenPairs,
    "history": History,
    "min_shared_hours": MinSharedHours,
    "reverse_seniority": ReverseSeniority,
    "same": SameValue,
    "different": DifferentValue,
    "max_timezone_gap": MaxTimezoneGap,
    "min_score": MinScore,
}

# Parameter given when a TOML entry is a bare value, e.g. ``min_shared_hours = 1``.
_SCALAR_PARAM = {
    "no_reporting_line": "levels",
    "min_shared_hours": "hours",
    "reverse_seniority": "min_gap",
    "max_timezone_gap": "hours",
    "min_score": "threshold",
    "same": "column",
    "different": "column",
    "forbidden_pairs": "pairs",
    "history": "pairs",
}


def rule_from_dict(name: str, spec: Any) -> list[Rule]:
    """Build rules from one TOML/dict entry.

    ``no_reporting_line = true``, ``no_reporting_line = 2``,
    ``no_reporting_line = {levels = 2, same_manager = true}``,
    ``different = ["department", "location"]`` (one rule per column),
    ``history = "past_pairs.csv"``. ``false`` disables the rule.
    """
    kind = name
    if isinstance(spec, Mapping):
        params = dict(spec)
        kind = str(params.pop("type", name))
    else:
        params = {}
    if kind not in BUILTIN_RULES:
        raise ConfigError(
            f"unknown rule {kind!r}; built-in rules are "
            f"{', '.join(sorted(BUILTIN_RULES))}"
        )
    cls = BUILTIN_RULES[kind]
    if spec is False:
        return []
    if not isinstance(spec, Mapping) and spec is not True:
        key = _SCALAR_PARAM[kind]
        if kind in ("same", "different") and isinstance(spec, list):
            return [cls(column=str(c)) for c in spec]  # type: ignore[call-arg]
        if kind == "history" and isinstance(spec, str):
            return [History.from_csv(spec)]
        params = {key: spec}
    return [build_checked(cls, params, f"rule {name!r}")]


def build_checked(cls: type[Any], params: Mapping[str, Any], label: str) -> Any:
    """``cls(**params)``, checked; unknown parameters become a ConfigError.

    ``label`` names the entry in messages (``"rule 'same'"``). Shared by the rule
    and quota configuration readers.
    """
    try:
        made = cls(**params)
    except TypeError as exc:
        allowed = [p for p in inspect.signature(cls).parameters if p != "self"]
        raise ConfigError(
            f"{label}: {exc}. Allowed parameters: {', '.join(allowed)}"
        ) from None
    made.check()
    return made

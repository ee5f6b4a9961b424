"""Soft rules: a hard rule turned into a criterion with a weight (`Soft`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from rmatch.constraints._checks import param_error
from rmatch.constraints._views import allows, pair_block
from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.rules import Rule
from rmatch.scoring import Block, Criterion

__all__ = ["Soft"]

#: Pairs per block when `Soft.details` asks the rule (a block is at most its square).
_CHUNK = 256


class Soft(Criterion):
    """A hard rule declared soft: a bonus for pairs that satisfy it.

    The soft rule is scored like a criterion: 1 when the pair satisfies the rule,
    0 when it breaks it, with ``weight`` in the weighted mean of the criteria (the
    same units as the criteria weights). Scores therefore stay in ``[0, 1]``: a pair
    that breaks the rule keeps its place in the candidate graph but loses
    ``weight / W`` of its score, ``W`` being the total weight of the criteria with
    data for that pair (this soft rule included).

    Parameters
    ----------
    rule : Rule
        Any hard rule that does not depend on the score.
    weight : float
        Weight > 0.
    label : str, optional
        Column name in the pairs table (default ``"soft: <rule title>"``).

    Examples
    --------
    >>> from rmatch.rules import DifferentValue
    >>> Soft(DifferentValue("department"), weight=1).to_dict()
    {'type': 'different', 'column': 'department', 'weight': 1}
    """

    name = "soft"

    def __init__(
        self, rule: Rule, *, weight: float = 1.0, label: str | None = None
    ) -> None:
        super().__init__(weight=weight)
        self.rule = rule
        self.label = label or f"soft: {rule.title()}"

    def check(self, people: People | None = None) -> None:
        """Validate the weight and the wrapped rule."""
        super().check()
        if not isinstance(self.rule, Rule):
            raise ConfigError(f"Soft needs a hard Rule; got {self.rule!r}")
        if not self.weight > 0:
            raise param_error("a soft rule", "weight", "> 0", self.weight)
        if self.rule.needs_score:
            raise ConfigError(
                f"the rule {self.rule.title()!r} depends on the score and cannot be "
                "soft; lower its threshold instead"
            )
        self.rule.check(people)

    def title(self) -> str:
        """E.g. ``"different department (soft, weight 1)"``."""
        return f"{self.rule.title()} (soft, weight {self.weight:g})"

    def score(self, block: Block) -> np.ndarray:
        """1.0 where the rule allows the pair, else 0.0."""
        return np.asarray(self.rule.allowed(block), dtype=np.float64)

    def describe(self, value: float) -> str:
        """``holds`` or ``broken``."""
        if np.isnan(value):
            return "no data"
        return "holds" if value >= 0.5 else "broken"

    def detail(self, people: People, mentor: int, mentee: int) -> str:
        """Why the rule is broken for this pair (empty when it holds)."""
        if allows(self.rule, pair_block(people, mentor, mentee)):
            return ""
        return self.rule.why_forbidden(people, mentor, mentee)

    def details(
        self, people: People, mentors: np.ndarray, mentees: np.ndarray
    ) -> list[str]:
        """`detail()` of many pairs at once (the rule asked on small blocks)."""
        left = np.asarray(mentors, dtype=np.int64).ravel()
        right = np.asarray(mentees, dtype=np.int64).ravel()
        if type(self).detail is not Soft.detail or left.shape != right.shape:
            return super().details(people, left, right)
        allowed = np.ones(left.size, dtype=bool)
        for start in range(0, left.size, _CHUNK):
            a = left[start : start + _CHUNK]
            b = right[start : start + _CHUNK]
            rows, at_row = np.unique(a, return_inverse=True)
            cols, at_col = np.unique(b, return_inverse=True)
            grid = np.asarray(self.rule.allowed(Block(people, rows, cols)), dtype=bool)
            allowed[start : start + a.size] = grid[at_row.ravel(), at_col.ravel()]
        out = [""] * left.size
        for i in np.flatnonzero(~allowed).tolist():
            out[i] = self.rule.why_forbidden(people, int(left[i]), int(right[i]))
        return out

    def params(self) -> dict[str, Any]:
        """Parameters of the rule plus the weight."""
        return {**self.rule.params(), "weight": self.weight}

    def to_dict(self) -> dict[str, Any]:
        """Return the rule's dict with ``weight`` (which marks it soft)."""
        return {**self.rule.to_dict(), "weight": self.weight}

    def __repr__(self) -> str:
        return f"Soft({self.rule!r}, weight={self.weight!r})"

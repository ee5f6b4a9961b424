"""The rule and the criterion a round adds: never again, and stability."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from rmatch.people import People
from rmatch.rules import ForbiddenPairs
from rmatch.scoring import Block, Criterion

__all__ = ["NeverAgain", "Stability"]


class NeverAgain(ForbiddenPairs):
    """Pairs ended by feedback (rated badly, ``end``, ``not a fit``): never again.

    Parameters
    ----------
    pairs : iterable of (str, str)
        ``(mentor_id, mentee_id)``; the reverse pair is forbidden too.
    """

    name = "never_again"

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        super().__init__(pairs, symmetric=True)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"pairs": [list(p) for p in self.pairs]}

    def title(self) -> str:
        """Human name."""
        return "ended by feedback"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return f"feedback ended their pair with every candidate {other}"

    def why_forbidden(self, people: People, mentor: int, mentee: int) -> str:
        """Reason text."""
        return "the pair was ended by feedback in an earlier round"


class Stability(Criterion):
    """1 for a pair of the previous round, 0 otherwise: a bonus for keeping pairs.

    Parameters
    ----------
    pairs : iterable of (str, str)
        The previous round's ``(mentor_id, mentee_id)`` pairs.
    weight : float
        Weight in the weighted mean of the criteria (``[rounds] stability``).
    """

    name = "stability"

    def __init__(self, pairs: Iterable[tuple[str, str]], *, weight: float) -> None:
        super().__init__(weight=weight)
        self.pairs = ForbiddenPairs(pairs, symmetric=False)

    def score(self, block: Block) -> np.ndarray:
        """1.0 where the pair was matched in the previous round."""
        return (~self.pairs.allowed(block)).astype(np.float64)

    def describe(self, value: float) -> str:
        """``previous pair`` or ``new pair``."""
        return "previous pair" if value >= 0.5 else "new pair"

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"pairs": [list(p) for p in self.pairs.pairs], "weight": self.weight}

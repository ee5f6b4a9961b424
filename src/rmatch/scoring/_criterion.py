"""The base class of scoring criteria."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.scoring._block import Block
from rmatch.scoring._details import pair_positions
from rmatch.scoring._kernel import Kernel, ScoringContext


class Criterion:
    """Base class of a scoring criterion.

    Subclasses set ``name`` and implement `score()`; they may override
    `describe()` (shown by ``Matching.explain``), `detail()` (what lies behind
    a pair's score) and `details()` (the same for many pairs at once),
    `params()` (stored by ``Program.to_dict``) and `kernel()` (a vectorized
    block kernel for the candidate builder).

    Parameters
    ----------
    weight : float, default 1.0
        Weight in the total score (the weighted mean of criteria with data).
    """

    name: ClassVar[str] = "criterion"
    columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, weight: float = 1.0) -> None:
        self.weight = weight

    def check(self) -> None:
        """Raise `ConfigError` if the parameters are invalid."""
        if not finite_number(self.weight):
            raise ConfigError(
                f"The 'weight' parameter of {type(self).__name__} must be a finite "
                f"number >= 0. Got {self.weight!r} instead."
            )

    def score(self, block: Block) -> np.ndarray:
        """Return scores in ``[0, 1]`` (``NaN`` = no data), shape ``block.shape``."""
        raise NotImplementedError

    def kernel(self, context: ScoringContext) -> Kernel | None:
        """Return the vectorized block kernel of this criterion, or None.

        The candidate builder asks each criterion once per run. A kernel scores
        the blocks of the run in float32 (see [`Kernel`][rmatch.scoring.Kernel])
        and must compute exactly what `score()` computes; ``None`` (the
        default) makes the builder call `score()` block by block.

        Parameters
        ----------
        context : ScoringContext
            The run: people, mentor and mentee positions, weekly slot buckets.

        Returns
        -------
        Kernel or None
        """
        return None

    def describe(self, value: float) -> str:
        """Return a short human phrase for a score (used in explanations)."""
        if np.isnan(value):
            return "no data"
        return f"{value:.0%}"

    def detail(self, people: People, mentor: int, mentee: int) -> str:
        """Return what lies behind the score of one pair (e.g. the shared skills)."""
        return ""

    def nothing_found(self, people: People) -> str:
        """Say why this criterion scored 0 (or had no data) for every pair.

        Used in the warning a program gives when every score is 0. Override it to
        name the data that is missing.

        Parameters
        ----------
        people : People

        Returns
        -------
        str
            A sentence naming the criterion and what is missing.
        """
        return f"{criterion_label(self)}: no pair scores above 0"

    def details(
        self, people: People, mentors: np.ndarray, mentees: np.ndarray
    ) -> list[str]:
        """Return `detail()` of many pairs at once.

        Explanations, reports and shortlists ask for the details of thousands of
        pairs; the built-in criteria override this with a vectorized version
        that returns exactly what `detail()` returns pair by pair. The base
        version calls `detail()` once per pair, so a criterion that only
        implements `detail()` works unchanged.

        Parameters
        ----------
        people : People
        mentors, mentees : numpy.ndarray
            Positions in ``people`` of the same length: pair ``i`` is
            ``(mentors[i], mentees[i])``.

        Returns
        -------
        list of str
            One detail per pair, in order (``""`` where there is nothing to add).

        Examples
        --------
        >>> import numpy as np
        >>> import rmatch
        >>> from rmatch.scoring import Interests
        >>> people = rmatch.read_people(
        ...     [
        ...         {"id": "A", "role": "mentor", "interests": "chess; music"},
        ...         {"id": "B", "role": "mentee", "interests": "music"},
        ...         {"id": "C", "role": "mentee", "interests": "running"},
        ...     ]
        ... )
        >>> Interests().details(people, np.array([0, 0]), np.array([1, 2]))
        ['shared interests: music', '']
        """
        left, right = pair_positions(mentors, mentees)
        if type(self).detail is Criterion.detail:  # nothing to add, pair by pair
            return [""] * left.size
        return [
            self.detail(people, m, e)
            for m, e in zip(left.tolist(), right.tolist(), strict=True)
        ]

    def params(self) -> dict[str, Any]:
        """Return the parameters that rebuild this criterion (JSON-safe)."""
        return {"weight": self.weight}

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"type": name, **params}``."""
        return {"type": self.name, **self.params()}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


def criterion_label(c: Criterion) -> str:
    """Return the output column name of a criterion."""
    label = getattr(c, "label", None)
    return str(label) if label else c.name


def finite_number(value: object, minimum: float = 0.0) -> bool:
    """Whether ``value`` is a finite number (not a bool) >= ``minimum``."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= minimum
    )

"""Per-pair criteria from plain functions, and criteria from configuration."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from rmatch.errors import ConfigError
from rmatch.scoring._block import Block
from rmatch.scoring._criterion import Criterion
from rmatch.scoring._schedule import Schedule
from rmatch.scoring._sets import Goals, Interests, SetSimilarity
from rmatch.scoring._skills import Skills


class _PairFunction(Criterion):
    """A criterion from a per-pair Python function (see `criterion()`)."""

    def __init__(
        self,
        function: Callable[..., float],
        columns: tuple[str, ...],
        name: str,
        weight: float,
    ) -> None:
        super().__init__(weight=weight)
        self.function = function
        self.pair_columns = columns
        self.criterion_name = name

    @property
    def label(self) -> str:
        """Column name used in outputs."""
        return self.criterion_name

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"weight": self.weight, "columns": list(self.pair_columns)}

    def to_dict(self) -> dict[str, Any]:
        """Custom functions are stored by name only."""
        return {"type": self.criterion_name, "custom": True, **self.params()}

    def score(self, block: Block) -> np.ndarray:
        """Call the function once per pair (slow path for extenders)."""
        people = block.people
        values = {c: people[c] for c in self.pair_columns}
        out = np.empty(block.shape)
        for a, i in enumerate(block.mentors.tolist()):
            for b, j in enumerate(block.mentees.tolist()):
                if len(self.pair_columns) == 1:
                    col = values[self.pair_columns[0]]
                    value = self.function(col[i], col[j])
                else:
                    value = self.function(
                        {c: v[i] for c, v in values.items()},
                        {c: v[j] for c, v in values.items()},
                    )
                out[a, b] = np.nan if value is None else float(value)
        if np.any(out[~np.isnan(out)] < 0) or np.any(out[~np.isnan(out)] > 1):
            raise ConfigError(
                f"criterion {self.criterion_name!r} returned a value outside [0, 1]; "
                "return a float in [0, 1], or None/NaN for no data"
            )
        return out


def criterion(
    function: Callable[..., float] | None = None,
    *,
    columns: tuple[str, ...] | list[str],
    name: str | None = None,
    weight: float = 1.0,
) -> Any:
    """Turn a per-pair function into a [`Criterion`][rmatch.scoring.Criterion].

    With one column, the function receives the mentor's and the mentee's value of that
    column; with several, two dicts ``{column: value}``. It returns a float in
    ``[0, 1]`` or ``None`` for "no data". It runs once per pair: fine for hundreds of
    people, use a [`Criterion`][rmatch.scoring.Criterion] subclass for more.

    Examples
    --------
    >>> from rmatch.scoring import criterion
    >>> @criterion(columns=("location",), weight=0.5)
    ... def same_location(mentor_location, mentee_location):
    ...     return float(mentor_location == mentee_location)
    >>> same_location.name, same_location.weight
    ('same_location', 0.5)
    """

    def wrap(fn: Callable[..., float]) -> _PairFunction:
        if not callable(fn):
            raise ConfigError("@criterion decorates a function")
        n_params = len(inspect.signature(fn).parameters)
        if n_params != 2:
            raise ConfigError(
                f"a per-pair criterion takes 2 arguments (mentor value, mentee value); "
                f"{fn.__name__} takes {n_params}"
            )
        made = _PairFunction(fn, tuple(columns), name or fn.__name__, weight)
        made.name = made.criterion_name  # type: ignore[misc]
        return made

    return wrap(function) if function is not None else wrap


BUILTIN_CRITERIA: dict[str, type[Criterion]] = {
    "skills": Skills,
    "interests": Interests,
    "goals": Goals,
    "schedule": Schedule,
    "set_similarity": SetSimilarity,
}


def criterion_from_dict(name: str, spec: Mapping[str, Any] | float) -> Criterion:
    """Build a built-in criterion from a TOML/dict entry.

    Parameters
    ----------
    name : str
        ``skills``, ``interests``, ``goals``, ``schedule``, or any other name with
        ``type = "set_similarity"`` and ``column = ...``.
    spec : dict or float
        Parameters, or just the weight.
    """
    params: dict[str, Any] = (
        {"weight": float(spec)} if isinstance(spec, int | float) else dict(spec)
    )
    kind = str(params.pop("type", name))
    if kind not in BUILTIN_CRITERIA:
        raise ConfigError(
            f"unknown criterion {kind!r}; built-in criteria are "
            f"{', '.join(sorted(BUILTIN_CRITERIA))}. Custom criteria are passed as "
            "Python objects: Program(criteria=[...])."
        )
    try:
        made = BUILTIN_CRITERIA[kind](**params)
    except TypeError as exc:
        allowed = [
            p
            for p in inspect.signature(BUILTIN_CRITERIA[kind]).parameters
            if p != "self"
        ]
        raise ConfigError(
            f"criterion {name!r}: {exc}. Allowed parameters: {', '.join(allowed)}"
        ) from None
    made.check()
    return made


def default_criteria() -> list[Criterion]:
    """Return the default criteria: skills 3, schedule 2, interests 1, goals 1."""
    return [Skills(), Schedule(), Interests(), Goals()]

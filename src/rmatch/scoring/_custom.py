"""Criteria from plain functions, and criteria from configuration."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from rmatch.errors import ConfigError
from rmatch.scoring._block import Block
from rmatch.scoring._criterion import Criterion
from rmatch.scoring._registry import CRITERIA
from rmatch.scoring._schedule import Schedule
from rmatch.scoring._sets import Goals, Interests
from rmatch.scoring._skills import Skills


class _FunctionCriterion(Criterion):
    """A criterion from a Python function (see `criterion()`).

    With ``columns`` the function scores one pair; without, a whole block.
    """

    def __init__(
        self,
        function: Callable[..., Any],
        columns: tuple[str, ...] | None,
        name: str,
        weight: float,
    ) -> None:
        super().__init__(weight=weight)
        self.function = function
        self.pair_columns = columns
        self.criterion_name = name
        self.name = name  # type: ignore[misc]

    @property
    def label(self) -> str:
        """Column name used in outputs."""
        return self.criterion_name

    def configured(
        self, *, weight: float | None = None, columns: Sequence[str] | None = None
    ) -> _FunctionCriterion:
        """Return a copy with another weight (and, per pair, other columns)."""
        if columns is not None and self.pair_columns is None:
            raise TypeError("a block criterion takes no 'columns'")
        return _FunctionCriterion(
            self.function,
            tuple(columns) if columns is not None else self.pair_columns,
            self.criterion_name,
            self.weight if weight is None else weight,
        )

    def params(self) -> dict[str, Any]:
        """Parameters: the weight, and the columns of a per-pair function."""
        if self.pair_columns is None:
            return {"weight": self.weight}
        return {"weight": self.weight, "columns": list(self.pair_columns)}

    def to_dict(self) -> dict[str, Any]:
        """Stored by name; ``custom = true`` unless the name is registered."""
        out = {"type": self.criterion_name, **self.params()}
        if CRITERIA.get(self.criterion_name) is None:
            out["custom"] = True
        return out

    def score(self, block: Block) -> np.ndarray:
        """Call the function on the block, or once per pair (slow path)."""
        if self.pair_columns is None:
            out = np.asarray(self.function(block), dtype=float)
        else:
            out = self._per_pair(block, self.pair_columns)
        if out.shape != block.shape:
            raise ConfigError(
                f"criterion {self.criterion_name!r} returned shape {out.shape}, "
                f"expected {block.shape} (mentors × mentees)"
            )
        # fmin/fmax skip NaN (no data) without copying the non-NaN values out
        flat = out.ravel()
        if flat.size and (np.fmin.reduce(flat) < 0 or np.fmax.reduce(flat) > 1):
            raise ConfigError(
                f"criterion {self.criterion_name!r} returned a value outside [0, 1]; "
                "return a float in [0, 1], or None/NaN for no data"
            )
        return out

    def _per_pair(self, block: Block, columns: tuple[str, ...]) -> np.ndarray:
        people = block.people
        values = {c: people[c] for c in columns}
        out = np.empty(block.shape)
        for a, i in enumerate(block.mentors.tolist()):
            for b, j in enumerate(block.mentees.tolist()):
                if len(columns) == 1:
                    col = values[columns[0]]
                    value = self.function(col[i], col[j])
                else:
                    value = self.function(
                        {c: v[i] for c, v in values.items()},
                        {c: v[j] for c, v in values.items()},
                    )
                out[a, b] = np.nan if value is None else float(value)
        return out


def check_arity(fn: Callable[..., Any], n: int, what: str) -> None:
    """Raise `ConfigError` unless ``fn`` is a function of ``n`` arguments.

    Parameters
    ----------
    fn : callable
    n : int
        Expected number of parameters.
    what : str
        What the arguments are, for the message (``"mentor value, mentee value"``).
    """
    if not callable(fn):
        raise ConfigError(f"the decorator takes a function; got {fn!r}")
    n_params = len(inspect.signature(fn).parameters)
    if n_params != n:
        raise ConfigError(
            f"{getattr(fn, '__name__', fn)} takes {n_params} argument(s); expected "
            f"{n} ({what})"
        )


def criterion(
    function: Callable[..., Any] | None = None,
    *,
    columns: Sequence[str] | None = None,
    name: str | None = None,
    weight: float = 1.0,
) -> Any:
    """Turn a function into a [`Criterion`][rmatch.scoring.Criterion].

    With ``columns`` the function scores one pair: with one column it receives the
    mentor's and the mentee's value of that column; with several, two dicts ``{column:
    value}``. It returns a float in ``[0, 1]`` or ``None`` for "no data", and runs once
    per pair: fine for hundreds of people. Without ``columns`` it scores a whole
    [`Block`][rmatch.scoring.Block] and returns a float array ``block.shape`` (NaN = no
    data): vectorized, for any size.

    Parameters
    ----------
    function : callable
        Per-pair ``fn(mentor_value, mentee_value)`` or vectorized ``fn(block)``.
    columns : sequence of str, optional
        The columns a per-pair function reads.
    name : str, optional
        Registers the criterion under this name (see
        [`register_criterion()`][rmatch.scoring.register_criterion]), so a program file
        can use it (``[criteria] name = { weight = 2 }``). Default: the function's name,
        not registered.
    weight : float, default 1.0

    Examples
    --------
    >>> from rmatch.scoring import criterion
    >>> @criterion(columns=("location",), weight=0.5)
    ... def same_location(mentor_location, mentee_location):
    ...     return float(mentor_location == mentee_location)
    >>> same_location.name, same_location.weight
    ('same_location', 0.5)
    >>> @criterion
    ... def senior_mentor(block):
    ...     s = block.people.seniority
    ...     return (s[block.mentors][:, None] > s[block.mentees][None, :]) * 1.0
    >>> senior_mentor.params()
    {'weight': 1.0}
    """

    def wrap(fn: Callable[..., Any]) -> _FunctionCriterion:
        if columns is None:
            check_arity(fn, 1, "a Block")
        else:
            check_arity(fn, 2, "mentor value, mentee value")
        made = _FunctionCriterion(
            fn,
            None if columns is None else tuple(columns),
            name or fn.__name__,
            weight,
        )
        made.check()
        if name is not None:
            CRITERIA.register(name, made.configured)
        return made

    return wrap(function) if function is not None else wrap


def criterion_from_dict(name: str, spec: Mapping[str, Any] | float) -> Criterion:
    """Build a criterion from a TOML/dict entry.

    Parameters
    ----------
    name : str
        ``skills``, ``interests``, ``goals``, ``schedule``, any other name with ``type =
        "set_similarity"`` and ``column = ...``, or a criterion registered by name
        ([`register_criterion()`][rmatch.scoring.register_criterion],
        ``@criterion(name=...)`` or an entry point in the ``rmatch.criteria`` group).
    spec : dict or float
        Parameters, or just the weight.
    """
    params: dict[str, Any] = (
        {"weight": float(spec)} if isinstance(spec, int | float) else dict(spec)
    )
    kind = str(params.pop("type", name))
    params.pop("custom", None)
    factory = CRITERIA.get(kind)
    if factory is None:
        raise CRITERIA.unknown(kind)
    try:
        made = factory(**params)
    except TypeError as exc:
        try:
            allowed = [p for p in inspect.signature(factory).parameters if p != "self"]
        except (TypeError, ValueError):
            allowed = []
        raise ConfigError(
            f"criterion {name!r}: {exc}. Allowed parameters: {', '.join(allowed)}"
        ) from None
    if not isinstance(made, Criterion):
        raise ConfigError(
            f"criterion {name!r}: its factory returned {made!r}, not a Criterion"
        )
    made.check()
    return made


def default_criteria() -> list[Criterion]:
    """Return the default criteria: skills 3, schedule 2, interests 1, goals 1."""
    return [Skills(), Schedule(), Interests(), Goals()]

"""Rules from plain functions (see [`rule()`][rmatch.rules.rule])."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.rules._base import Rule
from rmatch.rules._config import RULES
from rmatch.scoring import Block, check_arity


class _FunctionRule(Rule):
    """A rule from a Python function (see [`rule()`][rmatch.rules.rule]).

    With ``columns`` the function judges one pair; without, a whole block.
    """

    def __init__(
        self,
        function: Callable[..., Any],
        columns: tuple[str, ...] | None,
        name: str,
        title: str | None,
        reason: str | None,
    ) -> None:
        self.function = function
        self.pair_columns = columns
        self.rule_name = name
        self.name = name  # type: ignore[misc]
        self.rule_title = title
        self.reason = reason

    def configured(self, *, columns: Sequence[str] | None = None) -> _FunctionRule:
        """Return a copy (reading other columns, for a per-pair function)."""
        if columns is not None and self.pair_columns is None:
            raise TypeError("a block rule takes no 'columns'")
        return type(self)(
            self.function,
            tuple(columns) if columns is not None else self.pair_columns,
            self.rule_name,
            self.rule_title,
            self.reason,
        )

    def title(self) -> str:
        """The ``title`` given to the decorator, else the name with spaces."""
        return self.rule_title or super().title()

    def no_candidate_reason(self, other: str) -> str:
        """The ``no_candidate_reason`` given to the decorator (``{other}`` filled)."""
        if self.reason is None:
            return super().no_candidate_reason(other)
        return self.reason.format(other=other)

    def check(self, people: People | None = None) -> None:
        """Raise `ConfigError` if a column the function reads is missing."""
        if people is None or self.pair_columns is None:
            return
        known = {"id", "role", "seniority", *people.sets, *people.columns}
        for column in self.pair_columns:
            if column not in known:
                raise ConfigError(
                    f"rule {self.rule_name!r} reads the column {column!r}, which "
                    f"the people table does not have; columns are {sorted(known)}"
                )

    def params(self) -> dict[str, Any]:
        """Parameters: the columns of a per-pair function."""
        if self.pair_columns is None:
            return {}
        return {"columns": list(self.pair_columns)}

    def to_dict(self) -> dict[str, Any]:
        """Stored by name; ``custom = true`` unless the name is registered."""
        out = {"type": self.rule_name, **self.params()}
        if RULES.get(self.rule_name) is None:
            out["custom"] = True
        return out

    def allowed(self, block: Block) -> np.ndarray:
        """Call the function on the block, or once per pair (slow path)."""
        if self.pair_columns is None:
            out = np.asarray(self.function(block))
        else:
            out = self._per_pair(block, self.pair_columns)
        if out.shape != block.shape or out.dtype != bool:
            raise ConfigError(
                f"rule {self.rule_name!r} returned a {out.dtype} array of shape "
                f"{out.shape}; expected bool {block.shape} (mentors × mentees)"
            )
        return out

    def _per_pair(self, block: Block, columns: tuple[str, ...]) -> np.ndarray:
        people = block.people
        values = {c: people[c] for c in columns}
        out = np.empty(block.shape, dtype=bool)
        for a, i in enumerate(block.mentors.tolist()):
            for b, j in enumerate(block.mentees.tolist()):
                if len(columns) == 1:
                    col = values[columns[0]]
                    out[a, b] = bool(self.function(col[i], col[j]))
                else:
                    out[a, b] = bool(
                        self.function(
                            {c: v[i] for c, v in values.items()},
                            {c: v[j] for c, v in values.items()},
                        )
                    )
        return out


class _ScoredFunctionRule(_FunctionRule):
    """A block rule that reads ``block.total`` (applied after scoring)."""

    needs_score = True


def rule(
    function: Callable[..., Any] | None = None,
    *,
    columns: Sequence[str] | None = None,
    name: str | None = None,
    title: str | None = None,
    no_candidate_reason: str | None = None,
    needs_score: bool = False,
) -> Any:
    """Turn a function into a hard [`Rule`][rmatch.rules.Rule].

    Without ``columns`` the function judges a whole [`Block`][rmatch.scoring.Block]
    and returns a ``bool`` array ``block.shape`` (mentors × mentees), ``True`` where
    the pair is allowed: vectorized, for any size. With ``columns`` it judges one
    pair: with one column it receives the mentor's and the mentee's value of that
    column; with several, two dicts ``{column: value}``; it returns a bool and runs
    once per pair (fine for hundreds of people).

    Parameters
    ----------
    function : callable
        Vectorized ``fn(block)`` or per-pair ``fn(mentor_value, mentee_value)``.
    columns : sequence of str, optional
        The columns a per-pair function reads.
    name : str, optional
        Registers the rule under this name (see
        [`register_rule()`][rmatch.rules.register_rule]), so a program file can use it
        (``[rules] name = true``). Default: the function's name, not registered.
    title : str, optional
        Short human name used in summaries (default: the name with spaces).
    no_candidate_reason : str, optional
        Why someone has no candidate left because of this rule; ``{other}`` is
        replaced by ``"mentor"`` or ``"mentee"``.
    needs_score : bool, default False
        The function reads ``block.total`` (a vectorized rule applied after
        scoring).

    Examples
    --------
    >>> from rmatch.rules import rule
    >>> @rule(columns=("location",), title="same location")
    ... def same_location(mentor_location, mentee_location):
    ...     return mentor_location == mentee_location
    >>> same_location.title(), same_location.params()
    ('same location', {'columns': ['location']})
    >>> @rule(no_candidate_reason="every candidate {other} is more junior")
    ... def mentor_is_senior(block):
    ...     s = block.people.seniority
    ...     return s[block.mentors][:, None] > s[block.mentees][None, :]
    >>> mentor_is_senior.no_candidate_reason("mentor")
    'every candidate mentor is more junior'
    """

    def wrap(fn: Callable[..., Any]) -> _FunctionRule:
        if columns is None:
            check_arity(fn, 1, "a Block")
        else:
            check_arity(fn, 2, "mentor value, mentee value")
            if needs_score:
                raise ConfigError(
                    "a per-pair rule cannot read the score; write a block rule "
                    "(no columns) with needs_score=True"
                )
        cls = _ScoredFunctionRule if needs_score else _FunctionRule
        made = cls(
            fn,
            None if columns is None else tuple(columns),
            name or fn.__name__,
            title,
            no_candidate_reason,
        )
        if name is not None:
            RULES.register(name, made.configured)
        return made

    return wrap(function) if function is not None else wrap

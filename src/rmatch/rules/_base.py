"""The base class of hard rules and the pruning plans rules hand to the builder.

A rule hands its plan to the candidate builder through
[`Rule.plan()`][rmatch.rules.Rule.plan]. The builder reads only what a plan says about
itself ([`RulePlan.keys`][rmatch.rules.RulePlan.keys],
[`RulePlan.pairs`][rmatch.rules.RulePlan.pairs],
[`RulePlan.allows_blocking`][rmatch.rules.RulePlan.allows_blocking],
[`RulePlan.uses_block`][rmatch.rules.RulePlan.uses_block]) and calls
[`RulePlan.apply()`][rmatch.rules.RulePlan.apply]; it never looks at the type of a plan
or a rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.scoring import (
    Block,
    BlockView,
    ScoringContext,
    SlotBuckets,
    presence_outer,
    simplify_presence,
)


class Rule:
    """Base class of a hard rule.

    Subclasses set ``name`` and implement `allowed()`. ``needs_score`` rules are
    applied after scoring (``block.total`` is set). A rule may also hand the
    candidate builder a pruning plan (`plan()`) that applies it without a
    [`Block`][rmatch.scoring.Block].
    """

    name: ClassVar[str] = "rule"
    needs_score: ClassVar[bool] = False

    def allowed(self, block: Block) -> np.ndarray:
        """Return ``bool`` ``(M, N)``: True where the pair is allowed."""
        raise NotImplementedError

    def plan(self, context: ScoringContext) -> RulePlan | None:
        """Return how the candidate builder applies this rule fast, or None.

        The builder asks each rule once per run. A plan
        ([`PairsPlan`][rmatch.rules.PairsPlan], [`KeyPlan`][rmatch.rules.KeyPlan],
        [`HoursPlan`][rmatch.rules.HoursPlan], [`ScorePlan`][rmatch.rules.ScorePlan] or
        a subclass of [`RulePlan`][rmatch.rules.RulePlan]) must forbid exactly the pairs
        `allowed()` forbids; ``None`` (the default) makes the builder call `allowed()`
        block by block.

        Parameters
        ----------
        context : ScoringContext
            The run: people, mentor and mentee positions, weekly slot buckets.

        Returns
        -------
        RulePlan or None
        """
        return None

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
        """Raise `ConfigError` for invalid parameters or missing columns."""

    def params(self) -> dict[str, Any]:
        """Parameters that rebuild the rule (JSON-safe)."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"type": name, **params}``."""
        return {"type": self.name, **self.params()}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


def positive_int(owner: str, name: str, value: object, minimum: int = 0) -> None:
    """Raise `ConfigError` unless ``value`` is an int >= ``minimum``."""
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ConfigError(
            f"The {name!r} parameter of {owner} must be an int >= {minimum}. "
            f"Got {value!r} instead."
        )


def check_number(owner: str, name: str, value: object, minimum: float = 0.0) -> None:
    """Raise `ConfigError` unless ``value`` is a finite number >= ``minimum``."""
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


class RulePlan:
    """The generic plan: call ``rule.allowed`` on each block.

    Subclasses apply a rule without a [`Block`][rmatch.scoring.Block].

    Parameters
    ----------
    rule : Rule

    Attributes
    ----------
    keys : tuple of numpy.ndarray or None
        ``(left_code, right_code, table)`` when the rule depends only on one key
        per person (see [`KeyPlan`][rmatch.rules.KeyPlan]).
    pairs : tuple of numpy.ndarray or None
        ``(left, right)`` node numbers of the forbidden pairs (see
        [`PairsPlan`][rmatch.rules.PairsPlan]).
    allows_blocking : bool
        The rule forbids every pair that shares no free hour, so the builder may score
        only pairs free in the same hour (see [`HoursPlan`][rmatch.rules.HoursPlan]).
    uses_block : bool
        `apply()` reads ``view.block()`` (all of ``people``).
    """

    keys: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    pairs: tuple[np.ndarray, np.ndarray] | None = None
    allows_blocking: bool = False
    uses_block: bool = True

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    @property
    def countable(self) -> bool:
        """Whether its survivors can be counted without scoring (keys or pairs)."""
        return self.keys is not None or self.pairs is not None

    def apply(self, view: BlockView, allowed: np.ndarray) -> None:
        """Clear the pairs of ``view`` the rule forbids in ``allowed`` (in place).

        Parameters
        ----------
        view : BlockView
        allowed : numpy.ndarray
            ``bool`` ``view.shape``.
        """
        mask = np.asarray(self.rule.allowed(view.block()), dtype=bool)
        if mask.shape != view.shape:
            raise ConfigError(
                f"rule {self.rule.title()!r} returned shape {mask.shape}, "
                f"expected {view.shape} (mentors × mentees)"
            )
        allowed &= mask


class PairsPlan(RulePlan):
    """A rule that forbids a list of pairs (reporting lines, forbidden pairs).

    Parameters
    ----------
    rule : Rule
    left, right : numpy.ndarray
        Node numbers of the forbidden pairs (unique pairs, no self pairs).
    n_left : int
        Number of left nodes.
    """

    uses_block = False

    def __init__(
        self, rule: Rule, left: np.ndarray, right: np.ndarray, n_left: int
    ) -> None:
        super().__init__(rule)
        order = np.lexsort((right, left))
        self.left = left[order]
        self.right = right[order]
        self.indptr = np.zeros(n_left + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.left, minlength=n_left), out=self.indptr[1:])
        self.pairs = (self.left, self.right)

    @classmethod
    def from_nodes(
        cls,
        rule: Rule,
        context: ScoringContext,
        left: np.ndarray,
        right: np.ndarray,
    ) -> PairsPlan:
        """Build the plan from forbidden (left node, right node) pairs.

        Duplicates and self pairs (one person on both ends) are dropped.

        Parameters
        ----------
        rule : Rule
        context : ScoringContext
        left, right : numpy.ndarray
            ``int64`` node numbers.
        """
        mentors, mentees = context.mentors, context.mentees
        not_self = mentors[left] != mentees[right]
        key = np.unique(left[not_self] * np.int64(mentees.size) + right[not_self])
        return cls(
            rule, key // max(mentees.size, 1), key % max(mentees.size, 1), mentors.size
        )

    @classmethod
    def from_people(
        cls,
        rule: Rule,
        context: ScoringContext,
        mentors: np.ndarray,
        mentees: np.ndarray,
    ) -> PairsPlan:
        """Build the plan from forbidden (mentor, mentee) people positions.

        Pairs whose mentor is not a mentor (or mentee not a mentee) are dropped.
        """
        a = context.left_of[np.asarray(mentors, dtype=np.int64)]
        b = context.right_of[np.asarray(mentees, dtype=np.int64)]
        ok = (a >= 0) & (b >= 0)
        return cls.from_nodes(rule, context, a[ok], b[ok])

    def apply(self, view: BlockView, allowed: np.ndarray) -> None:
        """Clear the listed pairs that fall in the block."""
        start = self.indptr[view.rows]
        count = self.indptr[view.rows + 1] - start
        total = int(count.sum())
        if total == 0:
            return
        row = np.repeat(np.arange(view.rows.size), count)
        offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        target = self.right[np.repeat(start, count) + offset]
        pos = np.searchsorted(view.cols, target)
        pos_c = np.minimum(pos, view.cols.size - 1)
        hit = (pos < view.cols.size) & (view.cols[pos_c] == target)
        allowed[row[hit], pos_c[hit]] = False


class KeyPlan(RulePlan):
    """A rule that depends only on one key per person (seniority, offset, value).

    Parameters
    ----------
    rule : Rule
    left_code, right_code : numpy.ndarray
        ``int64`` key code of each left / right node.
    table : numpy.ndarray
        ``bool`` ``(n_left_codes, n_right_codes)``: the pair is allowed.
    """

    uses_block = False

    def __init__(
        self,
        rule: Rule,
        left_code: np.ndarray,
        right_code: np.ndarray,
        table: np.ndarray,
    ) -> None:
        super().__init__(rule)
        self.left_code = left_code
        self.right_code = right_code
        self.table = np.ascontiguousarray(table, dtype=bool)
        self.keys = (self.left_code, self.right_code, self.table)
        # with few left keys: the table's column of each right node, so that a
        # block copies whole rows (one per left key) instead of gathering pairs
        self.by_right: np.ndarray | None = None
        if self.table.shape[0] <= 64:
            self.by_right = np.ascontiguousarray(self.table.T[self.right_code])

    @classmethod
    def from_keys(
        cls,
        rule: Rule,
        context: ScoringContext,
        keys: np.ndarray,
        allowed: Callable[[np.ndarray, np.ndarray], np.ndarray] | None = None,
    ) -> KeyPlan:
        """Build the plan from one key per person.

        Parameters
        ----------
        rule : Rule
        context : ScoringContext
        keys : numpy.ndarray
            One sortable key per person (all of ``people``).
        allowed : callable, optional
            ``allowed(left_keys, right_keys)`` returns the ``bool`` table of
            allowed pairs of distinct keys. By default ``rule.allowed`` is called
            on one representative person per key.
        """
        mentors, mentees = context.mentors, context.mentees
        lc_raw, rc_raw = keys[mentors], keys[mentees]
        lu, first_l, lcode = np.unique(lc_raw, return_index=True, return_inverse=True)
        ru, first_r, rcode = np.unique(rc_raw, return_index=True, return_inverse=True)
        if not (lu.size and ru.size):
            table = np.zeros((lu.size, ru.size), dtype=bool)
        elif allowed is not None:
            table = np.asarray(allowed(lu, ru), dtype=bool)
        else:
            rep_l, rep_r = mentors[first_l], mentees[first_r]
            block = Block(context.people, rep_l, rep_r)
            table = np.asarray(rule.allowed(block), dtype=bool)
        return cls(rule, lcode.astype(np.int64), rcode.astype(np.int64), table)

    def apply(self, view: BlockView, allowed: np.ndarray) -> None:
        """Look the pairs up in the table of keys."""
        if self.by_right is not None:
            by_key = np.ascontiguousarray(view.cols_of(self.by_right).T)
            allowed &= by_key[view.rows_of(self.left_code)]
            return
        sub = self.table[view.rows_of(self.left_code)]
        allowed &= np.take(sub, view.cols_of(self.right_code), axis=1)


class HoursPlan(RulePlan):
    """A rule on the shared free hours a week of the two (UTC).

    Pairs where either side gave no availability are forbidden. With ``hours > 0``
    it allows blocking: only pairs free in the same hour need scoring.

    Parameters
    ----------
    rule : Rule
    hours : float
        Least shared hours a week.
    slots : SlotBuckets
        The run's slots (``context.slots``).
    """

    uses_block = False

    def __init__(self, rule: Rule, hours: float, slots: SlotBuckets) -> None:
        super().__init__(rule)
        self.threshold = np.float32(hours - 1e-6)
        self.slots = slots
        self.allows_blocking = bool(self.threshold > 0)

    def apply(self, view: BlockView, allowed: np.ndarray) -> None:
        """Clear pairs with too little shared time."""
        if self.threshold > 0:
            allowed &= view.shared_hours() >= self.threshold
            return
        pres = simplify_presence(
            (view.rows_of(self.slots.has_left), view.cols_of(self.slots.has_right))
        )
        if pres is not None:
            allowed &= presence_outer(pres) > 0


class ScorePlan(RulePlan):
    """A rule on the total score (applied after scoring; no data = forbidden).

    Parameters
    ----------
    rule : Rule
    threshold : float
        Least total score.
    """

    uses_block = False

    def __init__(self, rule: Rule, threshold: float) -> None:
        super().__init__(rule)
        self.threshold = np.float32(threshold - 1e-12)

    def apply(self, view: BlockView, allowed: np.ndarray) -> None:
        """Clear pairs below the threshold or without data."""
        assert view.total is not None
        allowed &= view.total >= self.threshold
        if view.has_data is not None:
            allowed &= view.has_data


def key_codes(values: np.ndarray) -> np.ndarray:
    """Integer codes of float keys, NaN included as its own code."""
    vals = np.asarray(values, dtype=np.float64)
    nan = np.isnan(vals)
    uniq = np.unique(vals[~nan])
    codes = np.searchsorted(uniq, np.where(nan, 0.0, vals)).astype(np.int64)
    codes[nan] = uniq.size
    return codes

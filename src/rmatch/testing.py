"""Helpers for people who extend rmatch: check a custom criterion or rule.

Examples
--------
>>> from rmatch.testing import check_criterion
>>> from rmatch.scoring import Interests
>>> check_criterion(Interests())
>>> from rmatch.testing import check_rule
>>> from rmatch.rules import NoReportingLine
>>> check_rule(NoReportingLine(2))
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rmatch.candidates import build_candidates
from rmatch.datasets import synthetic_org
from rmatch.errors import ConfigError
from rmatch.io import read_people
from rmatch.people import People
from rmatch.rules import Rule, rule_from_dict
from rmatch.scoring import Block, Criterion, ScoringContext, default_criteria

__all__ = ["check_criterion", "check_rule", "make_people"]


def make_people(n: int = 40, *, seed: int = 0) -> People:
    """Return a small synthetic organization (every canonical column filled)."""
    frame = synthetic_org(
        max(n, 12), seed=seed, mentor_rate=0.3, mentee_rate=0.3, both_rate=0.05
    )
    return read_people(frame)


_ARRAYS = (
    "ids",
    "roles",
    "mentor_capacity",
    "mentee_capacity",
    "seniority",
    "manager",
    "availability",
    "has_availability",
    "utc_offset_hours",
)


def _snapshot(people: People) -> dict[str, Any]:
    arrays = {k: getattr(people, k) for k in _ARRAYS}
    return {
        "arrays": {k: None if v is None else v.copy() for k, v in arrays.items()},
        "table": people.table.copy(),
        "sets": {k: v.matrix.copy() for k, v in people.sets.items()},
    }


def _same_array(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    if a is None or b is None:
        return a is b
    try:
        return bool(np.array_equal(a, b, equal_nan=True))
    except TypeError:  # strings or objects: NaN cannot be asked for
        return bool(np.array_equal(a, b))


def _assert_unchanged(before: dict[str, Any], people: People, name: str) -> None:
    changed = [
        k for k in _ARRAYS if not _same_array(before["arrays"][k], getattr(people, k))
    ]
    if not before["table"].equals(people.table):
        changed.append("table")
    changed += [
        f"sets[{k!r}]"
        for k, v in people.sets.items()
        if (before["sets"][k] != v.matrix).nnz != 0
    ]
    if changed:
        raise AssertionError(
            f"{name} changed its input People ({', '.join(changed)}); work on copies"
        )


def check_criterion(criterion: Criterion, people: People | None = None) -> None:
    """Check that a criterion keeps rmatch's contract; raise AssertionError if not.

    Checks: it validates its parameters, returns a float array of shape
    ``(n_mentors, n_mentees)`` with values in ``[0, 1]`` or NaN, gives the same result
    twice and block by block as for the whole matrix, does not mutate its input,
    ``describe`` returns text for a value and for NaN, and ``details`` gives what
    ``detail`` gives pair by pair.

    Parameters
    ----------
    criterion : Criterion
    people : People, optional
        Test data; default [`make_people()`][rmatch.testing.make_people].
    """
    name = type(criterion).__name__
    try:
        criterion.check()
    except ConfigError as exc:
        raise AssertionError(
            f"{name}.check() rejected its own parameters: {exc}"
        ) from exc
    people = people if people is not None else make_people()
    mentors = np.flatnonzero(people.is_mentor)
    mentees = np.flatnonzero(people.is_mentee)
    before = _snapshot(people)
    whole = np.asarray(criterion.score(Block(people, mentors, mentees)), dtype=float)
    _assert_unchanged(before, people, name)
    if whole.shape != (mentors.size, mentees.size):
        raise AssertionError(
            f"{name}.score returned shape {whole.shape}; expected "
            f"{(mentors.size, mentees.size)} (mentors × mentees)"
        )
    finite = whole[~np.isnan(whole)]
    if finite.size and (finite.min() < 0 or finite.max() > 1):
        raise AssertionError(
            f"{name}.score returned values in [{finite.min()}, {finite.max()}]; "
            "scores must be in [0, 1] (NaN for no data)"
        )
    again = np.asarray(criterion.score(Block(people, mentors, mentees)), dtype=float)
    if not np.array_equal(whole, again, equal_nan=True):
        raise AssertionError(f"{name}.score is not deterministic")
    half = max(1, mentors.size // 2)
    pieces = []
    for rows in (mentors[:half], mentors[half:]):
        piece = np.asarray(criterion.score(Block(people, rows, mentees)), float)
        if piece.shape != (rows.size, mentees.size):
            raise AssertionError(
                f"{name}.score returned shape {piece.shape} for a block of "
                f"{rows.size} mentors × {mentees.size} mentees"
            )
        pieces.append(piece)
    parts = np.vstack(pieces)
    if not np.allclose(whole, parts, equal_nan=True):
        raise AssertionError(
            f"{name}.score depends on how the mentors are split into blocks; a pair's "
            "score must depend only on that pair"
        )
    for value in (0.5, float("nan")):
        if not isinstance(criterion.describe(value), str):
            raise AssertionError(f"{name}.describe({value}) must return a str")
    _check_details(criterion, people, mentors, mentees, name)


def _check_details(
    criterion: Criterion,
    people: People,
    mentors: np.ndarray,
    mentees: np.ndarray,
    name: str,
) -> None:
    """``details()`` of a few pairs is ``detail()`` of each, in order."""
    left = np.repeat(mentors[:6], min(mentees.size, 6))
    right = np.tile(mentees[:6], min(mentors.size, 6))
    batch = criterion.details(people, left, right)
    one_by_one = [
        criterion.detail(people, m, e)
        for m, e in zip(left.tolist(), right.tolist(), strict=True)
    ]
    if list(batch) != one_by_one:
        raise AssertionError(
            f"{name}.details() differs from detail() pair by pair (first pair: "
            f"{batch[:1]!r} against {one_by_one[:1]!r}); details() must return "
            "exactly what detail() returns for each pair"
        )


def _label(rule: Rule) -> str:
    cls = type(rule).__name__
    return f"rule {rule.name!r}" if cls.startswith("_") else cls


def _mask(rule: Rule, block: Block, name: str, what: str) -> np.ndarray:
    mask = np.asarray(rule.allowed(block))
    if mask.shape != block.shape:
        raise AssertionError(
            f"{name}.allowed returned shape {mask.shape} for {what}; expected "
            f"{block.shape} (mentors × mentees)"
        )
    if mask.dtype != bool:
        raise AssertionError(
            f"{name}.allowed returned dtype {mask.dtype}; return a bool array "
            "(True = allowed), e.g. with a comparison or .astype(bool)"
        )
    return mask


def _splits(
    n_rows: int, n_cols: int, rng: np.random.Generator
) -> list[list[tuple[np.ndarray, np.ndarray]]]:
    """Ways to cut the (rows × cols) block into sub-blocks that cover it."""
    rows, cols = np.arange(n_rows), np.arange(n_cols)
    half_r, half_c = max(1, n_rows // 2), max(1, n_cols // 2)
    perm_r, perm_c = rng.permutation(n_rows), rng.permutation(n_cols)
    cut_r = np.array_split(perm_r, min(3, max(n_rows, 1)))
    cut_c = np.array_split(perm_c, min(2, max(n_cols, 1)))
    return [
        [(rows[:half_r], cols), (rows[half_r:], cols)],
        [(rows, cols[:half_c]), (rows, cols[half_c:])],
        [(r, c) for r in cut_r for c in cut_c],
        [(rows[i : i + 1], cols) for i in range(min(n_rows, 3))],
    ]


class _WithoutPlan(Rule):
    """A rule seen through ``allowed`` only (its plan hidden)."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    def allowed(self, block: Block) -> np.ndarray:
        return self.rule.allowed(block)


class _ScoredWithoutPlan(_WithoutPlan):
    needs_score = True


def _check_round_trip(rule: Rule, block: Block, mask: np.ndarray, name: str) -> None:
    spec = rule.to_dict()
    if spec.get("custom"):
        raise AssertionError(
            f"{name}.to_dict() marks it custom: a program file cannot rebuild it. "
            f"Register it by name (rmatch.register_rule({spec.get('type')!r}, ...) "
            "or @rmatch.rule(name=...)) or ship it as an entry point in the "
            "'rmatch.rules' group"
        )
    kind = str(spec.get("type", ""))
    try:
        rebuilt = rule_from_dict(kind, spec)
    except ConfigError as exc:
        raise AssertionError(
            f"rule_from_dict could not rebuild {name} from its to_dict() {spec!r}: "
            f"{exc}. Make params() return the constructor's arguments and register "
            "the rule under the name to_dict() writes as 'type'"
        ) from exc
    if len(rebuilt) != 1 or rebuilt[0].to_dict() != spec:
        got = [r.to_dict() for r in rebuilt]
        raise AssertionError(
            f"{name}.to_dict() does not round-trip: {spec!r} was rebuilt as {got!r}. "
            "params() must return exactly the arguments that rebuild the rule"
        )
    again = np.asarray(rebuilt[0].allowed(block))
    if not np.array_equal(again, mask):
        raise AssertionError(
            f"{name} rebuilt from to_dict() {spec!r} allows other pairs; params() "
            "must hold everything the rule depends on"
        )


def _check_plan(rule: Rule, people: People, name: str) -> None:
    mentors = np.flatnonzero(people.is_mentor)
    mentees = np.flatnonzero(people.is_mentee)
    if rule.plan(ScoringContext(people, mentors, mentees)) is None:
        return
    hidden = (_ScoredWithoutPlan if rule.needs_score else _WithoutPlan)(rule)
    criteria = default_criteria()
    fast = build_candidates(people, criteria, [rule])
    slow = build_candidates(people, criteria, [hidden])
    fast_pairs = set(
        zip(fast.graph.left.tolist(), fast.graph.right.tolist(), strict=True)
    )
    slow_pairs = set(
        zip(slow.graph.left.tolist(), slow.graph.right.tolist(), strict=True)
    )
    if fast_pairs != slow_pairs:
        raise AssertionError(
            f"{name}.plan(context) and {name}.allowed disagree: the plan allows "
            f"{len(fast_pairs - slow_pairs)} pair(s) that allowed forbids and "
            f"forbids {len(slow_pairs - fast_pairs)} pair(s) that allowed allows. "
            "A plan must forbid exactly the pairs allowed() forbids"
        )
    if not (
        np.array_equal(fast.removed_left, slow.removed_left)
        and np.array_equal(fast.removed_right, slow.removed_right)
    ):
        raise AssertionError(
            f"{name}.plan(context) removes other pairs than {name}.allowed among "
            "those that never become candidates; a plan must forbid exactly what "
            "allowed() forbids"
        )


def check_rule(rule: Rule, people: People | None = None) -> None:
    """Check that a rule keeps rmatch's contract; raise AssertionError if not.

    Checks: it accepts its own parameters and the people, ``allowed`` returns a ``bool``
    array of shape ``(n_mentors, n_mentees)``, gives the same result twice and for any
    split of the mentors and mentees into blocks, does not mutate its input, ``title``,
    ``no_candidate_reason`` and ``why_forbidden`` return text, ``to_dict`` rebuilds an
    equal rule through [`rule_from_dict()`][rmatch.rules.rule_from_dict] (so a program
    file can hold it), and a pruning plan ([`Rule.plan()`][rmatch.rules.Rule.plan])
    gives the candidate builder exactly the pairs ``allowed`` gives.

    Parameters
    ----------
    rule : Rule
    people : People, optional
        Test data; default [`make_people()`][rmatch.testing.make_people].

    Examples
    --------
    >>> from rmatch.rules import MaxTimezoneGap
    >>> check_rule(MaxTimezoneGap(3))
    """
    name = _label(rule)
    people = people if people is not None else make_people()
    try:
        rule.check(people)
    except ConfigError as exc:
        raise AssertionError(
            f"{name}.check() rejected its own parameters or the people: {exc}"
        ) from exc
    for text, what in (
        (rule.title(), "title()"),
        (rule.no_candidate_reason("mentor"), "no_candidate_reason('mentor')"),
        (rule.no_candidate_reason("mentee"), "no_candidate_reason('mentee')"),
    ):
        if not isinstance(text, str) or not text:
            raise AssertionError(f"{name}.{what} must return a non-empty str")
    mentors = np.flatnonzero(people.is_mentor)
    mentees = np.flatnonzero(people.is_mentee)
    rng = np.random.default_rng(0)
    total = rng.random((mentors.size, mentees.size))

    def block_of(rows: np.ndarray, cols: np.ndarray) -> Block:
        block = Block(people, mentors[rows], mentees[cols])
        block.total = total[np.ix_(rows, cols)]
        return block

    everything = (np.arange(mentors.size), np.arange(mentees.size))
    before = _snapshot(people)
    mask = _mask(rule, block_of(*everything), name, "the whole block")
    _assert_unchanged(before, people, f"{name}.allowed")
    if not np.array_equal(mask, _mask(rule, block_of(*everything), name, "again")):
        raise AssertionError(
            f"{name}.allowed is not deterministic: two calls on the same block differ"
        )
    for split in _splits(mentors.size, mentees.size, rng):
        for rows, cols in split:
            if not (rows.size and cols.size):
                continue
            what = f"a block of {rows.size} mentors × {cols.size} mentees"
            piece = _mask(rule, block_of(rows, cols), name, what)
            if not np.array_equal(piece, mask[np.ix_(rows, cols)]):
                raise AssertionError(
                    f"{name}.allowed depends on how the pairs are split into "
                    f"blocks (it differs on {what}); whether a pair is allowed must "
                    "depend only on that pair: index with block.mentors and "
                    "block.mentees, never on the block's size or order"
                )
    _assert_unchanged(before, people, f"{name}.allowed")
    forbidden = np.argwhere(~mask)
    if forbidden.size:
        a, b = forbidden[0]
        why = rule.why_forbidden(people, int(mentors[a]), int(mentees[b]))
        if not isinstance(why, str):
            raise AssertionError(f"{name}.why_forbidden must return a str")
    _check_round_trip(rule, block_of(*everything), mask, name)
    _check_plan(rule, people, name)

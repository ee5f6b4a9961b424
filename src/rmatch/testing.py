"""Helpers for people who extend rmatch: check a custom criterion or rule.

Examples
--------
>>> from rmatch.testing import check_criterion
>>> from rmatch.scoring import Interests
>>> check_criterion(Interests())
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.scoring import Block, Criterion

__all__ = ["check_criterion", "check_rule", "make_people"]


def make_people(n: int = 40, *, seed: int = 0) -> People:
    """Return a small synthetic organization (every canonical column filled)."""
    from rmatch.datasets import synthetic_org
    from rmatch.io import read_people

    frame = synthetic_org(
        max(n, 12), seed=seed, mentor_rate=0.3, mentee_rate=0.3, both_rate=0.05
    )
    return read_people(frame)


def _snapshot(people: People) -> dict[str, Any]:
    return {
        "ids": people.ids.copy(),
        "seniority": people.seniority.copy(),
        "table": people.table.copy(),
        "sets": {k: v.matrix.copy() for k, v in people.sets.items()},
    }


def _assert_unchanged(before: dict[str, Any], people: People, name: str) -> None:
    same = (
        np.array_equal(before["ids"], people.ids)
        and np.array_equal(before["seniority"], people.seniority, equal_nan=True)
        and before["table"].equals(people.table)
        and all(
            (before["sets"][k] != v.matrix).nnz == 0 for k, v in people.sets.items()
        )
    )
    if not same:
        raise AssertionError(f"{name} changed its input People; work on copies")


def check_criterion(criterion: Criterion, people: People | None = None) -> None:
    """Check that a criterion keeps rmatch's contract; raise AssertionError if not.

    Checks: it validates its parameters, returns a float array of shape
    ``(n_mentors, n_mentees)`` with values in ``[0, 1]`` or NaN, gives the same result
    twice and block by block as for the whole matrix, does not mutate its input, and
    ``describe`` returns text for a value and for NaN.

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


def check_rule(rule: Any, people: People | None = None) -> None:
    """Check that a mask rule returns a deterministic bool mask of the block's shape."""
    name = type(rule).__name__
    people = people if people is not None else make_people()
    rule.check(people)
    mentors = np.flatnonzero(people.is_mentor)
    mentees = np.flatnonzero(people.is_mentee)
    block = Block(people, mentors, mentees)
    block.total = np.full(block.shape, 0.5)
    mask = np.asarray(rule.allowed(block))
    if mask.shape != block.shape or mask.dtype != bool:
        raise AssertionError(
            f"{name}.allowed must return a bool array of shape {block.shape}; got "
            f"{mask.dtype} {mask.shape}"
        )
    if not np.array_equal(mask, np.asarray(rule.allowed(block))):
        raise AssertionError(f"{name}.allowed is not deterministic")
    if not isinstance(rule.no_candidate_reason("mentor"), str):
        raise AssertionError(f"{name}.no_candidate_reason must return a str")

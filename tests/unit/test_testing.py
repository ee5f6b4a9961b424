"""rmatch.testing: the checks extension authors run on their criteria and rules."""

from __future__ import annotations

import numpy as np
import pytest

import rmatch
from rmatch.scoring import Block
from rmatch.testing import check_criterion, check_rule, make_people


@pytest.fixture(scope="module")
def people() -> rmatch.People:
    return make_people(60, seed=2)


@pytest.mark.parametrize(
    "criterion",
    [
        rmatch.Skills(),
        rmatch.Skills(backward=0.0),
        rmatch.Interests(),
        rmatch.Goals(),
        rmatch.Schedule(),
        rmatch.SetSimilarity("languages", measure="overlap"),
    ],
)
def test_builtin_criteria_pass(
    criterion: rmatch.Criterion, people: rmatch.People
) -> None:
    check_criterion(criterion, people)


@pytest.mark.parametrize(
    "rule",
    [
        rmatch.NoReportingLine(2, same_manager=True),
        rmatch.ReverseSeniority(1),
        rmatch.MinSharedHours(1),
        rmatch.DifferentValue("department"),
        rmatch.SameValue("languages"),
        rmatch.MaxTimezoneGap(3),
        rmatch.MinScore(0.2),
    ],
)
def test_builtin_rules_pass(rule: rmatch.Rule, people: rmatch.People) -> None:
    check_rule(rule, people)


class _WrongShape(rmatch.Criterion):
    name = "wrong_shape"

    def score(self, block: Block) -> np.ndarray:
        return np.zeros((block.shape[1], block.shape[0]))


class _OutOfRange(rmatch.Criterion):
    name = "out_of_range"

    def score(self, block: Block) -> np.ndarray:
        return np.full(block.shape, 2.0)


class _BlockDependent(rmatch.Criterion):
    name = "block_dependent"

    def score(self, block: Block) -> np.ndarray:
        # normalizes by the block maximum: depends on the other rows of the block
        raw = block.people.seniority[block.mentors][:, None] + np.zeros(block.shape)
        return raw / np.nanmax(raw)


class _Mutating(rmatch.Criterion):
    name = "mutating"

    def score(self, block: Block) -> np.ndarray:
        block.people.seniority[:] = 0
        return np.zeros(block.shape)


class _DetailsDiffer(rmatch.Interests):
    """A batch that forgets the details (``detail`` itself is the built-in one)."""

    def details(
        self, people: rmatch.People, mentors: np.ndarray, mentees: np.ndarray
    ) -> list[str]:
        return [""] * len(mentors)


@pytest.mark.parametrize(
    ("criterion", "message"),
    [
        (_DetailsDiffer(), "details\\(\\) differs from detail\\(\\)"),
        (_WrongShape(), "shape"),
        (_OutOfRange(), "must be in \\[0, 1\\]"),
        (_BlockDependent(), "blocks"),
        (_Mutating(), "changed its input"),
    ],
)
def test_broken_criteria_are_caught(criterion: rmatch.Criterion, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        check_criterion(criterion, make_people(60, seed=2))

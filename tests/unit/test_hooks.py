"""Extension hooks: criteria hand over their kernels, rules their pruning plans.

The candidate builder names no concrete criterion or rule: a subclass of a
built-in criterion gets its kernel (unless it scores itself), and a custom rule
that returns a plan is applied without calling its ``allowed``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rmatch
from rmatch.candidates import GenericKernel, Scorer, build_candidates
from rmatch.datasets import synthetic_org
from rmatch.rules import KeyPlan, PairsPlan, Rule, RulePlan
from rmatch.scoring import Block, ScoringContext, Skills, SkillsKernel


@pytest.fixture(scope="module")
def people() -> rmatch.People:
    return rmatch.read_people(
        synthetic_org(600, seed=3, mentor_rate=0.1, mentee_rate=0.08)
    )


def _context(people: rmatch.People) -> ScoringContext:
    return ScoringContext(
        people, np.flatnonzero(people.is_mentor), np.flatnonzero(people.is_mentee)
    )


def _same(a: rmatch.candidates.CandidateSet, b: rmatch.candidates.CandidateSet):
    for field in ("left", "right", "weight"):
        np.testing.assert_array_equal(getattr(a.graph, field), getattr(b.graph, field))
    np.testing.assert_array_equal(a.criterion_scores, b.criterion_scores)
    np.testing.assert_array_equal(a.removed_left, b.removed_left)
    np.testing.assert_array_equal(a.removed_right, b.removed_right)
    np.testing.assert_array_equal(a.theta_left, b.theta_left)
    assert a.n_allowed == b.n_allowed


# ------------------------------------------------------------------ criteria
class SubSkills(Skills):
    """A subclass that does not override ``score``."""


class ScoredSkills(Skills):
    """A subclass that scores itself: the builder must call its ``score``."""

    calls = 0

    def score(self, block: Block) -> np.ndarray:
        type(self).calls += 1
        return super().score(block)


def test_skills_subclass_gets_the_skills_kernel(people, monkeypatch) -> None:
    context = _context(people)
    base = Skills().kernel(context)
    sub = SubSkills().kernel(context)
    assert type(base) is SkillsKernel
    assert type(sub) is type(base)
    scorer = Scorer(people, [SubSkills()], [], context.mentors, context.mentees)
    assert type(scorer.kernels[0]) is SkillsKernel
    a = build_candidates(people, [Skills()], [], top_k=4)

    # count the calls of Skills.score: block scoring must not make any
    calls = [0]
    original = Skills.score

    def counting(self: Skills, block: Block) -> np.ndarray:
        calls[0] += 1
        return original(self, block)

    monkeypatch.setattr(Skills, "score", counting)
    b = build_candidates(people, [SubSkills()], [], top_k=4)
    _same(a, b)
    assert calls[0] == 0


def test_skills_subclass_that_scores_itself_is_generic(people) -> None:
    context = _context(people)
    assert ScoredSkills().kernel(context) is None
    scorer = Scorer(people, [ScoredSkills()], [], context.mentors, context.mentees)
    assert type(scorer.kernels[0]) is GenericKernel
    ScoredSkills.calls = 0
    a = build_candidates(people, [Skills()], [])
    b = build_candidates(people, [ScoredSkills()], [])
    assert ScoredSkills.calls > 0
    # the generic path computes in float64 then rounds: equal up to float32
    np.testing.assert_array_equal(a.graph.left, b.graph.left)
    np.testing.assert_array_equal(a.graph.right, b.graph.right)
    np.testing.assert_allclose(a.graph.weight, b.graph.weight, atol=1e-6)


# ------------------------------------------------------------------ rules
def _department_codes(people: rmatch.People) -> np.ndarray:
    codes, _ = pd.factorize(people["department"])
    return np.asarray(codes, dtype=np.int64)


class OtherDepartment(Rule):
    """A custom rule (no built-in base) with a key-table plan."""

    name = "other_department"

    def __init__(self, *, with_plan: bool = True) -> None:
        self.with_plan = with_plan
        self.calls = 0

    def allowed(self, block: Block) -> np.ndarray:
        self.calls += 1
        codes = _department_codes(block.people)
        out: np.ndarray = codes[block.mentors][:, None] != codes[block.mentees][None, :]
        return out

    def plan(self, context: ScoringContext) -> RulePlan | None:
        if not self.with_plan:
            return None
        return KeyPlan.from_keys(
            self,
            context,
            _department_codes(context.people),
            allowed=lambda left, right: left[:, None] != right[None, :],
        )


class NotListed(Rule):
    """A custom rule with a pair-list plan: the first mentee of each mentor."""

    name = "not_listed"

    def __init__(self, people: rmatch.People, *, with_plan: bool = True) -> None:
        self.with_plan = with_plan
        self.calls = 0
        mentors = np.flatnonzero(people.is_mentor)
        mentees = np.flatnonzero(people.is_mentee)
        self.pairs = (mentors, np.resize(mentees, mentors.size))

    def allowed(self, block: Block) -> np.ndarray:
        self.calls += 1
        out = np.ones(block.shape, dtype=bool)
        for m, e in zip(*self.pairs, strict=True):
            out[(block.mentors == m)[:, None] & (block.mentees == e)[None, :]] = False
        return out

    def plan(self, context: ScoringContext) -> RulePlan | None:
        if not self.with_plan:
            return None
        return PairsPlan.from_people(self, context, *self.pairs)


def test_custom_key_plan_prunes_without_allowed(people) -> None:
    crit = rmatch.scoring.default_criteria()
    fast = OtherDepartment()
    slow = OtherDepartment(with_plan=False)
    a = build_candidates(people, crit, [fast], top_k=3)
    b = build_candidates(people, crit, [slow], top_k=3)
    assert fast.calls == 0
    assert slow.calls > 0
    _same(a, b)
    assert a.removed_left.sum() > 0


def test_custom_pair_plan_prunes_without_allowed(people) -> None:
    crit = rmatch.scoring.default_criteria()
    fast = NotListed(people)
    slow = NotListed(people, with_plan=False)
    hours = rmatch.MinSharedHours(1)
    # before a shared-hours rule: counted from the list, with blocking on hours
    a = build_candidates(people, crit, [fast, hours], top_k=3)
    b = build_candidates(people, crit, [slow, hours], top_k=3)
    assert fast.calls == 0
    assert slow.calls > 0
    _same(a, b)
    assert a.removed_left[0].sum() > 0

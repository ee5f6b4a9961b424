"""Extending rmatch: one file plus a test.

Decorated rules and criteria, ``check_rule`` on good and broken rules, the name
registry used by program files, and entry points.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import rmatch
from rmatch.errors import ConfigError
from rmatch.rules import RULES, KeyPlan, Rule, RulePlan, rule_from_dict
from rmatch.scoring import CRITERIA, Block, ScoringContext, criterion_from_dict
from rmatch.testing import check_criterion, check_rule, make_people


@pytest.fixture(autouse=True)
def clean_registries() -> Iterator[None]:
    """Each test registers names of its own; forget them afterwards."""
    before = (dict(CRITERIA.registered), dict(RULES.registered))
    yield
    CRITERIA.registered.clear()
    CRITERIA.registered.update(before[0])
    RULES.registered.clear()
    RULES.registered.update(before[1])


@pytest.fixture(scope="module")
def people() -> rmatch.People:
    return make_people(60, seed=2)


def _codes(people: rmatch.People, column: str) -> np.ndarray:
    codes, _ = pd.factorize(people[column])
    return np.asarray(codes, dtype=np.int64)


def _other_department(block: Block) -> np.ndarray:
    codes = _codes(block.people, "department")
    out: np.ndarray = codes[block.mentors][:, None] != codes[block.mentees][None, :]
    return out


# ------------------------------------------------------------------ decorator
def test_decorated_rule_is_a_rule() -> None:
    made = rmatch.rule(
        _other_department,
        title="other department",
        no_candidate_reason="every candidate {other} is in the same department",
    )
    assert isinstance(made, Rule)
    assert made.name == "_other_department"
    assert made.title() == "other department"
    assert made.no_candidate_reason("mentee") == (
        "every candidate mentee is in the same department"
    )
    assert made.to_dict() == {"type": "_other_department", "custom": True}
    assert rmatch.rules.rule is rmatch.rule
    assert "rule" in rmatch.__all__
    assert "register_rule" in rmatch.__all__
    assert "register_criterion" in rmatch.__all__


def test_decorator_rejects_wrong_signatures() -> None:
    with pytest.raises(ConfigError, match="expected 1"):
        rmatch.rule(lambda a, b: True)
    with pytest.raises(ConfigError, match="expected 2"):
        rmatch.rule(columns=("department",))(lambda a: True)
    with pytest.raises(ConfigError, match="cannot read the score"):
        rmatch.rule(columns=("department",), needs_score=True)(lambda a, b: True)


def test_decorated_rules_never_let_a_forbidden_pair_through(
    people: rmatch.People,
) -> None:
    block_rule = rmatch.rule(_other_department)

    @rmatch.rule(columns=("location",))
    def other_location(mentor_location: str, mentee_location: str) -> bool:
        return bool(mentor_location != mentee_location)

    program = rmatch.Program(rules=[block_rule, other_location], method="flow")
    result = program.match(people)
    pairs = result.pairs
    assert len(pairs) > 0
    index = {pid: i for i, pid in enumerate(people.ids)}
    dep, loc = people["department"], people["location"]
    for mentor, mentee in zip(pairs["mentor_id"], pairs["mentee_id"], strict=True):
        i, j = index[mentor], index[mentee]
        assert dep[i] != dep[j]
        assert loc[i] != loc[j]
    removed = result.summary().rules
    assert len(removed) == 2


def test_per_pair_rule_needs_its_columns(people: rmatch.People) -> None:
    @rmatch.rule(columns=("office",))
    def same_office(a: str, b: str) -> bool:
        return a == b

    with pytest.raises(ConfigError, match="reads the column 'office'"):
        rmatch.Program(rules=[same_office]).match(people)
    with pytest.raises(AssertionError, match="rejected its own parameters"):
        check_rule(same_office, people)


def test_decorated_rule_reads_the_score(people: rmatch.People) -> None:
    @rmatch.rule(needs_score=True)
    def good_enough(block: Block) -> np.ndarray:
        assert block.total is not None
        out: np.ndarray = block.total >= 0.3
        return out

    result = rmatch.Program(rules=[good_enough]).match(people)
    assert (result.pairs["score"] >= 0.3 - 1e-6).all()


def test_vectorized_criterion(people: rmatch.People) -> None:
    @rmatch.criterion(weight=2.0)
    def senior_mentor(block: Block) -> np.ndarray:
        s = block.people.seniority
        gap = s[block.mentors][:, None] - s[block.mentees][None, :]
        return np.where(np.isnan(gap), np.nan, (gap > 0).astype(float))

    assert senior_mentor.weight == 2.0
    check_criterion(senior_mentor, people)
    result = rmatch.Program(criteria=[senior_mentor], rules=[]).match(people)
    assert "senior_mentor" in result.pairs.columns


# ------------------------------------------------------------------ check_rule
def _builtin_rules(people: rmatch.People) -> list[Rule]:
    mentors = people.ids[people.is_mentor]
    mentees = people.ids[people.is_mentee]
    pairs = [(str(a), str(b)) for a, b in zip(mentors[:5], mentees[:5], strict=False)]
    return [
        rmatch.NoReportingLine(2, same_manager=True),
        rmatch.ReverseSeniority(1),
        rmatch.MinSharedHours(1),
        rmatch.MinSharedHours(0),
        rmatch.DifferentValue("department"),
        rmatch.SameValue("languages"),
        rmatch.MaxTimezoneGap(3),
        rmatch.MinScore(0.2),
        rmatch.ForbiddenPairs(pairs),
        rmatch.History(pairs),
    ]


def test_check_rule_passes_on_every_builtin_rule(people: rmatch.People) -> None:
    rules = _builtin_rules(people)
    assert {r.name for r in rules} == set(rmatch.rules.BUILTIN_RULES)
    for made in rules:
        check_rule(made, people)


def test_check_rule_passes_on_decorated_rules(people: rmatch.People) -> None:
    check_rule(rmatch.rule(_other_department, name="other_department"), people)

    @rmatch.rule(columns=("location",), name="same_location")
    def same_location(a: str, b: str) -> bool:
        return bool(a == b)

    @rmatch.rule(columns=("department", "location"), name="nowhere_together")
    def nowhere_together(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return bool(
            a["department"] != b["department"] or a["location"] != b["location"]
        )

    @rmatch.rule(needs_score=True, name="above_median")
    def above_median(block: Block) -> np.ndarray:
        assert block.total is not None
        out: np.ndarray = block.total > 0.5
        return out

    for made in (same_location, nowhere_together, above_median):
        check_rule(made, make_people(30, seed=4))


class OtherDepartment(Rule):
    """A rule with a correct key-table plan (registered in the test)."""

    name = "other_department_plan"

    def allowed(self, block: Block) -> np.ndarray:
        return _other_department(block)

    def plan(self, context: ScoringContext) -> RulePlan | None:
        return KeyPlan.from_keys(
            self,
            context,
            _codes(context.people, "department"),
            allowed=lambda left, right: left[:, None] != right[None, :],
        )


class WrongPlan(OtherDepartment):
    """Its plan forbids the opposite of what ``allowed`` forbids."""

    name = "wrong_plan"

    def plan(self, context: ScoringContext) -> RulePlan | None:
        return KeyPlan.from_keys(
            self,
            context,
            _codes(context.people, "department"),
            allowed=lambda left, right: left[:, None] == right[None, :],
        )


def test_check_rule_compares_a_plan_with_allowed(people: rmatch.People) -> None:
    rmatch.register_rule("other_department_plan", OtherDepartment)
    check_rule(OtherDepartment(), people)
    rmatch.register_rule("wrong_plan", WrongPlan)
    with pytest.raises(AssertionError, match=r"plan\(context\) and .* disagree"):
        check_rule(WrongPlan(), people)


class _WrongShape(Rule):
    name = "wrong_shape"

    def allowed(self, block: Block) -> np.ndarray:
        return np.ones((block.shape[1], block.shape[0]), dtype=bool)


class _FloatMask(Rule):
    name = "float_mask"

    def allowed(self, block: Block) -> np.ndarray:
        return np.ones(block.shape)


class _Mutating(Rule):
    name = "mutating"

    def allowed(self, block: Block) -> np.ndarray:
        block.people.seniority[:] = 0
        return np.ones(block.shape, dtype=bool)


class _BlockDependent(Rule):
    name = "block_dependent"

    def allowed(self, block: Block) -> np.ndarray:
        # allows the first half of the block's mentees, whoever they are
        out = np.zeros(block.shape, dtype=bool)
        out[:, : block.shape[1] // 2] = True
        return out


class _Forgetful(Rule):
    """``params`` forgets the column: to_dict does not rebuild it."""

    name = "forgetful"

    def __init__(self, column: str = "department") -> None:
        self.column = column

    def allowed(self, block: Block) -> np.ndarray:
        codes = _codes(block.people, self.column)
        out: np.ndarray = codes[block.mentors][:, None] != codes[block.mentees][None, :]
        return out


class _Unregistered(Rule):
    name = "unregistered"

    def allowed(self, block: Block) -> np.ndarray:
        return np.ones(block.shape, dtype=bool)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (_WrongShape(), r"returned shape .* expected"),
        (_FloatMask(), "dtype float64; return a bool array"),
        (_Mutating(), "changed its input People"),
        (_BlockDependent(), "depends on how the pairs are split into blocks"),
        (_Forgetful("location"), "rebuilt from to_dict"),
        (_Unregistered(), "unknown rule 'unregistered'.*register"),
        (rmatch.rule(_other_department), "marks it custom.*register_rule"),
    ],
)
def test_check_rule_catches_broken_rules(
    broken: Rule, message: str, people: rmatch.People
) -> None:
    rmatch.register_rule("wrong_shape", _WrongShape)
    rmatch.register_rule("float_mask", _FloatMask)
    rmatch.register_rule("mutating", _Mutating)
    rmatch.register_rule("block_dependent", _BlockDependent)
    rmatch.register_rule("forgetful", _Forgetful)
    fresh = make_people(40, seed=5) if isinstance(broken, _Mutating) else people
    with pytest.raises(AssertionError, match=message):
        check_rule(broken, fresh)


# ------------------------------------------------------------------ registry
class SeniorityGap(rmatch.Criterion):
    """A registered criterion with a parameter."""

    name = "seniority_gap"

    def __init__(self, *, weight: float = 1.0, scale: float = 10.0) -> None:
        super().__init__(weight=weight)
        self.scale = scale

    def score(self, block: Block) -> np.ndarray:
        s = block.people.seniority
        gap = s[block.mentors][:, None] - s[block.mentees][None, :]
        out: np.ndarray = np.clip(np.abs(gap) / self.scale, 0, 1)
        return out

    def params(self) -> dict[str, Any]:
        return {"weight": self.weight, "scale": self.scale}


def test_registered_criterion_and_rule_round_trip_through_toml(
    tmp_path: Path, people: rmatch.People
) -> None:
    rmatch.register_criterion("seniority_gap", SeniorityGap)

    @rmatch.criterion(columns=("location",), name="same_place", weight=0.5)
    def same_place(a: str, b: str) -> float | None:
        return None if not a or not b else float(a == b)

    @rmatch.rule(name="other_department", title="other department")
    def other_department(block: Block) -> np.ndarray:
        return _other_department(block)

    rmatch.register_rule("other_department_plan", OtherDepartment)
    path = tmp_path / "program.toml"
    path.write_text(
        """
[program]
method = "flow"

[criteria]
skills = 3
seniority_gap = { weight = 2, scale = 5 }
same_place = { weight = 1.5 }

[rules]
other_department = true
other_department_plan = {}
min_shared_hours = 0
""",
        encoding="utf-8",
    )
    program = rmatch.Program.from_toml(path)
    assert [c.name for c in program.criteria] == [
        "skills",
        "seniority_gap",
        "same_place",
    ]
    assert program.criteria[1].params() == {"weight": 2, "scale": 5}
    assert program.criteria[2].weight == 1.5
    assert program.rules[0].title() == "other department"
    config = program.to_dict()
    assert "custom" not in config["criteria"]["same_place"]
    assert config["rules"][0] == {"type": "other_department"}
    again = tmp_path / "again.toml"
    program.to_toml(again)
    assert rmatch.Program.from_toml(again).to_dict() == config
    result = program.match(people)
    dep = people["department"]
    index = {pid: i for i, pid in enumerate(people.ids)}
    for mentor, mentee in zip(
        result.pairs["mentor_id"], result.pairs["mentee_id"], strict=True
    ):
        assert dep[index[mentor]] != dep[index[mentee]]
    assert "seniority_gap" in result.pairs.columns


def test_registered_rule_can_be_soft() -> None:
    rmatch.register_rule("other_department_plan", OtherDepartment)
    made = rmatch.Program.from_dict(
        {"rules": {"other_department_plan": {"weight": 0.5}}}
    ).rules
    assert isinstance(made[0], rmatch.Soft)
    assert made[0].to_dict() == {"type": "other_department_plan", "weight": 0.5}


def test_unknown_names_say_how_to_register() -> None:
    with pytest.raises(ConfigError, match=r"unknown criterion 'nope'.*skills.*regis"):
        criterion_from_dict("nope", 1.0)
    with pytest.raises(ConfigError, match=r"unknown rule 'nope'.*min_score.*regis"):
        rule_from_dict("nope", True)
    with pytest.raises(ConfigError, match=r"unknown rule 'nope'.*cross_share"):
        rmatch.Program.from_dict({"rules": {"nope": True}})
    with pytest.raises(ConfigError, match="built-in"):
        rmatch.register_rule("min_score", OtherDepartment)
    with pytest.raises(ConfigError, match="built-in"):
        rmatch.register_criterion("skills", SeniorityGap)
    with pytest.raises(ConfigError, match="identifier"):
        rmatch.register_rule("not a name", OtherDepartment)


def test_registered_rule_parameters_are_checked() -> None:
    rmatch.register_rule("forgetful", _Forgetful)
    assert rule_from_dict("forgetful", {"column": "location"})[0].column == "location"  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match="Allowed parameters: column"):
        rule_from_dict("forgetful", {"colum": "location"})
    with pytest.raises(ConfigError, match="true or a table"):
        rule_from_dict("forgetful", 3)
    assert rule_from_dict("forgetful", False) == []


# ------------------------------------------------------------------ entry points
class _FakeEntryPoint:
    def __init__(self, name: str, obj: Any) -> None:
        self.name = name
        self.value = f"somepackage:{name}"
        self.obj = obj

    def load(self) -> Any:
        return self.obj


def test_entry_points_ship_named_criteria_and_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shipped = {
        "rmatch.criteria": [_FakeEntryPoint("seniority_gap", SeniorityGap)],
        "rmatch.rules": [_FakeEntryPoint("other_department_plan", OtherDepartment)],
    }
    asked: list[str] = []

    def entry_points(*, group: str) -> list[_FakeEntryPoint]:
        asked.append(group)
        return shipped.get(group, [])

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    CRITERIA.unregister("seniority_gap")  # e.g. by a doctest in this process
    RULES.unregister("other_department_plan")
    program = rmatch.Program.from_dict(
        {
            "criteria": {"seniority_gap": {"weight": 2}},
            "rules": [{"type": "other_department_plan"}],
        }
    )
    assert isinstance(program.criteria[0], SeniorityGap)
    assert isinstance(program.rules[0], OtherDepartment)
    assert asked == ["rmatch.criteria", "rmatch.rules"]
    assert "other_department_plan" in RULES.names()
    with pytest.raises(ConfigError, match="unknown rule 'absent'"):
        rule_from_dict("absent", True)


def test_entry_point_that_fails_to_load(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(_FakeEntryPoint):
        def load(self) -> Any:
            raise ImportError("no module named somepackage")

    monkeypatch.setattr(
        importlib.metadata,
        "entry_points",
        lambda *, group: [Broken("broken", None)],
    )
    with pytest.raises(ConfigError, match=r"failed to load.*somepackage"):
        rule_from_dict("broken", True)

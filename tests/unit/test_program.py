"""Program settings: TOML, round trips, methods, objectives, constraints, summary."""

from __future__ import annotations

import json
import textwrap

import pytest

import rmatch
from rmatch.constraints import CrossShare, GroupLimit, MentorLoad, RequiredPairs, Soft
from rmatch.errors import ConfigError
from rmatch.rules import DifferentValue, History, NoReportingLine

ORG = [
    {"id": "M1", "role": "mentor", "department": "IT", "interests": "chess"},
    {"id": "M2", "role": "mentor", "department": "HR", "interests": "golf"},
    {"id": "M3", "role": "mentor", "department": "IT", "interests": "golf; chess"},
    {"id": "E1", "role": "mentee", "department": "IT", "interests": "chess"},
    {"id": "E2", "role": "mentee", "department": "HR", "interests": "golf"},
    {"id": "E3", "role": "mentee", "department": "IT", "interests": "golf"},
]

PROGRAM_TOML = """
[program]
name = "pilot"
method = "ilp"
objective = "coverage"
time_limit = 20
mentor_capacity = 1

[criteria]
interests = 1

[rules]
no_reporting_line = { levels = 2, same_manager = true }
different = { column = "department", weight = 0.5 }   # soft: a bonus, not a filter
history = "past.csv"

[quotas]
cross_share = { column = "department", at_least = 0.5 }
group_limit = { column = "department", at_most = 2 }
mentor_load = { max = 1 }
required_pairs = [["M2", "E3"]]
"""


@pytest.fixture
def toml_program(tmp_path):
    (tmp_path / "past.csv").write_text("mentor_id,mentee_id\nM1,E2\n", encoding="utf-8")
    path = tmp_path / "program.toml"
    path.write_text(PROGRAM_TOML, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def people():
    return rmatch.read_people(ORG)


def test_from_toml_reads_rules_soft_rules_and_quotas(toml_program):
    program = rmatch.Program.from_toml(toml_program)
    kinds = [type(r).__name__ for r in program.rules]
    assert kinds == [
        "NoReportingLine",
        "Soft",
        "History",
        "CrossShare",
        "GroupLimit",
        "MentorLoad",
        "RequiredPairs",
    ]
    soft = program.rules[1]
    assert isinstance(soft, Soft) and soft.weight == 0.5
    assert program.rules[2].pairs == [("M1", "E2")]  # relative to the TOML file
    assert (program.method, program.objective, program.time_limit) == (
        "ilp",
        "coverage",
        20,
    )


def test_toml_program_matches_and_every_setting_shows(toml_program, people):
    program = rmatch.Program.from_toml(toml_program)
    result = program.match(people)
    chosen = set(map(tuple, result.pairs[["mentor_id", "mentee_id"]].values))
    assert ("M2", "E3") in chosen and ("M1", "E2") not in chosen
    s = result.summary()
    assert s.objective_name == "coverage"
    assert s.method.startswith("ilp(")
    text = str(s)
    for needle in (
        "objective         coverage",
        "bound",
        "gap",
        "method            ilp",
    ):
        assert needle in text
    assert "constraints (achieved):" in text
    assert "at least 50% of pairs cross-department" in text
    assert "soft: different department" in result.pairs.columns
    json.dumps(result.to_records())  # program dict and summary stay JSON-safe


def test_to_dict_round_trips_with_quotas_and_soft_rules(toml_program):
    program = rmatch.Program.from_toml(toml_program)
    d = program.to_dict()
    assert [q["type"] for q in d["quotas"]] == [
        "cross_share",
        "group_limit",
        "mentor_load",
        "required_pairs",
    ]
    assert {"type": "different", "column": "department", "weight": 0.5} in d["rules"]
    again = rmatch.Program.from_dict(json.loads(json.dumps(d)))
    assert again.to_dict() == d


def test_quota_types_may_sit_in_the_rules_list():
    config = {
        "rules": [
            {"type": "no_reporting_line", "levels": 1},
            {"type": "cross_share", "column": "department", "at_least": 0.4},
            {"type": "mentor_load", "min": 1},
        ]
    }
    program = rmatch.Program.from_dict(config)
    assert [type(r).__name__ for r in program.rules] == [
        "NoReportingLine",
        "CrossShare",
        "MentorLoad",
    ]
    assert [q["type"] for q in program.to_dict()["quotas"]] == [
        "cross_share",
        "mentor_load",
    ]


def test_quotas_array_of_tables_in_toml(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(
        textwrap.dedent(
            """
            [[quotas]]
            type = "group_coverage"
            column = "department"
            value = "IT"
            at_least = 0.5

            [[quotas]]
            type = "pair_share"
            at_least = 0.5
            rule = { type = "min_shared_hours", hours = 1 }
            """
        ),
        encoding="utf-8",
    )
    program = rmatch.Program.from_toml(path)
    # no [rules]: the default reporting-line rule stays
    assert [type(r).__name__ for r in program.rules] == [
        "NoReportingLine",
        "GroupCoverage",
        "PairShare",
    ]


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"quotas": {"cross_share": {"column": "department"}}}, "at_least or at_most"),
        ({"quotas": {"crossshare": {"column": "department"}}}, "unknown rule"),
        ({"rules": [{"column": "department"}]}, "needs a type"),
        ({"rules": {"different": {"column": "x", "soft": True}}}, "needs a weight"),
        ({"program": {"method": "simplex"}}, "'method' parameter"),
        ({"program": {"method": "ilp:gurobi9"}}, "'method' parameter"),
    ],
)
def test_bad_configs_are_config_errors(config, match):
    with pytest.raises(ConfigError, match=match):
        rmatch.Program.from_dict(config)


def test_rules_must_be_rules_or_constraints(people):
    with pytest.raises(ConfigError, match="Rule, Soft or constraint"):
        rmatch.Program(rules=["no_reporting_line"]).match(people)


@pytest.mark.parametrize("method", ["ilp:cbc", "ilp:highs", "lagrangian", "auto"])
def test_solver_variants_are_accepted(people, method):
    program = rmatch.Program(
        criteria=[rmatch.Interests()],
        rules=[CrossShare("department", at_least=0.5)],
        method=method,
    )
    result = program.match(people)
    if method.startswith("ilp:"):
        assert method.split(":")[1] in result.solution.method
    assert result.summary().status == "optimal"


@pytest.mark.parametrize("objective", ["total", "coverage", "fairness"])
def test_objectives_with_a_quota_agree_on_feasibility(people, objective):
    program = rmatch.Program(
        criteria=[rmatch.Interests()],
        rules=[NoReportingLine(), GroupLimit("department", at_most=1)],
        objective=objective,
    )
    result = program.match(people)
    assert result.summary().objective_name == objective
    depts = [
        people.value(people.position(b), "department") for b in result.pairs.mentee_id
    ]
    assert max(depts.count(d) for d in set(depts)) <= 1


def test_fairness_maximizes_the_worst_pair(people):
    base = rmatch.Program(criteria=[rmatch.Interests()], rules=[])
    fair = rmatch.Program(criteria=[rmatch.Interests()], rules=[], objective="fairness")
    a, b = base.match(people), fair.match(people)
    assert b.pairs["score"].min() >= a.pairs["score"].min() - 1e-9
    assert len(b.pairs) == len(a.pairs)


def test_scoring_criteria_append_soft_rules():
    soft = Soft(DifferentValue("department"), weight=1)
    program = rmatch.Program(criteria=[rmatch.Interests()], rules=[soft])
    assert program.scoring_criteria()[-1] is soft
    assert program.scoring_criteria()[0].name == "interests"


def test_time_limit_reaches_the_solver(people):
    program = rmatch.Program(
        criteria=[rmatch.Interests()],
        rules=[CrossShare("department", at_least=0.5)],
        method="ilp",
        time_limit=5,
    )
    result = program.match(people)
    assert result.solution.stats["time_limit"] == 5


def test_history_either_direction(people):
    program = rmatch.Program(
        criteria=[rmatch.Interests()], rules=[History([("E1", "M1")])]
    )
    chosen = set(
        map(tuple, program.match(people).pairs[["mentor_id", "mentee_id"]].values)
    )
    assert ("M1", "E1") not in chosen


def test_required_and_load_constraints_combine(people):
    program = rmatch.Program(
        criteria=[rmatch.Interests()],
        rules=[RequiredPairs([("M3", "E1")]), MentorLoad(min=1, max=1)],
        mentor_capacity=2,
    )
    result = program.match(people)
    assert ("M3", "E1") in set(
        map(tuple, result.pairs[["mentor_id", "mentee_id"]].values)
    )
    assert sorted(result.pairs["mentor_id"]) == ["M1", "M2", "M3"]
    assert result.summary().constraints["each mentor takes exactly 1 mentee"] == (
        "loads 1-1"
    )

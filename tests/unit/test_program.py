"""Program settings: TOML, round trips, methods, objectives, constraints, summary."""

from __future__ import annotations

import json
import os
import textwrap
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
        ({"program": {"method": "simplex"}}, "program.method must be one of"),
        ({"program": {"method": "ilp:gurobi9"}}, "program.method must be one of"),
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


# ---------------------------------------------------------------- files and TOML
def test_relative_history_is_read_from_the_toml_folder_not_the_cwd(
    toml_program, tmp_path, monkeypatch
):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    program = rmatch.Program.from_toml(toml_program)
    assert os.getcwd() == str(elsewhere)  # from_toml does not chdir
    (history,) = [r for r in program.rules if isinstance(r, History)]
    assert history.pairs == [("M1", "E2")]


def test_relative_required_pairs_file_and_hr_file_are_resolved(tmp_path, monkeypatch):
    folder = tmp_path / "program"
    folder.mkdir()
    (folder / "keep.csv").write_text("mentor_id,mentee_id\nM2,E3\n", encoding="utf-8")
    (folder / "program.toml").write_text(
        '[quotas]\nrequired_pairs = "keep.csv"\n\n[mapping.hr]\nfile = "hr.csv"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    program = rmatch.Program.from_toml(folder / "program.toml")
    (required,) = [r for r in program.rules if isinstance(r, RequiredPairs)]
    assert required.pairs == [("M2", "E3")]
    assert program.mapping["hr"]["file"] == str((folder / "hr.csv").resolve())
    assert os.getcwd() == str(tmp_path)


def test_from_dict_base_dir_and_absolute_paths(tmp_path):
    (tmp_path / "past.csv").write_text("mentor_id,mentee_id\nM1,E2\n", encoding="utf-8")
    absolute = {"rules": {"history": str(tmp_path / "past.csv")}}
    relative = {"rules": [{"type": "history", "pairs": [["M1", "E2"]]}]}
    for config in (absolute, relative):
        program = rmatch.Program.from_dict(config, base_dir=tmp_path / "nowhere")
        assert program.rules[0].pairs == [("M1", "E2")]
    program = rmatch.Program.from_dict(
        {"rules": {"history": "past.csv"}}, base_dir=tmp_path
    )
    assert program.rules[0].pairs == [("M1", "E2")]


def _round_trip(program, tmp_path):
    path = tmp_path / "written.toml"
    text = program.to_toml(path)
    assert path.read_text(encoding="utf-8") == text
    assert tomllib.loads(text) == json.loads(json.dumps(program.to_dict()))
    again = rmatch.Program.from_toml(path)
    assert again.to_dict() == program.to_dict()
    return again


def test_to_toml_round_trips_the_demo_program(tmp_path):
    demo = rmatch.Program.from_toml(rmatch.datasets.demo_program_path())
    _round_trip(demo, tmp_path)
    assert rmatch.Program().to_toml() == rmatch.Program().to_toml()


EVERY_KIND_TOML = r"""
[program]
name = "Every kind: \"quoted\", tab\t, back\\slash, Nguyễn — ünïcode"
method = "ilp:cbc"
objective = "fairness"
mentor_capacity = 3
mentee_capacity = 2
top_k = 25
time_limit = 12.5
seed = 7
reference_monday = 2026-03-02
block_cells = 1000
gap_tolerance = 0.001

[criteria]
skills = { weight = 3, forward = 1.0, backward = 0.5 }
schedule = { weight = 2, target_hours = 2 }
interests = 1
goals = 0.5

[rules]
no_reporting_line = { levels = 2, same_manager = true }
forbidden_pairs = [["M1", "E1"], ["M2", "E2"]]
history = "past.csv"
min_shared_hours = 0.5
reverse_seniority = { min_gap = 1 }
same = ["languages"]
different = [{ column = "department", weight = 0.5 }, { column = "location" }]
max_timezone_gap = 3
min_score = 0.2

[quotas]
cross_share = { column = "department", at_least = 0.4, of = "mentees" }
pair_share = { rule = { type = "min_shared_hours", hours = 2 }, at_least = 0.5 }
group_limit = { column = "department", at_most = 5, side = "mentor" }
group_coverage = { column = "department", value = "Sales", at_least = 0.5 }
required_pairs = [["M3", "E3"]]
mentor_load = { min = 1, max = 3 }
mentee_load = { min = 1 }

[mapping]
preset = "google_forms"
"I want to be a..." = "role"
"Topics" = { field = "interests", separators = [", "] }
"Open to several mentees?" = { field = "mentor_capacity", values = { Yes = 3, No = 1 } }

[mapping.hr]
file = "hr.csv"
join = "email"
"""


def test_to_toml_round_trips_every_rule_and_quota_kind(tmp_path):
    (tmp_path / "past.csv").write_text("mentor_id,mentee_id\nM1,E2\n", encoding="utf-8")
    path = tmp_path / "every.toml"
    path.write_text(EVERY_KIND_TOML, encoding="utf-8")
    program = rmatch.Program.from_toml(path)
    kinds = {type(r).__name__ for r in program.rules}
    kinds |= {type(r.rule).__name__ for r in program.rules if isinstance(r, Soft)}
    assert len(program.rules) >= 16 and "PairShare" in kinds and "Soft" in kinds
    out = tmp_path / "out"
    out.mkdir()
    again = _round_trip(program, out)
    assert again.reference_monday == program.reference_monday
    assert again.name == program.name


_text = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=20
)  # any text TOML can hold: quotes, back-slashes, control characters, unicode


@settings(max_examples=40, deadline=None)
@given(
    name=_text | st.none(),
    method=st.sampled_from(["auto", "assignment", "flow", "ilp", "ilp:cbc", "greedy"]),
    objective=st.sampled_from(rmatch.program.OBJECTIVES),
    capacities=st.tuples(st.integers(0, 50), st.integers(0, 50)),
    top_k=st.none() | st.integers(1, 10**6),
    time_limit=st.none() | st.floats(1e-6, 1e6) | st.integers(1, 10**6),
    seed=st.integers(-(2**63), 2**63 - 1),
    monday=st.none() | st.dates(),
    gap=st.none() | st.floats(0, 0.999),
    weights=st.lists(st.floats(0.01, 100), min_size=4, max_size=4),
    column=_text.filter(lambda s: s.strip() != ""),
    soft_weight=st.floats(0.01, 10),
    at_least=st.floats(0, 1),
    mapping=st.dictionaries(_text.filter(bool), _text, max_size=3),
)
def test_to_toml_round_trips_generated_settings(
    name,
    method,
    objective,
    capacities,
    top_k,
    time_limit,
    seed,
    monday,
    gap,
    weights,
    column,
    soft_weight,
    at_least,
    mapping,
):
    criteria = [
        rmatch.Skills(weight=weights[0]),
        rmatch.Schedule(weight=weights[1]),
        rmatch.Interests(weight=weights[2]),
        rmatch.Goals(weight=weights[3]),
    ]
    program = rmatch.Program(
        criteria,
        [
            NoReportingLine(2),
            Soft(DifferentValue(column), weight=soft_weight),
            CrossShare(column, at_least=at_least),
            RequiredPairs([("M " + column, "E " + (name or ""))]),
        ],
        mentor_capacity=capacities[0],
        mentee_capacity=capacities[1],
        method=method,
        objective=objective,
        top_k=top_k,
        time_limit=time_limit,
        seed=seed,
        reference_monday=monday,
        name=name,
        gap_tolerance=gap,
    )
    program.mapping = mapping
    text = program.to_toml()
    assert tomllib.loads(text) == json.loads(json.dumps(program.to_dict()))
    again = rmatch.Program.from_dict(tomllib.loads(text))
    assert again.to_dict() == program.to_dict()

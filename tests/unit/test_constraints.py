"""Quotas, required pairs, load bounds, soft rules and their diagnosis."""

from __future__ import annotations

import json

import numpy as np
import pytest

import rmatch
from rmatch.analysis import format_price_table, price_of_rules
from rmatch.constraints import (
    Constraint,
    CrossShare,
    GroupCoverage,
    GroupLimit,
    Load,
    MenteeLoad,
    MentorLoad,
    PairShare,
    RequiredPairs,
    Soft,
    apply_constraints,
    constraint_from_dict,
    quotas_from_config,
    translate,
)
from rmatch.errors import ConfigError, Finding, InfeasibleProgramError, SolverError
from rmatch.rules import DifferentValue, MinScore, MinSharedHours, NoReportingLine

# M1 manages E1. Departments: IT, HR, Sales, one mentee without a department.
ORG = [
    {"id": "M1", "role": "mentor", "department": "IT", "interests": "chess",
     "capacity": "2", "languages": "en; vi", "availability": "Mon 09:00-11:00"},
    {"id": "M2", "role": "mentor", "department": "HR", "interests": "golf",
     "capacity": "1", "languages": "de", "availability": "Mon 09:00-10:00"},
    {"id": "M3", "role": "mentor", "department": "Sales", "interests": "chess; golf",
     "capacity": "1", "languages": "en", "availability": "Tue 09:00-10:00"},
    {"id": "E1", "role": "mentee", "department": "IT", "interests": "chess",
     "manager_id": "M1", "languages": "vi", "availability": "Mon 09:00-11:00"},
    {"id": "E2", "role": "mentee", "department": "HR", "interests": "golf",
     "languages": "de", "availability": "Mon 09:00-10:00"},
    {"id": "E3", "role": "mentee", "department": "IT", "interests": "golf",
     "languages": "", "availability": "Tue 09:00-10:00"},
    {"id": "E4", "role": "mentee", "department": "sales ", "interests": "chess",
     "languages": "en", "availability": ""},
    {"id": "E5", "role": "mentee", "department": "", "interests": "chess",
     "languages": "en", "availability": "Mon 10:00-11:00"},
]  # fmt: skip


@pytest.fixture(scope="module")
def people() -> rmatch.People:
    return rmatch.read_people(ORG)


def program(*rules: object, **kw: object) -> rmatch.Program:
    return rmatch.Program(criteria=[rmatch.Interests()], rules=list(rules), **kw)


def pairs(result: rmatch.Matching) -> set[tuple[str, str]]:
    return set(map(tuple, result.pairs[["mentor_id", "mentee_id"]].values.tolist()))


def dept(people: rmatch.People, pid: str) -> str:
    return people.value(people.position(pid), "department").strip().casefold()


# ----------------------------------------------------------------- cross share
def test_cross_share_edge_values_follow_the_department_column(people):
    cs = program().candidates(people)
    q = CrossShare("department", at_least=0.4)
    v = q.edge_values(people, cs)
    g = cs.graph
    for k in range(g.n_edges):
        a = people.ids[cs.mentors[g.left[k]]]
        b = people.ids[cs.mentees[g.right[k]]]
        da, db = dept(people, a), dept(people, b)
        assert v[k] == float(bool(da) and bool(db) and da != db), (a, b)
    (row,) = q.rows(people, cs)
    assert row.sense == ">=" and row.rhs == 0.0
    np.testing.assert_allclose(row.coef, v - 0.4)


def test_cross_share_on_a_set_column_means_no_shared_value(people):
    cs = program().candidates(people)
    q = CrossShare("languages", at_least=0.5)
    v = q.edge_values(people, cs)
    langs = people["languages"]
    g = cs.graph
    for k in range(g.n_edges):
        a, b = cs.mentors[g.left[k]], cs.mentees[g.right[k]]
        expect = bool(langs[a]) and bool(langs[b]) and not langs[a] & langs[b]
        assert v[k] == float(expect)


@pytest.mark.parametrize("share", [0.5, 0.75, 1.0])
def test_cross_share_holds_and_is_reported(people, share):
    result = program(NoReportingLine(), CrossShare("department", at_least=share)).match(
        people
    )
    chosen = pairs(result)
    cross = sum(
        bool(dept(people, a))
        and bool(dept(people, b))
        and dept(people, a) != dept(people, b)
        for a, b in chosen
    )
    assert cross >= share * len(chosen) - 1e-9
    text = str(result.summary())
    assert f"at least {share:.0%} of pairs cross-department" in text
    assert result.summary().constraints


def test_cross_share_costs_score_but_never_breaks(people):
    free = program(NoReportingLine()).match(people)
    strict = program(NoReportingLine(), CrossShare("department", at_least=1.0)).match(
        people
    )
    assert strict.total_score <= free.total_score + 1e-9
    for a, b in pairs(strict):
        assert (
            dept(people, a) and dept(people, b) and dept(people, a) != dept(people, b)
        )


def test_cross_share_of_mentees_gives_the_issue_diagnosis(people):
    # 4 mentees with a department value; at least 90% of the 5 mentees would need 5
    # cross-department pairs but E5 (no department) can never have one.
    q = CrossShare("department", at_least=0.9, of="mentees")
    with pytest.raises(rmatch.InfeasibleError) as info:
        program(q).match(people)
    (reason,) = info.value.reasons
    assert reason == (
        "quota 'at least 90% of mentees in a cross-department pair' cannot hold: "
        "only 80% of mentees (4 of 5) have any cross-department candidate and it "
        "needs 5"
    )
    assert info.value.details[0]["kind"] == "quota"
    json.dumps(info.value.details)


def test_cross_share_at_most(people):
    result = program(CrossShare("department", at_most=0.0)).match(people)
    for a, b in pairs(result):
        assert not (dept(people, a) and dept(people, b)) or dept(people, a) == dept(
            people, b
        )


def test_pair_share_with_any_rule(people):
    q = PairShare(MinSharedHours(1), at_least=1.0)
    assert (
        q.title()
        == "at least 100% of pairs satisfying 'at least 1 shared hours a week'"
    )
    result = program(q).match(people)
    block_check = MinSharedHours(1)
    for a, b in pairs(result):
        pa, pb = people.positions([a, b])
        from rmatch.scoring import Block

        assert block_check.allowed(Block(people, np.array([pa]), np.array([pb])))[0, 0]
    assert len(result.pairs) >= 1


def test_pair_share_from_a_dict_and_back():
    q = PairShare({"type": "min_shared_hours", "hours": 2}, at_least=0.5)
    assert q.to_dict() == {
        "type": "pair_share",
        "rule": {"type": "min_shared_hours", "hours": 2},
        "at_least": 0.5,
        "of": "pairs",
    }
    (again,) = constraint_from_dict("pair_share", q.to_dict())
    assert again.to_dict() == q.to_dict()


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: CrossShare("department"), "at_least or at_most"),
        (lambda: CrossShare("department", at_least=40), "share in"),
        (lambda: CrossShare("department", at_least=0.6, at_most=0.5), "above"),
        (lambda: CrossShare("department", at_least=0.5, of="people"), "'of'"),
        (lambda: PairShare(MinScore(0.2), at_least=0.5), "depends on the score"),
        (lambda: GroupLimit("department"), "at_most or at_least"),
        (lambda: GroupLimit("department", at_most=-1), "int >= 0"),
        (lambda: GroupLimit("department", at_most=2, side="boss"), "'side'"),
        (lambda: GroupCoverage("department", at_least=1.5), "share in"),
        (lambda: GroupCoverage(None, "Sales"), "needs a column"),
        (lambda: MentorLoad(min=3, max=2), "above max"),
        (lambda: MentorLoad(min=1.5), "int >= 0"),
        (lambda: RequiredPairs([("A", "A")]), "themself"),
    ],
)
def test_invalid_parameters_are_config_errors(make, match):
    with pytest.raises(ConfigError, match=match):
        make().check()


def test_missing_column_is_named(people):
    with pytest.raises(ConfigError, match=r"'team'.*columns are"):
        program(CrossShare("team", at_least=0.5)).match(people)


# ----------------------------------------------------------------- group quotas
def test_group_limit_caps_matched_mentees_per_department(people):
    result = program(GroupLimit("department", at_most=1)).match(people)
    per: dict[str, int] = {}
    for _, b in pairs(result):
        if dept(people, b):
            per[dept(people, b)] = per.get(dept(people, b), 0) + 1
    assert max(per.values()) <= 1
    assert (
        "largest group"
        in result.summary().constraints["at most 1 matched mentees per department"]
    )


def test_group_limit_only_builds_rows_that_can_bind(people):
    cs = program().candidates(people)
    rows = GroupLimit("department", at_most=1).rows(people, cs)
    # IT has two mentees who can both be matched; HR and Sales have one each.
    assert [r.name for r in rows] == ["at most 1 matched mentees per department [IT]"]
    assert GroupLimit("department", at_most=1, values=["hr"]).rows(people, cs) == []


def test_unknown_group_values_are_reported(people):
    with pytest.warns(
        rmatch.DataQualityWarning, match=r"nobody has department 'Slaes'"
    ):
        program(GroupCoverage("department", "Slaes", at_least=1.0)).match(people)
    with pytest.warns(rmatch.DataQualityWarning, match="'Sales', 'IT'|values are"):
        program(GroupLimit("department", at_most=0, values=["Slaes"])).match(people)


def test_group_limit_on_the_mentor_side(people):
    result = program(GroupLimit("department", at_most=0, side="mentor", values="IT"))
    chosen = pairs(result.match(people))
    assert chosen and all(a != "M1" for a, _ in chosen)


def test_group_limit_at_least_precheck(people):
    q = GroupLimit("department", at_least=2, values="HR")
    with pytest.raises(rmatch.InfeasibleError, match=r"'HR'.*at most 1 pair"):
        program(q).match(people)


def test_group_coverage_of_one_group(people):
    q = GroupCoverage("department", "IT", at_least=1.0)
    assert q.title() == "at least 100% of mentees in department 'IT' matched"
    result = program(q).match(people)
    assert {"E1", "E3"} <= {b for _, b in pairs(result)}
    # With "same department", E1's only IT mentor is M1, their manager.
    with pytest.raises(rmatch.InfeasibleError) as info:
        program(NoReportingLine(), rmatch.SameValue("department"), q).match(people)
    (reason,) = info.value.reasons
    assert reason == (
        "quota 'at least 100% of mentees in department 'IT' matched' cannot hold: "
        "only 1 of the 2 mentees in department 'IT' have any allowed mentor and it "
        "needs 2 pairs; the others' candidates were removed: 1 by 'no reporting "
        "line', 2 by 'same department'"
    )
    assert info.value.findings[0].people == ("E1",)


@pytest.mark.filterwarnings("ignore:every candidate pair scores 0")  # no data
def test_group_coverage_counts_demand_of_mentees_who_want_two_mentors():
    records = [
        {"id": "M1", "role": "mentor", "department": "X", "capacity": "1"},
        {"id": "M2", "role": "mentor", "department": "X", "capacity": "1"},
        {"id": "E1", "role": "mentee", "department": "Y", "capacity": "2"},
        {"id": "E2", "role": "mentee", "department": "Z", "capacity": "1"},
    ]
    people = rmatch.read_people(records)
    # Y wants 2 pairs; 100% of Y's demand leaves no mentor for Z.
    result = program(GroupCoverage("department", "Y", at_least=1.0)).match(people)
    assert pairs(result) == {("M1", "E1"), ("M2", "E1")}
    result = program(GroupCoverage("department", "Y", at_least=0.5)).match(people)
    assert len(pairs(result)) == 2


def test_group_coverage_without_a_column_is_overall_coverage(people):
    q = GroupCoverage(at_least=0.8)
    assert q.title() == "at least 80% of mentees matched"
    result = program(q).match(people)
    assert len({b for _, b in pairs(result)}) >= 4


# ----------------------------------------------------------------- required pairs
def test_required_pairs_are_kept(people):
    free = program().match(people)
    assert ("M2", "E5") not in pairs(free)
    result = program(RequiredPairs([("M2", "E5")])).match(people)
    assert ("M2", "E5") in pairs(result)
    assert result.summary().constraints["required pairs (1)"] == "1 of 1 kept"


def test_two_required_pair_lists_combine(people):
    result = program(
        RequiredPairs([("M2", "E5")]), RequiredPairs([("M3", "E3")])
    ).match(people)
    assert {("M2", "E5"), ("M3", "E3")} <= pairs(result)


def test_required_pair_forbidden_by_a_rule_names_pair_and_rule(people):
    with pytest.raises(rmatch.InfeasibleError) as info:
        program(NoReportingLine(), RequiredPairs([("M1", "E1")])).match(people)
    (reason,) = info.value.reasons
    assert reason.startswith(
        "required pair (M1, E1) is forbidden by the rule 'no reporting line'"
    )
    assert "reporting line" in reason.split(":", 1)[1]


def test_required_pair_forbidden_by_a_score_rule(people):
    with pytest.raises(rmatch.InfeasibleError, match=r"\(M2, E5\).*score at least"):
        program(MinScore(0.5), RequiredPairs([("M2", "E5")])).match(people)


@pytest.mark.parametrize(
    ("pair", "match"),
    [
        (("M1", "NOPE"), "no person with id, e-mail or name 'NOPE'"),
        (
            ("E2", "M2"),
            r"E2 has the role 'mentee', not mentor; did you mean \(M2, E2\)",
        ),
        (("M1", "M2"), "M2 has the role 'mentor', not mentee"),
    ],
)
def test_required_pair_config_errors(people, pair, match):
    with pytest.raises(ConfigError, match=match):
        program(RequiredPairs([pair])).match(people)


def test_required_pair_pruned_by_top_k(people):
    with pytest.raises(ConfigError, match=r"pruned.*top_k=1"):
        program(RequiredPairs([("M2", "E5")]), top_k=1).match(people)


def test_required_pairs_over_capacity_are_diagnosed(people):
    with pytest.raises(rmatch.InfeasibleError) as info:
        program(RequiredPairs([("M2", "E2"), ("M2", "E5")])).match(people)
    (reason,) = info.value.reasons
    assert reason == (
        "required pairs make mentor M2 take 2 mentees (E2, E5) but their capacity is 1"
    )


def test_required_pairs_from_csv(tmp_path, people):
    path = tmp_path / "keep.csv"
    path.write_text("mentor_id,mentee_id\nM2,E5\n", encoding="utf-8")
    (made,) = constraint_from_dict("required_pairs", str(path))
    assert made.pairs == [("M2", "E5")]
    assert ("M2", "E5") in pairs(program(made).match(people))


# ----------------------------------------------------------------- loads
def test_mentor_load_max_and_min(people):
    result = program(MentorLoad(max=1)).match(people)
    loads = result.pairs["mentor_id"].value_counts()
    assert loads.max() <= 1
    result = program(MentorLoad(min=1)).match(people)
    assert set(result.pairs["mentor_id"]) == {"M1", "M2", "M3"}


def test_mentor_min_is_capped_by_own_capacity(people):
    # M2 and M3 offered one slot: min=2 asks two of M1 only.
    result = program(MentorLoad(min=2)).match(people)
    counts = result.pairs["mentor_id"].value_counts().to_dict()
    assert counts["M1"] == 2 and counts["M2"] == 1 and counts["M3"] == 1


def test_mentor_load_diagnosis_names_the_mentor_and_the_rules(people):
    rules = [NoReportingLine(), rmatch.SameValue("department"), MentorLoad(min=2)]
    with pytest.raises(rmatch.InfeasibleError) as info:
        program(*rules).match(people)
    (reason,) = info.value.reasons
    assert reason == (
        "mentor M1 must take at least 2 mentees ('each mentor takes at least 2 "
        "mentees') but has 1 allowed candidate (1 removed by 'no reporting line', "
        "3 by 'same department')"
    )
    assert info.value.findings[0].people == ("M1",)


def test_mentee_load_min_beyond_the_mentors_room(people):
    # M1 (2 slots) + M2 + M3 can serve 4 of the 5 mentees.
    with pytest.raises(rmatch.InfeasibleError) as info:
        program(MenteeLoad(min=1)).match(people)
    assert info.value.reasons == [
        "'each mentee gets at least 1 mentor' needs at least 5 pairs in total but "
        "the mentors have room for at most 4 with their allowed candidates"
    ]


def test_mentees_who_want_two_mentors(people):
    records = [dict(r) for r in ORG]
    for r in records:
        if r["role"] == "mentee":
            r["capacity"] = "2"
    many = rmatch.read_people(records)
    result = program(mentor_capacity=3).match(many)
    per_mentee = result.pairs["mentee_id"].value_counts()
    assert per_mentee.max() == 2
    assert not result.pairs.duplicated(["mentor_id", "mentee_id"]).any()
    caps = {"M1": 2, "M2": 1, "M3": 1}
    for mentor, k in result.pairs["mentor_id"].value_counts().items():
        assert k <= caps[mentor]
    # MenteeLoad(max=1) brings it back to one mentor each.
    capped = program(MenteeLoad(max=1)).match(many)
    assert capped.pairs["mentee_id"].value_counts().max() == 1


def test_load_titles_and_dicts():
    assert MentorLoad(min=1, max=3).title() == "each mentor takes 1-3 mentees"
    assert MentorLoad(min=2, max=2).title() == "each mentor takes exactly 2 mentees"
    assert MenteeLoad(max=1).title() == "each mentee gets at most 1 mentor"
    assert Load(1, side="mentee").to_dict() == {
        "type": "load",
        "min": 1,
        "side": "mentee",
    }
    assert MentorLoad(min=1).to_dict() == {"type": "mentor_load", "min": 1}


# ----------------------------------------------------------------- soft rules
def test_soft_rule_scores_like_a_criterion(people):
    soft = Soft(DifferentValue("department"), weight=1)
    p = program(soft)
    cs = p.candidates(people)
    hard = program().candidates(people)
    assert cs.n_edges == hard.n_edges  # nothing removed
    assert cs.criteria == ("interests", "soft: different department")
    g = cs.graph
    for k in range(g.n_edges):
        s = hard.graph.weight[k]
        a, b = cs.mentors[g.left[k]], cs.mentees[g.right[k]]
        da = people.value(int(a), "department").strip().casefold()
        db = people.value(int(b), "department").strip().casefold()
        holds = not (da and db and da == db)
        assert g.weight[k] == pytest.approx((s * 1 + holds * 1) / 2)


def test_soft_rule_changes_the_choice_only_when_worth_it():
    # Same-department pairs share an interest (score 1), cross pairs share none.
    people = rmatch.read_people(
        [
            {"id": "M1", "role": "mentor", "department": "IT", "interests": "chess"},
            {"id": "M2", "role": "mentor", "department": "HR", "interests": "golf"},
            {"id": "E1", "role": "mentee", "department": "IT", "interests": "chess"},
            {"id": "E2", "role": "mentee", "department": "HR", "interests": "golf"},
        ]
    )
    weak = program(Soft(DifferentValue("department"), weight=0.5)).match(people)
    strong = program(Soft(DifferentValue("department"), weight=2)).match(people)
    assert pairs(weak) == {("M1", "E1"), ("M2", "E2")}  # 2 x 1/1.5 > 2 x 0.5/1.5
    assert pairs(strong) == {("M1", "E2"), ("M2", "E1")}  # 2 x 2/3 > 2 x 1/3
    assert strong.total_score == pytest.approx(4 / 3)
    explanation = strong.explain("E1")
    rows = {c["criterion"]: c for p in explanation.pairs for c in p["criteria"]}
    assert rows["soft: different department"]["text"] == "holds"
    assert rows["soft: different department"]["weight"] == 2


def test_soft_rule_detail_says_why_it_is_broken(people):
    soft = Soft(DifferentValue("department"), weight=1)
    m, e = people.positions(["M1", "E1"])
    assert soft.describe(0.0) == "broken" and soft.describe(1.0) == "holds"
    assert soft.detail(people, int(m), int(e)) == "department 'IT' and 'IT'"
    m3 = int(people.position("M3"))
    assert soft.detail(people, m3, int(e)) == ""


def test_soft_rules_need_a_positive_weight_and_no_score():
    with pytest.raises(ConfigError, match=r"must be > 0|>= 0"):
        Soft(DifferentValue("department"), weight=0).check()
    with pytest.raises(ConfigError, match="depends on the score"):
        Soft(MinScore(0.3), weight=1).check()


# ----------------------------------------------------------------- config
def test_constraint_from_dict_forms():
    (soft,) = constraint_from_dict("different", {"column": "department", "weight": 2})
    assert isinstance(soft, Soft) and soft.weight == 2
    (hard,) = constraint_from_dict("different", {"column": "department", "soft": False})
    assert isinstance(hard, DifferentValue)
    two = constraint_from_dict(
        "group_coverage",
        [
            {"column": "department", "value": "IT"},
            {"column": "department", "value": "HR"},
        ],
    )
    assert [q.value for q in two] == [["IT"], ["HR"]]
    assert constraint_from_dict("mentor_load", False) == []
    (req,) = constraint_from_dict("required_pairs", [["A", "B"]])
    assert req.pairs == [("A", "B")]


@pytest.mark.parametrize(
    ("name", "spec", "match"),
    [
        ("different", {"column": "department", "soft": True}, "needs a weight"),
        ("cross_share", 0.4, "needs a table"),
        ("cross_share", {"column": "department", "atleast": 0.4}, "Allowed parameters"),
        ("quorum", {"x": 1}, "unknown rule 'quorum'"),
        ("min_score", {"threshold": 0.2, "weight": 1}, "depends on the score"),
    ],
)
def test_constraint_from_dict_errors(name, spec, match):
    with pytest.raises(ConfigError, match=match):
        constraint_from_dict(name, spec)


def test_quotas_from_config_table_and_list():
    table = {
        "cross_share": {"column": "department", "at_least": 0.4},
        "group_limit": {"column": "department", "at_most": 5},
        "mentor_load": {"min": 1, "max": 3},
        "required_pairs": [["M1", "E2"]],
    }
    made = quotas_from_config(table)
    assert [type(q).__name__ for q in made] == [
        "CrossShare",
        "GroupLimit",
        "MentorLoad",
        "RequiredPairs",
    ]
    again = quotas_from_config([q.to_dict() for q in made])
    assert [q.to_dict() for q in again] == [q.to_dict() for q in made]
    with pytest.raises(ConfigError, match="needs a type"):
        quotas_from_config([{"column": "department"}])
    with pytest.raises(ConfigError, match="table or a list"):
        quotas_from_config("cross_share")


# ----------------------------------------------------------------- diagnosis
ELASTIC_ORG = [
    {"id": "A", "role": "mentor", "department": "X", "capacity": "1"},
    {"id": "B", "role": "mentor", "department": "X", "capacity": "1"},
    {"id": "C", "role": "mentor", "department": "Y", "capacity": "1"},
    {"id": "E1", "role": "mentee", "department": "X"},
    {"id": "E2", "role": "mentee", "department": "Y"},
    {"id": "E3", "role": "mentee", "department": "Y"},
]


def test_elastic_diagnosis_is_translated_to_ids():
    # A and B must each take a mentee but share the only one they may take (E1);
    # every count-based pre-check passes, the solver's elastic model finds it.
    people = rmatch.read_people(ELASTIC_ORG)
    p = program(rmatch.SameValue("department"), MentorLoad(min=1))
    with pytest.raises(rmatch.InfeasibleError) as info:
        p.match(people)
    (reason,) = info.value.reasons
    assert reason in {
        f"mentor {who} must take at least 1 mentee ('each mentor takes at least 1 "
        "mentee') but the closest matching that meets the other rules gives only 0; "
        "they have 1 allowed candidate (2 removed by 'same department')"
        for who in ("A", "B")
    }
    # The same, calling the solver directly and translating its error.
    from rmatch.solvers import InfeasibleGraphError, solve

    constraints = [r for r in p.rules if isinstance(r, Constraint)]
    cs, owners = apply_constraints(people, p.candidates(people), constraints)
    with pytest.raises(InfeasibleGraphError) as raw:
        solve(cs.graph, method="ilp")
    assert "mentor 0" in str(raw.value) or "mentor 1" in str(raw.value)
    err = translate(raw.value, people, cs, owners)
    assert isinstance(err, InfeasibleProgramError)
    assert err.reasons == [reason]


def test_elastic_diagnosis_of_a_quota():
    people = rmatch.read_people(ELASTIC_ORG)
    p = program(
        rmatch.SameValue("department"),
        RequiredPairs([("A", "E1")]),
        GroupCoverage("department", "X", at_least=1.0, side="mentor"),
    )
    with pytest.raises(rmatch.InfeasibleError) as info:
        p.match(people)
    (reason,) = info.value.reasons
    assert reason == (
        "quota 'at least 100% of mentors in department 'X' matched' cannot hold "
        "together with the other rules: the closest matching gives the mentors in "
        "department 'X' 1 pair where it needs 2"
    )


def test_a_wrong_quota_row_is_caught_by_the_independent_check(people):
    class Buggy(CrossShare):
        def edge_values(self, people, candidates):
            return np.ones(candidates.graph.n_edges)  # claims every pair is cross

    with pytest.raises(SolverError, match="breaks the program's constraints"):
        program(Buggy("department", at_least=1.0)).match(people)


def test_third_party_constraint_objects_work(people):
    class NoOneTwice(Constraint):
        def title(self) -> str:
            return "no mentor twice"

        def side_constraints(self, people, candidates):
            g = candidates.graph
            return {"left_capacity": np.minimum(g.left_capacity, 1)}

    result = program(NoOneTwice()).match(people)
    assert result.pairs["mentor_id"].value_counts().max() == 1

    class Bad(Constraint):
        def side_constraints(self, people, candidates):
            return {"left": candidates.graph.left}

    with pytest.raises(ConfigError, match="unknown graph field"):
        program(Bad()).match(people)


def test_findings_are_json_safe():
    f = Finding("m", "r", "load", ("A",), 2.0, 1.0)
    assert json.loads(json.dumps(f.to_dict()))["people"] == ["A"]


# ----------------------------------------------------------------- price
def test_price_of_rules_table(people):
    p = program(NoReportingLine(), CrossShare("department", at_least=1.0))
    table = price_of_rules(p, people)
    assert list(table["rule"]) == [
        "(all rules)",
        "without no reporting line",
        "without at least 100% of pairs cross-department",
    ]
    assert table.loc[0, "price"] == 0.0
    assert (table["price"][1:] >= -1e-9).all()  # dropping a hard rule never hurts
    base = p.match(people)
    assert table.loc[0, "score"] == pytest.approx(base.total_score)
    free = program(CrossShare("department", at_least=1.0)).match(people)
    assert table.loc[1, "score"] == pytest.approx(free.total_score)
    text = format_price_table(table)
    assert "without no reporting line" in text and "price" in text


def test_price_of_rules_shows_which_rule_makes_it_infeasible(people):
    p = program(
        NoReportingLine(),
        rmatch.SameValue("department"),
        GroupCoverage("department", "IT", at_least=1.0),
    )
    table = price_of_rules(p, people)
    assert table.loc[0, "status"] == "infeasible"
    assert "cannot hold" in table.loc[0, "note"]
    assert list(table["status"][1:]) == ["optimal", "optimal", "optimal"]
    assert np.isnan(table.loc[0, "price"])


def test_price_of_a_soft_rule_uses_criteria_score(people):
    p = program(Soft(DifferentValue("department"), weight=5))
    table = price_of_rules(p, people)
    # With the soft rule the criteria-only score can only be lower or equal.
    assert table.loc[1, "kind"] == "soft"
    assert table.loc[1, "price"] >= -1e-9

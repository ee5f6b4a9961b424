"""Issue 4, pinned: every rule, quota, objective and diagnosis the issue lists.

A small company whose answers can be checked by hand:

    CEO (Exec, 10) ── VPS (Sales, 8) ── MGR (Sales, 5) ─┬─ DEV1 (Sales, 2)
                  │                                     └─ DEV2 (Sales, 1)
                  └── VPIT (IT, 8) ─┬─ ENG1 (IT, 2)
                                    └─ ENG2 (IT, 3)
    HR1 (HR, 2), HR2 (HR, 6) report to nobody in the file.

Juniors (DEV1, DEV2, ENG1, ENG2, HR1) mentor; seniors (CEO, VPS, VPIT, MGR, HR2) are
mentees: reverse mentoring.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import rmatch
from rmatch import (
    CrossShare,
    DifferentValue,
    ForbiddenPairs,
    GroupCoverage,
    GroupLimit,
    History,
    MaxTimezoneGap,
    MenteeLoad,
    MentorLoad,
    MinSharedHours,
    NoReportingLine,
    RequiredPairs,
    ReverseSeniority,
    SameValue,
    Soft,
)


def person(pid, role, manager, dept, seniority, tz, avail, langs, interests, cap=""):
    return {
        "id": pid,
        "role": role,
        "manager_id": manager,
        "department": dept,
        "seniority": str(seniority),
        "timezone": tz,
        "availability": avail,
        "languages": langs,
        "interests": interests,
        "capacity": str(cap),
    }


MON = "Mon 09:00-11:00"
BER, NY, HCM = "Europe/Berlin", "America/New_York", "Asia/Ho_Chi_Minh"
COMPANY = [
    person("CEO", "mentee", "", "Exec", 10, BER, MON, "en; de", "ai; golf"),
    person("VPS", "mentee", "CEO", "Sales", 8, BER, MON, "de", "ai"),
    person("VPIT", "mentee", "CEO", "IT", 8, NY, MON, "en", "ai; chess"),
    person("MGR", "mentee", "VPS", "Sales", 5, BER, MON, "de", "golf"),
    person("HR2", "mentee", "", "HR", 6, HCM, MON, "vi; en", "chess"),
    person("DEV1", "mentor", "MGR", "Sales", 2, BER, MON, "de", "ai; golf", 2),
    person("DEV2", "mentor", "MGR", "Sales", 1, BER, MON, "de; en", "ai", 1),
    person("ENG1", "mentor", "VPIT", "IT", 2, NY, MON, "en", "chess", 1),
    person("ENG2", "mentor", "VPIT", "IT", 3, "Europe/London", MON, "en", "ai", 1),
    person("HR1", "mentor", "", "HR", 2, HCM, MON, "vi", "chess", 1),
]  # fmt: skip


@pytest.fixture(scope="module")
def company() -> rmatch.People:
    return rmatch.read_people(COMPANY)


def program(*rules, **kw) -> rmatch.Program:
    return rmatch.Program(criteria=[rmatch.Interests()], rules=list(rules), **kw)


def candidates(people, *rules) -> set[tuple[str, str]]:
    cs = program(*rules).candidates(people)
    g = cs.graph
    ids = people.ids
    return {
        (str(ids[cs.mentors[a]]), str(ids[cs.mentees[b]]))
        for a, b in zip(g.left.tolist(), g.right.tolist(), strict=True)
    }


def chosen(result: rmatch.Matching) -> set[tuple[str, str]]:
    return set(map(tuple, result.pairs[["mentor_id", "mentee_id"]].values.tolist()))


ALL = {(m["id"], e["id"]) for m in COMPANY for e in COMPANY} & {
    (m, e)
    for m in ("DEV1", "DEV2", "ENG1", "ENG2", "HR1")
    for e in ("CEO", "VPS", "VPIT", "MGR", "HR2")
}


# ------------------------------------------------------------------ hard rules
def test_reporting_lines_to_k_levels_in_both_directions(company):
    one = ALL - candidates(company, NoReportingLine(1))
    assert one == {("DEV1", "MGR"), ("DEV2", "MGR"), ("ENG1", "VPIT"), ("ENG2", "VPIT")}
    two = ALL - candidates(company, NoReportingLine(2))
    assert two == one | {
        ("DEV1", "VPS"),
        ("DEV2", "VPS"),
        ("ENG1", "CEO"),
        ("ENG2", "CEO"),
    }
    three = ALL - candidates(company, NoReportingLine(3))
    assert three == two | {("DEV1", "CEO"), ("DEV2", "CEO")}


def test_reporting_line_rule_is_symmetric():
    # A manager mentoring their report is as forbidden as the reverse.
    people = rmatch.read_people(
        [
            {"id": "BOSS", "role": "mentor", "manager_id": ""},
            {"id": "REPORT", "role": "mentee", "manager_id": "BOSS"},
        ]
    )
    assert candidates(people, NoReportingLine(1)) == set()


def test_shared_manager_optionally_forbidden():
    people = rmatch.read_people(
        [
            {"id": "MGR", "role": "none", "manager_id": ""},
            {"id": "A", "role": "mentor", "manager_id": "MGR"},
            {"id": "B", "role": "mentee", "manager_id": "MGR"},
        ]
    )
    assert candidates(people, NoReportingLine(1)) == {("A", "B")}
    assert candidates(people, NoReportingLine(1, same_manager=True)) == set()


def test_attribute_rules_on_any_column(company):
    different = candidates(company, DifferentValue("department"))
    assert ("DEV1", "MGR") not in different and ("DEV1", "VPIT") in different
    same_language = candidates(company, SameValue("languages"))
    assert ("HR1", "HR2") in same_language  # both speak vi
    assert ("HR1", "CEO") not in same_language
    assert ("DEV2", "CEO") in same_language  # de and en shared


def test_time_zone_gap_and_shared_hours(company):
    near = candidates(company, MaxTimezoneGap(3))
    assert ("ENG1", "VPIT") in near  # both New York
    assert ("HR1", "CEO") not in near  # Ho Chi Minh vs Berlin: 6 h in January
    # The same local Monday morning overlaps only inside one time zone.
    shared = candidates(company, MinSharedHours(1))
    assert ("DEV1", "CEO") in shared
    assert ("ENG1", "CEO") not in shared


def test_reverse_seniority_with_a_minimum_gap(company):
    allowed = candidates(company, ReverseSeniority(min_gap=3))
    assert ("DEV1", "MGR") in allowed  # 5 - 2 = 3
    assert ("ENG2", "MGR") not in allowed  # 5 - 3 = 2
    assert ("HR1", "HR2") in allowed  # 6 - 2


def test_history_from_a_file_in_either_direction(company, tmp_path: Path):
    path = tmp_path / "past_pairs.csv"
    # Last round HR2 mentored HR1 (roles swap between rounds): still a repeat.
    path.write_text("mentor_id,mentee_id\nHR2,HR1\nDEV1,CEO\n", encoding="utf-8")
    allowed = candidates(company, History.from_csv(str(path)))
    assert ALL - allowed == {("HR1", "HR2"), ("DEV1", "CEO")}


def test_forbid_and_require_specific_pairs(company):
    assert ("DEV1", "CEO") not in candidates(company, ForbiddenPairs([("DEV1", "CEO")]))
    free = program(NoReportingLine(2)).match(company)
    assert ("HR1", "VPS") not in chosen(free)
    kept = program(NoReportingLine(2), RequiredPairs([("HR1", "VPS")])).match(company)
    assert ("HR1", "VPS") in chosen(kept)


# ------------------------------------------------------------------ loads
def test_mentor_load_between_a_minimum_and_a_maximum(company):
    result = program(MentorLoad(min=1, max=1), mentor_capacity=2).match(company)
    assert sorted(result.pairs["mentor_id"]) == ["DEV1", "DEV2", "ENG1", "ENG2", "HR1"]


def test_mentees_who_want_k_mentors():
    records = [dict(r) for r in COMPANY]
    for r in records:
        if r["id"] == "CEO":
            r["capacity"] = "3"
    people = rmatch.read_people(records)
    result = program(NoReportingLine(1), mentor_capacity=2).match(people)
    ceo = result.pairs[result.pairs.mentee_id == "CEO"]
    assert len(ceo) == 3 and ceo.mentor_id.is_unique
    with_min = program(NoReportingLine(1), MenteeLoad(min=1), mentor_capacity=2)
    assert set(with_min.match(people).pairs.mentee_id) == {
        "CEO",
        "VPS",
        "VPIT",
        "MGR",
        "HR2",
    }


# ------------------------------------------------------------------ quotas
def _dept(people, pid):
    return people.value(people.position(pid), "department")


def test_at_least_40_percent_of_pairs_cross_department():
    # Five departments; each mentor shares an interest with the mentee of their
    # own department only (score 1), cross pairs score 0. Without the quota every
    # pair stays inside its department; with it two pairs must swap: total 3.
    records = []
    for i in range(5):
        for role, tag in (("mentor", "M"), ("mentee", "E")):
            records.append(
                {"id": f"{tag}{i}", "role": role, "department": f"D{i}",
                 "interests": f"topic{i}"}
            )  # fmt: skip
    people = rmatch.read_people(records)
    free = program().match(people)
    assert free.total_score == pytest.approx(5.0)
    assert all(_dept(people, a) == _dept(people, b) for a, b in chosen(free))
    strict = program(CrossShare("department", at_least=0.4)).match(people)
    cross = [_dept(people, a) != _dept(people, b) for a, b in chosen(strict)]
    assert strict.total_score == pytest.approx(3.0)
    assert sum(cross) == 2 and len(cross) == 5
    assert strict.summary().status == "optimal"
    assert strict.summary().constraints == {
        "at least 40% of pairs cross-department": "40% (2 of 5 pairs)"
    }


def test_at_most_n_mentees_from_one_department(company):
    result = program(GroupLimit("department", at_most=1), mentor_capacity=2).match(
        company
    )
    depts = [_dept(company, b) for _, b in chosen(result)]
    assert all(depts.count(d) <= 1 for d in depts)


def test_at_least_x_percent_of_a_groups_mentees_matched(company):
    q = GroupCoverage("department", "Sales", at_least=1.0)
    result = program(NoReportingLine(1), q).match(company)
    assert {"VPS", "MGR"} <= {b for _, b in chosen(result)}


def test_rules_are_hard_unless_declared_soft_with_a_weight(company):
    hard = candidates(company, DifferentValue("department"))
    soft = candidates(company, Soft(DifferentValue("department"), weight=1))
    assert ("DEV1", "VPS") not in hard
    assert ("DEV1", "VPS") in soft  # kept, with a lower score
    config = rmatch.Program.from_dict(
        {"rules": {"different": {"column": "department", "weight": 1}}}
    )
    assert isinstance(config.rules[0], Soft)


# ------------------------------------------------------------------ objectives
def test_the_three_objectives(company):
    rules = [NoReportingLine(2), ReverseSeniority(1)]
    total = program(*rules).match(company)
    coverage = program(*rules, objective="coverage").match(company)
    fairness = program(*rules, objective="fairness").match(company)
    assert total.summary().objective_name == "total"
    assert len(coverage.pairs) >= len(total.pairs)
    assert coverage.total_score <= total.total_score + 1e-9
    assert fairness.pairs["score"].min() >= total.pairs["score"].min() - 1e-9
    for r in (total, coverage, fairness):
        assert r.summary().status == "optimal"


# ------------------------------------------------------------------ trust
def test_quota_diagnosis_reads_like_the_issue():
    # 100 mentees, 31 outside the mentors' department: 40% cannot be cross.
    records = [
        {"id": f"M{i:02d}", "role": "mentor", "department": "Ops", "capacity": "5"}
        for i in range(30)
    ] + [
        {"id": f"E{i:03d}", "role": "mentee", "department": "Ops" if i >= 31 else "IT"}
        for i in range(100)
    ]
    people = rmatch.read_people(records)
    quota = CrossShare("department", at_least=0.4, of="mentees")
    with pytest.raises(rmatch.InfeasibleError) as info:
        program(quota).match(people)
    assert info.value.reasons == [
        "quota 'at least 40% of mentees in a cross-department pair' cannot hold: "
        "only 31% of mentees (31 of 100) have any cross-department candidate and "
        "it needs 40"
    ]


def test_load_diagnosis_reads_like_the_issue():
    records = [
        {"id": "E12", "role": "mentor", "department": "IT", "capacity": "3"},
        {"id": "E13", "role": "mentor", "department": "HR", "capacity": "3"},
        {"id": "E20", "role": "mentee", "department": "HR"},
        {"id": "E21", "role": "mentee", "department": "IT"},
        {"id": "E22", "role": "mentee", "department": "IT"},
    ]
    people = rmatch.read_people(records)
    with pytest.raises(rmatch.InfeasibleError) as info:
        program(DifferentValue("department"), MentorLoad(min=2)).match(people)
    assert info.value.reasons == [
        "mentor E12 must take at least 2 mentees ('each mentor takes at least 2 "
        "mentees') but has 1 allowed candidate (2 removed by 'different department')"
    ]


def test_price_of_a_rule(company):
    table = rmatch.price_of_rules(
        program(NoReportingLine(2), CrossShare("department", at_least=0.8)), company
    )
    assert list(table["rule"]) == [
        "(all rules)",
        "without no reporting line (2 levels)",
        "without at least 80% of pairs cross-department",
    ]
    # Dropping a hard rule or a quota can only help the match quality.
    assert (table["price"].iloc[1:] >= -1e-9).all()
    assert table["price"].iloc[1:].max() > 0  # at least one of them costs something

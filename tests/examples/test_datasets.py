"""Third-party exports in tests/data load through their mapping in examples/, and match.

Each test pins facts about the data that a wrong mapping would break: counts, a known
duplicate, parsed grades, and pairs the program's rules must never produce.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import rmatch
from rmatch.errors import DataQualityWarning
from rmatch.survey import read_survey, validate_survey

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
EXAMPLES = ROOT / "examples"


def _config(name: str) -> Path:
    return EXAMPLES / name / "program.toml"


def _read(name: str, sources: Any, *, warns: bool) -> rmatch.People:
    config = _config(name)
    report = validate_survey(sources, config)
    assert report.ok, [str(i) for i in report.errors]
    if warns:
        with pytest.warns(DataQualityWarning):
            return read_survey(sources, config)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return read_survey(sources, config)


def _pairs(result: rmatch.Matching) -> set[tuple[str, str]]:
    return set(zip(result.pairs["mentor_id"], result.pairs["mentee_id"], strict=True))


def _check_nothing_lost(people: rmatch.People, result: rmatch.Matching) -> None:
    placed = set(result.pairs["mentor_id"]) | set(result.pairs["mentee_id"])
    unmatched = dict(
        zip(result.unmatched["id"], result.unmatched["reason"], strict=True)
    )
    for pid, role in zip(people.ids.tolist(), people.roles.tolist(), strict=True):
        if role != "none":
            assert pid in placed or unmatched.get(pid), pid
    assert len(result.rejected) == len(people.rejected)
    assert all(result.rejected["reason"].str.len() > 0)


def test_mozilla_google_forms_and_hr_file() -> None:
    name = "mozilla_matchmaker_isc"
    people = _read(name, DATA / name / "mentorship_input.csv", warns=True)
    assert len(people) == 12  # 13 answers, bar4 answered twice
    assert people.rejected == (
        {
            "row": 5,
            "id": "bar4@foo.com",
            "file": "mentorship_input.csv",
            "reason": "duplicate of row 6 (same e-mail); the later answer was kept",
            "name": "Bar Foo",  # issue 16 point 12: the name is carried
        },
    )
    role = dict(zip(people.ids, people.roles, strict=True))
    assert role["bar4@foo.com"] == "mentor"  # row 6 ("Mentor"), not row 5 ("Both")
    assert role["bar1@foo.com"] == "mentor" and role["bar2@foo.com"] == "both"
    assert sorted(people.roles.tolist()).count("mentee") == 7
    i = people.position("bar1@foo.com")
    assert people["skills_offered"][i] == {
        "technical leadership": 3,
        "returning from parental leave": 3,
    }
    assert people.mentor_capacity[[i, people.position("bar2@foo.com")]].tolist() == [
        3,
        2,
    ]
    # The HR file (joined on " BAR1@foo.com" etc.) gives names, orgs and locations.
    assert people.name_of(i) == "Bahr Feu"
    assert people.value(people.position("bar4@foo.com"), "location") == "Berlin Office"
    # Managers are names of people in neither file: reported, never guessed.
    unknown = [x for x in people.issues if x.code == "unknown_manager"]
    assert sorted({x.value for x in unknown}) == [
        "Joe Schmo",
        "Joel Schmoel",
        "Jolene Schmoh",
    ]
    assert (people.manager == -1).all()
    assert len([x for x in people.issues if x.code == "not_in_hr"]) == 6
    assert len([x for x in people.issues if x.code == "same_name"]) == 3  # "Bahr Feu"

    # nobody offers a skill anyone wants: the program says so (issue 16, point 11)
    with pytest.warns(rmatch.DataQualityWarning, match="every candidate pair scores 0"):
        result = rmatch.Program.from_toml(_config(name)).match(people)
    assert len(result.pairs) == 10 and len(result.unmatched) == 0
    department = dict(zip(people.ids, people["department"], strict=True))
    for mentor, mentee in _pairs(result):
        assert mentor != mentee
        assert not (department[mentor] and department[mentor] == department[mentee])
    assert ("bar4@foo.com", "bar1@foo.com") not in _pairs(result)  # both org "a"
    _check_nothing_lost(people, result)


def test_cogsci_two_raw_forms() -> None:
    name = "cogsci_cc0"
    sources = [DATA / name / "example_mentees.csv", DATA / name / "example_mentors.csv"]
    people = _read(name, sources, warns=False)
    assert people.roles.tolist() == ["mentee"] * 6 + ["mentor"] * 2
    assert people.rows.tolist() == [2, 3, 4, 5, 6, 7, 2, 3]
    assert people.name_of(1) == "W… T…"  # the redaction character survives
    wt = people.position("wt@gmail.com")
    assert people["skills_wanted"][wt] == {
        "postdoc opportunities": 3,
        "career advancement in a specific country/location": 3,
        "research institution": 3,
        "applying to grad school/post-doc": 3,
    }
    assert people["interests"][wt] == frozenset(
        {"artificial intelligence", "cognitive science"}
    )
    assert people["languages"][people.position("p.l@univ3.de")] == frozenset(
        {"urdu hindi"}
    )

    result = rmatch.Program.from_toml(_config(name)).match(people)
    # "different institution" leaves exactly one way to match all six mentees.
    assert _pairs(result) == {
        ("q.x@univ1.edu", "wt@gmail.com"),
        ("q.x@univ1.edu", "re@univ2.ac.ca"),
        ("q.x@univ1.edu", "c.c@univ3.de"),
        ("p.l@univ3.de", "jane.doe@univ1.edu"),
        ("p.l@univ3.de", "narvaria333@gmail.com"),
        ("p.l@univ3.de", "y.c@univ1.edu"),
    }
    assert result.summary().rules == {"different institution": 4}
    _check_nothing_lost(people, result)


def test_civil_service_grades_and_departments() -> None:
    name = "jonodrew_mentor_match_ogl"
    sources = [DATA / name / "mentors.csv", DATA / name / "mentees.csv"]
    people = _read(name, sources, warns=False)
    assert (len(people), int(people.is_mentor.sum()), int(people.is_mentee.sum())) == (
        100,
        50,
        50,
    )
    seniority = dict(zip(people.ids, people.seniority.tolist(), strict=True))
    # AA < AO < EO < HEO < SEO < Grade 7 < Grade 6 < SCS1 .. SCS4
    assert seniority["mentor.00@gov.uk"] == 11.0  # SCS4
    assert seniority["mentor.02@gov.uk"] == 3.0  # EO
    assert seniority["mentor.07@gov.uk"] == 7.0  # Grade 6
    assert seniority["mentee.02@gov.uk"] == 9.0  # SCS2
    assert seniority["mentee.00@gov.uk"] == 4.0  # HEO
    assert not np.isnan(people.seniority).any()
    assert people.name_of(people.position("mentee.00@gov.uk")) == "mentee 00"
    assert people["goals"][people.position("mentee.00@gov.uk")] == frozenset(
        {"bisexual or pansexual"}
    )

    result = rmatch.Program.from_toml(_config(name)).match(people)
    assert len(result.pairs) == 50
    department = dict(zip(people.ids, people["department"], strict=True))
    profession = dict(zip(people.ids, people["interests"], strict=True))
    assert all(department[a] != department[b] for a, b in _pairs(result))
    same_profession = sum(profession[a] == profession[b] for a, b in _pairs(result))
    assert same_profession >= 40  # the interests criterion does its job
    _check_nothing_lost(people, result)


def _free_hours(slots: list[str]) -> set[tuple[str, int]]:
    """Independent reading of the upstream slot format ``"6:00-7:00pm F"``."""
    out = set()
    for slot in slots:
        times, day = slot.rsplit(" ", 1)
        start = int(times.split(":")[0]) % 12 + (12 if times.endswith("pm") else 0)
        out.add((day, start))
    return out


def test_availability_slots_group_mentoring() -> None:
    name = "rafaykhan_mentor_match_mit"
    sources = [DATA / name / "mentors.json", DATA / name / "mentees.json"]
    people = _read(name, sources, warns=False)
    assert (int(people.is_mentor.sum()), int(people.is_mentee.sum())) == (25, 500)
    assert people.has_availability.all()

    result = rmatch.Program.from_toml(_config(name)).match(people)
    free = {}
    for file in ("mentors.json", "mentees.json"):
        for person in json.loads((DATA / name / file).read_text(encoding="utf-8")):
            free[person["email"].casefold()] = _free_hours(person["availability"])
    pairs = _pairs(result)
    assert len(pairs) == 500
    assert all(free[a] & free[b] for a, b in pairs)  # at least one shared hour
    assert result.pairs["mentor_id"].value_counts().max() <= 20
    _check_nothing_lost(people, result)


def test_oracle_org_chart_with_a_sign_up_form() -> None:
    name = "oracle_hr_mit"
    people = _read(name, DATA / name / "signup.csv", warns=True)
    assert len(people) == 108  # 107 employees + a contractor who is not in the HR file
    assert int((people.roles == "none").sum()) == 95
    assert people.rejected[0]["row"] == 3 and people.rejected[0]["id"] == "105"
    assert "(same id); the later answer was kept" in people.rejected[0]["reason"]
    pos = people.position
    assert people.table["availability"].iat[pos("105")] == "Thu 08:00-17:00"
    assert people.name_of(pos("107")) == "Nguyễn Thị Diệu (Diana)"  # typed in the form
    assert people.name_of(pos("206")) == "William Gietz"  # from the HR file
    assert people["skills_offered"][pos("104")] == {
        "generative ai": 5,
        "leading teams": 1,
        "social media": 3,
    }
    assert people["skills_wanted"][pos("104")] == {"leading teams": 5}
    assert people.reporting_distance(pos("104"), pos("102")) == 2
    assert people.seniority[
        [pos("100"), pos("102"), pos("104"), pos("116")]
    ].tolist() == [5.0, 4.0, 2.0, 1.0]
    assert np.isnan(people.seniority[pos("C-17")])
    assert people.utc_offset_hours[pos("107")] == 7.0

    result = rmatch.Program.from_toml(_config(name)).match(people)
    pairs = _pairs(result)
    assert len(pairs) == 6
    forbidden = {
        ("104", "102"),
        ("105", "102"),
        ("107", "102"),
        ("116", "114"),
        ("150", "145"),
        ("202", "201"),
    }
    assert not pairs & forbidden
    for mentor, mentee in pairs:
        assert people.seniority[pos(mentor)] < people.seniority[pos(mentee)]
    assert result.unmatched[["id", "reason"]].values.tolist() == [
        ["C-17", "no mentor is junior to them by at least 1"]
    ]
    _check_nothing_lost(people, result)

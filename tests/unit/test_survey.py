"""Raw survey exports: mappings, presets, parsing options, duplicates, HR join."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import rmatch
from rmatch.errors import ConfigError, DataQualityWarning, ValidationError
from rmatch.parsing import slots_to_text
from rmatch.survey import (
    PRESETS,
    ColumnSpec,
    MissingColumnsError,
    SurveyMap,
    read_survey,
    validate_survey,
)

ROLE_Q = "I want to be a..."
MENTOR = "Mentor (I want to provide coaching and support)"
MENTEE = "Mentee (I want to receive coaching and support)"


def _quiet(source: Any, mapping: Any, **kwargs: Any) -> rmatch.People:
    """read_survey for inputs that must not produce any warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return read_survey(source, mapping, **kwargs)


def _row(
    email: str, role: str = MENTOR, stamp: str = "3/17/2020 8:14:08", **extra: str
) -> dict[str, str]:
    return {"Timestamp": stamp, "Email Address": email, ROLE_Q: role, **extra}


GOOGLE = {"preset": "google_forms", ROLE_Q: "role"}


# ----------------------------------------------------------------- the mapping


def test_preset_adds_optional_columns_and_options() -> None:
    m = SurveyMap.from_dict({"preset": "qualtrics", "Q1": "role"})
    assert m.header_rows == 3
    assert m.separators == (",",)
    assert [(c.column, c.field, c.preset) for c in m.columns] == [
        ("Q1", "role", False),
        ("RecordedDate", "timestamp", True),
        ("RecipientEmail", "email", True),
        ("RecipientFirstName", "first_name", True),
        ("RecipientLastName", "last_name", True),
    ]
    # a user line for the same field replaces the preset's
    m = SurveyMap.from_dict({"preset": "google_forms", "Work e-mail": "email"})
    assert [c.column for c in m.columns if c.field == "email"] == ["Work e-mail"]
    assert set(PRESETS) == {"google_forms", "microsoft_forms", "qualtrics"}


def test_column_lines_can_be_tables_and_sections() -> None:
    m = SurveyMap.from_dict(
        {
            "separators": [";", "|"],
            "duplicates": "first",
            "roles": {"Reverse mentor": "mentor"},
            "likert": {"Meh": 2},
            "periods": {"Early": ["06:00", "08:00"]},
            "availability": {"Free [Mon]": "mon", "Free [Tue]": "tue"},
            "timezone": "TZ",
            "columns": {"timezone": "location"},  # a column named like an option
            "Grade": {"field": "seniority", "order": ["Junior", "Senior"]},
            "Rate [*]": {"field": "skills_offered", "scale": "likert"},
            "Team": {"field": "team", "custom": True},
        }
    )
    assert m.duplicates == "first"
    assert m.roles == {"reverse mentor": "mentor"}
    by_column = {c.column: c for c in m.columns}
    assert by_column["Free [Mon]"].day == "mon"
    assert by_column["TZ"].field == "timezone"
    assert by_column["timezone"].field == "location"
    assert by_column["Grade"].order == ("Junior", "Senior")
    assert by_column["Rate [*]"].likert
    assert by_column["Team"] == ColumnSpec("Team", "team", custom=True)


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            {"Q": "skils_offered"},
            "unknown field 'skils_offered'.*did you mean 'skills_offered'",
        ),
        (
            {"seperators": [", "]},
            "unknown option 'seperators'.*did you mean 'separators'",
        ),
        ({"timestamps": "Timestamp"}, "is meant as an option.*'timestamp'"),
        ({"preset": "google"}, "unknown preset 'google'.*'google_forms'"),
        ({"Q": {"feild": "role"}}, "unknown option 'feild'.*'field'"),
        ({"Q": {"separators": ","}}, "needs a 'field'"),
        ({"header_rows": 0}, "header_rows must be a whole number"),
        ({"duplicates": "last"}, "duplicates must be one of 'latest', 'first'"),
        ({"roles": {"Yes": "teacher"}}, "must be one of 'mentor'"),
        ({"periods": {"Morning": ["12:00", "08:00"]}}, "ends before it starts"),
        ({"availability": {"Free [X]": "someday"}}, "'someday' is not a day"),
        ({"Q": {"field": "role", "skill": "python"}}, "'skill' needs field"),
        ({"hr": {"preset": "google_forms"}}, "presets are for survey exports"),
        ({"hr": {"duplicates": "first"}}, "'duplicates' is not allowed here"),
        ({"Q": ["role"]}, "maps to a list"),
        ({"Q": {"field": "capacity", "values": {"Yes": [1]}}}, "values must be text"),
    ],
)
def test_mapping_errors_are_clear(section: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        SurveyMap.from_dict(section)


def test_from_toml_reads_the_mapping_section(tmp_path: Path) -> None:
    path = tmp_path / "program.toml"
    path.write_text(
        '[program]\nname = "x"\n[mapping]\n"Q" = "role"\n', encoding="utf-8"
    )
    m = SurveyMap.from_toml(path)
    assert m.columns == (ColumnSpec("Q", "role"),)
    assert m.base_dir == str(tmp_path.resolve())
    path.write_text("[mapping\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        SurveyMap.from_toml(path)
    with pytest.raises(ConfigError, match="not found"):
        SurveyMap.coerce(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="must be a SurveyMap"):
        SurveyMap.coerce(3)  # type: ignore[arg-type]


def test_missing_columns_are_listed_at_once_with_close_matches() -> None:
    rows = [_row("a@x.org", **{"Skills I can teach": "Python"})]
    mapping = {
        **GOOGLE,
        "Skills I can teach!": "skills_offered",
        "Languagez": "languages",
        "Rate [*]": "skills_offered",
    }
    with pytest.raises(MissingColumnsError) as info:
        read_survey(rows, mapping)
    text = str(info.value)
    assert "3 column(s)" in text
    assert "'Skills I can teach!' (did you mean 'Skills I can teach'?)" in text
    assert "'Languagez'" in text and "'Rate [*]'" in text
    assert isinstance(info.value, ConfigError)
    report = validate_survey(rows, mapping)
    assert [(i.code, i.column) for i in report.errors] == [
        ("missing_column", "Skills I can teach!"),
        ("missing_column", "Languagez"),
        ("missing_column", "Rate [*]"),
    ]
    assert "did you mean 'Skills I can teach'" in report.errors[0].fix


def test_preset_columns_are_optional() -> None:
    people = _quiet([{"Email address": "A@x.org", ROLE_Q: "Both"}], GOOGLE)
    assert people.ids.tolist() == ["a@x.org"]  # column names match in any case
    assert people.roles.tolist() == ["both"]


# -------------------------------------------------------------- parsing options


def test_google_forms_export_end_to_end() -> None:
    rows = [
        _row(
            " bAr1@Foo.com ",
            MENTOR,
            **{
                "Topics": "Technical Leadership, Returning from Parental Leave",
                "Rate [Python]": "Expert",
                "Rate [TikTok]": "",
                "Availability [Monday]": "Morning, Evening",
                "Availability [Wednesday]": "Afternoon",
                "Time zone": "(GMT+07:00) Bangkok, Hanoi, Jakarta",
                "Grade": "Senior",
                "Several?": "Yes",
            },
        ),
        _row(
            "bar2@foo.com",
            "Both",
            **{
                "Topics": "js",
                "Rate [Python]": "2",
                "Rate [TikTok]": "Beginner",
                "Availability [Monday]": "",
                "Availability [Wednesday]": "Morning",
                "Time zone": "UTC+7",
                "Grade": "junior",
                "Several?": "No",
            },
        ),
        _row(
            "bar3@foo.com",
            MENTEE,
            **{
                "Topics": "Stuff, Things",
                "Rate [Python]": "",
                "Rate [TikTok]": "",
                "Availability [Monday]": "Morning",
                "Availability [Wednesday]": "",
                "Time zone": "Asia/Ho_Chi_Minh",
                "Grade": "",
                "Several?": "",
            },
        ),
        _row("bar4@foo.com", "I want to be a mentee", **{"Time zone": "EST"}),
    ]
    mapping = {
        **GOOGLE,
        "Topics": "interests",
        "Rate [*]": "skills_offered",
        "Availability [*]": "availability",
        "Time zone": "timezone",
        "Grade": {"field": "seniority", "order": ["Junior", "Mid", "Senior"]},
        "Several?": {"field": "mentor_capacity", "values": {"Yes": 3, "No": 1}},
    }
    people = _quiet(rows, mapping)
    assert people.ids.tolist() == [
        "bar1@foo.com",
        "bar2@foo.com",
        "bar3@foo.com",
        "bar4@foo.com",
    ]
    assert people.roles.tolist() == ["mentor", "both", "mentee", "mentee"]
    assert people["interests"][0] == frozenset(
        {"technical leadership", "returning from parental leave"}
    )
    assert people["skills_offered"][:2] == [{"python": 5}, {"python": 2, "tiktok": 1}]
    assert people.seniority[:2].tolist() == [3.0, 1.0]
    assert np.isnan(people.seniority[2])
    assert people.mentor_capacity.tolist()[:2] == [3, 1]
    # Local grid times, converted to UTC from Bangkok (UTC+7).
    assert slots_to_text(people.slots(np.array([0]))[0] > 0) == (
        "Mon 01:00-05:00; Mon 10:00-14:00; Wed 05:00-10:00"
    )
    assert people.table["availability"].iat[0] == (
        "Mon 08:00-12:00; Mon 17:00-21:00; Wed 12:00-17:00"
    )
    assert people.utc_offset_hours.tolist() == [7.0, 7.0, 7.0, -5.0]
    assert people.rows.tolist() == [2, 3, 4, 5]
    # raw columns are kept for custom criteria and rules
    assert people.table["Several?"].tolist() == ["Yes", "No", "", ""]
    assert people.table["source_file"].tolist() == ["<records>"] * 4


@pytest.mark.parametrize(
    ("cell", "separators", "expected"),
    [
        ("Mon 9-11am; Tuesdays 14:00–15:30", None, "Mon 09:00-11:00; Tue 14:00-15:30"),
        (
            '["6:00-7:00pm F", "3:00-4:00pm Sun"]',
            None,
            "Fri 18:00-19:00; Sun 15:00-16:00",
        ),
        ("6:00-7:00pm F, 8:00-9:00pm T", [", "], "Tue 20:00-21:00; Fri 18:00-19:00"),
        ("Mon,Wed 9-10", None, "Mon 09:00-10:00; Wed 09:00-10:00"),
    ],
)
def test_availability_as_text_and_slot_lists(
    cell: str, separators: list[str] | None, expected: str
) -> None:
    spec: Any = (
        "availability"
        if separators is None
        else {"field": "availability", "separators": separators}
    )
    people = _quiet([_row("a@x.org", Free=cell)], {**GOOGLE, "Free": spec})
    assert slots_to_text(people.slots(np.array([0]))[0] > 0) == expected


def test_skill_levels_inline_and_per_option() -> None:
    rows = [_row("a@x.org", Teach="Python: Expert; SQL (2); Go:4; Career: publishing")]
    people = _quiet(rows, {**GOOGLE, "separators": [";"], "Teach": "skills_offered"})
    assert people["skills_offered"][0] == {
        "career - publishing": 3,
        "go": 4,
        "python": 5,
        "sql": 2,
    }
    rows = [_row("a@x.org", Learn="Machine learning (ML), Public speaking")]
    mapping = {
        **GOOGLE,
        "Learn": {
            "field": "skills_wanted",
            "values": {"Public speaking": "speaking:4"},
        },
    }
    people = _quiet(rows, mapping)
    assert people["skills_wanted"][0] == {"machine learning (ml)": 3, "speaking": 4}


def test_likert_and_custom_scales() -> None:
    rows = [_row("a@x.org", Q1="Strongly agree", Q2="Very much", Q3="Not at all")]
    mapping = {
        **GOOGLE,
        "Q1": {"field": "seniority", "scale": "likert"},
        "Q2": {
            "field": "skills_wanted",
            "skill": "GenAI",
            "scale": {"Not at all": 0, "Very much": 5},
        },
        "Q3": {
            "field": "skills_wanted",
            "skill": "TikTok",
            "scale": {"Not at all": 0, "Very much": 5},
        },
    }
    people = _quiet(rows, mapping)
    assert people.seniority.tolist() == [5.0]
    assert people["skills_wanted"][0] == {"genai": 5}  # level 0: not wanted


def test_grid_of_sets() -> None:
    rows = [
        _row(
            "a@x.org",
            **{"Into [Chess]": "Yes", "Into [Go]": "No", "Into [Running]": "Very much"},
        )
    ]
    people = _quiet(rows, {**GOOGLE, "Into [*]": "interests"})
    assert people["interests"][0] == frozenset({"chess", "running"})


def test_role_answers_table() -> None:
    rows = [_row("a@x.org", "Reverse mentor"), _row("b@x.org", "Leader")]
    mapping = {**GOOGLE, "roles": {"Leader": "mentee", "Reverse mentor": "mentor"}}
    assert _quiet(rows, mapping).roles.tolist() == ["mentor", "mentee"]


def test_custom_column_and_first_last_name() -> None:
    rows = [
        {
            "Email": "a@x.org",
            "First": "Hồng",
            "Last": "Nguyễn Thị",
            "Team": "Ops",
            "Role": "mentee",
        }
    ]
    mapping = {
        "Email": "email",
        "First": "first_name",
        "Last": "last_name",
        "Team": {"field": "team", "custom": True},
        "Role": "role",
    }
    people = _quiet(rows, mapping)
    assert people["name"].tolist() == ["Hồng Nguyễn Thị"]
    assert people["team"].tolist() == ["Ops"]


# ------------------------------------------------------------- telling the user


def test_errors_name_the_raw_file_row_column_and_value(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        "Timestamp,Email Address,I want to be a...,Topics,Rate [Python],Free [Mon]\n"
        "3/17/2020 8:14:08,a@x.org,Mentor,x,Expert,Morning\n"
        "\n"
        "3/17/2020 8:14:08,b@x.org,Teacher,x,9,Brunch\n",
        encoding="utf-8",
    )
    mapping = {
        **GOOGLE,
        "Topics": "interests",
        "Rate [*]": "skills_offered",
        "Free [*]": "availability",
    }
    with pytest.raises(ValidationError) as info:
        read_survey(path, mapping)
    found = {(i.file, i.row, i.column, i.value, i.code) for i in info.value.issues}
    assert found == {
        ("export.csv", 4, "I want to be a...", "Teacher", "bad_role"),
        ("export.csv", 4, "Rate [Python]", "9", "bad_skills_offered"),
        ("export.csv", 4, "Free [Mon]", "Brunch", "bad_availability"),
    }
    assert all(i.fix and i.person_id == "b@x.org" for i in info.value.issues)
    report = validate_survey(path, mapping)
    assert len(report.errors) == 3 and report.people is None
    assert report.n_rows == 2


def test_unreadable_file_is_a_report_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    report = validate_survey(path, GOOGLE)
    assert [(i.code, i.file) for i in report.errors] == [("empty_file", "x.csv")]
    with pytest.raises(ValidationError, match="empty"):
        read_survey(path, GOOGLE)


def test_warning_once_when_rows_are_rejected() -> None:
    rows = [_row("a@x.org"), _row("A@x.org ", stamp="3/18/2020 8:00:00")]
    with pytest.warns(DataQualityWarning, match="1 row.s. rejected") as caught:
        people = read_survey(rows, GOOGLE)
    assert len(caught) == 1
    assert [i.code for i in people.issues] == ["duplicate_answer"]


# ------------------------------------------------------------------ duplicates


def test_latest_answer_wins_by_timestamp_not_row_order() -> None:
    rows = [
        _row("a@x.org", MENTEE, stamp="2024-05-02 10:00:00"),
        _row("b@x.org", MENTOR, stamp="2024-05-01 09:00:00"),
        _row(" A@X.org", MENTOR, stamp="2024-05-01 10:00:00"),  # earlier, later row
    ]
    with pytest.warns(DataQualityWarning):
        people = read_survey(rows, GOOGLE)
    assert people.ids.tolist() == ["a@x.org", "b@x.org"]
    assert people.roles.tolist() == ["mentee", "mentor"]
    assert people.rejected == (
        {
            "row": 4,
            "id": "a@x.org",
            "file": "<records>",
            "reason": "duplicate of row 2 (same e-mail); the later answer was kept",
        },
    )
    with pytest.warns(DataQualityWarning):
        first = read_survey(rows, {**GOOGLE, "duplicates": "first"})
    assert first.roles.tolist() == ["mentor", "mentor"]
    assert first.rejected[0]["reason"] == (
        "duplicate of row 4 (same e-mail); the earlier answer was kept"
    )


def test_same_timestamp_the_later_row_wins_and_bad_stamps_warn() -> None:
    rows = [
        _row("a@x.org", MENTEE),
        _row("a@x.org", MENTOR),
        _row("b@x.org", stamp="yesterday"),
    ]
    with pytest.warns(DataQualityWarning):
        people = read_survey(rows, GOOGLE)
    assert people.roles.tolist() == ["mentor", "mentor"]
    assert [r["row"] for r in people.rejected] == [2]
    (bad,) = [i for i in people.issues if i.code == "bad_timestamp"]
    assert (bad.row, bad.column, bad.value) == (4, "Timestamp", "yesterday")


def test_same_name_with_another_email_warns_and_keeps_both() -> None:
    rows = [_row("jo@x.org", Name="Jo Ng"), _row("jo.ng@y.org", Name="jo  NG")]
    with pytest.warns(DataQualityWarning):
        people = read_survey(rows, {**GOOGLE, "Name": "name"})
    assert len(people) == 2 and not people.rejected
    (issue,) = people.issues
    assert issue.code == "same_name" and issue.severity == "warning"
    assert issue.row == 3 and "same name as row 2 (jo@x.org)" in issue.message


def test_explicit_ids_deduplicate_by_id() -> None:
    rows = [
        {"Employee": "E1", "Email Address": "a@x.org", ROLE_Q: "Mentor"},
        {"Employee": "E1", "Email Address": "other@x.org", ROLE_Q: "Mentee"},
    ]
    with pytest.warns(DataQualityWarning):
        people = read_survey(rows, {**GOOGLE, "Employee": "id"})
    assert people.ids.tolist() == ["E1"] and people.roles.tolist() == ["mentee"]
    assert "(same id)" in people.rejected[0]["reason"]


def test_anonymous_answers_have_no_id() -> None:
    rows = [{"Email": "anonymous", "Name": "A", "Role": "Mentor"}]
    with pytest.raises(ValidationError) as info:
        read_survey(rows, {"preset": "microsoft_forms", "Role": "role"})
    (issue,) = info.value.issues  # reported once, with a fix for this case
    assert issue.code == "empty_id" and "sign in" in issue.fix


# --------------------------------------------------------------------- HR join

HR = [
    {
        "name": "Lan Trần",
        "email": " LAN@x.org",
        "manager": "Big Boss",
        "org": "Ops",
        "grade": "3",
    },
    {
        "name": "Big Boss",
        "email": "boss@x.org",
        "manager": "",
        "org": "Exec",
        "grade": "5",
    },
    {
        "name": "Kim Lee",
        "email": "kim@x.org",
        "manager": "boss@X.org",
        "org": "IT",
        "grade": "2",
    },
    {
        "name": "Sam Doe",
        "email": "sam@x.org",
        "manager": "Nobody Here",
        "org": "IT",
        "grade": "1",
    },
]
HR_MAP = {"manager": "manager_id", "org": "department", "grade": "seniority"}


def test_hr_join_by_email_with_managers_by_name_and_email() -> None:
    rows = [
        _row("lan@x.org", MENTEE, Name="Trần Thị Lan", Dept="Sales"),
        _row("kim@X.org", MENTOR, Name="", Dept=""),
        _row("new@x.org", MENTOR, Name="New Person", Dept=""),
    ]
    mapping = {**GOOGLE, "Name": "name", "Dept": "department"}
    with pytest.warns(DataQualityWarning):
        people = read_survey(rows, mapping, hr=HR, hr_mapping=HR_MAP)
    assert people.ids.tolist() == [
        "lan@x.org",
        "kim@x.org",
        "new@x.org",
        "boss@x.org",
        "sam@x.org",
    ]
    assert people.roles.tolist() == ["mentee", "mentor", "mentor", "none", "none"]
    # names typed in the survey win; the HR file fills the gaps
    assert people["name"].tolist() == [
        "Trần Thị Lan",
        "Kim Lee",
        "New Person",
        "Big Boss",
        "Sam Doe",
    ]
    # the HR file is the system of record for the org chart
    assert people["department"].tolist() == ["Ops", "IT", "", "Exec", "IT"]
    boss = people.position("boss@x.org")
    assert people.manager.tolist() == [boss, boss, -1, -1, -1]
    assert people.seniority.tolist()[:2] == [3.0, 2.0]
    assert people.rows.tolist() == [2, 3, 4, 3, 5]
    codes = {(i.code, i.file, i.row, i.column) for i in people.issues}
    assert codes == {
        ("not_in_hr", "<records>", 4, "Email Address"),
        ("unknown_manager", "<HR records>", 5, "manager"),
    }
    sam = next(i for i in people.issues if i.code == "unknown_manager")
    assert sam.value == "Nobody Here" and "add the manager to the HR file" in sam.fix


def test_unknown_manager_can_be_an_error_and_names_can_be_ambiguous() -> None:
    hr = [
        *HR,
        {
            "name": "Big Boss",
            "email": "boss2@x.org",
            "manager": "",
            "org": "",
            "grade": "5",
        },
    ]
    rows = [_row("lan@x.org", MENTEE)]
    mapping = {**GOOGLE, "unknown_manager": "error", "hr": {**HR_MAP, "join": "email"}}
    report = validate_survey(rows, mapping, hr=hr)
    errors = {(i.code, i.person_id, i.value) for i in report.errors}
    assert errors == {
        ("ambiguous_manager", "lan@x.org", "Big Boss"),
        ("unknown_manager", "sam@x.org", "Nobody Here"),
    }
    ambiguous = next(i for i in report.errors if i.code == "ambiguous_manager")
    assert "boss2@x.org" in ambiguous.message and "boss@x.org" in ambiguous.message


def test_hr_join_by_id_with_hr_file_in_the_toml(tmp_path: Path) -> None:
    (tmp_path / "hr.csv").write_text(
        "employee_id,first_name,last_name,manager_id,job\n"
        "100,Steven,King,,boss\n101,Neena,Yang,100,lead\n103,Alex,James,101,dev\n",
        encoding="utf-8",
    )
    (tmp_path / "form.csv").write_text(
        "Timestamp,Email Address,Employee,I want to be a...\n"
        "2024-01-01,a@x.org,103,Mentor\n2024-01-01,s@x.org,100,Mentee\n",
        encoding="utf-8",
    )
    (tmp_path / "program.toml").write_text(
        '[mapping]\npreset = "google_forms"\nEmployee = "id"\n'
        '"I want to be a..." = "role"\n'
        '[mapping.hr]\nfile = "hr.csv"\njoin = "id"\nemployee_id = "id"\n'
        'first_name = "first_name"\nlast_name = "last_name"\n'
        'manager_id = "manager_id"\n'
        'job = { field = "seniority", order = ["dev", "lead", "boss"] }\n',
        encoding="utf-8",
    )
    people = _quiet(tmp_path / "form.csv", tmp_path / "program.toml")
    assert people.ids.tolist() == ["103", "100", "101"]
    assert people.roles.tolist() == ["mentor", "mentee", "none"]
    assert people["name"].tolist() == ["Alex James", "Steven King", "Neena Yang"]
    assert people.seniority.tolist() == [1.0, 3.0, 2.0]
    assert people.reporting_distance(0, 1) == 2  # skip-level, through Neena


def test_hr_values_are_reported_in_the_hr_file() -> None:
    rows = [_row("kim@x.org")]
    hr = [{"email": "kim@x.org", "grade": "senior"}]
    with pytest.raises(ValidationError) as info:
        read_survey(rows, GOOGLE, hr=hr, hr_mapping={"grade": "seniority"})
    (issue,) = info.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "<HR records>",
        2,
        "grade",
        "senior",
    )


def test_join_needs_the_key_on_both_sides() -> None:
    with pytest.raises(ConfigError, match="joins by id but the HR file"):
        read_survey(
            [_row("a@x.org")],
            GOOGLE,
            hr=[{"x": "1"}],
            hr_mapping={"join": "id", "id_from_email": False},
        )


# --------------------------------------------------------------- other exports


def test_qualtrics_three_header_rows(tmp_path: Path) -> None:
    path = tmp_path / "qualtrics.csv"
    path.write_text(
        "RecordedDate,RecipientEmail,RecipientFirstName,RecipientLastName,Q1,Q2,Q3\n"
        "Recorded Date,Recipient Email,First,Last,What is your role?,Topics,Team\n"
        '{"ImportId":"recordedDate"},{"ImportId":"recipientEmail"},{"ImportId":"x"},'
        '{"ImportId":"y"},{"ImportId":"QID1"},{"ImportId":"QID2"},{"ImportId":"QID3"}\n'
        '2024-05-01 10:00:00,ana@x.org,Ana,Ibáñez,Mentor,"Python,SQL",Ops\n',
        encoding="utf-8",
    )
    mapping = {
        "preset": "qualtrics",
        "What is your role?": "role",
        "Q2": "interests",
        "QID3": "department",
    }
    people = _quiet(path, mapping)
    assert people.ids.tolist() == ["ana@x.org"]
    assert people["name"].tolist() == ["Ana Ibáñez"]
    assert people["interests"][0] == frozenset({"python", "sql"})
    assert people["department"].tolist() == ["Ops"]
    assert people.rows.tolist() == [4]


def test_microsoft_forms_excel_export(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(
        ["ID", "Start time", "Completion time", "Email", "Name", "Your role", "Topics"]
    )
    book.active.append(
        [
            1,
            dt.datetime(2024, 5, 1, 9),
            dt.datetime(2024, 5, 1, 9, 5),
            "ana@x.org",
            "Ana",
            "Mentee",
            "Python;Public speaking;",
        ]
    )
    book.active.append(
        [
            2,
            dt.datetime(2024, 5, 2, 9),
            dt.datetime(2024, 5, 2, 9, 5),
            "ANA@x.org",
            "Ana",
            "Mentor",
            "Go;",
        ]
    )
    path = tmp_path / "forms.xlsx"
    book.save(path)
    with pytest.warns(DataQualityWarning):
        people = read_survey(
            path,
            {"preset": "microsoft_forms", "Your role": "role", "Topics": "interests"},
        )
    assert people.roles.tolist() == ["mentor"]
    assert people["interests"][0] == frozenset({"go"})
    assert people.rejected[0]["row"] == 2


def test_several_files_with_the_role_from_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "mentors.csv").write_text("email,topics\nm@x.org,python\n", "utf-8")
    (tmp_path / "mentees.csv").write_text(
        "email,wants\ne@x.org,python\nbad,x\n", "utf-8"
    )
    mapping = {
        "source_file": {
            "field": "role",
            "values": {"mentors.csv": "mentor", "mentees.csv": "mentee"},
        },
        "topics": "skills_offered",
        "wants": "skills_wanted",
    }
    report = validate_survey(
        [tmp_path / "mentors.csv", tmp_path / "mentees.csv"], mapping
    )
    (issue,) = report.errors
    assert (issue.file, issue.row, issue.code) == ("mentees.csv", 3, "empty_id")
    with pytest.warns(DataQualityWarning):
        people = read_survey(
            [tmp_path / "mentors.csv", tmp_path / "mentees.csv"],
            mapping,
            errors="reject",
        )
    assert people.source == "mentors.csv + mentees.csv"
    assert people.roles.tolist() == ["mentor", "mentee"]
    assert people.rejected[0]["file"] == "mentees.csv"
    assert people.rejected[0]["row"] == 3


def test_reject_keeps_the_rest_and_the_org_chart() -> None:
    rows = [
        _row("a@x.org", MENTOR, Cap="2"),
        _row("b@x.org", "Teacher", Cap="lots"),
        _row("c@x.org", MENTEE, Cap="1"),
    ]
    mapping = {**GOOGLE, "Cap": "capacity", "on_error": "reject"}
    with pytest.warns(DataQualityWarning):
        people = read_survey(rows, mapping)
    assert people.ids.tolist() == ["a@x.org", "b@x.org", "c@x.org"]
    assert people.roles.tolist() == ["mentor", "none", "mentee"]  # b stays in the chart
    (rejected,) = people.rejected
    assert rejected["row"] == 3 and rejected["id"] == "b@x.org"
    assert "I want to be a...: role 'Teacher' is not a role" in rejected["reason"]
    assert "Cap: capacity 'lots' must be a whole number" in rejected["reason"]
    assert [i.code for i in people.issues] == ["rejected_row"]
    with pytest.raises(ConfigError, match="'raise' or 'reject'"):
        read_survey(rows, GOOGLE, errors="skip")


@pytest.mark.filterwarnings("ignore:every candidate pair scores 0")  # no data
def test_neither_answers_stay_in_the_chart_and_are_accounted_for() -> None:
    rows = [
        _row("a@x.org", MENTOR),
        _row("b@x.org", "Neither"),
        _row("c@x.org", MENTEE),
        _row("d@x.org", "Just curious"),
        _row("e@x.org", ""),
    ]
    mapping = {**GOOGLE, "roles": {"Just curious": "none"}}
    people = _quiet(rows, mapping)  # valid answers: no warning
    assert people.roles.tolist() == ["mentor", "none", "mentee", "none", "none"]
    assert [(r["row"], r["id"], r["code"]) for r in people.rejected] == [
        (3, "b@x.org", "not_participating"),
        (5, "d@x.org", "not_participating"),
        (6, "e@x.org", "not_participating"),
    ]
    reasons = [r["reason"] for r in people.rejected]
    assert "role answer 'Neither' is neither mentor nor mentee" in reasons[0]
    assert "role answer 'Just curious'" in reasons[1]
    assert "no role answer" in reasons[2]
    result = rmatch.Program(criteria=[rmatch.Skills()]).match(people)
    table = result.unmatched_and_rejected()
    listed = (
        set(table["id"])
        | set(result.pairs["mentor_id"])
        | set(result.pairs["mentee_id"])
    )
    assert listed == {"a@x.org", "b@x.org", "c@x.org", "d@x.org", "e@x.org"}
    status = dict(zip(table["id"], table["status"], strict=True))
    assert {status[i] for i in ("b@x.org", "d@x.org", "e@x.org")} == {
        "not participating"
    }
    summary = result.summary()
    assert (summary.rejected, summary.not_participating) == (0, 3)
    assert "not participating 3" in str(summary)


def test_no_mapping_reads_canonical_columns() -> None:
    people = _quiet(
        [{"id": "E1", "role": "mentor"}, {"id": "E2", "role": "mentee"}], None
    )
    assert people.ids.tolist() == ["E1", "E2"]


def test_survey_map_object_and_reference_week() -> None:
    m = SurveyMap(
        columns=(
            ColumnSpec("Email Address", "email"),
            ColumnSpec(ROLE_Q, "role"),
            ColumnSpec("Free", "availability"),
            ColumnSpec("TZ", "timezone"),
        )
    )
    rows = [_row("a@x.org", Free="Mon 09:00-10:00", TZ="Europe/Berlin")]
    winter = _quiet(rows, m)
    summer = _quiet(rows, m, reference_monday=dt.date(2026, 7, 6))
    assert winter.utc_offset_hours.tolist() == [1.0]
    assert summer.utc_offset_hours.tolist() == [2.0]


def test_pasted_invisible_characters_do_not_break_the_manager_lookup() -> None:
    # e-mails copied from a web page carry no-break and zero-width spaces
    hr = [
        {"name": "Big Boss", "email": "Boss@x.org\u00a0\u200b", "manager": ""},
        {"name": "Kim Lee", "email": "\ufeffkim@x.org", "manager": "boss@x.org"},
    ]
    rows = [_row("kim@x.org", MENTEE)]
    people = _quiet(rows, GOOGLE, hr=hr, hr_mapping={"manager": "manager_id"})
    assert people.ids.tolist() == ["kim@x.org", "boss@x.org"]
    assert people.manager.tolist() == [people.position("boss@x.org"), -1]

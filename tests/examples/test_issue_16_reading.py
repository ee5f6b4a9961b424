"""Issue 16, reading points 4, 5, 14 and 15: dates, encodings, several files, days.

Each test reproduces one point of the issue on a realistic export and fails on the
code before the fix.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import rmatch
from rmatch.errors import ConfigError, DataQualityWarning
from rmatch.survey import read_survey, validate_survey

# A Google Forms export in Vietnamese: day-first time stamps ("24/10/2026 9:15:00").
VI_HEADER = "Dấu thời gian,Địa chỉ email,Bạn muốn tham gia với vai trò,Chủ đề\n"
VI_MAPPING = {
    "Dấu thời gian": "timestamp",
    "Địa chỉ email": "email",
    "Bạn muốn tham gia với vai trò": {
        "field": "role",
        "values": {"Người hướng dẫn": "mentor", "Người được hướng dẫn": "mentee"},
    },
    "Chủ đề": "interests",
}


def _write(tmp_path: Path, text: str, name: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# ----------------------------------------------------------- 4. day-first dates


def _vi_export(tmp_path: Path) -> Path:
    # Hồng answered on 10 September (as a mentee) and again on 3 October (as a
    # mentor): read month-first, "3/10/2026" is 10 March and the old answer won.
    return _write(
        tmp_path,
        VI_HEADER
        + "10/9/2026 08:00:00,hong@x.vn,Người được hướng dẫn,AI\n"
        + "24/9/2026 09:15:00,lan@x.vn,Người hướng dẫn,AI\n"
        + "3/10/2026 10:30:00,hong@x.vn,Người hướng dẫn,AI\n",
        "phan_hoi.csv",
    )


def test_point_4_day_first_column_keeps_the_latest_answer(tmp_path):
    path = _vi_export(tmp_path)
    with pytest.warns(DataQualityWarning):  # the rejected duplicate
        people = read_survey(path, VI_MAPPING)
    assert people.ids.tolist() == ["lan@x.vn", "hong@x.vn"]
    assert people.roles.tolist() == ["mentor", "mentor"]
    rejected = [r for r in people.rejected if r["id"] == "hong@x.vn"]
    assert [r["row"] for r in rejected] == [2]
    assert "row 4" in rejected[0]["reason"]


def test_point_4_month_first_column_is_still_month_first(tmp_path):
    # 17 is a day: the column is month-first, so "3/10" is 10 March and "9/3" is
    # 3 September, the later answer.
    path = _write(
        tmp_path,
        "Timestamp,Email Address,Role\n"
        "3/17/2026 8:00:00,a@x.org,mentee\n"
        "9/3/2026 8:00:00,b@x.org,mentor\n"
        "3/10/2026 8:00:00,b@x.org,mentee\n",
        "export.csv",
    )
    with pytest.warns(DataQualityWarning):
        people = read_survey(path, {"preset": "google_forms", "Role": "role"})
    assert dict(zip(people.ids, people.roles, strict=True))["b@x.org"] == "mentor"


def test_point_4_ambiguous_order_warns_and_date_format_decides(tmp_path):
    # Every first and second field is <= 12: 3/10 and 10/3 could be either.
    path = _write(
        tmp_path,
        VI_HEADER
        + "10/3/2026 08:00:00,hong@x.vn,Người được hướng dẫn,AI\n"
        + "3/10/2026 10:30:00,hong@x.vn,Người hướng dẫn,AI\n",
        "phan_hoi.csv",
    )
    report = validate_survey(path, VI_MAPPING)
    ambiguous = [i for i in report.issues if i.code == "ambiguous_date_order"]
    assert len(ambiguous) == 1
    issue = ambiguous[0]
    assert (issue.file, issue.column, issue.severity) == (
        "phan_hoi.csv",
        "Dấu thời gian",
        "warning",
    )
    assert "date_format" in issue.fix
    roles = {}
    for date_format in ("day_first", "month_first", "%d/%m/%Y %H:%M:%S"):
        mapping = {**VI_MAPPING, "date_format": date_format}
        report = validate_survey(path, mapping)
        assert not [i for i in report.issues if i.code == "ambiguous_date_order"]
        assert report.people is not None
        roles[date_format] = report.people.roles.tolist()
    # 3 October wins in each reading: "3/10" day-first, "10/3" month-first.
    assert roles == {
        "day_first": ["mentor"],
        "month_first": ["mentee"],
        "%d/%m/%Y %H:%M:%S": ["mentor"],
    }


def test_point_4_date_format_is_checked():
    with pytest.raises(ConfigError, match=r"date_format.*day_first"):
        rmatch.SurveyMap.from_dict({"date_format": "dd-mm"})


def test_point_4_vectorized_timestamps_match_the_cell_parser():
    from rmatch.parsing import parse_datetime, parse_timestamps

    texts = [
        "24/10/2026 09:15:00",
        "3/10/2026 9:15:00",
        "",
        "2026-10-03T10:00:00+02:00",
        "not a date",
    ]
    parsed = parse_timestamps(texts, order="day_first")
    assert parsed.order == "day_first"
    assert parsed.seconds[2] != parsed.seconds[2]  # NaN: missing
    assert list(parsed.errors) == [4]
    expected = parse_datetime("2026-10-03T10:00:00+02:00")
    assert expected is not None
    assert parsed.datetime(3) == expected
    assert parsed.datetime(1) == parse_datetime("3/10/2026 9:15:00", day_first=True)
    assert str(parsed.datetime(1)) == "2026-10-03 09:15:00"
    assert parse_timestamps(texts[:2]).order == "day_first"
    assert parse_timestamps(["3/17/2026 8:00", "3/10/2026 8:00"]).order == (
        "month_first"
    )
    assert parse_timestamps(["3/10/2026 8:00"]).order == "ambiguous"
    assert parse_timestamps(["13/10/2026", "10/13/2026"]).order == "mixed"


# ----------------------------------------------------- 15. localized grid days

LOCAL_WEEKS = {
    "vietnamese": (
        "Thứ Hai",
        "Thứ Ba",
        "Thứ Tư",
        "Thứ Năm",
        "Thứ Sáu",
        "Thứ Bảy",
        "Chủ Nhật",
    ),
    "french": ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"),
    "german": (
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ),
    "spanish": (
        "Lunes",
        "Martes",
        "Miércoles",
        "Jueves",
        "Viernes",
        "Sábado",
        "Domingo",
    ),
    "portuguese": (
        "Segunda-feira",
        "Terça-feira",
        "Quarta-feira",
        "Quinta-feira",
        "Sexta-feira",
        "Sábado",
        "Domingo",
    ),
    "italian": (
        "Lunedì",
        "Martedì",
        "Mercoledì",
        "Giovedì",
        "Venerdì",
        "Sabato",
        "Domenica",
    ),
    "dutch": (
        "Maandag",
        "Dinsdag",
        "Woensdag",
        "Donderdag",
        "Vrijdag",
        "Zaterdag",
        "Zondag",
    ),
    "japanese": ("月曜日", "火曜日", "水曜日", "木曜日", "金曜日", "土曜日", "日曜日"),
    "chinese": ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"),
}


@pytest.mark.parametrize("language", sorted(LOCAL_WEEKS))
def test_point_15_grid_days_in_the_survey_language(language):
    from rmatch.parsing import parse_period_grid

    days = LOCAL_WEEKS[language]
    for index, day in enumerate(days):
        start = index * 1440
        for label in (day, day.upper(), f"Availability [{day}]"):
            assert parse_period_grid({label: "Morning"}) == [(start + 480, start + 720)]


def test_point_15_vietnamese_google_forms_grid(tmp_path):
    week = LOCAL_WEEKS["vietnamese"]
    header = "Địa chỉ email,Vai trò," + ",".join(f"Thời gian rảnh [{d}]" for d in week)
    path = _write(
        tmp_path,
        header + "\n"
        "an@x.vn,Mentor,Sáng,,,,,,Chiều\n"
        "binh@x.vn,Mentee,,Sáng;Chiều,,,,,\n",
        "dang_ky.csv",
    )
    mapping = {
        "Địa chỉ email": "email",
        "Vai trò": "role",
        "Thời gian rảnh [*]": "availability",
        "periods": {"Sáng": ["08:00", "12:00"], "Chiều": ["13:00", "17:00"]},
    }
    with warnings.catch_warnings(action="error"):
        people = read_survey(path, mapping)
    assert people.table["availability"].tolist() == [
        "Mon 08:00-12:00; Sun 13:00-17:00",
        "Tue 08:00-12:00; Tue 13:00-17:00",
    ]


def test_point_15_mapping_days_table(tmp_path):
    # Grid rows the built-in names do not know: a [mapping.days] table.
    path = _write(
        tmp_path,
        "email,role,Slots [Dilluns],Slots [Dimarts]\na@x.cat,mentor,Morning,Evening\n",
        "catala.csv",
    )
    mapping = {
        "Slots [*]": "availability",
        "days": {"Dilluns": "Mon", "Dimarts": "tue"},
    }
    with warnings.catch_warnings(action="error"):
        people = read_survey(path, mapping)
    assert people.table["availability"].tolist() == ["Mon 08:00-12:00; Tue 17:00-21:00"]
    report = validate_survey(path, {"Slots [*]": "availability"})
    assert [(i.code, i.column) for i in report.errors] == [
        ("bad_availability", "Slots [Dilluns]"),
        ("bad_availability", "Slots [Dimarts]"),
    ]
    assert "days" in report.errors[0].fix
    with pytest.raises(ConfigError, match="not a day"):
        rmatch.SurveyMap.from_dict({"days": {"Dilluns": "Monnday"}})


# ------------------------------------------------------------------ 5. encodings

JAPANESE = (
    "id,name,role,skills_offered\n"
    "E1,山田太郎,mentor,営業\n"
    "E2,佐藤花子,mentee,マーケティング\n"
    "E3,鈴木一郎,mentor,経理\n"
)
CHINESE = (
    "id,name,role,skills_offered\n"
    "E1,张伟,mentor,销售\n"
    "E2,王芳,mentee,市场营销\n"
    "E3,李娜,mentor,财务\n"
)
WESTERN = (
    "id,name,role\nE1,Müller,mentor\nE2,José Núñez,mentee\nE3,Renée Dupré,mentor\n"
)


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(JAPANESE, "shift_jis"), (CHINESE, "gbk"), (WESTERN, "cp1252")],
)
def test_point_5_legacy_encodings_decode_right(tmp_path, text, encoding):
    path = _write(tmp_path, text, "people.csv", encoding)
    people = rmatch.read_people(path)
    expected = [line.split(",")[1] for line in text.splitlines()[1:]]
    assert people.table["name"].tolist() == expected
    assert not [i for i in people.issues if "encoding" in i.code]


def test_point_5_unsure_detection_warns_with_the_fix(tmp_path):
    # Two Chinese characters are valid GBK, Big5, Shift-JIS and EUC-KR alike.
    path = _write(
        tmp_path, "id,name,role\nE1,张伟,mentor\nE2,Ann,mentee\n", "few.csv", "gbk"
    )
    people = rmatch.read_people(path)
    unsure = [i for i in people.issues if i.code == "uncertain_encoding"]
    assert len(unsure) == 1
    assert unsure[0].file == "few.csv" and unsure[0].severity == "warning"
    assert "encoding=" in unsure[0].fix and "UTF-8" in unsure[0].fix
    right = rmatch.read_people(path, encoding="gbk")
    assert right.table["name"].tolist() == ["张伟", "Ann"]
    assert not right.issues
    survey = read_survey(path, {"encoding": "gbk"})
    assert survey.table["name"].tolist() == ["张伟", "Ann"]
    with pytest.raises(ConfigError, match="encoding"):
        rmatch.SurveyMap.from_dict({"encoding": "no-such-codec"})


def test_point_5_replaced_characters_are_reported(tmp_path):
    # UTF-8 with one broken byte: read as UTF-8, the byte replaced, and said so.
    data = (
        "id,name,role\nE1,Nguyễn,mentor\nE2,Lê,mentee\n".encode()
        + b"E3,B\xffo,mentee\n"
    )
    path = tmp_path / "broken.csv"
    path.write_bytes(data)
    people = rmatch.read_people(path)
    assert people.table["name"].tolist()[:2] == ["Nguyễn", "Lê"]
    replaced = [i for i in people.issues if i.code == "replaced_characters"]
    assert len(replaced) == 1 and replaced[0].file == "broken.csv"
    assert replaced[0].row == 4
    assert "\ufffd" in people.table["name"].iat[2]


def test_point_5_decode_bytes_never_replaces_silently():
    from rmatch.io import decode_bytes

    text, encoding = decode_bytes(JAPANESE.encode("shift_jis"))
    assert (text, encoding) == (JAPANESE, "cp932")


# ---------------------------------------------------------- 14. several files

MENTORS = "id,name,skills_offered\nM1,Ana,python:4\nM2,Bo,sql:3\n"
MENTEES = "id,name,skills_wanted\nE1,Cy,python:3\nE2,Di,sql:2\nE3,Ed,python:2\n"


def test_point_14_match_two_files_from_the_command_line(tmp_path, capsys):
    from rmatch.cli import main

    mentors = _write(tmp_path, MENTORS, "mentors.csv")
    mentees = _write(tmp_path, MENTEES, "mentees.csv")
    pairs = tmp_path / "pairs.csv"
    code = main(["match", str(mentors), str(mentees), "-o", str(pairs), "-q"])
    assert code == 0, capsys.readouterr()
    assert main(["validate", str(mentors), str(mentees)]) == 0
    out = capsys.readouterr().out
    assert "role_from_file_name" not in out  # said in words
    assert "its name says 'mentor'" in out and "2 mentors, 3 mentees" in out
    import pandas as pd

    matched = pd.read_csv(pairs)
    assert set(matched["mentor_id"]) == {"M1", "M2"}
    assert set(matched["mentee_id"]) <= {"E1", "E2", "E3"}


def test_point_14_read_people_stacks_files_and_keeps_file_and_row(tmp_path):
    mentors = _write(tmp_path, MENTORS, "mentors.csv")
    mentees = _write(tmp_path, MENTEES, "mentees.csv")
    people = rmatch.read_people([mentors, mentees])
    assert people.ids.tolist() == ["M1", "M2", "E1", "E2", "E3"]
    assert people.roles.tolist() == ["mentor"] * 2 + ["mentee"] * 3
    assert (
        people.table["source_file"].tolist()
        == ["mentors.csv"] * 2 + ["mentees.csv"] * 3
    )
    assert people.rows.tolist() == [2, 3, 2, 3, 4]
    assert people.source == "mentors.csv + mentees.csv"
    named = [i for i in people.issues if i.code == "role_from_file_name"]
    assert [(i.file, i.value) for i in named] == [
        ("mentors.csv", "mentor"),
        ("mentees.csv", "mentee"),
    ]


def test_point_14_explicit_file_roles(tmp_path):
    # Names that say nothing: the roles are given explicitly, and no warning.
    a = _write(tmp_path, MENTORS, "team_a.csv")
    b = _write(tmp_path, MENTEES, "team_b.csv")
    people = rmatch.read_people(
        [a, b], file_roles={"team_a.csv": "mentor", "team_b.csv": "mentee"}
    )
    assert people.roles.tolist() == ["mentor"] * 2 + ["mentee"] * 3
    assert not people.issues
    with pytest.raises(rmatch.ValidationError) as info:
        rmatch.read_people([a, b])
    missing = [i for i in info.value.issues if i.code == "missing_column"]
    assert [i.column for i in missing] == ["role"]
    assert "file_roles" in missing[0].fix and "[mapping.files]" in missing[0].fix
    # One file with a role column: the other file's rows have blank roles.
    c = _write(tmp_path, "id,role\nE9,mentee\n", "team_c.csv")
    with pytest.raises(rmatch.ValidationError) as info:
        rmatch.read_people([a, c])
    blank = [i for i in info.value.issues if i.code == "empty_role"]
    assert [(i.file, i.row) for i in blank] == [("team_a.csv", 2), ("team_a.csv", 3)]
    with pytest.raises(ConfigError, match="file_roles"):
        rmatch.read_people([a, b], file_roles={"team_a.csv": "coach"})


def test_point_14_duplicate_ids_across_files_name_both(tmp_path):
    mentors = _write(tmp_path, MENTORS, "mentors.csv")
    mentees = _write(tmp_path, "id,name\nE1,Cy\nM2,Bob\n", "mentees.csv")
    with pytest.raises(rmatch.ValidationError) as info:
        rmatch.read_people([mentors, mentees])
    dup = [i for i in info.value.issues if i.code == "duplicate_id"]
    assert len(dup) == 1
    assert (dup[0].file, dup[0].row, dup[0].person_id) == ("mentees.csv", 3, "M2")
    assert "mentors.csv row 3" in dup[0].message


def test_point_14_survey_files_with_roles_from_the_mapping(tmp_path, capsys):
    from rmatch.cli import main

    header = "Timestamp,Email Address,Topics\n"
    a = _write(tmp_path, header + "3/17/2026 8:00:00,ana@x.org,Python\n", "form_a.csv")
    b = _write(
        tmp_path,
        header + "3/18/2026 8:00:00,bo@x.org,Python\n3/19/2026 9:00:00,cy@x.org,SQL\n",
        "form_b.csv",
    )
    config = tmp_path / "program.toml"
    config.write_text(
        '[mapping]\npreset = "google_forms"\nTopics = "interests"\n\n'
        '[mapping.files]\n"form_a.csv" = { role = "mentor" }\n'
        '"form_b.csv" = { role = "mentee", encoding = "utf-8" }\n',
        encoding="utf-8",
    )
    with warnings.catch_warnings(action="error"):
        people = read_survey([a, b], config)
    assert people.roles.tolist() == ["mentor", "mentee", "mentee"]
    assert people.table["source_file"].tolist() == [
        "form_a.csv",
        "form_b.csv",
        "form_b.csv",
    ]
    assert main(["validate", str(a), str(b), "--config", str(config)]) == 0
    assert "1 mentors, 2 mentees" in capsys.readouterr().out
    with pytest.raises(ConfigError, match="role"):
        rmatch.SurveyMap.from_dict({"files": {"a.csv": {"role": "coach"}}})

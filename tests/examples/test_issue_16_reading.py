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

"""Issue 16, intake points: every sign-up read right, nobody silently lost.

Each test reproduces one point through the command line and through the Python API
(:func:`rmatch.read_people` / :func:`rmatch.validate_people`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import rmatch
from rmatch.cli import main
from rmatch.errors import ValidationError


def _write(tmp_path: Path, text: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _issues(path: Path) -> list[rmatch.Issue]:
    with pytest.raises(ValidationError) as info:
        rmatch.read_people(path)
    return list(info.value.issues)


# ----------------------------------------------------------- 1. blank role


def test_point_1_blank_role_is_an_error(tmp_path, capsys):
    path = _write(tmp_path, "id,role\nE1,mentor\nE2,mentee\nE3,mentee\nE4,,\n")
    issues = _issues(path)
    blank = [i for i in issues if i.code == "empty_role"]
    assert len(blank) == 1
    issue = blank[0]
    assert (issue.file, issue.row, issue.column, issue.person_id) == (
        "people.csv",
        5,
        "role",
        "E4",
    )
    assert issue.severity == "error" and issue.fix
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert "E4" in out and "1 errors" in out
    assert main(["match", str(path), "-o", str(tmp_path / "pairs.csv")]) == 2


def test_point_1_blank_role_in_a_dataframe():
    frame = pd.DataFrame({"id": ["E1", "E2"], "role": ["mentor", " "]})
    report = rmatch.validate_people(frame)
    assert [(i.code, i.row, i.person_id) for i in report.errors] == [
        ("empty_role", 3, "E2")
    ]


def test_point_1_role_none_still_means_not_participating():
    people = rmatch.read_people(
        [{"id": "E1", "role": "mentor"}, {"id": "B", "role": "none"}]
    )
    assert people.roles.tolist() == ["mentor", "none"]


def test_point_1_short_rows_are_reported(tmp_path, capsys):
    path = _write(
        tmp_path,
        "id,role,manager_id\nE1,mentor,\nE2,mentee,E1\nE3,mentee\nE4\n",
    )
    issues = _issues(path)
    short = {i.row: i for i in issues if i.code == "short_row"}
    assert set(short) == {4, 5}
    assert short[5].file == "people.csv" and "1 cells" in short[5].message
    blank = [i for i in issues if i.code == "empty_role"]
    assert [(i.row, i.person_id) for i in blank] == [(5, "E4")]
    assert main(["validate", str(path)]) == 2
    assert "row 5" in capsys.readouterr().out


@pytest.mark.parametrize(
    "text",
    [
        'id,role\nE1,mentor\nE2,"mentee\nE3,mentee\nE4,mentor\n',
        'id,role\nE1,mentor\nE2,"mentee\nE3,mentee\nE4,mentor"\nE5,mentee\n',
    ],
)
def test_point_1_broken_quote_is_flagged(tmp_path, capsys, text):
    path = _write(tmp_path, text)
    issues = _issues(path)
    broken = [i for i in issues if i.code == "broken_quote"]
    assert len(broken) == 1
    assert (broken[0].row, broken[0].column) == (3, "role")
    assert broken[0].fix
    assert main(["validate", str(path)]) == 2
    assert "quote" in capsys.readouterr().out


def test_point_1_multiline_text_is_not_a_broken_quote(tmp_path):
    path = _write(
        tmp_path,
        'id,role,goals,notes\nE1,mentor,,"likes tea\nand, sometimes, coffee"\n'
        "E2,mentee,,\n",
    )
    people = rmatch.read_people(path)
    assert len(people) == 2
    assert not [i for i in people.issues if i.code == "broken_quote"]


# ------------------------------------------------- 2. duplicate ids, org chart


def test_point_2_cycle_after_a_duplicate_id_is_reported(tmp_path, capsys):
    path = _write(
        tmp_path,
        "id,role,manager_id\n"
        "A,mentor,\n"
        "B,mentee,A\n"
        "A,mentee,\n"
        "C,mentor,D\n"
        "D,mentee,C\n"
        "E,mentee,C\n",
    )
    issues = _issues(path)
    codes = {i.code for i in issues}
    assert "duplicate_id" in codes
    cycles = [i for i in issues if i.code == "manager_cycle"]
    assert len(cycles) == 1
    assert "C -> D -> C" in cycles[0].message
    assert cycles[0].row == 5
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr().out
    assert "duplicate id" in out and "cycle" in out


def test_point_2_no_false_cycle_after_a_duplicate_id():
    frame = pd.DataFrame(
        {
            "id": ["A", "A", "B", "C"],
            "role": ["mentor", "mentee", "mentee", "mentor"],
            "manager_id": ["", "", "C", ""],
        }
    )
    report = rmatch.validate_people(frame)
    assert [i.code for i in report.errors] == ["duplicate_id"]


# ------------------------------------------- 3. duplicate people in plain files


def test_point_3_same_email_under_two_ids(tmp_path, capsys):
    path = _write(
        tmp_path,
        "id,name,email,role\n"
        "E1,Ana Silva,ana@corp.com,mentor\n"
        "E2,Bo Chen,bo@corp.com,mentee\n"
        "E9,Ana S.,  Ana@Corp.COM ,mentee\n",
    )
    issues = _issues(path)
    dup = [i for i in issues if i.code == "duplicate_email"]
    assert len(dup) == 1
    issue = dup[0]
    assert (issue.row, issue.column, issue.person_id, issue.severity) == (
        4,
        "email",
        "E9",
        "error",
    )
    assert "row 2" in issue.message and "E1" in issue.message
    assert main(["validate", str(path)]) == 2
    assert "duplicate" in capsys.readouterr().out


def test_point_3_same_name_is_a_warning(tmp_path, capsys):
    path = _write(
        tmp_path,
        "id,name,email,role\n"
        "E1,Ana Silva,ana@corp.com,mentor\n"
        "E2,Bo Chen,bo@corp.com,mentee\n"
        "E9,ana  SILVA,ana.silva@home.org,mentee\n",
    )
    people = rmatch.read_people(path)
    same = [i for i in people.issues if i.code == "same_name"]
    assert len(same) == 1
    assert (same[0].row, same[0].person_id, same[0].severity) == (4, "E9", "warning")
    assert "E1" in same[0].message
    assert main(["validate", str(path)]) == 0
    assert "same name" in capsys.readouterr().out


def test_point_3_blank_emails_are_not_duplicates():
    people = rmatch.read_people(
        [
            {"id": "E1", "email": "", "role": "mentor"},
            {"id": "E2", "email": "", "role": "mentee"},
        ]
    )
    assert len(people) == 2


# ------------------------------------------------ 12 (partial). e-mail case


def test_point_12_stored_email_is_normalized():
    people = rmatch.read_people(
        [
            {"id": "E1", "email": " Ana.Silva@Corp.COM ", "role": "mentor"},
            {"id": "E2", "email": "", "role": "mentee"},
        ]
    )
    assert people["email"].tolist() == ["ana.silva@corp.com", ""]


def test_point_3_many_shared_names_are_counted_not_listed():
    """Large organizations share names: the first ones are listed, the rest counted."""
    from rmatch.validate._rows import MAX_SAME_NAME

    n = MAX_SAME_NAME + 15
    rows = [
        {"id": f"E{i}", "name": "Nguyễn Văn Anh", "role": "mentee"} for i in range(n)
    ]
    rows.append({"id": "M1", "name": "Bo Chen", "role": "mentor"})
    people = rmatch.read_people(rows)
    same = [i for i in people.issues if i.code == "same_name"]
    listed = [i for i in same if i.row is not None]
    assert len(listed) == MAX_SAME_NAME
    (summary,) = [i for i in same if i.row is None]
    assert summary.message.startswith(f"{n - 1 - MAX_SAME_NAME} more rows")
    assert len(people) == n + 1  # nobody dropped

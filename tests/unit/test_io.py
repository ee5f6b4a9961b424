"""Reading files: encodings real exports use, formats, row numbers, clear errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rmatch
from rmatch.errors import ValidationError
from rmatch.io import decode_bytes, read_people, read_raw, read_table

# Real names with the letters each encoding must keep.
NAMES = ["Nguyễn Thị Hồng", "Şükrü Öztürk", "Jürgen Weiß", "Ana Ibáñez"]
LATIN1_NAMES = ["Jürgen Weiß", "Ana Ibáñez", "François Lefèvre"]  # cp1252-safe


def _csv(names: list[str], sep: str = ",") -> str:
    lines = [sep.join(["id", "name", "role"])]
    lines += [
        sep.join([f"E{i}", n, "mentor" if i % 2 else "mentee"])
        for i, n in enumerate(names)
    ]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    ("encoding", "names", "sep", "suffix"),
    [
        ("utf-8", NAMES, ",", ".csv"),
        ("utf-8-sig", NAMES, ",", ".csv"),
        ("utf-16", NAMES, "\t", ".txt"),  # Excel "Unicode text": UTF-16 LE + BOM, tabs
        ("utf-16-le", NAMES, "\t", ".txt"),  # no BOM
        ("cp1252", LATIN1_NAMES, ";", ".csv"),  # Excel "CSV" on Western Windows
    ],
)
def test_encodings_keep_diacritics(
    tmp_path: Path, encoding: str, names: list[str], sep: str, suffix: str
) -> None:
    path = tmp_path / f"export{suffix}"
    path.write_bytes(_csv(names, sep).encode(encoding))
    people = read_people(path)
    assert people["name"].tolist() == names
    assert people.ids.tolist() == [f"E{i}" for i in range(len(names))]
    assert people.rows.tolist() == [2, 3, 4, 5][: len(names)]


def test_decode_bytes_reports_the_encoding() -> None:
    assert decode_bytes("Hồng".encode("utf-8-sig")) == ("Hồng", "utf-8")
    assert decode_bytes("Hồng".encode("utf-16")) == ("Hồng", "utf-16")
    assert decode_bytes("Weiß".encode("cp1252")) == ("Weiß", "cp1252")
    assert decode_bytes("id,name".encode("utf-16-le"))[1] == "utf-16-le"
    # Bytes cp1252 leaves undefined: another code page that reads them is found
    # instead of replacing them by U+FFFD.
    text, encoding = decode_bytes(b"a\x81b\xff")
    assert len(text) == 4 and "\ufffd" not in text and encoding != "cp1252"


def test_blank_rows_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,role\n\nE1,mentor\n,\nE2,mentee\n\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.frame["id"].tolist() == ["E1", "E2"]
    assert raw.rows.tolist() == [3, 5]
    with pytest.raises(ValidationError) as info:
        read_people([{"id": "E1", "role": "mentor"}, {"id": "E1", "role": "x"}])
    assert {i.row for i in info.value.issues} == {3}


def test_row_numbers_count_records_not_lines(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('id,role,goals\nE1,mentor,"a\nb"\nE2,teacher,c\n', encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_people(path)
    (issue,) = info.value.issues
    assert (issue.file, issue.row, issue.column, issue.value) == (
        "s.csv",
        3,
        "role",
        "teacher",
    )


def test_short_rows_are_padded_and_long_rows_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1,2\n1,2,3,4\n5,6,7,,\n8,9,10,x,y\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_raw(path)
    issues = info.value.issues
    assert [(i.row, i.code) for i in issues] == [(3, "ragged_row"), (5, "ragged_row")]
    assert all(i.file == "ragged.csv" and i.fix for i in issues)
    path.write_text("a,b,c\n1,2\n5,6,7,,\n", encoding="utf-8")
    raw = read_raw(path)
    assert raw.frame.to_dict("list") == {
        "a": ["1", "5"],
        "b": ["2", "6"],
        "c": ["", "7"],
    }


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_file"),
        (b"  \r\n\n", "empty_file"),
        (b"\x00\x01\x02PK", "unreadable"),
    ],
)
def test_unreadable_files_name_the_file(
    tmp_path: Path, content: bytes, code: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as info:
        read_table(path)
    assert info.value.issues[0].code == code
    assert info.value.issues[0].file == "bad.csv"


def test_missing_file_and_bad_source() -> None:
    with pytest.raises(ValidationError, match="file not found") as info:
        read_raw("/nonexistent/x.csv")
    assert info.value.issues[0].file == "x.csv"
    with pytest.raises(ValidationError, match="cannot read people from a int"):
        read_raw(42)  # type: ignore[arg-type]


def test_header_only_file_reads_no_rows(tmp_path: Path) -> None:
    path = tmp_path / "h.csv"
    path.write_text("id,role\n", encoding="utf-8")
    assert read_raw(path).frame.shape == (0, 2)
    with pytest.raises(ValidationError, match="no data rows"):
        read_people(path)


def test_header_rows_and_duplicate_names(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        'Q1,Q1,,Q3\nName,Name again,,Role\n{"ImportId":"QID1"},x,,y\n'
        "Ana,Ana2,,mentor\n",
        encoding="utf-8",
    )
    raw = read_raw(path, header_rows=3)
    # An unnamed, empty column (a trailing separator) is dropped.
    assert list(raw.frame.columns) == ["Q1", "Q1.1", "Q3"]
    assert raw.headers[1] == ("Name", "Name again", "Role")
    assert raw.rows.tolist() == [4]
    with pytest.raises(ValidationError, match="3 header rows"):
        read_raw(io.BytesIO(b"a,b\n"), header_rows=3)


def test_semicolon_and_tab_delimiters_are_sniffed(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('id;name;role\nE1;"Weiß, Jürgen";mentor\n', encoding="utf-8")
    assert read_table(path)[0]["name"].tolist() == ["Weiß, Jürgen"]
    path = tmp_path / "s.tsv"
    path.write_text("id\tname\nE1\tA, B\n", encoding="utf-8")
    assert read_table(path)[0]["name"].tolist() == ["A, B"]


def test_json_records_dicts_and_columns(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    records = [{"id": "E1", "slots": ["Mon 9-10", "Tue 9-10"], "n": 2.0, "ok": True}]
    path.write_text(json.dumps({"people": records}), encoding="utf-8")
    frame, name = read_table(path)
    assert name == "p.json"
    assert frame.to_dict("records") == [
        {"id": "E1", "slots": "Mon 9-10; Tue 9-10", "n": "2", "ok": "TRUE"}
    ]
    path.write_text(json.dumps({"id": ["E1", "E2"], "role": ["mentor", "mentee"]}))
    assert read_table(path)[0]["role"].tolist() == ["mentor", "mentee"]
    path.write_text("[1, 2]")
    with pytest.raises(ValidationError, match="record 1 is a int") as info:
        read_table(path)
    assert info.value.issues[0].row == 2
    path.write_text("{not json")
    with pytest.raises(ValidationError, match="not valid JSON"):
        read_table(path)


def test_bytes_and_streams_are_sniffed() -> None:
    assert read_table(b'[{"id": "E1"}]')[0]["id"].tolist() == ["E1"]
    stream = io.BytesIO("id,name\nE1,Hồng\n".encode("utf-16"))
    assert read_table(stream)[0]["name"].tolist() == ["Hồng"]


def test_dataframes_and_records_of_any_type() -> None:
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "x": [1.5, np.nan, None],
            "when": pd.to_datetime(["2024-01-02 00:00", None, "2024-03-04 10:00"]),
            1: [[1, 2], {"a": 1}, object()],
        }
    )
    out, name = read_table(frame)
    assert name == "<DataFrame>"
    assert out["id"].tolist() == ["1", "2", "3"]
    assert out["x"].tolist() == ["1.5", "", ""]
    assert out["when"].tolist() == ["2024-01-02 00:00:00", "", "2024-03-04 10:00:00"]
    assert out["1"].tolist()[:2] == ["1; 2", '{"a": 1}']
    records, _ = read_table([{"id": "E1", "n": 3}, {"id": "E2", "extra": None}])
    assert records.to_dict("list") == {
        "id": ["E1", "E2"],
        "n": ["3", ""],
        "extra": ["", ""],
    }


def test_excel_round_trip_with_types(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", "role", "capacity", None])
    sheet.append(["E1", "Nguyễn Thị Hồng", "mentor", 2, None])
    sheet.append([None, None, None, None, None])
    sheet.append(["E2", "Şükrü Öztürk", "mentee", 1.0, None])
    book.create_sheet("other").append(["id", "role"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    people = rmatch.read_people(path)
    assert people["name"].tolist() == ["Nguyễn Thị Hồng", "Şükrü Öztürk"]
    assert people.rows.tolist() == [2, 4]
    assert people.mentor_capacity.tolist() == [2, 0]
    assert read_raw(path, sheet="other").frame.shape == (0, 2)
    with pytest.raises(ValidationError, match="no sheet 'missing'"):
        read_raw(path, sheet="missing")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ValidationError, match="cannot open the Excel file") as info:
        read_raw(tmp_path / "broken.xlsx")
    assert info.value.issues[0].file == "broken.xlsx"


def test_old_xls_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 60)
    with pytest.raises(ValidationError, match=r"\.xls\) files are not supported"):
        read_raw(path)


def test_bad_header_rows_option() -> None:
    with pytest.raises(ValidationError, match="header_rows"):
        read_raw(b"a\n1\n", header_rows=0)

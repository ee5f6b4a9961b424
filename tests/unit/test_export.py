"""Writing results: formula neutralization, BOM, JSON, and names kept byte for byte."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rmatch
from rmatch.result import neutralize, safe_frame, to_json_safe, write_table

DANGEROUS = ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd"]

NAMES = {
    "M1": "Nguyễn Thị Hồng",  # Vietnamese: stacked diacritics
    "M2": "Şükrü Öztürk",  # Turkish: ş, ü, ö
    "E1": "Jürgen Weiß",  # German: ü, ß
    "E2": "Ju\u0308rgen Mu\u0308ller",  # decomposed (NFD), as macOS writes it
}


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralize_every_formula_start(value: str) -> None:
    assert neutralize(value) == "'" + value


@pytest.mark.parametrize("value", ["Nguyễn", "a=b", " =x", "", 3, -1.5, None])
def test_neutralize_leaves_safe_values(value: object) -> None:
    assert neutralize(value) == value


def test_csv_is_neutralized_and_numbers_are_not(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": DANGEROUS, "score": [-1.0] * 6, "=col": ["x"] * 6})
    path = write_table(frame, tmp_path / "pairs.csv")
    back = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert list(back.columns) == ["id", "score", "'=col"]
    assert len(back) == 6  # the carriage return is inside quotes
    assert back["id"].tolist() == ["'" + v for v in DANGEROUS]
    assert back["score"].tolist() == ["-1.0000"] * 6
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


def test_excel_is_neutralized(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    frame = pd.DataFrame(
        {"id": [*DANGEROUS, "bell\x07"], "score": [0.5, np.nan, 1, 2, 3, 4, 5]}
    )
    path = write_table(frame, tmp_path / "pairs.xlsx", sheet_name="pairs")
    sheet = openpyxl.load_workbook(path)["pairs"]
    cells = [c.value for c in sheet["A"]][1:]
    # (XML stores a carriage return as a line feed)
    assert cells == ["'" + v.replace("\r", "\n") for v in DANGEROUS] + ["bell\ufffd"]
    assert all(c.data_type == "s" for c in sheet["A"])  # never a formula
    assert [c.value for c in sheet["B"]][1:3] == [0.5, None]


def test_excel_output_is_byte_identical(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    frame = pd.DataFrame({"name": ["Nguyễn Thị Hồng", "=1+1"], "score": [0.5, 1.0]})
    first = write_table(frame, tmp_path / "a.xlsx").read_bytes()
    second = write_table(frame, tmp_path / "b.xlsx").read_bytes()
    assert first == second
    # no save time anywhere: the document dates and every zip entry are fixed
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book.properties.modified == dt.datetime(1980, 1, 1)
    assert book.properties.created == dt.datetime(1980, 1, 1)
    with zipfile.ZipFile(tmp_path / "a.xlsx") as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert [c.value for c in book.active["A"]] == ["name", "Nguyễn Thị Hồng", "'=1+1"]


def test_bom_option(tmp_path: Path) -> None:
    frame = pd.DataFrame({"name": ["Hồng"]})
    data = write_table(frame, tmp_path / "a.csv", bom=True).read_bytes()
    assert data == b"\xef\xbb\xbfname\n" + "Hồng".encode() + b"\n"


def test_json_is_not_neutralized_and_is_json_safe(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["=1+1"], "score": [np.nan], "n": [np.int64(3)]})
    path = write_table(frame, tmp_path / "a.json")
    assert json.loads(path.read_text(encoding="utf-8")) == [
        {"id": "=1+1", "score": None, "n": 3}
    ]
    assert to_json_safe({"a": (np.float32(1.5), pd.NA)}) == {"a": [1.5, None]}


def test_safe_frame_does_not_change_the_input() -> None:
    frame = pd.DataFrame({"a": ["=x"]})
    assert safe_frame(frame)["a"].tolist() == ["'=x"]
    assert frame["a"].tolist() == ["=x"]


def _people_csv(tmp_path: Path, encoding: str = "utf-8") -> Path:
    rows = [
        ("M1", "mentor", "genai:5", ""),
        ("M2", "mentor", "python:4", ""),
        ("E1", "mentee", "", "python:3"),
        ("E2", "mentee", "", "genai:2"),
    ]
    lines = ["id,name,role,skills_offered,skills_wanted"]
    lines += [f"{i},{NAMES[i]},{r},{o},{w}" for i, r, o, w in rows]
    path = tmp_path / "signups.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


@pytest.mark.parametrize("bom", [False, True])
def test_diacritics_survive_the_round_trip_byte_for_byte(
    tmp_path: Path, bom: bool
) -> None:
    people = rmatch.read_people(_people_csv(tmp_path))
    result = rmatch.Program(criteria=[rmatch.Skills()], rules=[]).match(people)
    assert sorted(result.pairs["mentee_id"]) == ["E1", "E2"]
    result.to_csv(tmp_path / "pairs.csv", bom=bom)
    data = (tmp_path / "pairs.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") == bom
    body = data[3:] if bom else data
    lines = body.decode("utf-8").splitlines()
    expected = {
        f"{m},{e}": (NAMES[m], NAMES[e]) for m, e in [("M1", "E2"), ("M2", "E1")]
    }
    for line in lines[1:]:
        mentor_name, mentee_name = expected[line[:5]]
        # the exact bytes of each name, decomposed letters included
        assert line.endswith(f",{mentor_name},{mentee_name}")
    for name in NAMES.values():
        assert name.encode("utf-8") in data
    assert unicodedata.is_normalized("NFD", NAMES["E2"])  # not recomposed on the way
    result.to_json(tmp_path / "r.json")
    back = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert {p["mentee_name"] for p in back["pairs"]} == {NAMES["E1"], NAMES["E2"]}


def test_diacritics_survive_excel_round_trip(tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    people = rmatch.read_people(_people_csv(tmp_path))
    result = rmatch.Program(criteria=[rmatch.Skills()], rules=[]).match(people)
    result.to_csv(tmp_path / "pairs.xlsx")
    back = pd.read_excel(tmp_path / "pairs.xlsx", dtype=str)
    assert set(back["mentor_name"]) == {NAMES["M1"], NAMES["M2"]}
    assert set(back["mentee_name"]) == {NAMES["E1"], NAMES["E2"]}


def test_cp1252_input_is_written_as_utf8(tmp_path: Path) -> None:
    lines = "id,name,role\nE1,Jürgen Weiß,mentor\nE2,Ana Ibáñez,mentee\n"
    path = tmp_path / "excel.csv"
    path.write_bytes(lines.encode("cp1252"))
    people = rmatch.read_people(path)
    write_table(people.table[["id", "name"]], tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == (
        "id,name\nE1,Jürgen Weiß\nE2,Ana Ibáñez\n".encode()
    )

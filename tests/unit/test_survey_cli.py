"""``rmatch validate export.csv --config program.toml``: every problem and a summary."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from rmatch.cli import main

ROOT = Path(__file__).resolve().parents[2]
MOZILLA = ROOT / "tests" / "data" / "mozilla_matchmaker_isc"
CONFIG = ROOT / "examples" / "mozilla_matchmaker_isc" / "program.toml"


def test_validate_with_warnings_only_exits_0(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # the HR file is found relative to the TOML
    code = main(
        ["validate", str(MOZILLA / "mentorship_input.csv"), "--config", str(CONFIG)]
    )
    out = capsys.readouterr().out
    assert code == 0
    lines = out.splitlines()
    # 16 warnings about the data, and rows 4 and 14, which are short a cell
    assert (
        lines[-1] == "13 rows read; 2 mentors, 7 mentees, 3 both; 0 errors, 18 warnings"
    )
    assert all(line.startswith("WARNING ") for line in lines[:-1])
    assert (
        "WARNING mentorship_input.csv, row 5, column 'Email Address', id bar4@foo.com: "
        "rejected: duplicate of row 6 (same e-mail); the later answer was kept"
    ) in out
    assert (
        "WARNING mentorship_input-people-data.csv, row 2, column 'manager', "
        "id bar1@foo.com: the manager is not in the survey or the HR file"
    ) in out
    assert "(got 'Joe Schmo'). Fix: add the manager to the HR file" in out


def test_validate_with_errors_exits_2_and_lists_every_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    export = tmp_path / "export.csv"
    text = (MOZILLA / "mentorship_input.csv").read_text(encoding="utf-8")
    text = text.replace(",Both,", ",Teacher,", 1)  # row 3
    text = text.replace(
        "bar9@foo.com ,Mentee (I want to receive coaching and support)",
        "bar9@foo.com ,Observer",
        1,
    )  # row 11
    export.write_text(text, encoding="utf-8")
    config = tmp_path / "program.toml"
    toml = CONFIG.read_text(encoding="utf-8").replace(
        'file = "../../tests/data/', f'file = "{ROOT.as_posix()}/tests/data/'
    )
    config.write_text(toml.replace("Maybe = 2", "Maybe = -2"), encoding="utf-8")
    code = main(["validate", str(export), "--config", str(config)])
    out = capsys.readouterr().out
    assert code == 2
    errors = [line for line in out.splitlines() if line.startswith("ERROR")]
    assert errors == [
        "ERROR   export.csv, row 3, column 'I want to be a...', id bar2@foo.com: role "
        "'Teacher' is not a role (got 'Teacher'). Fix: write mentor, mentee or both",
        "ERROR   export.csv, row 3, column 'If you volunteered as a mentor, are you "
        "open to mentoring multiple people?', id bar2@foo.com: mentor_capacity -2 must "
        "be at least 0 (got 'Maybe'). Fix: write mentor_capacity as a whole number of "
        "at least 0",
        "ERROR   export.csv, row 10, column 'If you volunteered as a mentor, are you "
        "open to mentoring multiple people?', id bar8@foo.com: mentor_capacity -2 must "
        "be at least 0 (got 'Maybe'). Fix: write mentor_capacity as a whole number of "
        "at least 0",
        "ERROR   export.csv, row 11, column 'I want to be a...', id bar9@foo.com: role "
        "'Observer' is not a role (got 'Observer'). Fix: write mentor, mentee or both",
    ]
    assert out.splitlines()[-1].endswith("4 errors, 18 warnings")


def test_validate_names_a_missing_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    config = tmp_path / "program.toml"
    config.write_text(
        '[mapping]\npreset = "google_forms"\n"I want to be..." = "role"\n',
        encoding="utf-8",
    )
    code = main(
        ["validate", str(MOZILLA / "mentorship_input.csv"), "--config", str(config)]
    )
    out = capsys.readouterr().out
    assert code == 2
    assert (
        "ERROR   mentorship_input.csv, column 'I want to be...': the mapping names the "
        "column 'I want to be...', which is not in the file. Fix: correct the mapping "
        "(did you mean 'I want to be a...'"
    ) in out
    assert out.splitlines()[-1] == "13 rows read; 1 errors, 0 warnings"


def test_match_with_a_mapping_writes_rejected_rows(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copy(MOZILLA / "mentorship_input.csv", tmp_path / "export.csv")
    code = main(
        [
            "match",
            str(tmp_path / "export.csv"),
            "--config",
            str(CONFIG),
            "-o",
            str(tmp_path / "pairs.csv"),
            "--unmatched",
            str(tmp_path / "unmatched.csv"),
            "-q",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0
    assert "1 row(s) rejected" in captured.err
    unmatched = pd.read_csv(
        tmp_path / "unmatched.csv", dtype=str, keep_default_na=False
    )
    rejected = unmatched[unmatched["status"] == "rejected"]
    assert rejected[["id", "reason", "row"]].values.tolist() == [
        [
            "bar4@foo.com",
            "duplicate of row 6 (same e-mail); the later answer was kept",
            "5",
        ]
    ]

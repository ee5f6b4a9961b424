"""The README's promises, run as a user would."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import rmatch
from rmatch.cli import main


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_demo_command_writes_pairs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pairs.csv"
    unmatched = tmp_path / "unmatched.csv"
    assert main(["demo", "-o", str(out), "--unmatched", str(unmatched)]) == 0
    text = capsys.readouterr().out
    assert "mentees matched" in text
    assert "objective" in text
    assert "optimal" in text
    rows = _read_csv(out)
    assert len(rows) > 20
    assert {
        "mentor_id",
        "mentee_id",
        "score",
        "skills",
        "schedule",
        "interests",
        "goals",
    } <= set(rows[0])
    # every participant of the demo is either paired or listed with a reason
    people = rmatch.read_people(rmatch.datasets.demo_path())
    left_out = _read_csv(unmatched)
    paired = {r["mentor_id"] for r in rows} | {r["mentee_id"] for r in rows}
    listed = {r["id"] for r in left_out}
    participants = {
        str(i) for i, r in zip(people.ids, people.roles, strict=False) if r != "none"
    }
    assert paired | listed == participants
    assert all(r["reason"] for r in left_out)


def test_demo_pairs_respect_the_demo_rules(tmp_path: Path) -> None:
    people = rmatch.read_people(rmatch.datasets.demo_path())
    program = rmatch.Program.from_toml(rmatch.datasets.demo_program_path())
    result = program.match(people)
    for m_id, e_id in zip(
        result.pairs["mentor_id"], result.pairs["mentee_id"], strict=False
    ):
        m, e = people.position(m_id), people.position(e_id)
        assert people.reporting_distance(m, e, max_levels=2) is None
        assert people.seniority[e] - people.seniority[m] >= 1  # reverse mentoring


def test_match_command_on_canonical_file(tmp_path: Path) -> None:
    signups = tmp_path / "signups.csv"
    rmatch.datasets.load_demo().to_csv(signups, index=False)
    pairs, left = tmp_path / "pairs.csv", tmp_path / "unmatched.csv"
    code = main(
        ["match", str(signups), "-o", str(pairs), "--unmatched", str(left), "-q"]
    )
    assert code == 0
    assert pairs.read_text(encoding="utf-8").startswith("mentor_id,mentee_id,score,")
    assert "reason" in left.read_text(encoding="utf-8").splitlines()[0]


def test_match_command_json_for_hr_tools(tmp_path: Path) -> None:
    signups = tmp_path / "signups.csv"
    rmatch.datasets.load_demo().to_csv(signups, index=False)
    target = tmp_path / "result.json"
    assert (
        main(
            [
                "match",
                str(signups),
                "-o",
                str(tmp_path / "p.csv"),
                "--json",
                str(target),
                "-q",
            ]
        )
        == 0
    )
    data = json.loads(target.read_text(encoding="utf-8"))
    assert set(data) == {
        "schema_version",
        "program",
        "pairs",
        "unmatched",
        "rejected",
        "summary",
        "report",
    }
    assert len(data["report"]["explanations"]) == len(data["pairs"])
    assert data["summary"]["pairs"] == len(data["pairs"])


def test_bad_file_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "signups.csv"
    bad.write_text("id,role,capacity\nE1,mentor,two\nE1,mentee,1\n", encoding="utf-8")
    assert main(["match", str(bad), "-o", str(tmp_path / "p.csv")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert "row 2" in err
    assert "'capacity'" in err
    assert "two" in err
    assert "row 3" in err
    assert "duplicate id" in err
    assert not (tmp_path / "p.csv").exists()


def test_python_api_from_the_readme(tmp_path: Path) -> None:
    people = rmatch.read_people(rmatch.datasets.demo_path())
    program = rmatch.Program.from_toml(rmatch.datasets.demo_program_path())
    result = program.match(people)
    assert list(result.pairs.columns[:3]) == ["mentor_id", "mentee_id", "score"]
    assert {"id", "role", "reason"} <= set(result.unmatched.columns)
    summary = result.summary()
    assert summary.pairs == len(result.pairs)
    text = str(result.explain(result.pairs["mentor_id"].iloc[0]))
    assert "score" in text
    assert "skills" in text
    result.to_csv(tmp_path / "pairs.csv")
    assert json.dumps(result.to_records())
    # Program.to_dict round-trips
    again = rmatch.Program.from_dict(program.to_dict())
    assert again.to_dict() == program.to_dict()
    assert again.match(people).total_score == pytest.approx(result.total_score)

"""Issue 16, points 12 and 17: who a row is, everywhere it is listed.

12. Rejected duplicate answers carry the HR id and the name; unmatched people carry
    their source file and row; the stored e-mail is normalized on every path.
17. Forbidden pairs, history and required pairs may name people by e-mail or name;
    a name two people share is an error, never a guess.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import rmatch
from rmatch.cli import main
from rmatch.errors import ConfigError, DataQualityWarning

ROWS = [
    {"id": "E1", "name": "Ana Silva", "email": "ana@corp.com", "role": "mentor"},
    {"id": "E2", "name": "Bo Chen", "email": "bo@corp.com", "role": "mentee"},
    {"id": "E3", "name": "Cy Tran", "email": "cy@corp.com", "role": "mentor"},
    {"id": "E4", "name": "Di Ngô", "email": "di@corp.com", "role": "mentee"},
]

pytestmark = pytest.mark.filterwarnings("ignore:every candidate pair scores 0")


def _pairs(result: rmatch.Matching) -> set[tuple[str, str]]:
    return set(zip(result.pairs["mentor_id"], result.pairs["mentee_id"], strict=True))


# ----------------------------------------------- 17. people by e-mail or name


def test_point_17_forbidden_pairs_by_email_and_name():
    people = rmatch.read_people(ROWS)
    free = rmatch.Program(rules=[]).match(people)
    assert len(free.pairs) == 2
    for a, b in sorted(_pairs(free)):
        forbidden = [
            (
                people.value(people.position(a), "email").upper(),
                "  " + people.name_of(people.position(b)).lower(),
            )
        ]
        result = rmatch.Program(rules=[rmatch.ForbiddenPairs(forbidden)]).match(people)
        assert (a, b) not in _pairs(result)
        assert len(result.pairs) == 2


def test_point_17_history_and_required_pairs_by_name(tmp_path: Path):
    people = rmatch.read_people(ROWS)
    history = rmatch.History([("Ana Silva", "di ngô"), ("cy@corp.com", "Bo Chen")])
    result = rmatch.Program(rules=[history]).match(people)
    assert _pairs(result) == {("E1", "E2"), ("E3", "E4")}
    required = rmatch.RequiredPairs([("CY@corp.com", "Bo Chen")])
    result = rmatch.Program(rules=[required]).match(people)
    assert ("E3", "E2") in _pairs(result)


def test_point_17_in_the_program_file(tmp_path: Path, capsys):
    csv = tmp_path / "people.csv"
    csv.write_text(
        "id,name,email,role\n"
        + "".join(f"{r['id']},{r['name']},{r['email']},{r['role']}\n" for r in ROWS),
        encoding="utf-8",
    )
    config = tmp_path / "program.toml"
    config.write_text(
        '[[rules]]\ntype = "forbidden_pairs"\n'
        'pairs = [["ana@corp.com", "Bo Chen"], ["Ana Silva", "Di Ngô"]]\n',
        encoding="utf-8",
    )
    out = tmp_path / "pairs.csv"
    assert main(["match", str(csv), "--config", str(config), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "E1,E2" not in text and "E1,E4" not in text
    assert "E3," in text  # Cy mentors someone


def test_point_17_ambiguous_name_is_an_error(tmp_path: Path, capsys):
    rows = [*ROWS, {"id": "E5", "name": "Bo Chen", "email": "", "role": "mentee"}]
    people = rmatch.read_people(rows)
    for rule in (
        rmatch.ForbiddenPairs([("E1", "bo chen")]),
        rmatch.History([("E1", "bo chen")]),
        rmatch.RequiredPairs([("E1", "Bo Chen")]),
    ):
        with pytest.raises(ConfigError, match=r"matches 2 people \(E2, E5\)"):
            rmatch.Program(rules=[rule]).match(people)
    csv = tmp_path / "people.csv"
    pd_rows = "".join(f"{r['id']},{r['name']},{r['email']},{r['role']}\n" for r in rows)
    csv.write_text("id,name,email,role\n" + pd_rows, encoding="utf-8")
    config = tmp_path / "program.toml"
    config.write_text(
        '[[rules]]\ntype = "forbidden_pairs"\npairs = [["E1", "Bo Chen"]]\n',
        encoding="utf-8",
    )
    assert main(["match", str(csv), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "Bo Chen" in err and "E2, E5" in err and "write the id" in err


def test_point_17_unknown_person():
    people = rmatch.read_people(ROWS)
    with pytest.warns(DataQualityWarning, match="Zed Nobody"):
        rmatch.Program(rules=[rmatch.ForbiddenPairs([("E1", "Zed Nobody")])]).match(
            people
        )
    unknown = "no person with id, e-mail or name 'Zed Nobody'"
    with pytest.raises(ConfigError, match=unknown):
        rmatch.Program(rules=[rmatch.RequiredPairs([("E1", "Zed Nobody")])]).match(
            people
        )


def test_point_17_ids_win_over_names():
    """A reference that is an id is that person, even if someone has it as name."""
    rows = [*ROWS[:3], {"id": "E4", "name": "E1", "email": "", "role": "mentee"}]
    people = rmatch.read_people(rows)
    positions, problems = people.resolve(["E1", "e1"])
    assert positions.tolist() == [0, 3] and not problems
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "unknown person" warning
        warnings.filterwarnings("ignore", "every candidate pair scores 0")  # no data
        rmatch.Program(rules=[rmatch.ForbiddenPairs([("E1", "E2")])]).match(people)


# ------------------------------------------- 12. who a row is, wherever listed

ROLE_Q = "I want to be a..."
MENTOR = "Mentor (I want to provide coaching and support)"
MENTEE = "Mentee (I want to receive coaching and support)"
GOOGLE = {"preset": "google_forms", ROLE_Q: "role", "Name": "name"}


def _answer(email: str, role: str, name: str, stamp: str) -> dict[str, str]:
    return {"Timestamp": stamp, "Email Address": email, "Name": name, ROLE_Q: role}


def _survey() -> rmatch.People:
    rows = [
        _answer("Ana@Corp.com", MENTOR, "Ana Silva", "3/17/2020 8:00:00"),
        _answer("bo@corp.com", MENTEE, "Bo Chen", "3/17/2020 9:00:00"),
        _answer(" ana@CORP.com", MENTOR, "", "3/18/2020 8:00:00"),
        _answer("cy@corp.com", MENTEE, "Cy Tran", "3/18/2020 9:00:00"),
    ]
    hr = [
        {"emp": "E1", "email": "ana@corp.com"},
        {"emp": "E2", "email": "BO@corp.com"},
        {"emp": "E3", "email": "cy@corp.com"},
    ]
    with pytest.warns(DataQualityWarning, match="rejected"):
        return rmatch.read_survey(rows, GOOGLE, hr=hr, hr_mapping={"emp": "id"})


def test_point_12_stored_email_is_normalized_on_the_survey_path():
    people = _survey()
    assert sorted(people["email"].tolist()) == [
        "ana@corp.com",
        "bo@corp.com",
        "cy@corp.com",
    ]


def test_point_12_rejected_duplicate_carries_the_hr_id_and_the_name():
    people = _survey()
    (rejected,) = people.rejected
    assert (rejected["id"], rejected["name"], rejected["row"]) == (
        "E1",
        "Ana Silva",
        2,
    )
    result = rmatch.Program().match(people)
    (row,) = result.rejected.to_dict(orient="records")
    assert (row["id"], row["name"], row["file"], row["row"]) == (
        "E1",
        "Ana Silva",
        "<records>",
        2,
    )
    both = result.unmatched_and_rejected()
    assert both.loc[both["status"] == "rejected", "name"].tolist() == ["Ana Silva"]


def test_point_12_unmatched_rows_carry_their_file_and_row(tmp_path: Path):
    people = _survey()
    result = rmatch.Program().match(people)
    (row,) = result.unmatched.to_dict(orient="records")
    # one mentor (E1, kept answer on row 4) for two mentees
    position = people.position(row["id"])
    assert (row["file"], row["row"]) == ("<records>", int(people.rows[position]))
    assert row["row"] in (3, 5)
    mentees = people.subset(people.is_mentee)
    assert mentees.files is not None and len(mentees.files) == len(mentees)
    assert mentees.file_of(0) == "<records>" and mentees.row_of(0) == mentees.rows[0]


def test_point_12_unmatched_file_and_row_in_the_cli_outputs(tmp_path: Path):
    csv = tmp_path / "people.csv"
    csv.write_text(
        "id,role\nM1,mentor\nE1,mentee\nE2,mentee\n",
        encoding="utf-8",
    )
    unmatched = tmp_path / "unmatched.csv"
    out_json = tmp_path / "out.json"
    code = main(
        [
            "match",
            str(csv),
            "-o",
            str(tmp_path / "pairs.csv"),
            "--unmatched",
            str(unmatched),
            "--json",
            str(out_json),
            "-q",
        ]
    )
    assert code == 0
    import json

    (left,) = json.loads(out_json.read_text(encoding="utf-8"))["unmatched"]
    assert left["file"] == "people.csv" and left["row"] in (3, 4)
    text = unmatched.read_text(encoding="utf-8")
    assert f"people.csv,{left['row']}" in text


def test_point_17_conflicts_file_by_email_and_name(tmp_path: Path):
    csv = tmp_path / "people.csv"
    csv.write_text(
        "id,name,email,role\n"
        + "".join(f"{r['id']},{r['name']},{r['email']},{r['role']}\n" for r in ROWS),
        encoding="utf-8",
    )
    conflicts = tmp_path / "conflicts.csv"
    conflicts.write_text(
        "person,conflict of interest\nANA@corp.com,Bo Chen\ncy@corp.com,\n"
        "Ana Silva,di@corp.com\n",
        encoding="utf-8",
    )
    config = tmp_path / "program.toml"
    config.write_text('[rules]\nforbidden_pairs = "conflicts.csv"\n', encoding="utf-8")
    program = rmatch.Program.from_toml(config)
    (rule,) = program.rules
    assert rule.pairs == [("ANA@corp.com", "Bo Chen"), ("Ana Silva", "di@corp.com")]
    out = tmp_path / "pairs.csv"
    assert main(["match", str(csv), "--config", str(config), "-o", str(out)]) == 0
    pairs = out.read_text(encoding="utf-8")
    assert "E1,E2" not in pairs and "E1,E4" not in pairs
    assert "E3," in pairs

"""Feedback and re-matching: read_feedback errors, keep/end/new, CLI, JSON schema."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pandas as pd
import pytest

import rmatch
from rmatch.cli import main
from rmatch.errors import ConfigError, DataQualityWarning, ValidationError
from rmatch.feedback import read_feedback, read_history
from rmatch.result import SCHEMA_VERSION, read_matching, schema_path
from rmatch.settings import round_settings

DEMO = Path(rmatch.datasets.demo_path())

PEOPLE = [
    {"id": "A", "role": "mentor", "skills_offered": "genai:5", "capacity": "2"},
    {"id": "B", "role": "mentor", "skills_offered": "genai:4"},
    {"id": "C", "role": "mentee", "skills_wanted": "genai:3"},
    {"id": "D", "role": "mentee", "skills_wanted": "genai:2"},
    {"id": "E", "role": "mentee", "skills_wanted": "genai:2"},
]


def _program(**rounds: object) -> rmatch.Program:
    return rmatch.Program(criteria=[rmatch.Skills()], rules=[], rounds=rounds)


def _pairs(result: rmatch.Matching) -> set[tuple[str, str]]:
    return set(zip(result.pairs.mentor_id, result.pairs.mentee_id, strict=True))


def _validator():
    jsonschema = pytest.importorskip(
        "jsonschema", reason="the JSON schema test needs jsonschema (dev extra)"
    )
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


# ------------------------------------------------------------------ read_feedback
def test_read_feedback_maps_columns_and_normalizes_status():
    fb = read_feedback(
        [
            {"Mentor e-mail": "A", "Mentee": "C", "How was it?": "4", "Status": ""},
            {
                "Mentor e-mail": "B",
                "Mentee": "D",
                "How was it?": "",
                "Status": "Not-a-fit",
            },
            {"Mentor e-mail": "B", "Mentee": "E", "How was it?": "", "Status": " END "},
        ],
        {"mentor_id": "Mentor e-mail", "mentee_id": "Mentee", "rating": "How was it?"},
    )
    assert fb["status"].tolist() == ["", "not a fit", "end"]
    assert fb["rating"].iloc[0] == 4.0
    assert fb.attrs["feedback"] is True


def test_bad_feedback_file_lists_every_problem_with_row_column_and_fix():
    people = rmatch.read_people(PEOPLE)
    text = (
        b"mentor_id,mentee_id,rating,status\n"
        b"A,C,7,\n"  # rating out of range
        b"A,ZZ,4,\n"  # unknown id
        b"B,D,,maybe\n"  # unknown status
        b",E,3,\n"  # blank id
        b"B,E,2.5,\n"  # not whole
    )
    with pytest.raises(ValidationError) as info:
        read_feedback(text, people=people)
    issues = info.value.issues
    codes = [(i.code, i.row, i.column) for i in issues]
    assert codes == [
        ("bad_rating", 2, "rating"),
        ("unknown_id", 3, "mentee_id"),
        ("bad_status", 4, "status"),
        ("blank_id", 5, "mentor_id"),
        ("bad_rating", 6, "rating"),
    ]
    assert all(i.fix for i in issues)
    assert issues[0].value == "7"
    assert "ZZ" in str(info.value)


def test_feedback_needs_the_pair_columns_and_a_rating_or_status():
    with pytest.raises(ValidationError, match="mentee_id"):
        read_feedback([{"mentor_id": "A", "rating": "3"}])
    with pytest.raises(ValidationError, match="'rating'"):
        read_feedback([{"mentor_id": "A", "mentee_id": "B"}])
    with pytest.raises(ValidationError, match="not in the file"):
        read_feedback([{"mentor_id": "A", "mentee_id": "B"}], {"rating": "Score"})


def test_feedback_on_a_pair_that_was_not_matched_is_a_warning():
    with pytest.warns(DataQualityWarning, match=r"not matched.*\(B, C\)"):
        fb = read_feedback(
            [
                {"mentor_id": "A", "mentee_id": "C", "rating": "5"},
                {"mentor_id": "B", "mentee_id": "C", "rating": "1"},
            ],
            pairs=[("A", "C")],
        )
    assert fb[["mentor_id", "mentee_id"]].values.tolist() == [["A", "C"]]


def test_the_id_of_someone_who_left_is_not_unknown():
    people = rmatch.read_people(PEOPLE)
    fb = read_feedback(
        [{"mentor_id": "GONE", "mentee_id": "C", "rating": "5"}],
        people=people,
        pairs=[("GONE", "C")],
    )
    assert len(fb) == 1


# ------------------------------------------------------------------ settings
def test_rounds_settings_are_checked_and_round_trip_through_toml(tmp_path):
    with pytest.raises(ConfigError, match="keep"):
        round_settings({"keep": "some"})
    with pytest.raises(ConfigError, match="unknown setting"):
        round_settings({"treshold": 3})
    with pytest.raises(ConfigError, match="bad_rating"):
        round_settings({"threshold": 2, "bad_rating": 3})
    program = _program(keep="all", threshold=3, repeats=True, stability=0.5)
    path = tmp_path / "p.toml"
    program.to_toml(path)
    assert "[rounds]" in path.read_text()
    back = rmatch.Program.from_toml(path)
    assert back.rounds == round_settings(
        {"keep": "all", "threshold": 3, "repeats": True, "stability": 0.5}
    )
    assert back.to_dict() == rmatch.Program.from_dict(program.to_dict()).to_dict()
    with pytest.raises(ConfigError, match="repeats"):
        rmatch.Program.from_dict({"rounds": {"repeats": "yes"}})


# ------------------------------------------------------------------ re-match
def test_keep_end_and_rotation_with_a_changelog_row_per_pair():
    people = rmatch.read_people(PEOPLE)
    previous = [("A", "C"), ("A", "D"), ("B", "E")]
    fb = [
        {"mentor_id": "A", "mentee_id": "C", "rating": "5"},
        {"mentor_id": "A", "mentee_id": "D", "rating": "3"},
        {"mentor_id": "B", "mentee_id": "E", "status": "not a fit"},
    ]
    result = _program().match(people, previous=previous, feedback=fb)
    got = _pairs(result)
    assert ("A", "C") in got  # kept
    assert ("A", "D") not in got  # rating 3: not repeated
    assert ("B", "E") not in got  # never again
    changes = result.changes
    assert changes is not None
    rows = {(m, e): (s, r) for m, e, s, r in changes.values.tolist()}
    assert rows[("A", "C")] == ("kept", "feedback: rating 5")
    assert rows[("A", "D")] == ("ended", "not repeated (rotation)")
    assert rows[("B", "E")] == ("ended", "feedback: not a fit")
    assert set(rows) == set(previous) | got
    for pair in got - set(previous):
        assert rows[pair][0] == "new"
        assert "ended" in rows[pair][1]  # both had a partner before
    assert result.rounds["never_again"] == [["B", "E"]]
    assert result.summary().rounds["kept"] == 1


def test_left_forbidden_and_capacity_lowered_reasons():
    records = [dict(p) for p in PEOPLE if p["id"] != "E"]
    records[0]["capacity"] = "1"  # A had two mentees
    records[1]["manager_id"] = "D"  # D now manages B
    people = rmatch.read_people(records)
    previous = [("A", "C"), ("A", "D"), ("B", "D"), ("B", "E")]
    fb = [{"mentor_id": m, "mentee_id": e, "rating": "5"} for m, e in previous]
    fb[1]["rating"] = "4"
    program = rmatch.Program(criteria=[rmatch.Skills()])  # no reporting line
    result = program.match(people, previous=previous, feedback=fb)
    rows = {(m, e): (s, r) for m, e, s, r in result.changes.values.tolist()}
    assert rows[("A", "C")] == ("kept", "feedback: rating 5")
    assert rows[("A", "D")] == ("ended", "mentor capacity lowered")
    assert rows[("B", "D")] == ("ended", "now forbidden by 'no reporting line'")
    assert rows[("B", "E")] == ("ended", "left the program")


def test_keep_all_and_none_and_repeats():
    people = rmatch.read_people(PEOPLE)
    previous = [("A", "C"), ("B", "D")]
    fb = [{"mentor_id": "A", "mentee_id": "C", "rating": "3"}]
    kept = _program(keep="all").match(people, previous=previous, feedback=fb)
    assert {("A", "C"), ("B", "D")} <= _pairs(kept)
    none = _program(keep="none").match(people, previous=previous, feedback=fb)
    assert not _pairs(none) & set(previous)
    again = _program(keep="none", repeats=True).match(people, previous=previous)
    rows = {(m, e): s for m, e, s, _ in again.changes.values.tolist()}
    assert all(rows[p] in ("kept", "ended") for p in previous)


def test_stability_prefers_the_previous_pair_over_a_marginal_swap():
    people = rmatch.read_people(
        [
            {"id": "A", "role": "mentor", "skills_offered": "genai:5; sql:5"},
            {"id": "B", "role": "mentor", "skills_offered": "genai:5"},
            {"id": "C", "role": "mentee", "skills_wanted": "genai:3; sql:3"},
            {"id": "D", "role": "mentee", "skills_wanted": "genai:3"},
        ]
    )
    swap = [("A", "D"), ("B", "C")]  # worse than A-C, B-D
    plain = _program(keep="none", repeats=True).match(people, previous=swap)
    assert _pairs(plain) == {("A", "C"), ("B", "D")}
    stable = _program(keep="none", repeats=True, stability=5).match(
        people, previous=swap
    )
    assert _pairs(stable) == set(swap)
    assert set(stable.changes.status) == {"kept"}


def test_previously_unmatched_come_first_even_at_a_lower_score():
    people = rmatch.read_people(
        [
            {"id": "A", "role": "mentor", "skills_offered": "genai:5"},
            {"id": "C", "role": "mentee", "skills_wanted": "genai:5"},
            {"id": "D", "role": "mentee", "skills_wanted": "sql:2", "interests": ""},
        ]
    )
    previous = {"pairs": [], "unmatched": [{"id": "D"}, {"id": "A"}]}
    best = _program().match(people)
    assert _pairs(best) == {("A", "C")}
    result = _program().match(people, previous=previous)
    assert _pairs(result) == {("A", "D")}
    report = result.rounds["previously_unmatched"]
    assert report == {"people": 2, "matched": 2, "possible": 2, "exact": True}
    assert "previously unmatched 2 of 2 matched (most possible: 2)" in str(
        result.summary()
    )


def test_priority_counts_a_person_once_whatever_their_capacity():
    # A (capacity 3, previously unmatched) with one partner is as good as three
    people = rmatch.read_people(
        [
            {"id": "A", "role": "mentor", "skills_offered": "x:1", "capacity": "3"},
            {"id": "B", "role": "mentor", "skills_offered": "genai:5"},
            {"id": "C", "role": "mentee", "skills_wanted": "genai:5"},
            {"id": "D", "role": "mentee", "skills_wanted": "genai:5"},
        ]
    )
    program = rmatch.Program(criteria=[rmatch.Skills()], rules=[])
    result = program.match(people, previous={"pairs": [], "unmatched": [{"id": "A"}]})
    got = _pairs(result)
    assert sum(1 for m, _ in got if m == "A") == 1  # covered once, then the score
    assert ("B", "C") in got or ("B", "D") in got


# ------------------------------------------------------------------ history on
def test_round_three_knows_round_two_never_again_list(tmp_path):
    people = rmatch.read_people(PEOPLE)
    program = _program(repeats=True)
    r2 = program.match(
        people,
        previous=[("A", "C"), ("B", "D")],
        feedback=[{"mentor_id": "B", "mentee_id": "D", "rating": "1"}],
    )
    path = r2.to_json(tmp_path / "round2.json")
    history = read_history(path)
    assert ("B", "D") in history.never_again
    assert history.round == 2
    r3 = program.match(people, previous=path)
    assert ("B", "D") not in _pairs(r3)
    assert ["B", "D"] in r3.rounds["never_again"]
    assert r3.rounds["round"] == 3


# ------------------------------------------------------------------ JSON
def test_read_matching_round_trips_to_json_and_every_output_validates(tmp_path):
    validator = _validator()
    program = rmatch.Program()
    people = rmatch.read_people(DEMO)
    first = program.match(people)
    fb = [
        {"mentor_id": m, "mentee_id": e, "rating": str(1 + i % 5)}
        for i, (m, e) in enumerate(first.pairs[["mentor_id", "mentee_id"]].values)
    ]
    second = program.match(people, previous=first, feedback=fb)
    stable = rmatch.Program(method="stable").match(people)
    empty = rmatch.Program().match(
        rmatch.read_people([{"id": "A", "role": "mentor"}, {"id": "B", "role": "none"}])
    )
    for result in (first, second, stable, empty):
        path = result.to_json(tmp_path / "r.json")
        data = json.loads(path.read_text(encoding="utf-8"))
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, errors[0].message
        assert data["schema_version"] == SCHEMA_VERSION
        back = read_matching(path) if result.pairs.size else None
        if back is not None:
            assert back[["mentor_id", "mentee_id"]].values.tolist() == (
                result.pairs[["mentor_id", "mentee_id"]].values.tolist()
            )
            assert back["score"].tolist() == pytest.approx(result.pairs.score.tolist())
    bad = json.loads((tmp_path / "r.json").read_text())
    bad["pairs"] = [{"mentor_id": "A"}]
    assert list(validator.iter_errors(bad))


# ------------------------------------------------------------------ CLI
def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_cli_rematch_writes_pairs_and_changelog(tmp_path, capsys):
    round1 = tmp_path / "pairs_round1.csv"
    js = tmp_path / "round1.json"
    code, _, _ = _cli(
        capsys, "match", str(DEMO), "-o", str(round1), "--json", str(js), "-q"
    )
    assert code == 0
    pairs = pd.read_csv(round1)
    fb = pairs[["mentor_id", "mentee_id"]].assign(
        rating=[5, 1] * (len(pairs) // 2) + [3] * (len(pairs) % 2)
    )
    fb.to_csv(tmp_path / "feedback.csv", index=False)
    code, out, err = _cli(
        capsys,
        "match",
        str(DEMO),
        "--previous",
        str(js),
        "--feedback",
        str(tmp_path / "feedback.csv"),
        "--changelog",
        str(tmp_path / "changes.csv"),
        "-o",
        str(tmp_path / "pairs_round2.csv"),
        "-q",
    )
    assert code == 0, err
    assert "round 2" in out and "changes to" in out
    changes = pd.read_csv(tmp_path / "changes.csv", keep_default_na=False)
    assert list(changes.columns) == ["mentor_id", "mentee_id", "status", "reason"]
    round2 = pd.read_csv(tmp_path / "pairs_round2.csv")
    both = {
        *zip(pairs.mentor_id, pairs.mentee_id, strict=False),
        *zip(round2.mentor_id, round2.mentee_id, strict=False),
    }
    assert len(changes) == len(both)
    bad = {tuple(p) for p in fb[fb.rating == 1][["mentor_id", "mentee_id"]].values}
    assert not bad & set(zip(round2.mentor_id, round2.mentee_id, strict=False))


def test_cli_bad_feedback_exits_2_with_every_problem(tmp_path, capsys):
    (tmp_path / "fb.csv").write_text("mentor_id,mentee_id,rating\nX1,Y1,9\nX2,Y2,0\n")
    (tmp_path / "p.csv").write_text("mentor_id,mentee_id\nX1,Y1\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code, _, err = _cli(
            capsys,
            "match",
            str(DEMO),
            "--previous",
            str(tmp_path / "p.csv"),
            "--feedback",
            str(tmp_path / "fb.csv"),
            "-q",
            "-o",
            str(tmp_path / "o.csv"),
        )
    assert code == 2
    assert "row 2" in err and "row 3" in err and "'9'" in err


def test_history_from_pairs_files_and_an_unmatched_table(tmp_path):
    (tmp_path / "r1.csv").write_text("mentor_id,mentee_id\nA,C\n")
    (tmp_path / "r2.csv").write_text("Mentor ID,Mentee ID,score\nA,D,0.5\nB,C,0.25\n")
    (tmp_path / "left_out.csv").write_text(
        "id,name,role,status,reason\nE,,mentee,unmatched,x\nZ,,mentee,rejected,y\n"
    )
    sources = [tmp_path / "r1.csv", tmp_path / "r2.csv", tmp_path / "left_out.csv"]
    history = read_history(sources)
    assert history.pairs == [("A", "D"), ("B", "C")]
    assert history.past == {("A", "C"), ("A", "D"), ("B", "C")}
    assert history.unmatched == ["E"]
    assert history.scores[("B", "C")] == 0.25
    assert history.round == 2
    people = rmatch.read_people(PEOPLE)
    result = _program().match(people, previous=sources)
    got = _pairs(result)
    assert not got & history.past  # no repeats (rotation)
    assert "E" in {e for _, e in got}  # left out last time: first now


def test_priority_is_not_applied_with_a_heuristic_method():
    people = rmatch.read_people(PEOPLE)
    program = rmatch.Program(criteria=[rmatch.Skills()], rules=[], method="greedy")
    with pytest.warns(DataQualityWarning, match="priority"):
        result = program.match(
            people, previous={"pairs": [], "unmatched": [{"id": "E"}]}
        )
    assert result.rounds["previously_unmatched"]["possible"] is None


def test_cli_changelog_needs_previous(tmp_path, capsys):
    code, _, err = _cli(
        capsys,
        "match",
        str(DEMO),
        "-q",
        "-o",
        str(tmp_path / "p.csv"),
        "--changelog",
        str(tmp_path / "c.csv"),
    )
    assert code == 0
    assert "--changelog needs --previous" in err
    assert not (tmp_path / "c.csv").exists()

"""Choices files: reading, bad rows, matching on them, reasons, blocking pairs, CLI."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rmatch
from rmatch.choices import read_choices
from rmatch.cli import main
from rmatch.solvers import CandidateGraph, blocking_pairs
from rmatch.solvers.stable import stable_edges


def _people(*extra: dict[str, str]) -> rmatch.People:
    rows = [
        {"id": "M1", "role": "mentor", "interests": "a; b", "email": "m1@x.org"},
        {"id": "M2", "role": "mentor", "interests": "a"},
        {"id": "E1", "role": "mentee", "interests": "a; b", "manager_id": "M1"},
        {"id": "E2", "role": "mentee", "interests": "a"},
        {"id": "E3", "role": "mentee", "interests": "b"},
        *extra,
    ]
    return rmatch.read_people(rows)


def _program(method: str = "stable", **kw: object) -> rmatch.Program:
    return rmatch.Program(
        criteria=[rmatch.Interests()],
        rules=[rmatch.NoReportingLine(1)],
        method=method,
        **kw,  # type: ignore[arg-type]
    )


def _choices(text: str, people: rmatch.People) -> rmatch.Choices:
    return read_choices(text.encode(), people)


# ------------------------------------------------------------------ reading
def test_columns_are_matched_loosely_and_ranks_renumbered() -> None:
    people = _people()
    ch = _choices("Person ID,Candidate,Preference\nE2,M2,3\nE2,M1,1\n", people)
    table = ch.table[["person_id", "candidate_id", "rank", "stated_rank", "side"]]
    assert table.values.tolist() == [
        ["E2", "M1", 1, 1, "mentee"],
        ["E2", "M2", 2, 3, "mentee"],
    ]
    assert ch.choosers("mentee") == ["E2"] and ch.choosers("mentor") == []


def test_mapping_wide_form_and_emails() -> None:
    people = _people()
    frame = pd.DataFrame(
        {"Email": ["E2", "E3"], "First": ["M1@X.org", "M2"], "Second": ["M2", ""]}
    )
    ch = read_choices(
        frame, people, mapping={"person_id": "Email", "ranked": ["First", "Second"]}
    )
    got = ch.table[["person_id", "candidate_id", "rank"]].values.tolist()
    assert got == [["E2", "M1", 1], ["E2", "M2", 2], ["E3", "M2", 1]]
    with pytest.raises(rmatch.ValidationError, match="'Nope'"):
        read_choices(frame, people, mapping={"person_id": "Nope", "ranked": ["First"]})
    with pytest.raises(rmatch.ConfigError, match="unknown keys"):
        read_choices(frame, people, mapping={"persons": "Email"})


def test_every_bad_row_is_named_at_once() -> None:
    people = _people({"id": "X9", "role": "none"})
    text = (
        "person_id,candidate_id,rank\n"
        "E1,NOPE,1\n"  # row 2: unknown id
        "E1,M2,1.5\n"  # row 3: not a whole number
        "E2,M2,0\n"  # row 4: below 1
        ",M2,1\n"  # row 5: blank
        "E2,E3,1\n"  # row 6: same side
        "M1,M1,1\n"  # row 7: themselves
        "E3,M1,first\n"  # row 8: not a number
    )
    with pytest.raises(rmatch.ValidationError) as info:
        _choices(text, people)
    issues = {(i.row, i.code) for i in info.value.issues}
    assert issues == {
        (2, "unknown_id"),
        (3, "bad_rank"),
        (4, "bad_rank"),
        (5, "blank_id"),
        (6, "same_side"),
        (7, "self_choice"),
        (8, "bad_rank"),
    }
    unknown = next(i for i in info.value.issues if i.code == "unknown_id")
    assert unknown.file == "<bytes>" and unknown.value == "NOPE"
    assert unknown.column == "candidate_id"


def test_missing_column_is_an_error() -> None:
    with pytest.raises(rmatch.ValidationError, match="needs the column 'rank'"):
        _choices("person_id,candidate_id\nE1,M1\n", _people())


def test_repeats_ties_and_non_participants_warn() -> None:
    people = _people({"id": "X9", "role": "none"})
    text = (
        "person_id,candidate_id,rank\n"
        "E2,M2,2\nE2,M2,1\n"  # listed twice: the better rank stays
        "E3,M1,1\nE3,M2,1\n"  # a tie
        "E3,X9,2\n"  # not participating: dropped
    )
    with pytest.warns(rmatch.DataQualityWarning) as record:
        ch = _choices(text, people)
    messages = " | ".join(str(w.message) for w in record)
    assert "listed again" in messages and "row 2 (E2 -> M2)" in messages
    assert "ties are broken by score" in messages
    assert "row 6: X9 take(s) part as neither" in messages
    assert {i.code for i in ch.issues} == {
        "choice_dropped",
        "repeated_choice",
        "tied_rank",
    }
    e2 = ch.table[ch.table["person_id"] == "E2"]
    assert e2[["candidate_id", "rank"]].values.tolist() == [["M2", 1]]


def test_both_role_side_follows_the_people() -> None:
    people = _people({"id": "B1", "role": "both"}, {"id": "B2", "role": "both"})
    ch = _choices(
        "person_id,candidate_id,rank,side\nB1,M1,1,\nB1,E2,1,\nB1,B2,2,\nB2,B1,1,mentor\n",
        people,
    )
    rows = set(map(tuple, ch.table[["person_id", "candidate_id", "side"]].values))
    assert rows == {
        ("B1", "M1", "mentee"),
        ("B1", "E2", "mentor"),
        ("B1", "B2", "mentee"),
        ("B1", "B2", "mentor"),
        ("B2", "B1", "mentor"),
    }
    with pytest.raises(rmatch.ValidationError, match="neither mentee nor mentor"):
        _choices("person_id,candidate_id,rank,side\nB1,M1,1,maybe\n", people)
    with pytest.raises(rmatch.ValidationError, match="as a mentor"):
        _choices("person_id,candidate_id,rank,side\nE1,M1,1,mentor\n", people)


# ------------------------------------------------------------------ matching
def test_forbidden_choice_is_dropped_with_the_rule_and_the_chooser_kept() -> None:
    people = _people()
    ch = _choices("person_id,candidate_id,rank\nE1,M1,1\nE2,M1,1\nE3,M1,1\n", people)
    with pytest.warns(rmatch.DataQualityWarning, match=r"row 2: E1 -> M1 \(no repo"):
        result = _program().match(people, choices=ch)
    pairs = result.pairs[["mentor_id", "mentee_id"]].values.tolist()
    assert ["M1", "E1"] not in pairs
    reasons = dict(result.unmatched[["id", "reason_code"]].values.tolist())
    assert reasons["E1"] == "choices_forbidden"
    assert "forbid" in result.explain("E1").to_dict()["reason"]
    # E2 and E3 both want M1 (capacity 1): M1 keeps the better score (E2), E3 is
    # out because its only choice is full; M2 was chosen by nobody
    assert pairs == [["M1", "E2"]]
    assert reasons["E3"] == "choices_taken"
    assert reasons["M2"] == "not_chosen"
    everyone = set(result.unmatched["id"]) | {p for pair in pairs for p in pair}
    assert everyone == set(people.ids)


def test_unacceptable_when_the_other_side_ranked_someone_else() -> None:
    people = _people()
    ch = _choices("person_id,candidate_id,rank\nE2,M2,1\nM2,E3,1\n", people)
    result = _program().match(people, choices=ch)
    reasons = dict(result.unmatched[["id", "reason_code"]].values.tolist())
    assert reasons["E2"] == "choices_unacceptable"
    # E3 ranked nobody and prefers M1 (a shared interest) to M2, who chose E3
    assert result.pairs[["mentor_id", "mentee_id"]].values.tolist() == [["M1", "E3"]]
    assert reasons["M2"] == "choices_taken"
    assert "could take them" in result.explain("M2").to_dict()["reason"]


def test_stable_mentee_vs_mentor_optimal_and_flow_utility() -> None:
    people = _people()
    text = (
        "person_id,candidate_id,rank\n"
        "E2,M1,1\nE2,M2,2\nE3,M2,1\nE3,M1,2\n"
        "M1,E3,1\nM1,E2,2\nM2,E2,1\nM2,E3,2\n"
    )
    ch = _choices(text, people)

    def pairs(method: str) -> list[list[str]]:
        result = _program(method).match(people, choices=ch)
        assert result.blocking_pairs == 0
        return sorted(result.pairs[["mentor_id", "mentee_id"]].values.tolist())

    assert pairs("stable") == [["M1", "E2"], ["M2", "E3"]]
    assert pairs("stable:mentor") == [["M1", "E3"], ["M2", "E2"]]
    result = _program("flow").match(people, choices=ch)
    assert result.summary().objective_name == "rank utility"
    assert result.objective == 6.0  # K = 2: each pair 2 + 1
    assert set(result.pairs.columns) >= {"mentee_choice", "mentor_choice"}


def test_pruned_choice_is_scored_and_added_back() -> None:
    people = _people()
    # E3 ("b") shares nothing with M2 ("a"): with top_k=1 the pair is pruned
    ch = _choices("person_id,candidate_id,rank\nE3,M2,1\n", people)
    program = _program(top_k=1)
    plain = program.candidates(people)
    edges = set(
        zip(
            people.ids[plain.mentors[plain.graph.left]],
            people.ids[plain.mentees[plain.graph.right]],
            strict=True,
        )
    )
    assert plain.pruned and ("M2", "E3") not in edges
    program.method = "flow"  # the best ranks: E3 gets their only choice
    result = program.match(people, choices=ch)
    assert ["M2", "E3"] in result.pairs[["mentor_id", "mentee_id"]].values.tolist()
    program.method = "stable"  # M2 (ranked nobody) keeps E2, who prefers M2 too
    result = program.match(people, choices=ch)
    assert result.pairs[["mentor_id", "mentee_id"]].values.tolist() == [["M2", "E2"]]
    assert "E3" in set(result.unmatched["id"])


def test_stable_with_quotas_is_refused() -> None:
    people = _people()
    program = rmatch.Program(
        criteria=[rmatch.Interests()], rules=[rmatch.MentorLoad(min=1)], method="stable"
    )
    ch = _choices("person_id,candidate_id,rank\nE2,M1,1\n", people)
    with pytest.raises(rmatch.ConfigError, match="does not support"):
        program.match(people, choices=ch)


# ------------------------------------------------------------------ blocking pairs
def test_blocking_pairs_for_every_method_in_summary_and_json() -> None:
    people = rmatch.read_people(rmatch.datasets.demo_path())
    program = rmatch.Program.from_toml(rmatch.datasets.demo_program_path())
    counts = {}
    for method in ("flow", "stable", "greedy"):
        program.method = method
        result = program.match(people)
        s = result.summary()
        assert s.preferences == "scores"
        expected = blocking_pairs(result.candidates.graph, result.solution.edges)
        assert s.blocking_pairs == expected.size
        assert result.to_records()["summary"]["blocking_pairs"] == expected.size
        assert f"blocking pairs    {expected.size} (preferences: scores)" in str(s)
        counts[method] = s.blocking_pairs
    assert counts["stable"] == 0 and counts["flow"] > 0


def test_blocking_pairs_with_stated_ranks_break_ties_by_edge() -> None:
    g = CandidateGraph.from_dense(np.ones((2, 2)))
    ranks = (np.array([0, 0, 0, 0]), np.array([0, 0, 0, 0]))  # all tied
    assert stable_edges(g, ranks).tolist() == [0, 3]
    assert blocking_pairs(g, [0, 3], ranks).size == 0
    assert blocking_pairs(g, [1, 2], ranks).tolist() == [0]
    with pytest.raises(rmatch.ConfigError, match="proposer"):
        stable_edges(g, proposer="both")


# ------------------------------------------------------------------ CLI
def test_cli_match_with_choices(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copy(rmatch.datasets.demo_path(), "signups.csv")
    shutil.copy(rmatch.datasets.demo_program_path(), "program.toml")
    program = rmatch.Program.from_toml("program.toml")
    people = rmatch.read_people("signups.csv")
    table = program.shortlist(people, k=3).table
    table[["person_id", "candidate_id", "rank"]].to_csv("choices.csv", index=False)
    code = main(
        [
            "match", "signups.csv", "--config", "program.toml", "--choices",
            "choices.csv", "--method", "stable", "-q", "--json", "out.json",
        ]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "blocking pairs    0 (preferences: choices)" in out
    summary = json.loads(Path("out.json").read_text(encoding="utf-8"))["summary"]
    assert summary["blocking_pairs"] == 0 and summary["choices"]["first_choices"] > 0
    Path("bad.csv").write_text("person_id,candidate_id,rank\nE000001,NOPE,1\n")
    code = main(["match", "signups.csv", "--choices", "bad.csv", "-q"])
    out, err = capsys.readouterr()
    assert code == 2 and "unknown id 'NOPE'" in err and "Traceback" not in err


def test_no_warning_for_a_clean_file() -> None:
    people = _people()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ch = _choices("person_id,candidate_id,rank\nE2,M1,1\nE2,M2,2\n", people)
        _program().match(people, choices=ch)


def test_both_role_choice_takes_the_side_other_choices_show() -> None:
    people = _people({"id": "B1", "role": "both"}, {"id": "B2", "role": "both"})
    # B1 also ranked a mentor, so their choice of B2 is as a mentee too
    ch = _choices("person_id,candidate_id,rank\nB1,M2,1\nB1,B2,2\nB2,B1,1\n", people)
    rows = set(map(tuple, ch.table[["person_id", "candidate_id", "side"]].values))
    assert rows == {
        ("B1", "M2", "mentee"),
        ("B1", "B2", "mentee"),
        ("B2", "B1", "mentee"),
        ("B2", "B1", "mentor"),
    }


def test_both_role_forbidden_direction_is_dropped_silently() -> None:
    people = _people(
        {"id": "B1", "role": "both", "seniority": "1"},
        {"id": "B2", "role": "both", "seniority": "5"},
    )
    program = rmatch.Program(
        criteria=[rmatch.Interests()],
        rules=[rmatch.ReverseSeniority()],  # B2 (senior) may not mentor B1
        method="flow",
    )
    ch = _choices("person_id,candidate_id,rank\nB1,B2,1\n", people)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the allowed direction stays: no warning
        warnings.filterwarnings("ignore", "every candidate pair scores 0")  # no data
        result = program.match(people, choices=ch)
    stats = result.solution.stats["choices"]
    assert (stats["mentee_choosers"], stats["mentor_choosers"]) == (0, 1)
    assert ["B1", "B2"] in result.pairs[["mentor_id", "mentee_id"]].values.tolist()


def test_capacity_zero_chooser_keeps_that_reason_and_coverage_objective() -> None:
    people = _people({"id": "E9", "role": "mentee", "capacity": "0"})
    ch = _choices("person_id,candidate_id,rank\nE9,M2,1\nE2,M2,1\n", people)
    result = _program().match(people, choices=ch)
    reasons = dict(result.unmatched[["id", "reason_code"]].values.tolist())
    assert reasons["E9"] == "capacity_zero"
    result = _program("flow", objective="coverage").match(people, choices=ch)
    s = result.summary()
    assert (s.objective_name, s.objective) == ("coverage", float(s.pairs))


def test_explanation_names_the_choice() -> None:
    people = _people()
    ch = _choices("person_id,candidate_id,rank\nE2,M1,2\nE2,M2,1\n", people)
    result = _program().match(people, choices=ch)
    pair = result.explain("E2").to_dict()["pairs"][0]
    assert (pair["partner_id"], pair["choice"]) == ("M2", 1)
    assert pair["rank_text"].endswith("their 1st choice") and pair["better"] is None
    other = result.explain("M2").to_dict()["pairs"][0]
    assert other["choice"] is None and "not ranked by them" in other["rank_text"]


def test_cli_choices_columns_map_a_form_export(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(rmatch.datasets.demo_path(), "signups.csv")
    Path("form.csv").write_text(
        "Your id,First choice,Second choice\nE000001,E000150,E000063\n",
        encoding="utf-8",
    )
    argv = ["match", "signups.csv", "--choices", "form.csv", "-q", "--method", "stable"]
    columns = ["person_id=Your id", "ranked=First choice", "ranked=Second choice"]
    code = main([*argv, *(f"--choices-column={c}" for c in columns)])
    _, err = capsys.readouterr()
    assert code == 0, err
    pairs = pd.read_csv("pairs.csv", dtype=str)
    mine = pairs[pairs["mentee_id"] == "E000001"]
    assert mine["mentee_choice"].tolist() in (["1.0000"], ["2.0000"])
    code = main([*argv, "--choices-column", "person_id"])
    _, err = capsys.readouterr()
    assert code == 2 and "FIELD=COLUMN" in err


def test_many_forbidden_choices_are_named_then_counted() -> None:
    people = _people(
        *({"id": f"R{i}", "role": "mentee", "manager_id": "M1"} for i in range(8))
    )
    text = "person_id,candidate_id,rank\n" + "".join(f"R{i},M1,1\n" for i in range(8))
    with pytest.warns(rmatch.DataQualityWarning) as record:
        result = _program().match(people, choices=_choices(text, people))
    message = str(record[0].message)
    assert message.count("no reporting line") == 5 and message.endswith("and 3 more")
    assert set(
        result.unmatched.set_index("id").loc[[f"R{i}" for i in range(8)], "reason_code"]
    ) == {"choices_forbidden"}


def test_choices_with_a_previous_round_are_refused_not_dropped() -> None:
    """A re-match used to drop the choices without a word."""
    people = rmatch.read_people(str(rmatch.datasets.demo_path()))
    program = rmatch.Program()
    first = program.match(people)
    mentor, mentee = first.pairs[["mentor_id", "mentee_id"]].iloc[0]
    choices = rmatch.read_choices(
        pd.DataFrame({"person_id": [mentee], "candidate_id": [mentor], "rank": [1]}),
        people,
    )
    with pytest.raises(rmatch.ConfigError, match="choices or previous/feedback"):
        program.match(people, choices=choices, previous=first)

"""Rounds: the joint plan on the demo organization, ``rmatch rounds``, read_matching."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rmatch
from rmatch.cli import main
from rmatch.errors import ConfigError, DataQualityWarning, ValidationError
from rmatch.result import write_table
from rmatch.rounds import split_rounds

DEMO = Path(rmatch.datasets.demo_path())
DEMO_PROGRAM = Path(rmatch.datasets.demo_program_path())


@pytest.fixture(scope="module")
def demo() -> tuple[rmatch.Program, rmatch.People]:
    return rmatch.Program.from_toml(DEMO_PROGRAM), rmatch.read_people(DEMO)


@pytest.fixture(scope="module")
def demo_result(demo) -> rmatch.Matching:
    program, people = demo
    return program.match(people)


def _unordered(pairs: pd.DataFrame) -> list[frozenset[str]]:
    return [frozenset(p) for p in zip(pairs.mentor_id, pairs.mentee_id, strict=True)]


def test_four_rounds_of_the_demo_never_repeat_a_pair(demo):
    program, people = demo
    plan = rmatch.plan_rounds(program, people, 4)
    pairs = _unordered(plan.pairs)
    assert len(pairs) == len(set(pairs)) > 0
    g = plan.rounds[0].candidates.graph
    for r in plan.rounds:
        e = np.asarray(r.solution.edges)
        assert np.all(np.bincount(g.left[e], minlength=g.n_left) <= g.left_capacity)
        assert np.all(np.bincount(g.right[e], minlength=g.n_right) <= g.right_capacity)
    assert plan.solution.status == "optimal"
    assert plan.total_score >= plan.sequential_total - 1e-9
    assert plan.total_score == pytest.approx(plan.solution.total_score)
    table = plan.table()
    assert table["round"].tolist() == [1, 2, 3, 4]
    assert table["pairs"].sum() == len(plan.pairs)
    assert "gain of the joint plan" in str(plan)
    assert repr(plan).startswith("RoundsPlan(rounds=4")


def test_the_first_round_of_one_is_an_optimal_match(demo, demo_result):
    program, people = demo
    plan = rmatch.plan_rounds(program, people, 1, compare=False)
    assert plan.total_score == pytest.approx(demo_result.total_score)
    assert plan.sequential == [] and np.isnan(plan.sequential_total)


def test_plan_is_deterministic(demo):
    program, people = demo
    a = rmatch.plan_rounds(program, people, 3, compare=False).pairs
    b = rmatch.plan_rounds(program, people, 3, compare=False).pairs
    pd.testing.assert_frame_equal(a, b)


def test_plan_with_the_priced_lp_equals_the_whole_lp(demo, monkeypatch):
    # the joint plan (capacities n x capacity on both sides) priced on a core
    from rmatch.solvers import _pricing

    program, people = demo
    program = rmatch.Program.from_dict(program.to_dict())
    program.method = "flow:highs-lp"
    whole = rmatch.plan_rounds(program, people, 3, compare=False)
    assert "pricing_rounds" not in whole.solution.stats  # demo is small
    monkeypatch.setattr(_pricing, "PRICE_MIN_EDGES", 0)
    monkeypatch.setattr(_pricing, "CORE_K", 0)  # an empty first core: priced in
    priced = rmatch.plan_rounds(program, people, 3, compare=False)
    assert priced.solution.stats["pricing_rounds"] >= 2
    assert priced.solution.status == "optimal"
    assert priced.total_score == pytest.approx(whole.total_score, abs=1e-9)
    # the tables are built on first use, and then kept
    first = priced.rounds[0]
    assert "pairs" not in vars(first) and "unmatched" not in vars(first)
    pairs = _unordered(priced.pairs)
    assert len(pairs) == len(set(pairs))
    assert first.pairs is first.pairs and len(first.pairs) == len(first.solution.edges)


@pytest.mark.parametrize("n", [0, -1, 1.5, True, "2"])
def test_bad_number_of_rounds(demo, n):
    program, people = demo
    with pytest.raises(ConfigError, match="number of rounds"):
        rmatch.plan_rounds(program, people, n)


def test_side_constraints_are_refused(demo):
    _, people = demo
    quota = rmatch.Program(rules=[rmatch.MentorLoad(max=1)])
    with pytest.raises(ConfigError, match="side constraints"):
        rmatch.plan_rounds(quota, people, 2)


def test_two_people_who_may_mentor_each_other_are_paired_once():
    people = rmatch.read_people(
        [
            {
                "id": "A",
                "role": "both",
                "skills_offered": "sql:5",
                "skills_wanted": "sql:5",
            },
            {
                "id": "B",
                "role": "both",
                "skills_offered": "sql:5",
                "skills_wanted": "sql:5",
            },
        ]
    )
    program = rmatch.Program(criteria=[rmatch.Skills()], rules=[], method="flow")
    plan = rmatch.plan_rounds(program, people, 3)
    assert len(plan.pairs) == 1
    assert plan.solution.method.startswith("ilp")


def test_split_refuses_degrees_above_n_times_capacity():
    with pytest.raises(ConfigError, match="no split"):
        split_rounds([0, 0, 0], [0, 1, 2], [1], [1, 1, 1], 2)
    with pytest.raises(ConfigError, match="number of rounds"):
        split_rounds([0], [0], [1], [1], 0)
    assert [r.tolist() for r in split_rounds([], [], [1], [1], 2)] == [[], []]


# ---------------------------------------------------------------------- CLI


def test_cli_rounds_on_the_demo(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    signups = tmp_path / "signups.csv"
    shutil.copy(DEMO, signups)
    code = main(
        [
            "rounds",
            str(signups),
            "--config",
            str(DEMO_PROGRAM),
            "--rounds",
            "4",
            "-o",
            "rounds/",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "joint plan" in out and "round by round" in out
    folder = tmp_path / "rounds"
    names = sorted(p.name for p in folder.iterdir())
    assert names == [f"round_{k}.csv" for k in (1, 2, 3, 4)] + ["summary.csv"]
    frames = [rmatch.read_matching(folder / f"round_{k}.csv") for k in (1, 2, 3, 4)]
    pairs = [p for f in frames for p in _unordered(f)]
    assert len(pairs) == len(set(pairs)) > 0
    summary = pd.read_csv(folder / "summary.csv")
    assert summary["pairs"].tolist() == [len(f) for f in frames]


def test_cli_rounds_errors(tmp_path, capsys):
    assert main(["rounds", str(DEMO), "--rounds", "0"]) == 2
    assert "must be at least 1" in capsys.readouterr().err
    config = tmp_path / "program.toml"
    config.write_text(
        DEMO_PROGRAM.read_text(encoding="utf-8")
        + "\n[quotas]\nmentor_load = { max = 1 }\n",
        encoding="utf-8",
    )
    code = main(
        ["rounds", str(DEMO), "--config", str(config), "--rounds", "2", "-o", "x"]
    )
    assert code == 2
    assert "side constraints" in capsys.readouterr().err


# ---------------------------------------------------------------- read_matching


def _ids(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return list(zip(frame.mentor_id, frame.mentee_id, strict=True))


def test_read_matching_round_trips_the_csv(demo_result, tmp_path):
    path = demo_result.to_csv(tmp_path / "pairs.csv")
    back = rmatch.read_matching(path)
    assert _ids(back) == _ids(demo_result.pairs)
    assert list(back.columns) == list(demo_result.pairs.columns)
    assert back["score"].to_numpy() == pytest.approx(
        demo_result.pairs["score"].to_numpy(), abs=1e-4
    )
    assert back.attrs["source"] == "pairs.csv"


def test_read_matching_round_trips_the_json(demo_result, tmp_path):
    path = demo_result.to_json(tmp_path / "result.json")
    assert _ids(rmatch.read_matching(path)) == _ids(demo_result.pairs)
    assert _ids(rmatch.read_matching(demo_result.to_records())) == _ids(
        demo_result.pairs
    )
    assert _ids(rmatch.read_matching(demo_result)) == _ids(demo_result.pairs)
    records = demo_result.to_csv(tmp_path / "pairs.json")  # a list of records
    assert _ids(rmatch.read_matching(records)) == _ids(demo_result.pairs)


def test_read_matching_round_trips_excel(demo_result, tmp_path):
    pytest.importorskip("openpyxl")
    path = demo_result.to_csv(tmp_path / "pairs.xlsx")
    assert _ids(rmatch.read_matching(path)) == _ids(demo_result.pairs)


def test_read_matching_hand_made_file_and_formula_ids(tmp_path):
    frame = pd.DataFrame({"Mentor ID": ["=M1", "M2"], "mentee-id": ["E1", "+E2"]})
    path = write_table(frame, tmp_path / "hand.csv")
    assert "'=M1" in path.read_text(encoding="utf-8")
    back = rmatch.read_matching(path)
    assert _ids(back) == [("=M1", "E1"), ("M2", "+E2")]
    assert _ids(rmatch.read_matching(frame)) == _ids(back)


def test_read_matching_missing_column(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("mentor,mentee_id\nA,B\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        rmatch.read_matching(path)
    issue = info.value.issues[0]
    assert (issue.file, issue.column, issue.code) == (
        "pairs.csv",
        "mentor_id",
        "missing_column",
    )


def test_read_matching_blank_ids_and_self_pairs(tmp_path):
    path = tmp_path / "pairs.csv"
    path.write_text("mentor_id,mentee_id\nA,B\n,C\nD,\nE,E\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        rmatch.read_matching(path)
    found = [(i.row, i.column, i.code) for i in info.value.issues]
    assert found == [
        (3, "mentor_id", "blank_id"),
        (4, "mentee_id", "blank_id"),
        (5, "mentee_id", "self_pair"),
    ]
    assert "pairs.csv" in str(info.value)


def test_read_matching_drops_repeated_pairs():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        back = rmatch.read_matching(
            [{"mentor_id": "A", "mentee_id": "B"}, {"mentor_id": "A", "mentee_id": "B"}]
        )
    assert _ids(back) == [("A", "B")]
    assert any(issubclass(w.category, DataQualityWarning) for w in caught)

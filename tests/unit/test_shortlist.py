"""Shortlists: rules, the exposure cap, ranks, the mutual rule, the CLI."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import rmatch
from rmatch.cli import main
from rmatch.errors import ConfigError
from rmatch.shortlist import Shortlist, gini, shortlist_top_k

DEMO = Path(rmatch.datasets.demo_path())
DEMO_PROGRAM = Path(rmatch.datasets.demo_program_path())


@pytest.fixture(scope="module")
def demo() -> tuple[rmatch.Program, rmatch.People]:
    return rmatch.Program.from_toml(DEMO_PROGRAM), rmatch.read_people(str(DEMO))


def _small() -> rmatch.People:
    """A manages C; three mentors, four mentees."""
    records = [
        {"id": "A", "role": "mentor", "skills_offered": "genai:5"},
        {"id": "B", "role": "mentor", "skills_offered": "genai:3"},
        {"id": "M", "role": "mentor", "skills_offered": "genai:4"},
        {
            "id": "C",
            "role": "mentee",
            "skills_wanted": "genai:4",
            "manager_id": "A",
        },
        {"id": "D", "role": "mentee", "skills_wanted": "genai:4"},
        {"id": "E", "role": "mentee", "skills_wanted": "genai:2"},
        {"id": "F", "role": "mentee", "skills_wanted": "genai:5"},
    ]
    records[3]["manager_id"] = "A"
    return rmatch.read_people(records)


def test_rows_respect_rules_and_ranks() -> None:
    people = _small()
    lists = rmatch.Program(criteria=[rmatch.Skills()]).shortlist(people, k=2)
    table = lists.table
    assert list(table.columns[:4]) == ["person_id", "rank", "candidate_id", "score"]
    assert "skills" in table.columns and "reason" in table.columns
    assert not ((table.person_id == "C") & (table.candidate_id == "A")).any()
    for _, rows in table.groupby("person_id"):
        assert rows["rank"].tolist() == list(range(1, len(rows) + 1))
        assert rows["score"].is_monotonic_decreasing
    assert set(table.person_id) == {"C", "D", "E", "F"}
    assert (table.groupby("person_id").size() == 2).all()
    e = lists.exposure
    assert e["max_exposure"] == math.ceil(8 / 3)  # 8 suggestions on 3 mentors
    assert e["with_cap"]["max"] <= e["max_exposure"]
    assert e["people_with_k"] == 4 and e["exact"]


def test_given_cap_is_respected_and_counted(demo) -> None:
    program, people = demo
    lists = program.shortlist(people, k=4, max_exposure=2)
    counts = lists.table.candidate_id.value_counts()
    assert counts.max() <= 2
    e = lists.exposure
    assert e["cap_source"] == "given" and e["max_exposure"] == 2
    assert e["suggestions"] == len(lists) <= e["without_cap"]["suggestions"]
    assert e["score_given_up"] >= -1e-9
    assert e["without_cap"]["max"] >= e["with_cap"]["max"]


def test_default_cap_is_the_least_that_serves_everyone(demo) -> None:
    program, people = demo
    lists = program.shortlist(people, k=3)
    cap = lists.exposure["max_exposure"]
    full = lists.exposure["without_cap"]["suggestions"]
    assert len(lists) == full
    assert len(program.shortlist(people, k=3, max_exposure=cap - 1)) < full


def test_without_cap_is_each_persons_top_k(demo) -> None:
    program, people = demo
    lists = program.shortlist(people, k=3, max_exposure=len(people))
    e = lists.exposure
    assert e["score_given_up"] == pytest.approx(0, abs=1e-6)
    # equal scores may be broken differently, never the count or the total
    assert e["with_cap"]["suggestions"] == e["without_cap"]["suggestions"]


def test_mentor_side_and_mutual(demo) -> None:
    program, people = demo
    k = 3
    lists = program.shortlist(people, k=k, side="mentor", mutual=True)
    table = lists.table
    assert set(table.person_id) <= set(people.ids[people.is_mentor])
    assert set(table.candidate_id) <= set(people.ids[people.is_mentee])
    # independent check of the mutual rule: the candidate's own k best partners
    cs = program.candidates(people)
    g = cs.graph
    edges = pd.DataFrame(
        {
            "mentor": people.ids[cs.mentors[g.left]],
            "mentee": people.ids[cs.mentees[g.right]],
            "w": g.weight,
        }
    )
    for row in table.itertuples():
        theirs = edges[edges.mentee == row.candidate_id].sort_values(
            ["w", "mentor"], ascending=[False, True]
        )
        position = theirs.mentor.tolist().index(row.person_id) + 1
        assert position == row.candidate_rank <= k
    plain = program.shortlist(people, k=k, side="mentor")
    assert len(table) <= len(plain)


def test_same_lists_whatever_the_row_order(demo) -> None:
    program, _ = demo
    frame = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    base = program.shortlist(rmatch.read_people(frame), k=3).table
    shuffled = frame.sample(frac=1, random_state=3).reset_index(drop=True)
    other = program.shortlist(rmatch.read_people(shuffled), k=3).table
    pd.testing.assert_frame_equal(base, other)


def test_bad_options() -> None:
    program, people = rmatch.Program(criteria=[rmatch.Skills()]), _small()
    for options in ({"k": 0}, {"max_exposure": 0}, {"side": "both"}, {"k": True}):
        with pytest.raises(ConfigError):
            program.shortlist(people, **options)


def test_nobody_to_suggest() -> None:
    people = rmatch.read_people([{"id": "A", "role": "mentee"}])
    lists = rmatch.Program(criteria=[rmatch.Skills()]).shortlist(people)
    assert isinstance(lists, Shortlist) and len(lists) == 0
    assert "0 of 1 mentees" in lists.summary()


def test_to_csv_and_exposure_table(demo, tmp_path) -> None:
    program, people = demo
    lists = program.shortlist(people, k=2)
    target = tmp_path / "s.csv"
    lists.to_csv(target)
    back = pd.read_csv(target, dtype={"person_id": str, "candidate_id": str})
    assert back[["person_id", "rank", "candidate_id"]].equals(
        lists.table[["person_id", "rank", "candidate_id"]]
    )
    assert lists.to_csv().startswith("person_id,rank,candidate_id,score")
    assert lists.exposure_table()["spread"].tolist() == ["with cap", "without cap"]


def test_gini_and_top_k() -> None:
    assert gini([]) == 0.0 and gini([0, 0]) == 0.0
    assert gini([1, 1, 1, 1]) == pytest.approx(0.0)
    people = _small()
    assert shortlist_top_k(people, 5, None) is None


def test_everyone_gets_k_when_a_flow_allows(demo) -> None:
    program, people = demo
    k = 4
    lists = program.shortlist(people, k=k)
    cap = lists.exposure["max_exposure"]
    cs = program.candidates(people)
    g = cs.graph
    net = nx.DiGraph()
    for node in np.flatnonzero(g.right_capacity > 0):
        net.add_edge("s", ("e", int(node)), capacity=k)
    for node in np.flatnonzero(g.left_capacity > 0):
        net.add_edge(("m", int(node)), "t", capacity=cap)
    for m, e in zip(g.left.tolist(), g.right.tolist(), strict=True):
        net.add_edge(("e", e), ("m", m), capacity=1)
    assert nx.maximum_flow_value(net, "s", "t") == len(lists)


def test_cli_shortlist(tmp_path, capsys) -> None:
    target = tmp_path / "shortlist.csv"
    argv = ["shortlist", str(DEMO), "--config", str(DEMO_PROGRAM), "-k", "3"]
    code = main([*argv, "--max-exposure", "5", "--mutual", "-o", str(target)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "each candidate is on at most 5 lists" in out
    table = pd.read_csv(target, dtype=str)
    assert {"person_id", "rank", "candidate_id", "score", "reason"} <= set(table)
    assert table.candidate_id.value_counts().max() <= 5
    assert main([*argv, "--side", "mentor", "-o", str(target)]) == 0
    capsys.readouterr()
    assert main(["shortlist", str(tmp_path / "missing.csv")]) == 2
    assert main([*argv[:2], "--config", str(tmp_path / "none.toml")]) == 2
    assert main(["shortlist", str(DEMO), "-k", "0"]) == 2
    assert "Traceback" not in "".join(capsys.readouterr())


def test_cli_help(capsys) -> None:
    assert main(["shortlist", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--max-exposure" in out and "--mutual" in out and "--side" in out

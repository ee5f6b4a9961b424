"""Same people, any row order: byte-identical pairs and JSON (issue 16, point 10)."""

from __future__ import annotations

import csv
import json
import random
import warnings

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch

from .strategies import organizations

pytestmark = pytest.mark.filterwarnings("ignore:every candidate pair scores 0")

METHODS = [
    ("assignment", None),
    ("flow", None),
    ("ilp", None),
    ("stable", None),
    ("greedy", None),
    ("auto", None),
    ("auto", 2),  # the pruned, certified path
]


def _outputs(records: list[dict[str, str]], method: str, top_k: int | None, tmp):
    if method == "assignment":  # one partner each
        records = [{k: v for k, v in r.items() if k != "capacity"} for r in records]
    people = rmatch.read_people(pd.DataFrame(records))
    program = rmatch.Program(
        rules=[rmatch.NoReportingLine(1)], method=method, top_k=top_k
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rmatch.DataQualityWarning)
        result = program.match(people)
    result.to_csv(tmp / "pairs.csv", unmatched=tmp / "unmatched.csv")
    result.to_json(tmp / "result.json")
    return (
        (tmp / "pairs.csv").read_bytes(),
        _without_rows(tmp / "unmatched.csv"),
        _without_rows(tmp / "result.json"),
    )


def _without_rows(path) -> bytes:
    """The file's bytes without the unmatched people's input row numbers.

    The unmatched table says which row of the input file each person was on: that
    changes with the row order by design, so only that column is left out.
    """
    if path.suffix == ".csv":
        lines = path.read_text(encoding="utf-8").splitlines()
        rows = list(csv.reader(lines))
        keep = [i for i, name in enumerate(rows[0]) if name != "row"]
        return repr([[r[i] for i in keep] for r in rows]).encode()
    data = json.loads(path.read_text(encoding="utf-8"))
    for person in data["unmatched"]:
        person.pop("row", None)
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


@pytest.mark.parametrize(("method", "top_k"), METHODS)
@settings(max_examples=8, deadline=None)
@given(records=organizations(max_mentors=6, max_mentees=6), seed=st.integers(0, 99))
def test_shuffled_rows_give_byte_identical_outputs(
    tmp_path_factory, method, top_k, records, seed
):
    tmp = tmp_path_factory.mktemp("run")
    first = _outputs(records, method, top_k, tmp)
    shuffled = records[:]
    random.Random(seed).shuffle(shuffled)
    assert _outputs(shuffled, method, top_k, tmp) == first


def test_ties_are_broken_by_id_not_by_row():
    # four mentors with the same score for one mentee: the winner depends on the
    # ids only, in whichever rows they come
    rows = [{"id": "M", "role": "mentee", "skills_wanted": "genai:3"}] + [
        {"id": f"A{i}", "role": "mentor", "skills_offered": "genai:5"} for i in range(4)
    ]
    for method in ("assignment", "flow", "ilp", "stable", "greedy"):
        winners = set()
        for order in (
            rows,
            rows[::-1],
            rows[2:] + rows[:2],
            [rows[i] for i in (2, 0, 4, 1, 3)],
        ):
            program = rmatch.Program(
                criteria=[rmatch.Skills()], rules=[], method=method
            )
            pairs = program.match(rmatch.read_people(order)).pairs
            winners.add(tuple(map(tuple, pairs[["mentor_id", "mentee_id"]].values)))
        assert len(winners) == 1, (method, winners)


def test_json_is_byte_identical_across_runs_and_timings_are_apart(tmp_path):
    people = rmatch.read_people(rmatch.datasets.demo_path())
    program = rmatch.Program.from_toml(rmatch.datasets.demo_program_path())
    a = program.match(people).to_json(tmp_path / "a.json").read_bytes()
    b = program.match(people).to_json(tmp_path / "b.json").read_bytes()
    assert a == b and b"seconds" not in a
    timed = program.match(people).to_records(timings=True)
    assert set(timed["timings"]) >= {"score", "solve"}

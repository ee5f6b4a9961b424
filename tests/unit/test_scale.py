"""Reading at scale: the coded parsers equal the per-cell reference, and the runner.

``read_people`` parses each distinct cell once and each distinct item (a skill, an
availability slot) once; these tests check the fast path against the public
per-cell functions of :mod:`rmatch.parsing`, errors included. The benchmark runner
is run on a small organization; the million-employee check is ``slow``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rmatch
from rmatch.datasets import synthetic_org
from rmatch.parsing import (
    AvailabilityMasks,
    ParseError,
    SkillsParser,
    parse_availability,
    parse_set,
    parse_skills,
    parse_timezone,
    to_utc_slots,
)

ROOT = Path(__file__).resolve().parents[2]

DAYS = ["Mon", "Tue", "wed", "Thursday", "F", "Sat", "Sun", "Mon-Fri", "weekends"]
TIMES = [
    "09:00-11:00",
    "9-11am",
    "6:00-7:00pm",
    "22:00-01:00",
    "11-1pm",
    "10:30 - 12:45",
    "14:00–15:30",
    "9-5",  # ambiguous: an error
    "25:00-26:00",  # an error
    "morning",
    "lunch",
]
SEPARATORS = ["; ", ";", "\n", " | ", "\r\n"]


@st.composite
def availability_text(draw: st.DrawFn) -> str:
    items = []
    for _ in range(draw(st.integers(0, 4))):
        day, time = draw(st.sampled_from(DAYS)), draw(st.sampled_from(TIMES))
        items.append(f"{day} {time}" if draw(st.booleans()) else f"{time} {day}")
    if draw(st.booleans()):
        items.append(draw(st.sampled_from(["", "  ", "N/A", "gibberish"])))
    sep = draw(st.sampled_from(SEPARATORS))
    return sep.join(items)


SKILLS = ["Python", "python", "GenAI", "social  media", "tiktok", "Machine Learning"]
LEVELS = ["", ":1", ":3", ":5", " (4)", ":7", ":x", " (ML)"]


@st.composite
def skills_text(draw: st.DrawFn) -> str:
    items = [
        draw(st.sampled_from(SKILLS)) + draw(st.sampled_from(LEVELS))
        for _ in range(draw(st.integers(0, 4)))
    ]
    if draw(st.booleans()):
        items.append(draw(st.sampled_from(["", " ", ":3", "nan"])))
    return draw(st.sampled_from(SEPARATORS)).join(items)


def _outcome(fn, text):
    try:
        return ("ok", fn(text))
    except ParseError as exc:
        return ("error", exc.message)


@given(availability_text())
def test_availability_items_parse_like_the_whole_cell(text: str) -> None:
    fast = _outcome(AvailabilityMasks(), text)
    slow = _outcome(parse_availability, text)
    assert fast[0] == slow[0]
    if fast[0] == "error":
        assert fast[1] == slow[1]
        return
    local = to_utc_slots(slow[1], "UTC")  # UTC: the local mask itself
    np.testing.assert_array_equal(fast[1], local)


@given(skills_text())
def test_skill_items_parse_like_the_whole_cell(text: str) -> None:
    assert _outcome(SkillsParser(), text) == _outcome(parse_skills, text)


# Cells of a whole column: odd characters send a cell down the per-cell path.
ODD = st.sampled_from(["", " ", "\r", "\ufeff", "\u200b", "\t", "nan", "NA"])


@st.composite
def column_of(draw: st.DrawFn, cell: st.SearchStrategy[str]) -> list[str]:
    cells = draw(st.lists(cell, max_size=12))
    return [draw(ODD) + c + draw(ODD) if draw(st.booleans()) else c for c in cells]


@given(column_of(availability_text()))
def test_availability_many_equals_each_cell(texts: list[str]) -> None:
    parser = AvailabilityMasks()
    masks, errors = parser.many(texts)
    assert masks.shape == (len(texts), 672)
    for i, text in enumerate(texts):
        got = _outcome(AvailabilityMasks(), text)
        if got[0] == "error":
            assert errors[i].message == got[1]
            assert not masks[i].any()
        else:
            assert i not in errors
            np.testing.assert_array_equal(masks[i], got[1])


@given(column_of(skills_text()))
def test_skills_many_equals_each_cell(texts: list[str]) -> None:
    rows = SkillsParser().many(texts)
    assert rows.indptr.size == len(texts) + 1
    for i, text in enumerate(texts):
        got = _outcome(SkillsParser(), text)
        a, b = rows.indptr[i], rows.indptr[i + 1]
        cell = {
            rows.names[j]: level
            for j, level in zip(
                rows.columns[a:b].tolist(), rows.levels[a:b].tolist(), strict=True
            )
        }
        if got[0] == "error":
            assert rows.errors[i].message == got[1]
            assert cell == {}
        else:
            assert i not in rows.errors
            assert list(cell.items()) == list(got[1].items())  # same order too
    assert list(rows.names) == sorted(set(rows.names))
    assert set(rows.columns.tolist()) == set(range(len(rows.names)))  # all used


def test_read_people_equals_the_per_cell_reference() -> None:
    frame = synthetic_org(1500, seed=21, mentor_rate=0.2, mentee_rate=0.2)
    people = rmatch.read_people(frame)
    part = np.flatnonzero(people.is_participant)
    assert part.size > 500
    for p in part[::7].tolist():
        row = frame.iloc[p]
        for column in ("skills_offered", "skills_wanted"):
            assert people.sets[column].tokens(p) == parse_skills(row[column])
        for column in ("interests", "goals", "languages"):
            assert set(people.sets[column].tokens(p)) == set(parse_set(row[column]))
        zone = parse_timezone(row["timezone"])
        slots = to_utc_slots(parse_availability(row["availability"]), zone)
        np.testing.assert_array_equal(people.slots(np.array([p]))[0] > 0, slots)
        assert people.has_availability[p] == bool(slots.any())


def test_benchmark_runner_writes_the_figures(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            "--employees",
            "1000",
            "--json",
            str(out),
            "--baselines",
            "scipy_lsa,pulp,python_loop",
            "--shortlist",
            "3",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert "score + candidates" in proc.stdout
    data = json.loads(out.read_text())
    for key in (
        "employees",
        "mentees",
        "mentors",
        "seconds_total",
        "peak_mib",
        "objective",
        "bound",
        "gap",
        "ratio_vs_scipy_lsa",
        "ratio_vs_pulp",
        "ratio_vs_python_loop",
    ):
        assert key in data
    assert data["employees"] == 1000
    assert (data["mentees"], data["mentors"]) == (30, 70)
    # the exact baselines reach rmatch's optimum on the same instance
    for name in ("scipy_lsa", "pulp"):
        assert data["baselines"][name]["objective"] == pytest.approx(
            data["objective"], abs=1e-6
        )
    assert data["baselines"]["python_loop"]["max_abs_diff_vs_rmatch"] < 1e-6
    assert data["gap"] == pytest.approx(0.0, abs=1e-12)
    choices = data["shortlist"]["choices"]  # the shortlist matched as choices
    assert choices["stable"]["blocking_pairs"] == 0
    assert choices["auto"]["rank_utility"] >= choices["stable"]["rank_utility"]


@pytest.mark.slow  # the runner in a subprocess with Dask worker processes
@pytest.mark.dask
def test_benchmark_runner_stress_options_on_dask_processes(tmp_path: Path) -> None:
    """Sign-up rates, top_k and process workers (with their own peak memory)."""
    pytest.importorskip("distributed")
    out = tmp_path / "stress.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "run.py"),
            *("--employees", "400", "--mentor-rate", "0.7", "--mentee-rate", "0.3"),
            *("--engine", "dask", "--processes", "--workers", "2"),
            *("--top-k", "3", "--gap-tolerance", "0", "--no-baselines"),
            *("--json", str(out)),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert "Dask LocalCluster (2 process workers)" in proc.stdout
    assert "peak per worker" in proc.stdout
    data = json.loads(out.read_text())
    assert (data["mentees"], data["mentors"]) == (120, 280)
    assert data["top_k"] == 3 and data["engine"] == "dask"
    assert len(data["worker_peak_mib"]) == 2
    assert all(p > 50 for p in data["worker_peak_mib"])  # real processes, not 0
    # pruned to 3 candidates a person, yet the gap is proven, never assumed
    assert data["bound"] >= data["objective"] - 1e-9
    assert data["gap"] == pytest.approx(
        (data["bound"] - data["objective"]) / data["bound"], abs=1e-9
    )


@pytest.mark.slow
def test_a_million_employees_certified_within_the_memory_target() -> None:
    code = """
import json, resource, sys
import rmatch
people = rmatch.read_people(rmatch.datasets.synthetic_org(1_000_000, seed=0))
program = rmatch.Program.from_toml(str(rmatch.datasets.demo_program_path()))
program.top_k = 10
program.gap_tolerance = 0.001
s = program.match(people).summary()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"gap": s.gap, "status": s.status, "peak": peak,
                  "mentees": s.mentees, "mentors": s.mentors}))
"""
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=1800,
    )
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    assert (data["mentees"], data["mentors"]) == (30_000, 70_000)
    assert data["gap"] <= 0.001
    assert data["peak"] < 4096

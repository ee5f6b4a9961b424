"""Fuzz the command line: program files and canonical CSVs, never a traceback.

Issue 16 ("done when"): generated program files (TOML text) and canonical CSV files
(valid and invalid cells, blank cells, broken quotes, short and long rows, odd
Unicode, huge numbers, wrong types) go through ``rmatch match`` in-process
([`rmatch.cli.main`][rmatch.cli.main]). Every run must

* exit 0 or 2 (exit 1 is an internal error: a bug), never print a traceback;
* when it exits 0, account for every input row: each participant's id is in the
  pairs, or in the unmatched table with a reason, or among the rejected rows with a
  reason (people with role ``none`` take no part by design).

The tests together run 2,000+ generated cases (see ``FUZZ``); each case is small so
that they fit in about a minute on one core.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmatch.cli import main

#: Examples per test (the three tests add up to more than 2,000).
FUZZ = settings(
    max_examples=int(os.environ.get("RMATCH_FUZZ_EXAMPLES", "700")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("RMATCH_FUZZ_RANDOM", "") == "",
    database=None,
)

# ----------------------------------------------------------------- CSV cells

IDS = ["E1", "E2", "E3", "M1", "M2", "B1", "N1", "É1", "x@y.org", "Nguyễn_1"]
#: Cells that are valid in each column (any mix of them reads without an error,
#: except where ids, e-mails and managers must agree across rows: built per row).
GOOD: dict[str, list[str]] = {
    "role": ["mentor", "mentee", "both", "none", "Mentor", " MENTEE ", "Both"],
    "name": ["Ana Silva", "Bo Chen", "Nguyễn Văn Anh", "ana  SILVA", "李", ""],
    "department": ["Sales", "IT", "sales", ""],
    "location": ["Hanoi", "Berlin", ""],
    "languages": ["vi; en", "en", "de,fr", ""],
    "seniority": ["1", "3", "5", "2.5", ""],
    "skills_offered": ["python:4", "genai:5; sql", "strategy:5", ""],
    "skills_wanted": ["python", "genai:3; strategy:4", "sql", ""],
    "interests": ["chess; running", "music", ""],
    "goals": ["career; ai", "ai", ""],
    "availability": ["Mon 09:00-11:00", "Tue 14:00-15:30; Wed 08:00-09:00", ""],
    "timezone": ["UTC", "Asia/Ho_Chi_Minh", "UTC+7", "Europe/Berlin", ""],
    "capacity": ["1", "2", "0", ""],
    "mentor_capacity": ["1", "3", ""],
    "mentee_capacity": ["1", "2", ""],
    "hopes": ["learn machine learning", "học máy", "golf", "", "  ", "?!", "\u200b"],
}
#: Invalid cells for a column (on top of ODD), or cells that clash across rows.
BAD: dict[str, list[str]] = {
    "id": ["", " ", "E1", "e1"],
    "role": ["", " ", "bogus", "mentor; mentee", "0", "NONE", "nan"],
    "email": ["ana@corp.com", "ANA@corp.com ", "not an e-mail"],
    "manager_id": ["E1", "M1", "nobody", "E3"],
    "seniority": ["junior", "-2", "1e400"],
    "skills_offered": ["python:9", "sql:0", "python:x"],
    "skills_wanted": ["python:x", "a:b:c"],
    "availability": ["Mon 9-5", "Monday all day", "25:00-26:00"],
    "timezone": ["UTC+99", "Mars/Olympus"],
    "capacity": ["-1", "two", "1e309", "99999999999999999999"],
    "mentor_capacity": ["x", "-3"],
    "mentee_capacity": ["-3", "1.5"],
}
ODD = [
    "",
    " ",
    "nan",
    "NaN",
    "None",
    "null",
    "-1",
    "0",
    "1.5",
    "1e309",
    "-1e309",
    "9" * 25,
    "-" + "9" * 25,
    "0x10",
    "٣",
    "\u00a0",
    "\ufeff",
    "\u200b",
    "e\u0301",
    "\U0001f642",
    "\u202eabc",
    "\x00",
    "\\",
    "'",
    "=1+1",
    "@SUM(A1)",
    "x" * 300,
    "a;b;c",
    "\t",
]
FIELDS = ["id", *dict.fromkeys(["role", "name", "email", "manager_id", *GOOD])]


def _good(column: str, row: int, ids: list[str]) -> st.SearchStrategy[str]:
    """A valid cell of ``column`` on data row ``row`` (ids: the rows' ids)."""
    if column == "id":
        return st.just(ids[row])
    if column == "email":
        return st.sampled_from(["", f"{ids[row]}@corp.com".replace(" ", "")])
    if column == "manager_id":  # an earlier row: no cycle
        return st.sampled_from(["", *ids[:row]])
    return st.sampled_from(GOOD.get(column, ["a", "b"]))


def _bad(column: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(BAD.get(column, ODD)), st.sampled_from(ODD), st.text(max_size=6)
    )


def _rare(draw: st.DrawFn, one_in: int) -> bool:
    """True about once in ``one_in`` draws (hypothesis favours small integers, so
    ``integers(0, n) == 0`` would come up far more often)."""
    return bool(draw(st.sampled_from([False] * (one_in - 1) + [True])))


def _modes(*rare: str, rest: int) -> st.SearchStrategy[str]:
    """Each of ``rare`` once in ``len(rare) + rest`` draws, else ``""``."""
    return st.sampled_from([""] * rest + list(rare))


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


@st.composite
def canonical_csvs(draw: st.DrawFn) -> tuple[str, list[list[str]] | None]:
    """CSV text, and the cells of each row (id, role, ...) when the layout is clean.

    A file is ``good`` (every cell valid), ``some`` (a few cells and rows damaged)
    or ``wild`` (anything); comma, semicolon or tab separated, with LF or CRLF line
    ends, sometimes a byte-order mark. Clean layout means: no quote, separator or
    line break in any cell, every row as long as the header; then a row's cells are
    exactly what was generated.
    """
    mode = draw(st.sampled_from(["good", "good", "some", "wild"]))
    bad_rate = {"good": 0, "some": 12, "wild": 2}[mode]
    extra = draw(st.lists(st.sampled_from(FIELDS[2:]), max_size=4, unique=True))
    header = ["id", "role", *extra]
    if mode == "wild" and _rare(draw, 5):  # a required column lost
        header = draw(st.permutations(header))[: max(1, len(header) - 1)]
        if draw(st.booleans()):
            header = [*header, header[0]]
    n = draw(st.integers(0, 6))
    ids = draw(st.lists(st.sampled_from(IDS), min_size=n, max_size=n, unique=True))
    rows = []
    for row in range(n):
        cells = []
        for column in header:
            bad = bad_rate and _rare(draw, bad_rate)
            cells.append(draw(_bad(column) if bad else _good(column, row, ids)))
        rows.append(cells)
    sep = draw(st.sampled_from([",", ",", ",", ";", "\t"]))
    clean = True
    lines = [sep.join(header)]
    for cells in rows:
        shape = draw(_modes("short", "long", rest=23)) if bad_rate else ""
        if shape == "short" and cells:  # a short row
            cells = cells[: draw(st.integers(0, len(cells) - 1))]
            clean = False
        elif shape == "long":  # a long row
            cells = [*cells, draw(_bad("x"))]
            clean = False
        text_cells = []
        for cell in cells:
            if any(ch in cell for ch in f'"{sep},;\t\n\r\x00\u2028'):
                clean = False
            damage = draw(_modes("broken", "newline", rest=39)) if bad_rate else ""
            if damage == "broken":  # a broken quote
                text_cells.append('"' + cell)
                clean = False
            elif damage == "newline":  # a quoted cell with a line break
                text_cells.append(_quote(cell + "\n" + cell))
                clean = False
            elif _rare(draw, 8) or any(ch in cell for ch in f'"{sep}\n\r'):
                text_cells.append(_quote(cell))
            else:
                text_cells.append(cell)
        lines.append(sep.join(text_cells))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    if _rare(draw, 10):  # a byte-order mark, as Excel writes
        text = "\ufeff" + text
    layout = None
    if clean and header[:2] == ["id", "role"] and len(set(header)) == len(header):
        layout = rows
    return text, layout


# ------------------------------------------------------------- program files

WRONG = [True, "3", [1], {"a": 1}, -1, 0, 1.5, 1e308, 2**63, -(2**63), math.inf]


def _param(good: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(good), st.sampled_from(good), st.sampled_from(WRONG)
    )


PROGRAM = {
    "method": ["auto", "assignment", "flow", "greedy", "stable", "ilp", "bogus"],
    "objective": ["total", "coverage", "fairness", "best"],
    "mentor_capacity": [1, 2, 0],
    "mentee_capacity": [1, 2],
    "top_k": [1, 2, 5],
    "time_limit": [1, 5.5],
    "seed": [0, 7],
    "reference_monday": ["2026-01-05", "2026-13-01"],
    "block_cells": [1, 3, 1000],
    "gap_tolerance": [0, 0.01],
    "name": ["pilot"],
}
PAIR_REFS = ["E1", "E2", "M1", "M2", "Ana Silva", "ana@corp.com", "nobody"]
PAIRS = st.lists(
    st.lists(st.sampled_from(PAIR_REFS), min_size=2, max_size=2), max_size=3
)
CRITERIA: dict[str, st.SearchStrategy[Any]] = {
    "skills": st.fixed_dictionaries(
        {}, optional={"weight": _param([0, 1, 3]), "forward": _param([0, 1])}
    ),
    "interests": st.one_of(
        _param([1, 2]), st.fixed_dictionaries({"measure": _param(["overlap"])})
    ),
    "goals": _param([1]),
    "schedule": st.fixed_dictionaries({}, optional={"target_hours": _param([1, 2])}),
    "text": st.fixed_dictionaries(
        {"columns": _param([["hopes"], ["hopes", "goals"], ["nope"]])},
        optional={"weight": _param([1, 2])},
    ),
    "languages": st.just({"type": "set_similarity", "column": "languages"}),
}
RULES: dict[str, st.SearchStrategy[Any]] = {
    "no_reporting_line": st.one_of(
        st.booleans(),
        st.integers(0, 4),
        st.fixed_dictionaries(
            {"levels": st.integers(-1, 4)},
            optional={"same_manager": st.booleans()},
        ),
    ),
    "forbidden_pairs": st.one_of(
        PAIRS, st.sampled_from(["conflicts.csv", "missing.csv"])
    ),
    "history": PAIRS,
    "min_shared_hours": _param([0, 1, 2]),
    "reverse_seniority": st.one_of(st.just(True), _param([0, 1])),
    "same": _param(["department", "languages", "nope"]),
    "different": _param(["department", ["department", "location"]]),
    "max_timezone_gap": _param([0, 3]),
    "min_score": _param([0, 0.2, 0.9]),
}
QUOTAS: dict[str, st.SearchStrategy[Any]] = {
    "cross_share": st.fixed_dictionaries(
        {"column": _param(["department"]), "at_least": _param([0.0, 0.5, 1.0])}
    ),
    "group_limit": st.fixed_dictionaries(
        {"column": _param(["department"]), "at_most": _param([0, 1, 2])}
    ),
    "mentor_load": st.fixed_dictionaries(
        {}, optional={"min": _param([0, 1]), "max": _param([1, 2])}
    ),
    "required_pairs": PAIRS,
}


def _toml_key(key: str) -> str:
    return key if key.replace("_", "a").isalnum() and key.isascii() else json.dumps(key)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "inf" if value == math.inf else repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    inner = ", ".join(f"{_toml_key(k)} = {_toml(v)}" for k, v in value.items())
    return "{ " + inner + " }"


def _section(name: str, table: dict[str, Any]) -> str:
    lines = [f"[{name}]"]
    lines += [f"{_toml_key(k)} = {_toml(v)}" for k, v in table.items()]
    return "\n".join(lines)


def _subset(
    draw: st.DrawFn, pool: dict[str, st.SearchStrategy[Any]], most: int
) -> dict[str, Any]:
    keys = draw(st.lists(st.sampled_from(sorted(pool)), max_size=most, unique=True))
    return {k: draw(pool[k]) for k in keys}


@st.composite
def program_files(draw: st.DrawFn) -> str:
    """TOML text: sections with valid and invalid settings, sometimes broken."""
    parts = []
    program = {
        k: draw(_param(v))
        for k in draw(
            st.lists(st.sampled_from(sorted(PROGRAM)), max_size=3, unique=True)
        )
        for v in [PROGRAM[k]]
    }
    sections = {
        "program": program,
        "criteria": _subset(draw, CRITERIA, 3) if draw(st.booleans()) else None,
        "rules": _subset(draw, RULES, 3) if draw(st.booleans()) else None,
        "quotas": _subset(draw, QUOTAS, 2) if _rare(draw, 4) else None,
    }
    if _rare(draw, 8):  # an unknown key in some section
        where = draw(st.sampled_from([*sections, "nonsense"]))
        sections[where] = {**(sections.get(where) or {}), "bogus": 1}
    for name, table in sections.items():
        if table or (table is not None and draw(st.booleans())):
            parts.append(_section(name, table))
    text = "\n\n".join(parts) + "\n"
    damage = draw(_modes("syntax", "shape", rest=14))
    if damage == "syntax":  # broken syntax
        cut = draw(st.integers(0, len(text)))
        text = text[:cut] + draw(st.sampled_from(['"', "[", "= =", "\n[program]\n"]))
    elif damage == "shape":  # a section of the wrong type
        text += draw(
            st.sampled_from(["criteria = 2\n", "program = [1, 2]\n", "rules = 3\n"])
        )
    return text


# ----------------------------------------- crashes another helper is fixing
# Program files whose shape crashes today inside the program-file reading that the
# "schema" helper is rewriting (issue 16 points 6 and 8). Each case is kept out of
# the fuzz run by a narrow filter; remove the filter once that work is merged.


# ------------------------------------------------------------------ the runs

# in memory when the system has a RAM disk: each case writes and reads four files
_DIR = Path(
    tempfile.mkdtemp(
        prefix="rmatch-fuzz-",
        dir="/dev/shm" if os.access("/dev/shm", os.W_OK) else None,
    )
)
VALID_CSV = (
    "id,name,email,role,department,skills_offered,skills_wanted,hopes,capacity\n"
    "M1,Ana Silva,ana@corp.com,mentor,Sales,python:4,,learn machine learning,2\n"
    "M2,Bo Chen,bo@corp.com,mentor,IT,genai:5,strategy,golf,1\n"
    "E1,Cy Tran,cy@corp.com,mentee,IT,,python,học máy,1\n"
    "E2,Di Ngô,di@corp.com,mentee,Sales,strategy:5,genai,,1\n"
    "B1,Ed Park,ed@corp.com,both,IT,sql:3,python:2,golf lessons,1\n"
    "N1,Fay Lim,fay@corp.com,none,IT,,,,\n"
)
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
(_DIR / "conflicts.csv").write_text(
    "a,b\nana@corp.com,Bo Chen\nE1,\nM1,x@y.org\n", encoding="utf-8"
)
VALID_TOML = '[criteria]\nskills = 3\ntext = { columns = ["hopes"] }\n'


def _run(csv_text: str, toml_text: str | None) -> tuple[int, str, dict[str, Any]]:
    """Run ``rmatch match``; return the exit code, stderr and the JSON output."""
    csv = _DIR / "people.csv"
    csv.write_text(csv_text, encoding="utf-8")
    out_json = _DIR / "out.json"
    out_json.unlink(missing_ok=True)
    argv = ["match", str(csv), "-o", str(_DIR / "pairs.csv"), "-q"]
    argv += ["--json", str(out_json)]
    if toml_text is not None:
        config = _DIR / "program.toml"
        config.write_text(toml_text, encoding="utf-8")
        argv += ["--config", str(config)]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    result = (
        json.loads(out_json.read_text(encoding="utf-8"))
        if code == 0 and out_json.exists()
        else {}
    )
    return code, err.getvalue(), result


def _check(code: int, err: str, csv_text: str, toml_text: str | None) -> None:
    assert code in (0, 2), (
        f"exit {code} (internal error) on\n--- people.csv\n{csv_text}"
        f"--- program.toml\n{toml_text}\n--- stderr\n{err}"
    )
    assert "Traceback" not in err, err


def _accounted(result: dict[str, Any], layout: list[list[str]]) -> None:
    """Every participant row is matched, unmatched or rejected, with a reason.

    A row whose cells are all blank is a blank line, not a person (the reader skips
    it, as spreadsheets leave such rows at the end).
    """
    seen = {p["mentor_id"] for p in result["pairs"]}
    seen |= {p["mentee_id"] for p in result["pairs"]}
    for key in ("unmatched", "rejected"):
        for row in result[key]:
            assert str(row["reason"]).strip(), row
            seen.add(row["id"])
    for cells in layout:
        pid, role = cells[0], cells[1]
        if role.strip().lower() == "none" or not any(c.strip() for c in cells):
            continue  # only in the org chart, by design; or a blank line
        assert pid.strip() in seen, (cells, result)


@FUZZ
@given(canonical_csvs())
def test_fuzz_canonical_csv(case: tuple[str, list[list[str]] | None]) -> None:
    csv_text, layout = case
    toml = VALID_TOML if "hopes" in csv_text.partition("\n")[0] else None
    code, err, result = _run(csv_text, toml)
    _check(code, err, csv_text, toml)
    if code == 0 and layout is not None:
        _accounted(result, layout)


@FUZZ
@given(program_files())
def test_fuzz_program_file(toml_text: str) -> None:
    code, err, result = _run(VALID_CSV, toml_text)
    _check(code, err, VALID_CSV, toml_text)
    if code == 0:
        layout = [
            [cells[0], cells[3]]
            for cells in (line.split(",") for line in VALID_CSV.splitlines()[1:])
        ]
        _accounted(result, layout)


@FUZZ
@given(canonical_csvs(), program_files())
def test_fuzz_both(case: tuple[str, list[list[str]] | None], toml: str) -> None:
    csv_text, layout = case
    code, err, result = _run(csv_text, toml)
    _check(code, err, csv_text, toml)
    if code == 0 and layout is not None:
        _accounted(result, layout)

"""The analyst walkthrough notebook: stored with its outputs, and they stay true.

``examples/make_walkthrough.py`` builds the notebook, runs it and stores the outputs
(the docs site renders them). These tests check that the stored cells are the ones the
script builds, and that running the notebook again prints the same outputs (cells
tagged ``volatile`` excepted). Part of the default suite (not marked slow): one kernel
start and a few seconds.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat", reason="needs nbformat (the dev extra)")
pytest.importorskip("nbclient", reason="needs nbclient (the dev extra)")
pytest.importorskip("ipykernel", reason="needs ipykernel (the dev extra)")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTEBOOK = EXAMPLES / "analyst_walkthrough.ipynb"
REBUILD = "run: python examples/make_walkthrough.py"


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_walkthrough", EXAMPLES / "make_walkthrough.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def _fresh() -> Any:
    """The notebook built and run now (once per test session)."""
    return _module().executed()


def _outputs(cell: Any) -> list[dict[str, Any]]:
    """What a cell showed: output type, text and rich data (no metadata)."""
    shown = []
    for o in _module().merge_streams(list(cell.get("outputs", []))):
        shown.append(
            {
                "type": o.get("output_type"),
                "name": o.get("name"),
                "text": o.get("text"),
                "data": dict(o.get("data", {})),
                "ename": o.get("ename"),
            }
        )
    return shown


def _text(cell: Any) -> str:
    return "".join(
        str(o["text"] or "") + str(o["data"].get("text/plain", ""))
        for o in _outputs(cell)
    )


def test_stored_notebook_is_the_script_and_has_its_outputs() -> None:
    built = _module().build()
    stored = nbformat.read(NOTEBOOK, as_version=4)
    assert [c.source for c in stored.cells] == [c.source for c in built.cells], REBUILD
    assert [c.cell_type for c in stored.cells] == [c.cell_type for c in built.cells]
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), REBUILD
    assert all(c.outputs for c in code), "a code cell without output: " + REBUILD
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    raw = NOTEBOOK.read_text(encoding="utf-8")
    for volatile in ("/tmp/", "site-packages", "seconds  "):
        assert volatile not in raw, f"{volatile!r} in a stored output"


def test_running_it_again_prints_the_stored_outputs() -> None:
    stored = nbformat.read(NOTEBOOK, as_version=4)
    fresh = _fresh()
    assert len(stored.cells) == len(fresh.cells), REBUILD
    for old, new in zip(stored.cells, fresh.cells, strict=True):
        if old.cell_type != "code" or "volatile" in old.metadata.get("tags", []):
            continue
        assert _outputs(new) == _outputs(old), f"{REBUILD}\ncell:\n{old.source}"


def test_notebook_runs_from_raw_export_to_explained_pairs() -> None:
    fresh = _fresh()
    text = "\n".join(_text(c) for c in fresh.cells if c.cell_type == "code")
    assert "8 rows read; 1 errors, 0 warnings" in text  # the typo is caught...
    assert "did you mean" in text
    assert "8 rows read; 2 mentors, 6 mentees, 0 both; 0 errors, 0 warnings" in text
    assert "mentees matched   6 of 6 (100%)" in text
    assert "R… E… (re@univ2.ac.ca), mentee: matched" in text  # the explanation
    assert "['pairs.csv', 'pairs.xlsx', 'result.json', 'unmatched.csv']" in text
    # the edited matching: the rule, both capacities, the objective above the optimum
    assert "the rule 'different institution' forbids q.x@univ1.edu" in text
    assert "mentor q.x@univ1.edu has 4 mentees" in text
    assert "only by breaking the program's rules" in text


def test_stored_notebook_shows_the_report_charts_inline() -> None:
    stored = nbformat.read(NOTEBOOK, as_version=4)
    charts = [
        o["data"]["image/svg+xml"]
        for c in stored.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "image/svg+xml" in o.get("data", {})
    ]
    assert len(charts) >= 3, REBUILD
    assert all(str(svg).lstrip().startswith("<svg") for svg in charts)
    assert all("<script" not in str(svg) for svg in charts)

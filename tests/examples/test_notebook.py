"""The analyst walkthrough notebook runs from top to bottom (it must never rot).

Part of the default suite (not marked slow): one kernel start and a few seconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTEBOOK = EXAMPLES / "analyst_walkthrough.ipynb"


def _text(cell: dict) -> str:  # type: ignore[type-arg]
    parts = []
    for output in cell.get("outputs", []):
        parts.append(str(output.get("text", "")))
        parts.append(str(output.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def test_notebook_is_up_to_date() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_walkthrough", EXAMPLES / "make_walkthrough.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.build()
    stored = nbformat.read(NOTEBOOK, as_version=4)
    assert [c.source for c in stored.cells] == [c.source for c in built.cells], (
        "run: python examples/make_walkthrough.py"
    )
    assert all(not c.get("outputs") for c in stored.cells if c.cell_type == "code")


def test_notebook_runs_from_raw_export_to_explained_pairs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=60,
        kernel_name="python3",
        resources={"metadata": {"path": str(EXAMPLES)}},
    )
    client.execute()
    outputs = [_text(c) for c in notebook.cells if c.cell_type == "code"]
    text = "\n".join(outputs)
    assert "8 rows read; 1 errors, 0 warnings" in text  # the typo is caught...
    assert "did you mean" in text
    assert "8 rows read; 2 mentors, 6 mentees, 0 both; 0 errors, 0 warnings" in text
    assert "mentees matched   6 of 6 (100%)" in text
    assert "R… E… (re@univ2.ac.ca), mentee: matched" in text  # the explanation
    assert "['pairs.csv', 'pairs.xlsx', 'result.json', 'unmatched.csv']" in text
    errors = [
        o
        for c in notebook.cells
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors

"""The real exports shipped in rmatch.datasets: unchanged, licensed, copyable."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmatch.datasets import EXAMPLES, copy_example, example_files

ROOT = Path(__file__).resolve().parents[2]
# the same files, kept for the tests of the survey readers
UPSTREAM = {
    "google_forms": ROOT / "tests" / "data" / "mozilla_matchmaker_isc",
    "cogsci": ROOT / "tests" / "data" / "cogsci_cc0",
}
LICENCE = {
    "google_forms": ("package.json", '"license": "ISC"'),
    "cogsci": ("LICENSE", "CC0"),
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_export_ships_unchanged_with_its_licence(name: str) -> None:
    files = {f.name: f for f in example_files(name)}
    licence, marker = LICENCE[name]
    assert marker in files[licence].read_text(encoding="utf-8")
    assert "Licence:" in files["README.md"].read_text(encoding="utf-8")
    data = [n for n in files if n.endswith(".csv")]
    assert data
    for n in data:
        assert files[n].read_bytes() == (UPSTREAM[name] / n).read_bytes(), n


def test_copy_example_writes_every_file(tmp_path: Path) -> None:
    written = copy_example("google_forms", tmp_path / "new")
    assert [p.name for p in written] == [f.name for f in example_files("google_forms")]
    assert all(p.parent == tmp_path / "new" and p.stat().st_size for p in written)


def test_an_unknown_example_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="cogsci, google_forms"):
        example_files("typeform")

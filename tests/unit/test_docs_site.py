"""The API reference stays complete and free of Sphinx roles.

mkdocstrings renders markdown, not reStructuredText: a Sphinx role such as
``:func:`x``` would show up literally on the site. Cross-references are written as
``[`x()`][rmatch.module.x]`` instead (or as a plain code span).
"""

from __future__ import annotations

import re
from pathlib import Path

import rmatch

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "rmatch"
DOCS = ROOT / "docs"
ROLE = re.compile(r":(?:func|class|meth|attr|mod|data|exc|obj|const|ref):`")


def _role_lines(paths: list[Path]) -> list[str]:
    hits = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if ROLE.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return hits


def test_no_sphinx_roles_in_source() -> None:
    hits = _role_lines(sorted(SRC.rglob("*.py")))
    assert not hits, "Sphinx roles (use [`name`][rmatch.path]):\n" + "\n".join(hits)


def test_no_sphinx_roles_in_docs() -> None:
    hits = _role_lines([*sorted(DOCS.rglob("*.md")), ROOT / "README.md"])
    assert not hits, "Sphinx roles (use [`name`][rmatch.path]):\n" + "\n".join(hits)


def _public_modules() -> list[str]:
    names = [p.stem for p in SRC.glob("*.py") if not p.stem.startswith("_")]
    names += [p.parent.name for p in SRC.glob("*/__init__.py")]
    return sorted(n for n in names if not n.startswith("_"))


def test_one_reference_page_per_public_module() -> None:
    index = (DOCS / "reference" / "index.md").read_text(encoding="utf-8")
    missing = []
    for name in _public_modules():
        page = DOCS / "reference" / f"{name}.md"
        if not page.exists() or f"::: rmatch.{name}" not in page.read_text("utf-8"):
            missing.append(f"docs/reference/{name}.md (::: rmatch.{name})")
        elif f"]({name}.md)" not in index:
            missing.append(f"a line for {name}.md in docs/reference/index.md")
    assert not missing, "missing reference pages:\n" + "\n".join(missing)


def test_top_level_page_lists_every_name() -> None:
    page = (DOCS / "reference" / "rmatch.md").read_text(encoding="utf-8")
    missing = [name for name in rmatch.__all__ if f"`{name}`" not in page]
    assert not missing, f"docs/reference/rmatch.md does not list {missing}"

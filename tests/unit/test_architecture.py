"""The house follows the flow: size, private names and hooks, checked on the source.

The import layers themselves are checked by import-linter (``make lint``, contracts in
``pyproject.toml``); these tests cover what import-linter does not see.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "rmatch"
MODULES = sorted(SRC.rglob("*.py"))
MAX_LINES = 600


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(name: str, path: Path) -> str:
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_is_under_the_size_limit(path: Path) -> None:
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path.relative_to(SRC)} has {n} lines (limit {MAX_LINES})"


def _private_imports(path: Path) -> list[str]:
    """``from rmatch.x import _y`` across packages, and imports of another package's
    private module (``rmatch.solvers._graph`` from outside ``rmatch.solvers``)."""
    here = _module_name(path)
    package = _package(here, path)
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        if not node.module.startswith("rmatch"):
            continue
        parts = node.module.split(".")
        for i, part in enumerate(parts):
            if part.startswith("_") and not part.startswith("__"):
                owner = ".".join(parts[:i])
                if not (package == owner or package.startswith(owner + ".")):
                    out.append(f"line {node.lineno}: private module {node.module}")
                break
        else:
            # a private name is fine only from a private module of one's own package
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    out.append(
                        f"line {node.lineno}: imports private {alias.name} "
                        f"from {node.module}"
                    )
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_imports_a_private_name_from_another(path: Path) -> None:
    assert _private_imports(path) == []


BUILT_INS = re.compile(
    r"\b(Skills|Schedule|SetSimilarity|Interests|Goals|NoReportingLine|ForbiddenPairs|"
    r"History|MinScore|MinSharedHours|ReverseSeniority|SameValue|DifferentValue|"
    r"MaxTimezoneGap)\b"
)


def test_the_candidate_builder_names_no_concrete_criterion_or_rule() -> None:
    engine = [*sorted((SRC / "candidates").rglob("*.py")), SRC / "certify.py"]
    engine.append(SRC / "distributed.py")
    found = [
        f"{p.relative_to(SRC)}:{i}: {line.strip()}"
        for p in engine
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if BUILT_INS.search(line)
    ]
    assert found == []

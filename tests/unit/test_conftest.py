"""The slow-test reminder of ``tests/conftest.py``, run on a tiny temporary suite."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"

INI = """\
[pytest]
addopts = -m "not slow" -p no:cacheprovider
markers =
    slow: slow
"""

TESTS = """\
import pytest

def test_fast():
    pass

@pytest.mark.slow
def test_slow_one():
    pass

@pytest.mark.slow
@pytest.mark.parametrize("x", [1, 2])
def test_slow_many(x):
    pass
"""


def run_pytest(tmp_path: Path, *args: str) -> str:
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text(INI, encoding="utf-8")
    (tmp_path / "test_tiny.py").write_text(TESTS, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.mark.parametrize("workers", ["0", "1"])
def test_the_run_says_how_many_slow_tests_it_left_out(
    tmp_path: Path, workers: str
) -> None:
    out = run_pytest(tmp_path, "-n", workers)
    assert "3 slow tests skipped (run them with: make test-slow)" in out
    # the runner's own closing line stays last (CI reads it)
    assert out.strip().splitlines()[-1].startswith("1 passed")


def test_no_reminder_when_the_slow_tests_run(tmp_path: Path) -> None:
    out = run_pytest(tmp_path, "-n", "0", "-m", "slow")
    assert "skipped (run them with" not in out
    assert "3 passed" in out


def test_one_slow_test_is_singular(tmp_path: Path) -> None:
    out = run_pytest(tmp_path, "-n", "0", "-m", "not slow or not parametrize")
    assert "2 slow tests skipped (run them with: make test-slow)" in out
    out = run_pytest(tmp_path, "-n", "0", "-m", "not slow or parametrize")
    assert "1 slow test skipped (run them with: make test-slow)" in out


def test_no_count_under_k_which_deselects_for_other_reasons(tmp_path: Path) -> None:
    out = run_pytest(tmp_path, "-n", "0", "-k", "fast")
    assert "skipped (run them with" not in out

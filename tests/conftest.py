"""Shared fixtures, hypothesis profiles and the slow-test reminder.

Profiles: ``dev`` (default, fast) and ``ci`` (more examples); choose with
``HYPOTHESIS_PROFILE=ci``.

Tests marked ``@pytest.mark.slow`` (over about 15 s on the 2-core machine) are
deselected by ``-m "not slow"`` in ``pyproject.toml``; the run then ends with a line
``N slow tests skipped (run them with: make test-slow)``. Under pytest-xdist the
workers collect and deselect, so each worker reports its count to the controller.
With ``-k`` the line is left out: pytest does not tell which option deselected a test.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

SLOW_DESELECTED = "slow_deselected"
_COUNT = pytest.StashKey[int]()


def _add(config: pytest.Config, n: int) -> None:
    config.stash[_COUNT] = max(config.stash.get(_COUNT, 0), n)


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Count the deselected tests marked ``slow`` (on an xdist worker: report it)."""
    if not items:
        return
    config = items[0].config
    n = config.stash.get(_COUNT, 0)
    n += sum(1 for item in items if item.get_closest_marker("slow") is not None)
    config.stash[_COUNT] = n
    workeroutput: dict[str, Any] | None = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[SLOW_DESELECTED] = n


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """Controller side of pytest-xdist: every worker collects the same tests."""
    output = getattr(node, "workeroutput", None) or {}
    _add(node.config, int(output.get(SLOW_DESELECTED, 0)))


@pytest.hookimpl(trylast=True)  # after --durations, just above the closing line
def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config
) -> None:
    """Say how many slow tests ``-m "not slow"`` left out, and how to run them."""
    n = config.stash.get(_COUNT, 0)
    if n and not config.option.keyword and not hasattr(config, "workeroutput"):
        noun = "test" if n == 1 else "tests"
        terminalreporter.write_line(
            f"{n} slow {noun} skipped (run them with: make test-slow)", yellow=True
        )

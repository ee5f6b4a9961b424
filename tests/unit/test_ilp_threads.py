"""HiGHS keeps one thread pool per process: rmatch's ILP must not depend on who made it.

Each test runs in a fresh interpreter, so the order of the tests (or pytest-xdist's
distribution of them) cannot create the pool first.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import rmatch
from rmatch.solvers.ilp import highs_available

pytestmark = pytest.mark.skipif(not highs_available(), reason="needs highspy")

PRELUDE = """
import json
import numpy as np
import pulp
from rmatch.solvers import CandidateGraph, solve

def other_code_solves(**options):
    # e.g. an HR tool's own PuLP model, HiGHS with PuLP's default thread count
    prob = pulp.LpProblem("other", pulp.LpMaximize)
    x = pulp.LpVariable("x", 0, 1, cat="Integer")
    prob += x
    prob += x <= 1
    prob.solve(pulp.HiGHS(msg=False, **options))
    assert pulp.LpStatus[prob.status] == "Optimal", prob.status

def report(sol):
    return [sol.status, round(sol.total_score, 9), sol.edges.tolist()]

trivial = CandidateGraph.from_dense(np.array([[1.0, 0.9], [0.9, 0.0]]))
empty = CandidateGraph.from_dense(np.zeros((0, 0)))
"""


def run_fresh(body: str) -> object:
    """Run ``PRELUDE + body`` in a new interpreter; return the JSON it prints last."""
    src = str(Path(rmatch.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(body)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_ilp_after_default_threads_highs() -> None:
    got = run_fresh(
        """
        other_code_solves()
        print(json.dumps([
            report(solve(trivial, method="ilp")),
            report(solve(empty, method="ilp")),
            report(solve(trivial, method="ilp", objective="fairness")),
        ]))
        """
    )
    assert got == [
        ["optimal", 1.8, [1, 2]],
        ["optimal", 0.0, []],
        ["optimal", 1.8, [1, 2]],
    ]


def test_ilp_after_many_threads_highs() -> None:
    got = run_fresh(
        """
        other_code_solves(threads=3)
        print(json.dumps([
            report(solve(trivial, method="ilp")),
            report(solve(empty, method="ilp")),
        ]))
        """
    )
    assert got == [["optimal", 1.8, [1, 2]], ["optimal", 0.0, []]]


def test_user_solver_with_threads_after_default_pool() -> None:
    # (PuLP's solver copy drops ``threads`` today; rmatch also drops a count the
    # pool cannot give, should a later PuLP keep it)
    got = run_fresh(
        """
        other_code_solves()
        mine = pulp.HiGHS(msg=False, threads=1)
        print(json.dumps(report(solve(trivial, method="ilp", ilp_solver=mine))))
        """
    )
    assert got == ["optimal", 1.8, [1, 2]]


def test_default_threads_highs_after_rmatch() -> None:
    # the other order: rmatch creates a one-thread pool, other code still solves
    got = run_fresh(
        """
        first = report(solve(trivial, method="ilp"))
        other_code_solves()
        print(json.dumps([first, report(solve(empty, method="ilp"))]))
        """
    )
    assert got == [["optimal", 1.8, [1, 2]], ["optimal", 0.0, []]]

"""Certification respects the precision of the scores.

Scores are float32: a pruned pair can beat its duals by an ulp for no reason but
rounding. Such ties must not trigger a re-solve (their excess stays in the bound),
while a pair that really improves the matching is still added.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

import rmatch
import rmatch.certify as certify_module
from rmatch.candidates import CandidateSet, build_candidates
from rmatch.certify import (
    OPTIMAL_GAP,
    certify,
    dual_bound,
    lp_duals,
    rounding_tolerance,
)
from rmatch.datasets import synthetic_org
from rmatch.rules import NoReportingLine
from rmatch.scoring import default_criteria
from rmatch.solvers import CandidateGraph, Solution, solve

#: float32 rounding of a score near 0.5: half an ulp is 3e-8 (the excesses seen
#: at a million employees were 3e-8 … 9e-8)
NOISE = 3e-8


@pytest.fixture(scope="module")
def setup() -> tuple[rmatch.People, CandidateSet, Solution, np.ndarray, np.ndarray]:
    people = rmatch.read_people(
        synthetic_org(2500, seed=5, mentor_rate=0.1, mentee_rate=0.08)
    )
    pruned = build_candidates(people, default_criteria(), [NoReportingLine(1)], top_k=2)
    # every non-edge is a suspect: only its exact score decides
    pruned = replace(
        pruned,
        theta_left=np.ones(pruned.graph.n_left),
        theta_right=np.ones(pruned.graph.n_right),
    )
    sol = solve(pruned.graph)
    u, v, converged = lp_duals(pruned.graph, sol.edges)
    assert converged
    return people, pruned, sol, u, v


def _fake_rescore(
    monkeypatch: pytest.MonkeyPatch,
    u: np.ndarray,
    v: np.ndarray,
    n_r: int,
    special: dict[int, float],
) -> None:
    """Pruned pairs score below their duals, except ``special`` (key -> excess)."""

    def rescore(
        sc: Any, li: np.ndarray, rj: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        keys = np.unique(li * np.int64(n_r) + rj)
        lk, rk = keys // n_r, keys % n_r
        w = np.clip(u[lk] + v[rk] - 0.01, 0.0, 1.0)
        for i, key in enumerate(keys.tolist()):
            if key in special:
                w[i] = u[lk[i]] + v[rk[i]] + special[key]
        crit = np.full((keys.size, len(sc.kernels)), np.nan, dtype=np.float32)
        return keys, w, crit

    monkeypatch.setattr(certify_module, "rescore", rescore)


def _non_edges(cs: CandidateSet, u: np.ndarray, v: np.ndarray, n: int) -> list[int]:
    """``n`` non-edge keys whose duals leave room below a score of 1."""
    g = cs.graph
    n_r = g.n_right
    edges = set((np.asarray(g.left) * np.int64(n_r) + np.asarray(g.right)).tolist())
    out: list[int] = []
    for i in range(g.n_left):
        for j in range(n_r):
            key = i * n_r + j
            if key not in edges and u[i] + v[j] < 0.8:
                out.append(key)
                break
        if len(out) == n:
            return out
    raise AssertionError("no room for the test pairs")


def _counting_solve(calls: list[int]) -> Any:
    def counted(graph: CandidateGraph) -> Solution:
        calls.append(graph.n_edges)
        return solve(graph)

    return counted


def test_rounding_tolerance_follows_dtype_and_weights() -> None:
    eps32 = float(np.finfo(np.float32).eps)
    assert rounding_tolerance(np.array([0.1, 1.0])) == pytest.approx(4 * eps32)
    assert rounding_tolerance(np.array([0.1, 0.5])) == pytest.approx(2 * eps32)
    assert rounding_tolerance(np.array([1.0]), np.float64) < 1e-15
    assert rounding_tolerance(np.array([-np.inf])) == 0.0
    # the excesses measured at a million employees are ties, a real gain is not
    assert 9e-8 < rounding_tolerance(np.array([1.0])) < 1e-6


def test_float32_noise_alone_never_triggers_a_resolve(
    setup: tuple[rmatch.People, CandidateSet, Solution, np.ndarray, np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    people, pruned, sol, u, v = setup
    ties = _non_edges(pruned, u, v, 2)
    _fake_rescore(monkeypatch, u, v, pruned.graph.n_right, dict.fromkeys(ties, NOISE))
    calls: list[int] = []
    cs, sol2, cert = certify(
        pruned,
        sol,
        people=people,
        criteria=default_criteria(),
        rules=[NoReportingLine(1)],
        solve=_counting_solve(calls),
    )
    tie_total = len(ties) * NOISE
    base = dual_bound(pruned.graph, u, v)
    assert tie_total / base < OPTIMAL_GAP  # premise: the ties are below the claim
    assert calls == []  # no re-solve
    assert cert.rounds == 0
    assert cert.added_edges == 0
    assert cs.graph.n_edges == pruned.graph.n_edges
    assert sol2 is sol
    assert cert.optimal
    assert cert.gap <= OPTIMAL_GAP
    # honest: the ties' excess is in the bound, so it bounds a matching using them
    assert cert.bound == pytest.approx(base + tie_total, abs=1e-12)
    assert cert.bound >= sol.total_score + tie_total - 1e-12
    assert cert.gap == pytest.approx(
        (cert.bound - sol.total_score) / cert.bound, abs=1e-15
    )


def test_a_real_improving_pair_is_added(
    setup: tuple[rmatch.People, CandidateSet, Solution, np.ndarray, np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    people, pruned, sol, u, v = setup
    (gain,) = _non_edges(pruned, u, v, 1)
    _fake_rescore(monkeypatch, u, v, pruned.graph.n_right, {gain: 0.05})
    calls: list[int] = []
    cs, sol2, cert = certify(
        pruned,
        sol,
        people=people,
        criteria=default_criteria(),
        rules=[NoReportingLine(1)],
        solve=_counting_solve(calls),
    )
    assert calls  # solved again
    assert cert.rounds >= 1
    assert cert.added_edges >= 1
    n_r = cs.graph.n_right
    keys = np.asarray(cs.graph.left) * np.int64(n_r) + np.asarray(cs.graph.right)
    assert gain in set(keys.tolist())
    assert sol2.total_score > sol.total_score + 1e-3  # the objective improves
    assert cert.optimal


def test_ties_that_decide_the_claim_are_still_chased(
    setup: tuple[rmatch.People, CandidateSet, Solution, np.ndarray, np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # many rounding-sized excesses whose total exceeds the optimality tolerance:
    # calling the matching optimal would need them, so they are added
    people, pruned, sol, u, v = setup
    ties = _non_edges(pruned, u, v, 60)
    excess = 2e-7
    assert excess < rounding_tolerance(np.asarray(pruned.graph.weight))
    base = dual_bound(pruned.graph, u, v)
    assert len(ties) * excess / base > OPTIMAL_GAP
    _fake_rescore(monkeypatch, u, v, pruned.graph.n_right, dict.fromkeys(ties, excess))
    calls: list[int] = []
    _, sol2, cert = certify(
        pruned,
        sol,
        people=people,
        criteria=default_criteria(),
        rules=[NoReportingLine(1)],
        solve=_counting_solve(calls),
    )
    assert calls
    assert cert.added_edges >= 1
    assert cert.bound >= sol2.total_score
    assert cert.gap == pytest.approx(
        (cert.bound - sol2.total_score) / cert.bound, abs=1e-15
    )


def test_added_edges_keep_the_required_flag_on_its_pair() -> None:
    """Certification adds pruned pairs; a required pair must stay the required one."""
    people = rmatch.read_people(str(rmatch.datasets.demo_path()))
    first = rmatch.Program(top_k=2).match(people)
    mentor, mentee = first.pairs[["mentor_id", "mentee_id"]].iloc[0]
    program = rmatch.Program(
        top_k=2,
        rules=[rmatch.NoReportingLine(1), rmatch.RequiredPairs([(mentor, mentee)])],
    )
    cs = program.match(people).candidates
    g = cs.graph
    assert g.required is not None and g.required.sum() == 1
    flagged = (int(g.left[g.required][0]), int(g.right[g.required][0]))
    have = set(zip(g.left.tolist(), g.right.tolist(), strict=True))
    new = [(0, r) for r in range(g.n_right) if (0, r) not in have][:3]
    left = np.array([p[0] for p in new], dtype=g.left.dtype)
    right = np.array([p[1] for p in new], dtype=g.right.dtype)
    crit = np.zeros((len(new), cs.criterion_scores.shape[1]), dtype=np.float32)
    more = certify_module.add_edges(cs, left, right, np.full(len(new), 0.5), crit)
    h = more.graph
    assert h.left.size == g.left.size + len(new)
    assert h.required is not None and h.required.size == h.left.size
    assert list(zip(h.left[h.required], h.right[h.required], strict=True)) == [flagged]

"""Candidate graph: rules remove pairs, top-k keeps the best, blocks change nothing."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import rmatch
from rmatch.candidates import build_candidates
from rmatch.criteria import default_criteria
from rmatch.datasets import synthetic_org
from rmatch.rules import NoReportingLine, ReverseSeniority


@pytest.fixture(scope="module")
def people() -> rmatch.People:
    return rmatch.read_people(
        synthetic_org(600, seed=3, mentor_rate=0.1, mentee_rate=0.08)
    )


def _edges(cs) -> dict[tuple[int, int], float]:
    g = cs.graph
    return {
        (int(a), int(b)): float(w)
        for a, b, w in zip(g.left, g.right, g.weight, strict=True)
    }


def test_block_size_does_not_change_the_graph(people: rmatch.People) -> None:
    rules = [NoReportingLine(2), ReverseSeniority(1)]
    whole = build_candidates(people, default_criteria(), rules)
    tiny = build_candidates(people, default_criteria(), rules, block_cells=50)
    assert _edges(whole) == _edges(tiny)
    np.testing.assert_array_equal(whole.removed_right, tiny.removed_right)
    np.testing.assert_array_equal(whole.criterion_scores, tiny.criterion_scores)


def test_rules_remove_pairs_and_are_counted(people: rmatch.People) -> None:
    free = build_candidates(people, default_criteria(), [])
    ruled = build_candidates(people, default_criteria(), [NoReportingLine(2)])
    assert set(_edges(ruled)) < set(_edges(free))
    removed = len(_edges(free)) - len(_edges(ruled))
    assert removed == int(ruled.removed_right.sum()) == int(ruled.removed_left.sum())
    # no edge joins a person with their manager or skip-level manager
    anc = people.ancestors(2)
    for a, b in _edges(ruled):
        m, e = ruled.mentors[a], ruled.mentees[b]
        assert e not in anc[m]
        assert m not in anc[e]
        assert m != e


@given(st.integers(1, 6), st.integers(10, 400))
def test_top_k_keeps_the_best_per_person(k: int, block_cells: int) -> None:
    people = rmatch.read_people(synthetic_org(150, seed=1))
    full = build_candidates(people, default_criteria(), [NoReportingLine(1)])
    pruned = build_candidates(
        people,
        default_criteria(),
        [NoReportingLine(1)],
        top_k=k,
        block_cells=block_cells,
    )
    e_full, e_pruned = _edges(full), _edges(pruned)
    assert set(e_pruned) <= set(e_full)
    assert all(e_full[key] == pytest.approx(w) for key, w in e_pruned.items())
    # every mentee keeps at least min(k, #allowed) candidates, and nobody outside
    # the kept set scores better than the k-th kept one for both ends
    for side in (0, 1):
        per: dict[int, list[float]] = {}
        for key, w in e_full.items():
            per.setdefault(key[side], []).append(w)
        kept: dict[int, int] = {}
        for key in e_pruned:
            kept[key[side]] = kept.get(key[side], 0) + 1
        for node, scores in per.items():
            assert kept.get(node, 0) >= min(k, len(scores))
    # the pruned bound is the same certified bound as the full one
    assert pruned.upper_bound == pytest.approx(full.upper_bound)


def test_upper_bound_is_at_least_any_matching_weight(people: rmatch.People) -> None:
    cs = build_candidates(people, default_criteria(), [NoReportingLine(1)])
    g = cs.graph
    # greedy b-matching is feasible, so its weight is below the bound
    order = np.lexsort((np.arange(g.weight.size), -g.weight))
    load_l = np.zeros(g.n_left, int)
    load_r = np.zeros(g.n_right, int)
    total = 0.0
    for e in order:
        a, b = g.left[e], g.right[e]
        if load_l[a] < g.left_capacity[a] and load_r[b] < g.right_capacity[b]:
            load_l[a] += 1
            load_r[b] += 1
            total += g.weight[e]
    assert total <= cs.upper_bound + 1e-9

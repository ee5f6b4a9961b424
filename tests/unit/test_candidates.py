"""Candidate graph: rules remove pairs, top-k keeps the best, blocks change nothing.

The fast paths (float32 kernels, free-slot blocking, threshold selection, threads)
are checked against the plain definitions: each criterion's and rule's own
``score`` / ``allowed`` (reached through trivial subclasses, which take the
generic path), and an exact top ``k`` computed from the full graph.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import rmatch
from rmatch.candidates import build_candidates
from rmatch.certify import OPTIMAL_GAP, certify, dual_bound, lp_duals
from rmatch.datasets import synthetic_org
from rmatch.rules import (
    DifferentValue,
    ForbiddenPairs,
    MaxTimezoneGap,
    MinScore,
    MinSharedHours,
    NoReportingLine,
    ReverseSeniority,
    SameValue,
)
from rmatch.scoring import (
    Block,
    Goals,
    Interests,
    Schedule,
    SetSimilarity,
    Skills,
    default_criteria,
)
from rmatch.solvers import CandidateGraph, solve


@pytest.fixture(scope="module")
def people() -> rmatch.People:
    return rmatch.read_people(
        synthetic_org(600, seed=3, mentor_rate=0.1, mentee_rate=0.08)
    )


@pytest.fixture(scope="module")
def single() -> rmatch.People:
    """Everyone takes one partner, so a top 1 can miss the optimum."""
    return rmatch.read_people(
        synthetic_org(800, seed=4, mentor_rate=0.08, mentee_rate=0.08, capacity=1)
    )


@pytest.fixture(scope="module")
def mixed() -> rmatch.People:
    """Both roles, missing answers, several time zones."""
    frame = synthetic_org(
        1500, seed=11, mentor_rate=0.12, mentee_rate=0.08, both_rate=0.03
    )
    part = np.flatnonzero(frame["role"].to_numpy() != "none")
    rng = np.random.default_rng(0)
    for column in ("skills_offered", "skills_wanted", "availability", "interests"):
        drop = rng.choice(part, size=part.size // 8, replace=False)
        frame.loc[drop, column] = ""
    return rmatch.read_people(frame)


def _edges(cs) -> dict[tuple[int, int], float]:
    g = cs.graph
    return {
        (int(a), int(b)): float(w)
        for a, b, w in zip(g.left, g.right, g.weight, strict=True)
    }


def _same_graph(a, b, *, exact: bool = True) -> None:
    np.testing.assert_array_equal(a.graph.left, b.graph.left)
    np.testing.assert_array_equal(a.graph.right, b.graph.right)
    if exact:
        np.testing.assert_array_equal(a.graph.weight, b.graph.weight)
        np.testing.assert_array_equal(a.criterion_scores, b.criterion_scores)
    else:
        np.testing.assert_allclose(a.graph.weight, b.graph.weight, atol=1e-6)
        np.testing.assert_allclose(
            a.criterion_scores, b.criterion_scores, atol=1e-6, equal_nan=True
        )
    np.testing.assert_array_equal(a.possible_left, b.possible_left)
    np.testing.assert_array_equal(a.possible_right, b.possible_right)
    np.testing.assert_array_equal(a.removed_left, b.removed_left)
    np.testing.assert_array_equal(a.removed_right, b.removed_right)
    assert a.n_allowed == b.n_allowed


def _reference_top_k(full, k: int) -> set[tuple[int, int]]:
    """Per person, the k best edges (best score, then smaller partner)."""
    g = full.graph
    left, right, w = np.asarray(g.left), np.asarray(g.right), np.asarray(g.weight)
    keep = np.zeros(left.size, dtype=bool)
    for node, other in ((left, right), (right, left)):
        order = np.lexsort((other, -w, node))
        sorted_node = node[order]
        rank = np.arange(order.size) - np.searchsorted(sorted_node, sorted_node)
        keep[order[rank < k]] = True
    return set(zip(left[keep].tolist(), right[keep].tolist(), strict=True))


DEMO_RULES = [NoReportingLine(2), ReverseSeniority(1), MinSharedHours(0.5)]


# ------------------------------------------------------------------ basic behaviour
def test_block_size_does_not_change_the_graph(people: rmatch.People) -> None:
    rules = [NoReportingLine(2), ReverseSeniority(1)]
    whole = build_candidates(people, default_criteria(), rules)
    tiny = build_candidates(people, default_criteria(), rules, block_cells=50)
    _same_graph(whole, tiny)


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


def test_self_pairs_are_never_candidates(mixed: rmatch.People) -> None:
    cs = build_candidates(mixed, default_criteria(), [])
    both = np.flatnonzero(mixed.roles == "both")
    assert both.size > 0
    assert not np.any(cs.mentors[cs.graph.left] == cs.mentees[cs.graph.right])
    # a "both" person has one partner fewer than the other role has people
    node = int(np.flatnonzero(cs.mentors == both[0])[0])
    assert cs.possible_left[node] == cs.graph.n_right - 1


# ------------------------------------------------------------------ top k
def test_top_k_at_least_everyone_is_the_full_graph(mixed: rmatch.People) -> None:
    full = build_candidates(mixed, default_criteria(), DEMO_RULES)
    k = max(full.graph.n_left, full.graph.n_right)
    pruned = build_candidates(mixed, default_criteria(), DEMO_RULES, top_k=k)
    _same_graph(full, pruned)
    assert not pruned.pruned
    assert np.all(np.isneginf(pruned.theta_left))
    assert np.all(np.isneginf(pruned.theta_right))


@settings(max_examples=15)
@given(
    st.integers(1, 8),
    st.sampled_from([300, 5_000, 4_000_000]),
    st.sampled_from(["none", "demo", "mixed"]),
)
def test_top_k_is_the_exact_top_k_per_person(
    mixed: rmatch.People, k: int, block_cells: int, which: str
) -> None:
    rules = {
        "none": [],
        "demo": DEMO_RULES,
        "mixed": [MaxTimezoneGap(4), MinSharedHours(1), MinScore(0.15)],
    }[which]
    crit = default_criteria()
    full = build_candidates(mixed, crit, rules, mentor_capacity=2)
    pruned = build_candidates(
        mixed, crit, rules, top_k=k, block_cells=block_cells, mentor_capacity=2
    )
    k_sel = pruned.stats["k_selected"]
    assert k_sel == max(k, 3)  # at least every capacity (mentors take up to 3)
    assert set(_edges(pruned)) == _reference_top_k(full, k_sel)
    e_full = _edges(full)
    assert all(e_full[key] == w for key, w in _edges(pruned).items())
    np.testing.assert_array_equal(full.removed_right, pruned.removed_right)
    # theta bounds every allowed pair that is not an edge, at both ends
    kept = _edges(pruned)
    for (a, b), w in e_full.items():
        if (a, b) not in kept:
            assert w <= pruned.theta_left[a]
            assert w <= pruned.theta_right[b]
    # the capacity bound does not depend on the pruning
    assert pruned.upper_bound == pytest.approx(full.upper_bound)


def test_threads_and_blocking_change_nothing(mixed: rmatch.People) -> None:
    crit = default_criteria()
    base = build_candidates(
        mixed, crit, DEMO_RULES, top_k=4, threads=1, blocking=False, block_cells=5000
    )
    assert base.stats["blocking"] == "none"
    for threads in (1, 2):
        fast = build_candidates(
            mixed, crit, DEMO_RULES, top_k=4, threads=threads, block_cells=5000
        )
        assert fast.stats["blocking"] == "free-slot hours"
        assert fast.stats["pairs_scored"] < base.stats["pairs_scored"]
        _same_graph(base, fast)
        np.testing.assert_array_equal(base.theta_left, fast.theta_left)
        np.testing.assert_array_equal(base.theta_right, fast.theta_right)


# ------------------------------------------------------------------ fast = generic
# subclasses keep the fast kernel / plan unless they score (allow) themselves
class _MySkills(Skills):
    def score(self, block: Block) -> np.ndarray:
        return super().score(block)


class _MySchedule(Schedule):
    def score(self, block: Block) -> np.ndarray:
        return super().score(block)


class _MySet(SetSimilarity):
    def score(self, block: Block) -> np.ndarray:
        return super().score(block)


class _MyNoReporting(NoReportingLine):
    def allowed(self, block: Block) -> np.ndarray:
        return super().allowed(block)


class _MySeniority(ReverseSeniority):
    def allowed(self, block: Block) -> np.ndarray:
        return super().allowed(block)


class _MyHours(MinSharedHours):
    def allowed(self, block: Block) -> np.ndarray:
        return super().allowed(block)


class _MyGap(MaxTimezoneGap):
    def allowed(self, block: Block) -> np.ndarray:
        return super().allowed(block)


class _MyForbidden(ForbiddenPairs):
    def allowed(self, block: Block) -> np.ndarray:
        return super().allowed(block)


class _MySame(SameValue):
    def allowed(self, block: Block) -> np.ndarray:
        return super().allowed(block)


class _MyMinScore(MinScore):
    def allowed(self, block: Block) -> np.ndarray:
        return super().allowed(block)


class _MyDifferent(DifferentValue):
    def allowed(self, block: Block) -> np.ndarray:
        return super().allowed(block)


def test_fast_criteria_equal_their_own_score(mixed: rmatch.People) -> None:
    fast = [
        Skills(forward=1.0, backward=0.5),
        Schedule(target_hours=1.5),
        Interests(),
        Goals(measure="overlap"),
        SetSimilarity("languages", weight=0.5),
    ]
    slow = [
        _MySkills(forward=1.0, backward=0.5),
        _MySchedule(target_hours=1.5),
        _MySet("interests"),
        _MySet("goals", measure="overlap"),
        _MySet("languages", weight=0.5),
    ]
    # every allowed pair: float rounding may reorder near-ties in a top k
    a = build_candidates(mixed, fast, [MinScore(0.1)])
    b = build_candidates(mixed, slow, [MinScore(0.1)])
    _same_graph(a, b, exact=False)
    assert np.isnan(a.criterion_scores).any()  # missing answers stay "no data"


def test_fast_rules_equal_their_own_allowed(mixed: rmatch.People) -> None:
    ids = mixed.ids
    pairs = [(str(ids[i]), str(ids[j])) for i, j in [(1, 2), (5, 40), (7, 9)]]
    mentors = np.flatnonzero(mixed.is_mentor)[:6]
    mentees = np.flatnonzero(mixed.is_mentee)[:6]
    pairs += [(str(ids[m]), str(ids[e])) for m, e in zip(mentors, mentees, strict=True)]
    fast = [
        NoReportingLine(2, same_manager=True),
        ForbiddenPairs(pairs),
        ReverseSeniority(1),
        MaxTimezoneGap(3),
        DifferentValue("department"),
        SameValue("languages"),
        MinSharedHours(0.5),
        MinScore(0.25),
    ]
    slow = [
        _MyNoReporting(2, same_manager=True),
        _MyForbidden(pairs),
        _MySeniority(1),
        _MyGap(3),
        _MyDifferent("department"),
        _MySame("languages"),
        _MyHours(0.5),
        _MyMinScore(0.25),
    ]
    crit = default_criteria()
    a = build_candidates(mixed, crit, fast, top_k=5, block_cells=20_000)
    b = build_candidates(mixed, crit, slow, top_k=5, block_cells=20_000)
    assert b.stats["blocking"] == "none"
    _same_graph(a, b)
    assert a.removed_right.sum(axis=1).min() > 0  # every rule removed something


def test_blocking_counts_rules_before_it_exactly(mixed: rmatch.People) -> None:
    """Pairs never scored (no shared slot) are still charged to the right rule."""
    rules = [
        NoReportingLine(1),
        SameValue("location"),
        ReverseSeniority(0),
        MinSharedHours(1),
        MinScore(0.2),
    ]
    crit = default_criteria()
    blocked = build_candidates(mixed, crit, rules, top_k=3, block_cells=5000)
    plain = build_candidates(mixed, crit, rules, top_k=3, blocking=False)
    assert blocked.stats["blocking"] == "free-slot hours"
    _same_graph(blocked, plain)


# ------------------------------------------------------------------ certificate
def _random_graph(seed: int, n_left: int, n_right: int) -> CandidateGraph:
    rng = np.random.default_rng(seed)
    w = rng.random((n_left, n_right)).round(2)
    allowed = rng.random((n_left, n_right)) < 0.7
    return CandidateGraph.from_dense(
        w,
        allowed=allowed,
        left_capacity=rng.integers(0, 3, n_left),
        right_capacity=rng.integers(1, 3, n_right),
    )


@given(st.integers(0, 10_000), st.integers(1, 12), st.integers(1, 12))
def test_lp_duals_certify_an_optimal_matching(seed: int, nl: int, nr: int) -> None:
    g = _random_graph(seed, nl, nr)
    sol = solve(g)
    u, v, converged = lp_duals(g, sol.edges)
    assert converged
    assert np.all(u >= 0)
    assert np.all(v >= 0)
    assert dual_bound(g, u, v) == pytest.approx(sol.total_score, abs=1e-9)
    # any non-negative duals bound every matching (weak duality)
    rng = np.random.default_rng(seed)
    assert dual_bound(g, rng.random(nl), rng.random(nr)) >= sol.total_score - 1e-9


@settings(max_examples=20)
@given(st.integers(0, 10_000), st.integers(1, 3))
@example(497, 1)  # optimal within OPTIMAL_GAP: 7.5e-9 below on a total of 7.64
def test_certified_gap_zero_means_the_unpruned_optimum(seed: int, k: int) -> None:
    frame = synthetic_org(
        260, seed=seed, mentor_rate=0.15, mentee_rate=0.12, both_rate=0.02
    )
    people = rmatch.read_people(frame)
    crit = default_criteria()
    rules = [NoReportingLine(1), MinSharedHours(0.25)]
    full = build_candidates(people, crit, rules, mentor_capacity=2)
    if full.graph.n_left == 0 or full.graph.n_right == 0:
        return
    best = solve(full.graph).total_score
    pruned = build_candidates(people, crit, rules, mentor_capacity=2, top_k=k)
    sol = solve(pruned.graph)
    cs, sol2, cert = certify(
        pruned, sol, people=people, criteria=crit, rules=rules, solve=solve
    )
    assert cert.bound >= best - 1e-9  # a valid bound on the unpruned optimum
    if cert.optimal:  # "optimal" = a relative gap of at most OPTIMAL_GAP
        assert sol2.total_score == pytest.approx(best, rel=OPTIMAL_GAP, abs=1e-9)
    assert cert.gap == pytest.approx(
        (cert.bound - sol2.total_score) / max(cert.bound, 1e-9), abs=1e-12
    )
    assert cs.certificate is cert
    assert cs.upper_bound == cert.bound
    # column generation only adds allowed pairs with their exact scores
    e_full = _edges(full)
    assert all(e_full[key] == w for key, w in _edges(cs).items())


def test_column_generation_closes_a_gap_top_k_leaves(single: rmatch.People) -> None:
    crit = default_criteria()
    rules = [NoReportingLine(1)]
    full = build_candidates(single, crit, rules)
    best = solve(full.graph).total_score
    pruned = build_candidates(single, crit, rules, top_k=1)
    sol = solve(pruned.graph)
    assert sol.total_score < best - 1e-6  # top 1 alone is not optimal here
    _, sol2, cert = certify(
        pruned, sol, people=single, criteria=crit, rules=rules, solve=solve
    )
    assert cert.rounds >= 1
    assert cert.added_edges > 0
    assert cert.optimal
    assert sol2.total_score == pytest.approx(best, abs=1e-9)


def test_program_reports_a_certified_bound(people: rmatch.People) -> None:
    program = rmatch.Program(rules=[NoReportingLine(1)], top_k=2)
    result = program.match(people)
    exact = rmatch.Program(rules=[NoReportingLine(1)]).match(people)
    s = result.summary()
    assert s.pruned
    assert s.status == "optimal"
    assert s.gap == pytest.approx(0.0, abs=1e-9)
    assert s.objective == pytest.approx(exact.summary().objective, abs=1e-9)
    assert result.candidates.certificate is not None
    assert "certify" in result.seconds


def test_pruned_result_is_never_called_optimal_without_certificate(
    people: rmatch.People,
) -> None:
    program = rmatch.Program(rules=[NoReportingLine(1)], top_k=1, objective="coverage")
    s = program.match(people).summary()
    assert s.pruned
    assert s.status == "feasible"
    assert s.bound is None
    assert s.gap is None


def test_gap_tolerance_enlarges_top_k(
    single: rmatch.People, monkeypatch: pytest.MonkeyPatch
) -> None:
    import rmatch.certify as certify_module
    import rmatch.program as program_module

    real = certify_module.certify
    seen: list[int | None] = []

    def theta_only(cs, solution, **kwargs):
        # no re-scoring and no column generation: the gap comes from theta only
        seen.append(cs.top_k)
        return real(cs, solution, **{**kwargs, "max_rounds": 0, "max_rescore": 0})

    monkeypatch.setattr(certify_module, "certify", theta_only)
    if hasattr(program_module, "certify"):  # imported at the top of program
        monkeypatch.setattr(program_module, "certify", theta_only)
    program = rmatch.Program(rules=[NoReportingLine(1)], top_k=1, gap_tolerance=0.0)
    s = program.match(single).summary()
    assert seen[0] == 1
    assert len(seen) > 1
    assert seen == sorted(seen)
    assert s.gap is not None
    assert s.gap <= 1e-9


# ------------------------------------------------------------------ memory, progress
def test_memory_is_bounded_by_the_block_not_the_pairs() -> None:
    import tracemalloc

    people = rmatch.read_people(
        synthetic_org(40_000, seed=5, mentor_rate=0.2, mentee_rate=0.5)
    )
    n_left, n_right = int(people.is_mentor.sum()), int(people.is_mentee.sum())
    assert n_right >= 20_000
    full_matrix = n_left * n_right * 4  # one float32 score per pair: 640 MB
    tracemalloc.start()
    try:
        cs = build_candidates(
            people,
            default_criteria(),
            [NoReportingLine(1)],
            top_k=3,
            block_cells=200_000,
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert cs.stats["blocking"] == "none"  # every pair is scored
    assert cs.stats["pairs_scored"] == n_left * n_right
    assert cs.n_edges <= 3 * (n_left + n_right)
    # features (per person) + a few blocks of 200k pairs, not mentors x mentees
    assert peak < full_matrix / 4
    assert peak < 150 * 2**20


def test_progress_reports_blocks_and_the_library_is_silent(
    people: rmatch.People, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[str, int, int]] = []
    build_candidates(
        people,
        default_criteria(),
        [],
        block_cells=500,
        progress=lambda *a: calls.append(a),
    )
    assert len(calls) > 3
    assert {c[0] for c in calls} == {"score"}
    assert [c[1] for c in calls] == list(range(1, len(calls) + 1))
    assert calls[-1][1] == calls[-1][2]
    build_candidates(people, default_criteria(), [], block_cells=500)
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == ""

"""Matching on stated choices, checked by an independent referee (plain loops).

The referee rebuilds everyone's preference list from the choices records and the
pair scores, with the documented rules (a chooser accepts only whom they ranked,
in their order, ties by score then id; a person who ranked nobody accepts every
allowed partner by score, then id), and checks by brute force over every
matching of the small organization:

* ``stable`` has no blocking pair and is mentee-optimal (each mentee gets the
  best partner any stable matching gives them); ``stable:mentor`` is
  mentor-optimal;
* ``flow`` reaches the best rank utility, then the best total score;
* nobody is lost and no forbidden pair is matched.
"""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rmatch
from tests.property.strategies_graph import graphs

pytestmark = pytest.mark.filterwarnings("ignore:every candidate pair scores 0")

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
Pair = tuple[str, str]  # (mentor id, mentee id)


@st.composite
def programs(
    draw: Any, mentor_cap_max: int = 2, full: bool = False, mentee_cap_max: int = 1
) -> dict[str, Any]:
    """Small organizations with forbidden pairs and choices from both sides.

    ``full``: everyone ranks everyone (strict lists), where several stable
    matchings are common and optimality has teeth.
    """
    n_m = draw(st.sampled_from([2, 3] if full else [2, 3, 1]))
    n_e = n_m if full else draw(st.sampled_from([2, 3, 4, 1]))
    mentors = [f"M{i}" for i in range(n_m)]
    mentees = [f"E{i}" for i in range(n_e)]
    vocab = ["a", "b", "c"]
    records = []
    for pid in mentors + mentees:
        interests = draw(st.lists(st.sampled_from(vocab), max_size=3, unique=True))
        records.append(
            {
                "id": pid,
                "role": "mentor" if pid.startswith("M") else "mentee",
                "capacity": 1
                if full
                else draw(st.sampled_from([1, 1, 1, mentor_cap_max, 0]))
                if pid.startswith("M")
                else draw(st.integers(1, mentee_cap_max)),
                "interests": "; ".join(interests),
            }
        )
    all_pairs = [(m, e) for m in mentors for e in mentees]
    forbidden = draw(
        st.lists(st.sampled_from(all_pairs), unique=True, max_size=0 if full else 2)
    )
    rows = []
    for chooser, others in [(e, mentors) for e in mentees] + [
        (m, mentees) for m in mentors
    ]:
        if not full and draw(st.integers(0, 3)) == 0:  # a quarter rank nobody
            continue
        picks = draw(st.permutations(others))
        if not full:
            picks = picks[: draw(st.sampled_from([len(others), 1, 2]))]
        for place, other in enumerate(picks, start=1):
            rank = place if full else draw(st.sampled_from([place] * 5 + [1]))
            rows.append({"person_id": chooser, "candidate_id": other, "rank": rank})
    return {
        "records": records,
        "forbidden": forbidden,
        "choices": rows,
        "mentors": mentors,
        "mentees": mentees,
    }


def run(case: dict[str, Any], method: str) -> rmatch.Matching:
    people = rmatch.read_people(case["records"])
    program = rmatch.Program(
        criteria=[rmatch.Interests()],
        rules=[rmatch.ForbiddenPairs(case["forbidden"])],
        method=method,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rmatch.DataQualityWarning)
        return program.match(people, choices=case["choices"])


class Referee:
    """Preferences and stability, rebuilt from the records with plain loops."""

    def __init__(self, case: dict[str, Any], result: rmatch.Matching) -> None:
        cs = result.candidates
        ids = result.people.ids
        self.score: dict[Pair, float] = {}
        for e in range(cs.n_edges):
            m = str(ids[cs.mentors[cs.graph.left[e]]])
            t = str(ids[cs.mentees[cs.graph.right[e]]])
            self.score[(m, t)] = float(cs.graph.weight[e])
        forbidden = set(map(tuple, case["forbidden"]))
        expected = {
            (m, t) for m in case["mentors"] for t in case["mentees"]
        } - forbidden
        assert set(self.score) == expected  # the scoring stage kept what is allowed
        self.cap = {r["id"]: int(r["capacity"]) for r in case["records"]}
        stated: dict[str, dict[str, int]] = {}
        for row in case["choices"]:
            best = stated.setdefault(row["person_id"], {})
            old = best.get(row["candidate_id"])
            best[row["candidate_id"]] = min(row["rank"], old or row["rank"])
        self.rank: dict[str, dict[str, int]] = {}
        for person, ranks in stated.items():
            levels = sorted(set(ranks.values()))
            self.rank[person] = {c: levels.index(r) + 1 for c, r in ranks.items()}
        self.longest = max((max(r.values()) for r in self.rank.values()), default=0)

    def pair_score(self, person: str, other: str) -> float:
        key = (person, other) if person.startswith("M") else (other, person)
        return self.score[key]

    def acceptable(self, person: str, other: str) -> bool:
        key = (person, other) if person.startswith("M") else (other, person)
        if key not in self.score:
            return False
        return person not in self.rank or other in self.rank[person]

    def key(self, person: str, other: str) -> tuple[float, float, str]:
        """Smaller is preferred."""
        rank = self.rank.get(person, {}).get(other, 0)
        return (rank, -self.pair_score(person, other), other)

    def blocking(self, pairs: set[Pair]) -> list[Pair]:
        partners: dict[str, list[str]] = {}
        for m, t in pairs:
            partners.setdefault(m, []).append(t)
            partners.setdefault(t, []).append(m)
        out = []
        for m, t in self.score:
            if (m, t) in pairs:
                continue
            if not (self.acceptable(m, t) and self.acceptable(t, m)):
                continue
            if all(self.wants(p, o, partners) for p, o in ((m, t), (t, m))):
                out.append((m, t))
        return out

    def wants(self, person: str, other: str, partners: dict[str, list[str]]) -> bool:
        cap = self.cap[person]
        mine = partners.get(person, [])
        if cap == 0:
            return False
        if len(mine) < cap:
            return True
        worst = max(mine, key=lambda o: self.key(person, o))
        return self.key(person, other) < self.key(person, worst)

    def matchings(self) -> list[set[Pair]]:
        edges = [
            (m, t)
            for (m, t) in self.score
            if self.acceptable(m, t) and self.acceptable(t, m)
        ]
        out = []
        for n in range(len(edges) + 1):
            for subset in itertools.combinations(edges, n):
                load: dict[str, int] = {}
                for m, t in subset:
                    load[m] = load.get(m, 0) + 1
                    load[t] = load.get(t, 0) + 1
                if all(v <= self.cap[p] for p, v in load.items()):
                    out.append(set(subset))
        return out

    def utility(self, pairs: set[Pair]) -> int:
        k = self.longest
        total = 0
        for m, t in pairs:
            for person, other in ((m, t), (t, m)):
                if other in self.rank.get(person, {}):
                    total += k + 1 - self.rank[person][other]
        return total


def pairs_of(result: rmatch.Matching) -> set[Pair]:
    return set(map(tuple, result.pairs[["mentor_id", "mentee_id"]].values.tolist()))


def check_nobody_lost(case: dict[str, Any], result: rmatch.Matching) -> None:
    pairs = pairs_of(result)
    matched = {p for pair in pairs for p in pair}
    unmatched = set(result.unmatched["id"])
    assert matched | unmatched == set(case["mentors"]) | set(case["mentees"])
    assert not matched & unmatched
    assert (result.unmatched["reason"] != "").all()
    assert not pairs & set(map(tuple, case["forbidden"]))


@SETTINGS
@given(st.one_of(programs(), programs(full=True)))
def test_stable_has_no_blocking_pair_and_is_mentee_optimal(
    case: dict[str, Any],
) -> None:
    result = run(case, "stable")
    ref = Referee(case, result)
    got = pairs_of(result)
    check_nobody_lost(case, result)
    assert ref.blocking(got) == []
    assert result.blocking_pairs == 0
    assert result.summary().preferences == "choices"
    stable = [m for m in ref.matchings() if not ref.blocking(m)]
    assert got in stable
    for mentee in case["mentees"]:  # capacity 1: one partner at most
        mine = [m for m, t in got if t == mentee]
        for other in stable:
            theirs = [m for m, t in other if t == mentee]
            if theirs:
                assert mine, f"{mentee} is matched in another stable matching"
                assert ref.key(mentee, mine[0]) <= ref.key(mentee, theirs[0])


@SETTINGS
@given(programs(mentor_cap_max=3, mentee_cap_max=2))
def test_stable_many_to_many_has_no_blocking_pair(case: dict[str, Any]) -> None:
    for method in ("stable", "stable:mentor"):
        result = run(case, method)
        ref = Referee(case, result)
        check_nobody_lost(case, result)
        assert ref.blocking(pairs_of(result)) == [] and result.blocking_pairs == 0


@SETTINGS
@given(st.one_of(programs(mentor_cap_max=1), programs(mentor_cap_max=1, full=True)))
def test_stable_mentor_is_mentor_optimal(case: dict[str, Any]) -> None:
    result = run(case, "stable:mentor")
    ref = Referee(case, result)
    got = pairs_of(result)
    assert ref.blocking(got) == []
    stable = [m for m in ref.matchings() if not ref.blocking(m)]
    for mentor in case["mentors"]:
        mine = [t for m, t in got if m == mentor]
        for other in stable:
            theirs = [t for m, t in other if m == mentor]
            if theirs:
                assert mine
                assert ref.key(mentor, mine[0]) <= ref.key(mentor, theirs[0])


@SETTINGS
@given(programs())
def test_flow_maximizes_rank_utility_then_score(case: dict[str, Any]) -> None:
    result = run(case, "flow")
    ref = Referee(case, result)
    got = pairs_of(result)
    check_nobody_lost(case, result)
    everything = ref.matchings()
    best = max(ref.utility(m) for m in everything)
    assert ref.utility(got) == best
    assert result.objective == best
    best_score = max(
        sum(ref.score[p] for p in m) for m in everything if ref.utility(m) == best
    )
    assert sum(ref.score[p] for p in got) == pytest.approx(best_score, abs=1e-6)
    assert result.blocking_pairs == len(ref.blocking(got))


def _loop_blocking(graph: Any, chosen: list[int], ranks: Any) -> list[int]:
    """Blocking edges by plain loops; preferences: ranks (ties by edge) or weight."""

    def key(e: int, side: str) -> tuple[float, int]:
        if ranks is not None:
            return (int(ranks[0 if side == "l" else 1][e]), e)
        partner = int(graph.right[e] if side == "l" else graph.left[e])
        return (-float(graph.weight[e]), partner)

    mine: dict[tuple[str, int], list[int]] = {}
    for e in chosen:
        mine.setdefault(("l", int(graph.left[e])), []).append(e)
        mine.setdefault(("r", int(graph.right[e])), []).append(e)
    out = []
    for e in range(graph.n_edges):
        if e in chosen:
            continue
        wants = []
        for side, node, cap in (
            ("l", int(graph.left[e]), graph.left_capacity),
            ("r", int(graph.right[e]), graph.right_capacity),
        ):
            held = mine.get((side, node), [])
            if cap[node] == 0:
                wants.append(False)
            elif len(held) < cap[node]:
                wants.append(True)
            else:
                worst = max(key(h, side) for h in held)
                wants.append(key(e, side) < worst)
        if all(wants):
            out.append(e)
    return out


@SETTINGS
@given(graphs(max_side=5, max_edges=14), st.data())
def test_vectorized_blocking_pairs_equal_plain_loops(graph: Any, data: Any) -> None:
    import numpy as np

    from rmatch.solvers import blocking_pairs

    chosen = sorted(
        data.draw(st.sets(st.integers(0, max(graph.n_edges - 1, 0)), max_size=8))
        if graph.n_edges
        else set()
    )
    got = blocking_pairs(graph, np.asarray(chosen, dtype=np.int64)).tolist()
    assert got == _loop_blocking(graph, chosen, None)
    ranks = (
        np.asarray(data.draw(st.lists(st.integers(0, 2), min_size=graph.n_edges,
                                      max_size=graph.n_edges)), dtype=np.int64),
        np.asarray(data.draw(st.lists(st.integers(0, 2), min_size=graph.n_edges,
                                      max_size=graph.n_edges)), dtype=np.int64),
    )  # fmt: skip
    got = blocking_pairs(graph, np.asarray(chosen, dtype=np.int64), ranks).tolist()
    assert got == _loop_blocking(graph, chosen, ranks)


@SETTINGS
@given(
    programs(),
    st.lists(
        st.fixed_dictionaries(
            {
                "person_id": st.sampled_from(["M0", "M1", "E0", "E1", "E2", "", "Zz"]),
                "candidate_id": st.sampled_from(["M0", "M1", "E0", "E1", "", "m0"]),
                "rank": st.sampled_from(["1", "2", "2.0", "0", "-1", "x", "", "1.5"]),
                "side": st.sampled_from(["", "", "mentee", "mentor", "both"]),
            }
        ),
        max_size=8,
    ),
)
def test_messy_choices_never_crash_and_lose_nobody(
    case: dict[str, Any], rows: list[dict[str, str]]
) -> None:
    people = rmatch.read_people(case["records"])
    error: rmatch.ValidationError | None = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", rmatch.DataQualityWarning)
            choices = rmatch.read_choices(rows, people)
    except rmatch.ValidationError as err:  # the only exception allowed
        error = err
    if error is not None:
        assert error.issues and all(i.row is not None for i in error.issues)
        return
    for method in ("stable", "flow"):
        program = rmatch.Program(
            criteria=[rmatch.Interests()],
            rules=[rmatch.ForbiddenPairs(case["forbidden"])],
            method=method,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", rmatch.DataQualityWarning)
            result = program.match(people, choices=choices)
        check_nobody_lost(case, result)

"""Shortcuts taken for speed give what the plain definitions give.

* ``capacity_bound`` with one partner per person (every node's best edge, found
  without sorting by weight) against the sum of every node's ``cap`` best weights;
* the skills kernel's features (one entry per skill and level against a table of
  ``60 * min(o, w) / w``) against the coverage summed skill by skill;
* the block scorer's counts of allowed pairs (summed as ``uint16``) against
  ``np.count_nonzero``;
* an hour's owned pairs (one product whose earlier atoms outweigh the hour's)
  against the first shared atom, and its hours against the slots times ``HOUR``;
* the registry's cached entry points: read once, read again when the function
  is replaced, ``sys.path`` changes or a folder on it changes;
* text columns normalized once per distinct value, a criterion's range check
  without copying its non-NaN values, blocks without NaN scored without a
  presence mask, and no search for reversed pairs when nobody has both roles.
"""

from __future__ import annotations

import importlib.metadata
import os
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch
from rmatch.candidates._blocks import HOUR
from rmatch.candidates._build import capacity_bound
from rmatch.candidates._scorer import count_true, flat_take, owned_features
from rmatch.errors import ConfigError
from rmatch.rounds import reverse_pairs
from rmatch.rules import DifferentValue, SameValue
from rmatch.rules._values import _factorize
from rmatch.scoring import CRITERIA, criterion
from rmatch.scoring._skills import _level_cover, _level_one_hot


def _plain(node: np.ndarray, w: np.ndarray, cap: np.ndarray, n: int) -> float:
    total = 0.0
    for i in range(n):
        mine = np.sort(w[node == i])[::-1]
        total += float(mine[: int(cap[i])].sum())
    return total


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 2**32 - 1))
def test_counts_of_a_mask_are_count_nonzero(m: int, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    mask = rng.random((m, n)) < rng.random()
    for view in (mask, mask.T, mask[::2, 1::3]):  # contiguous or not
        for axis in (0, 1):
            got = count_true(view, axis)
            assert np.array_equal(got, np.count_nonzero(view, axis=axis))
    values = rng.random((m, n)).astype(np.float32)
    flat = np.flatnonzero(mask)
    rows, cols = np.divmod(flat, max(n, 1))
    assert np.array_equal(flat_take(values, flat), values[rows, cols])
    assert np.array_equal(flat_take(values.T.copy().T, flat), values[rows, cols])


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 8), st.integers(0, 2**32 - 1), st.data())
def test_an_hours_owned_pairs_are_those_first_sharing_in_it(
    atoms: int, seed: int, data: Any
) -> None:
    rng = np.random.default_rng(seed)
    a0 = data.draw(st.integers(0, atoms - 1))
    a1 = data.draw(st.integers(a0 + 1, atoms))
    weight = rng.integers(1, 5, atoms)  # free slots of each atom
    free_l = rng.random((6, atoms)) < 0.4
    free_r = rng.random((5, atoms)) < 0.4
    left = sp.csr_matrix((free_l * weight).astype(np.float32))
    right = free_r.T.astype(np.float32)
    upto, after = owned_features(left, a0, a1)
    owned = (upto @ right[:a1]) > 0
    hours = after @ right[a0:]
    for i in range(6):
        for j in range(5):
            shared = np.flatnonzero(free_l[i] & free_r[j])
            first_in_hour = shared.size > 0 and a0 <= shared[0] < a1
            assert owned[i, j] == first_in_hour
            later = shared[shared >= a0]
            assert hours[i, j] == np.float32(weight[later].sum()) * HOUR


def test_counts_past_the_uint16_range() -> None:
    mask = np.ones((70_000, 2), dtype=bool)
    mask[::7, 1] = False
    assert count_true(mask, 0).tolist() == [70_000, 60_000]
    assert np.array_equal(count_true(mask.T, 1), [70_000, 60_000])


levels = st.lists(st.lists(st.integers(0, 5), min_size=4, max_size=4), max_size=6)


@settings(max_examples=150, deadline=None)
@given(levels, levels)
def test_skill_level_features_give_sixty_times_the_coverage(
    offered: list[list[int]], wanted: list[list[int]]
) -> None:
    o = np.array(offered, dtype=np.int64).reshape(-1, 4)  # 0: not offered
    w = np.array(wanted, dtype=np.int64).reshape(-1, 4)
    want = {
        (i, j): sum(
            60 * min(a, b) // b for a, b in zip(o[i], w[j], strict=True) if a and b
        )
        for i in range(o.shape[0])
        for j in range(w.shape[0])
    }
    off_m = sp.csr_matrix(o.astype(np.float32))
    want_m = sp.csr_matrix(w.astype(np.float32))
    # the teacher's levels one-hot, or the learner's: the same whole numbers
    fwd = (_level_one_hot(off_m) @ _level_cover(want_m, teacher=False).T).toarray()
    bwd = (_level_one_hot(want_m) @ _level_cover(off_m, teacher=True).T).toarray()
    for (i, j), value in want.items():
        assert fwd[i, j] == value
        assert bwd[j, i] == value


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 9).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.integers(0, n - 1), max_size=40),
            st.lists(st.integers(0, 2), min_size=n, max_size=n),
            st.booleans(),
        )
    ),
    st.data(),
)
def test_capacity_bound_is_the_sum_of_the_best_weights(case: Any, data: Any) -> None:
    n, nodes, caps, grouped = case
    node = np.array(sorted(nodes) if grouped else nodes, dtype=np.int64)
    w = np.array(
        data.draw(
            st.lists(
                st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]),
                min_size=node.size,
                max_size=node.size,
            )
        )
    )
    for cap in (np.array(caps), np.minimum(caps, 1)):  # general path, one partner
        got = capacity_bound(node, w, cap, n)
        assert got == _plain(node, w, cap, n)


def test_entry_points_are_read_once_while_nothing_changes(monkeypatch: Any) -> None:
    asked: list[str] = []

    def entry_points(*, group: str) -> list[Any]:
        asked.append(group)
        return []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    CRITERIA.unregister("not_shipped_anywhere")
    for _ in range(3):
        assert CRITERIA.get("not_shipped_anywhere") is None
    assert asked == ["rmatch.criteria"]  # cached for this environment

    monkeypatch.setattr(sys, "path", [*sys.path, "/no/such/folder"])
    assert CRITERIA.get("not_shipped_anywhere") is None
    assert len(asked) == 2  # sys.path changed: read again

    def other(*, group: str) -> list[Any]:
        asked.append("other")
        return []

    monkeypatch.setattr(importlib.metadata, "entry_points", other)
    assert CRITERIA.get("not_shipped_anywhere") is None
    assert asked[-1] == "other"  # a replaced function is asked


def test_a_new_distribution_is_seen(monkeypatch: Any, tmp_path: Any) -> None:
    # installing a package adds a folder to site-packages: its mtime changes
    asked: list[str] = []

    def entry_points(*, group: str) -> list[Any]:
        asked.append(group)
        return []

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path)])
    assert CRITERIA.get("not_shipped_anywhere") is None
    assert CRITERIA.get("not_shipped_anywhere") is None
    assert len(asked) == 1
    (tmp_path / "newpkg-1.0.dist-info").mkdir()
    stat = os.stat(tmp_path)
    os.utime(tmp_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert CRITERIA.get("not_shipped_anywhere") is None
    assert len(asked) == 2


# ------------------------------------------- text factorization, criterion checks
def _plain_factorize(values: np.ndarray) -> tuple[list[int], list[str]]:
    normalized = np.array(
        [None if pd.isna(v) else str(v).strip().casefold() for v in values],
        dtype=object,
    )
    normalized[normalized == ""] = None
    codes, uniques = pd.factorize(normalized)
    return codes.tolist(), [str(u) for u in uniques]


_TEXTS = ["HR", " hr", "Hr ", "", "  ", "Finance", "finance", "ÉCOLE", "école", "x"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_TEXTS),
            st.text(max_size=3),
            st.sampled_from([None, 1, 1.0, True, float("nan")]),
        ),
        max_size=25,
    )
)
def test_factorize_normalizes_each_distinct_text_once(values: list[Any]) -> None:
    # text columns take the distinct-values path; mixed columns (1, 1.0 and
    # True are equal keys to pandas, but not as text) the plain one
    arr = np.array(values, dtype=object).reshape(-1)
    codes, uniques = _factorize(arr)
    assert (codes.tolist(), uniques) == _plain_factorize(arr)


def test_missing_values_are_blank_not_the_text_none() -> None:
    # None, NaN and pd.NA read as the values "none", "nan" and "<na>": two people
    # without a department counted as the same department
    arr = np.array([None, "HR", float("nan"), pd.NA, None, " hr"], dtype=object)
    codes, uniques = _factorize(arr)
    assert codes.tolist() == [-1, 0, -1, -1, -1, 0] and uniques == ["hr"]
    people = rmatch.read_people(
        [
            {"id": "M", "role": "mentor", "department": "x"},
            {"id": "E", "role": "mentee", "department": "x"},
        ]
    )
    people.table["department"] = pd.Series([None, None], dtype=object)
    for rule, allowed in ((DifferentValue, True), (SameValue, False)):
        program = rmatch.Program(rules=[rule("department")])
        assert (program.candidates(people).graph.n_edges == 1) is allowed


def _people(n: int) -> rmatch.People:
    rows = [{"id": f"M{i}", "role": "mentor"} for i in range(n)]
    rows += [{"id": f"E{i}", "role": "mentee"} for i in range(n)]
    return rmatch.read_people(rows)


def _scored(values: np.ndarray) -> dict[tuple[str, str], float]:
    """Candidate weights (by ids) of a criterion returning ``values[i, j]``
    for mentor ``Mi`` and mentee ``Ej``."""
    n = values.shape[0]
    people = _people(n)
    grid = np.zeros((len(people), len(people)))
    m = people.positions([f"M{i}" for i in range(n)])
    e = people.positions([f"E{j}" for j in range(n)])
    grid[np.ix_(m, e)] = values

    @criterion(name=None)
    def fixed(block: Any) -> np.ndarray:
        return grid[np.ix_(block.mentors, block.mentees)]

    cs = rmatch.Program(criteria=[fixed], rules=[]).candidates(people)
    ids = np.asarray(people.ids)
    g = cs.graph
    return {
        (str(ids[cs.mentors[a]]), str(ids[cs.mentees[b]])): float(w)
        for a, b, w in zip(g.left, g.right, g.weight, strict=True)
    }


@pytest.mark.parametrize("bad", [-0.5, 1.5, float("inf")])
def test_a_criterion_value_outside_0_1_is_refused_next_to_nan(bad: float) -> None:
    values = np.full((3, 3), np.nan)
    values[1, 2] = bad
    with pytest.raises(ConfigError, match=r"outside \[0, 1\]"):
        _scored(values)


def test_nan_and_full_criterion_blocks_score_alike() -> None:
    # the no-NaN shortcut (no presence mask) against a block with no-data pairs
    full = np.array([[0.25, 0.5, 1.0], [0.0, 0.75, 0.125], [1.0, 1.0, 0.5]])
    holes = full.copy()
    holes[0, 1] = np.nan
    a, b = _scored(full), _scored(holes)
    assert a[("M1", "E0")] == b[("M1", "E0")] == 0.0
    assert a[("M1", "E1")] == b[("M1", "E1")] == 0.75
    assert a[("M0", "E2")] == b[("M0", "E2")] == 1.0
    assert a[("M0", "E1")] == 0.5 and b[("M0", "E1")] == 0.0  # no data: 0


def test_reverse_pairs_shortcut_only_when_nobody_is_on_both_sides() -> None:
    people = rmatch.read_people(
        [
            {"id": "A", "role": "both"},
            {"id": "B", "role": "both"},
            {"id": "C", "role": "mentee"},
        ]
    )
    cs = rmatch.Program(rules=[]).candidates(people)
    assert reverse_pairs(cs).shape == (1, 2)  # A -> B and B -> A
    assert reverse_pairs(rmatch.Program(rules=[]).candidates(_people(3))).size == 0

"""The top-k selection equals its sort-based definition, ties broken by id."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rmatch.candidates import select_top_k
from rmatch.candidates._scorer import _kth_bound, _survivors

#: Few distinct scores: ties everywhere, as with small integer features.
LEVELS = np.array([0.0, 0.125, 0.25, 1 / 3, 0.5, 2 / 3, 0.75, 1.0], dtype=np.float32)


def _reference(
    node: np.ndarray, other: np.ndarray, w: np.ndarray, k: int, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Sort every entry by (node, best score, smallest other); keep the first k."""
    order = np.lexsort((other, -w.astype(np.float64), node))
    keep = np.zeros(node.size, dtype=bool)
    kth = np.full(n, -np.inf, dtype=np.float32)
    seen: dict[int, int] = {}
    for e in order.tolist():
        v = int(node[e])
        seen[v] = seen.get(v, 0) + 1
        if seen[v] <= k:
            keep[e] = True
            if seen[v] == k:
                kth[v] = w[e]
    return keep, kth


@st.composite
def entries(draw: st.DrawFn) -> tuple[np.ndarray, ...]:
    n = draw(st.integers(1, 12))
    n_other = draw(st.integers(1, 40))
    size = draw(st.integers(0, 150))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    # distinct (node, other) pairs, in a random order
    flat = rng.permutation(n * n_other)[: min(size, n * n_other)]
    node, other = np.divmod(flat, n_other)
    w = LEVELS[rng.integers(0, LEVELS.size, node.size)]
    if draw(st.booleans()):  # also arbitrary float32 scores
        w = rng.random(node.size).astype(np.float32)
    return node.astype(np.int64), other.astype(np.int64), w, np.int64(n)


@settings(max_examples=300, deadline=None)
@given(data=entries(), k=st.integers(1, 6), seed=st.integers(0, 2**32 - 1))
def test_select_top_k_equals_the_sort(
    data: tuple[np.ndarray, ...], k: int, seed: int
) -> None:
    node, other, w, n_arr = data
    n = int(n_arr)
    keep, kth, count = select_top_k(node, other, w, k, n)
    want_keep, want_kth = _reference(node, other, w, k, n)
    assert np.array_equal(keep, want_keep)
    assert np.array_equal(kth, want_kth)
    assert np.array_equal(count, np.bincount(node, minlength=n))
    # a lower bound from any subset of the entries (an earlier compaction) changes
    # nothing
    rng = np.random.default_rng(seed)
    sub = rng.random(node.size) < rng.random()
    _, lower = _reference(node[sub], other[sub], w[sub], k, n)
    keep2, kth2, count2 = select_top_k(node, other, w, k, n, lower)
    assert np.array_equal(keep2, want_keep)
    assert np.array_equal(kth2, want_kth)
    assert np.array_equal(count2, count)


def _top_pairs(
    total: np.ndarray, allowed: np.ndarray, k: int
) -> tuple[set[tuple[int, int]], np.ndarray, np.ndarray]:
    """The allowed pairs in the top k of their row or column; the k-th bests."""
    m, n = total.shape
    ri, ci = np.nonzero(allowed)
    w = total[ri, ci]
    top_r, kth_r = _reference(ri, ci, w, k, m)
    top_c, kth_c = _reference(ci, ri, w, k, n)
    top = top_r | top_c
    need = {(int(a), int(b)) for a, b, t in zip(ri, ci, top, strict=True) if t}
    return need, kth_r, kth_c


def _check_survivors(
    got_r: np.ndarray,
    got_c: np.ndarray,
    got_w: np.ndarray,
    total: np.ndarray,
    allowed: np.ndarray,
    need: set[tuple[int, int]],
) -> None:
    """Every needed pair survives, only allowed pairs do, with their scores."""
    got = set(zip(got_r.tolist(), got_c.tolist(), strict=True))
    assert need <= got
    assert all(allowed[a, b] for a, b in got)
    assert np.array_equal(got_w, total[got_r, got_c])


@settings(max_examples=200, deadline=None)
@given(
    m=st.integers(1, 30),
    n=st.integers(1, 90),
    k=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
)
def test_block_survivors_keep_every_top_k_pair(
    m: int, n: int, k: int, seed: int
) -> None:
    """A block hands over every pair in the top k of its row or its column."""
    rng = np.random.default_rng(seed)
    total = LEVELS[rng.integers(0, LEVELS.size, (m, n))]
    allowed = rng.random((m, n)) < rng.uniform(0.2, 1.0)
    need, kth_r, kth_c = _top_pairs(total, allowed, k)
    # running bounds: at most the k-th best (they come from a subset), or -inf
    tau_l = np.where(rng.random(m) < 0.5, kth_r, -np.inf).astype(np.float32)
    tau_r = np.where(rng.random(n) < 0.5, kth_c, -np.inf).astype(np.float32)
    tau_l = np.where(rng.random(m) < 0.3, tau_l - np.float32(0.25), tau_l)
    flat, got_w, bar = _survivors(total, allowed, tau_l, tau_r, k)
    got_r, got_c = np.divmod(flat, n)
    _check_survivors(got_r, got_c, got_w, total, allowed, need)
    # and nothing that beats neither running bound
    assert np.all((got_w >= tau_l[got_r]) | (got_w >= tau_r[got_c]))
    # the column bars handed to the next blocks stay lower bounds of the k-th best
    assert np.all(bar >= tau_r)
    assert np.all((bar <= kth_c) | (bar == tau_r))


@settings(max_examples=200, deadline=None)
@given(
    m=st.integers(1, 40),
    n=st.integers(1, 400),
    k=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_block_bound_is_at_most_the_kth_best(m: int, n: int, k: int, seed: int) -> None:
    """The group-maxima bound of a row / column never exceeds its k-th best.

    Blocks fold wide rows in halves before taking the k-th best of the group
    maxima; a bound above the true k-th best would drop a top-k pair.
    """
    rng = np.random.default_rng(seed)
    cand = LEVELS[rng.integers(0, LEVELS.size, (m, n))]
    if rng.random() < 0.5:
        cand = rng.random((m, n)).astype(np.float32)
    cand[rng.random((m, n)) < rng.uniform(0.0, 0.9)] = 0  # not allowed
    for axis, lines in ((1, cand), (0, cand.T)):
        bound = _kth_bound(cand, k, axis)
        assert bound.shape == (lines.shape[0],)
        for line, b in zip(lines, bound.tolist(), strict=True):
            positive = np.sort(line[line > 0])[::-1]
            if b == -np.inf:
                continue
            assert b > 0
            assert positive.size >= k and b <= positive[k - 1]


@settings(max_examples=100, deadline=None)
@given(
    m=st.integers(8, 30),
    n=st.integers(8, 90),
    k=st.integers(1, 2),
    seed=st.integers(0, 2**32 - 1),
)
def test_block_survivors_with_positive_bounds_are_allowed(
    m: int, n: int, k: int, seed: int
) -> None:
    """Every bound positive: forbidden pairs (zeroed) cannot reach one."""
    rng = np.random.default_rng(seed)
    total = LEVELS[rng.integers(1, LEVELS.size, (m, n))]  # all scores > 0
    allowed = rng.random((m, n)) < 0.9
    need, kth_r, kth_c = _top_pairs(total, allowed, k)
    assume(np.all(kth_r > 0) and np.all(kth_c > 0))
    flat, got_w, _ = _survivors(total.copy(), allowed, kth_r, kth_c, k)
    got_r, got_c = np.divmod(flat, n)
    _check_survivors(got_r, got_c, got_w, total, allowed, need)

"""Vectorized helpers of `Criterion.details()`: set intersections of many pairs.

A criterion's `detail()` explains one pair; reports and shortlists need thousands.
These helpers compute what the built-in criteria's `detail()` computes for many pairs
at once: the tokens two people share (one sparse row gather and one sorted search
instead of two dicts per pair), the per-pair texts joined in one pass.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from rmatch.people import SetField


def pair_positions(
    mentors: np.ndarray, mentees: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``int64`` positions of the pairs; raise ``ValueError`` on unequal lengths."""
    left = np.asarray(mentors, dtype=np.int64).ravel()
    right = np.asarray(mentees, dtype=np.int64).ravel()
    if left.shape != right.shape:
        raise ValueError(
            f"details() needs as many mentors as mentees; got {left.size} "
            f"mentors and {right.size} mentees"
        )
    return left, right


@dataclass(frozen=True)
class Shared:
    """Tokens two people share, for many pairs (the entries of both rows).

    Entries are sorted by pair, then by token text (as ``sorted()`` orders them).

    Attributes
    ----------
    pair : numpy.ndarray
        Pair index of each entry.
    token : numpy.ndarray
        Column (token) of each entry in the field's vocabulary.
    left, right : numpy.ndarray
        ``int64`` value of the entry on each side (``int()`` of the stored level).
    """

    pair: np.ndarray
    token: np.ndarray
    left: np.ndarray
    right: np.ndarray


def usable(*fields: SetField) -> bool:
    """Whether the fast path reads these fields as `SetField.tokens()` does.

    ``tokens()`` keeps the last of duplicate entries and fails on NaN levels; the
    fast path needs rows without duplicates (canonical CSR) and finite levels.
    """
    for f in fields:
        m = f.matrix
        if not m.has_canonical_format:
            m = m.copy()
            m.sort_indices()
            cols = m.indices
            rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
            if np.any((np.diff(cols) == 0) & (np.diff(rows) == 0)):
                return False
        if not np.all(np.isfinite(m.data)):
            return False
    return True


def _token_rank(vocabulary: tuple[str, ...]) -> np.ndarray | None:
    """Rank of each column by token text, or None when the columns are in order."""
    if all(a <= b for a, b in itertools.pairwise(vocabulary)):
        return None
    order = sorted(range(len(vocabulary)), key=vocabulary.__getitem__)
    rank = np.empty(len(vocabulary), dtype=np.int64)
    rank[order] = np.arange(len(vocabulary))
    return rank


def shared(
    left_field: SetField,
    right_field: SetField,
    left: np.ndarray,
    right: np.ndarray,
) -> Shared:
    """Tokens in both ``left_field`` row ``left[i]`` and ``right_field`` row
    ``right[i]``, for every pair ``i`` (the fields share one vocabulary)."""
    n_cols = max(left_field.matrix.shape[1], right_field.matrix.shape[1], 1)
    a = left_field.matrix[left]
    b = right_field.matrix[right]
    a.sort_indices()
    b.sort_indices()
    rows_a = np.repeat(np.arange(left.size, dtype=np.int64), np.diff(a.indptr))
    rows_b = np.repeat(np.arange(right.size, dtype=np.int64), np.diff(b.indptr))
    key_a = rows_a * n_cols + a.indices
    key_b = rows_b * n_cols + b.indices
    at = np.searchsorted(key_a, key_b)
    found = np.zeros(key_b.size, dtype=bool)
    if key_a.size:
        found = key_a[np.minimum(at, key_a.size - 1)] == key_b
    ia = at[found]
    ib = np.flatnonzero(found)
    pair = rows_b[ib]
    token = b.indices[ib].astype(np.int64)
    rank = _token_rank(left_field.vocabulary)
    order = None if rank is None else np.lexsort((rank[token], pair))
    out = Shared(
        pair=pair,
        token=token,
        left=a.data[ia].astype(np.int64),
        right=b.data[ib].astype(np.int64),
    )
    if order is None:
        return out
    return Shared(out.pair[order], out.token[order], out.left[order], out.right[order])


def join_by_pair(pair: np.ndarray, texts: list[str], n: int, sep: str) -> list[str]:
    """Join ``texts`` of each pair (``pair`` sorted) with ``sep``; ``""`` if none."""
    out = [""] * n
    if not texts:
        return out
    bounds = np.flatnonzero(np.diff(pair)) + 1
    starts = np.concatenate(([0], bounds)).tolist()
    ends = np.concatenate((bounds, [pair.size])).tolist()
    for p, s, e in zip(pair[starts].tolist(), starts, ends, strict=True):
        out[p] = sep.join(texts[s:e])
    return out


def texts_of(keys: np.ndarray, make: Callable[[int], str]) -> list[str]:
    """``[make(k) for k in keys]`` with ``make`` called once per distinct key."""
    if keys.size == 0:
        return []
    distinct, inverse = np.unique(keys, return_inverse=True)
    words = [make(k) for k in distinct.tolist()]
    table = np.array(words, dtype=object)
    out: list[str] = table[inverse.ravel()].tolist()
    return out

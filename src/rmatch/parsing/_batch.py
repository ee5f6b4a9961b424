"""Many cells at once: split every cell into its items, each item parsed once.

The batch parsers (``SkillsParser.many``, ``AvailabilityMasks.many``) read a column of
distinct cells. A cell is *plain* when it holds no carriage return and no invisible
character: its text is then ``cell.strip()`` (what ``to_text`` and
``normalize_newlines`` give), so splitting needs no per-cell function call. The other
cells go through the per-cell parser, which gives the same result.
"""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from rmatch.parsing._text import _INVISIBLE, MISSING_TEXT

_ODD = ("\r", *_INVISIBLE)


def plain_cells(texts: Sequence[str]) -> np.ndarray:
    """Whether each text is plain (no carriage return, no invisible character)."""
    n = len(texts)
    if set(map(type, texts)) <= {str}:
        joined = "".join(texts)
        if not any(ch in joined for ch in _ODD):
            return np.ones(n, dtype=bool)
    return np.fromiter(
        (type(t) is str and not any(ch in t for ch in _ODD) for t in texts),
        dtype=bool,
        count=n,
    )


def split_cells(
    texts: Sequence[str], separators: Sequence[str]
) -> tuple[np.ndarray, list[str]]:
    """Split many texts on any of ``separators`` at once.

    Parameters
    ----------
    texts : sequence of str
        The cells.
    separators : sequence of str
        Item separators; the longest is tried first, empty ones are ignored.

    Returns
    -------
    owner : numpy.ndarray of int64
        Per item: the position of its text.
    items : list of str
        The items in text order, not stripped, empty ones included: what
        ``re.split`` on the separators gives for each text.

    Examples
    --------
    >>> owner, items = split_cells(["a, b", "", "c;d, e"], [", ", ";"])
    >>> owner.tolist(), items
    ([0, 0, 1, 2, 2, 2], ['a', 'b', '', 'c', 'd', 'e'])
    """
    seps = sorted({s for s in separators if s}, key=len, reverse=True)
    joined = "".join(texts)
    present = [s for s in seps if s in joined]
    n = len(texts)
    if not present:
        return np.arange(n, dtype=np.int64), list(texts)
    sep = present[0]
    if len(present) == 1 and not _has_border(sep):
        # One separator in the whole column: splitting the texts joined by it is
        # splitting each text (a separator whose start is never its end cannot
        # match across a joint), and each text has one more item than separators.
        items = sep.join(texts).split(sep)
        lengths = np.fromiter(
            map(operator.methodcaller("count", sep), texts), np.int64, n
        )
        lengths += 1
    else:
        pattern = _pattern(tuple(seps))
        pieces = [pattern.split(t) for t in texts]
        items = list(itertools.chain.from_iterable(pieces))
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=n)
    return np.repeat(np.arange(n, dtype=np.int64), lengths), items


def join_groups(items: Sequence[str], owner: np.ndarray, n: int, sep: str) -> list[str]:
    """The items of each of ``n`` groups joined by ``sep`` (``""`` for no item).

    What ``[sep.join(items of group k) for k in range(n)]`` gives, with one
    ``str.join`` for the whole column instead of one per group.

    Parameters
    ----------
    items : sequence of str
        The items, group by group (``owner`` ascending), each group's in order.
    owner : numpy.ndarray
        Per item: its group, ``0 <= owner < n``.
    n : int
        Number of groups.
    sep : str
        Separator within a group.

    Examples
    --------
    >>> join_groups(["a", "b", "c"], np.array([0, 0, 2]), 4, "; ")
    ['a; b', '', 'c', '']

    Raises
    ------
    ValueError
        ``owner`` is not ascending (a group's items would be split).
    """
    owner = np.asarray(owner, dtype=np.int64)
    if owner.size > 1 and bool((owner[1:] < owner[:-1]).any()):
        raise ValueError("join_groups needs the items group by group (owner ascending)")
    out = np.full(n, "", dtype=object)
    if not len(items):
        return out.tolist()
    # one text: the items joined by ``sep`` within a group and "\n" between
    # groups, split on "\n" (unless an item or ``sep`` holds one)
    change = np.flatnonzero(owner[1:] != owner[:-1])
    parts = np.empty(2 * len(items) - 1, dtype=object)
    parts[0::2] = items
    parts[1::2] = sep
    parts[2 * change + 1] = "\n"
    joined = "".join(parts.tolist())
    groups = owner[np.concatenate(([0], change + 1))]
    if "\n" not in sep and joined.count("\n") == change.size:
        out[groups] = joined.split("\n")
        return out.tolist()
    bounds = np.concatenate(([0], change + 1, [len(items)])).tolist()
    listed = list(items)
    for k, start, end in zip(groups.tolist(), bounds[:-1], bounds[1:], strict=True):
        out[k] = sep.join(listed[start:end])
    return out.tolist()


def equal_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group the equal rows of a 2-D array of numbers (equal bytes).

    Equality is byte for byte: meant for integer and boolean arrays (for floats,
    ``-0.0`` and ``0.0`` are apart; object arrays are refused by numpy's view).

    Each row is hashed to one integer and the integers are grouped by hashing;
    when two distinct rows share an integer, the rows are sorted instead.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``(which, first)``: the group of each row (``int64``) and the first row of
        each group; ``which[first[g]] == g``.

    Examples
    --------
    >>> which, first = equal_rows(np.array([[1, 2], [3, 4], [1, 2]]))
    >>> which.tolist(), first.tolist()
    ([0, 1, 0], [0, 1])
    """
    n = rows.shape[0]
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    data = np.ascontiguousarray(rows).view(np.uint8).reshape(n, -1)
    pad = -data.shape[1] % 8
    padded = np.pad(data, ((0, 0), (0, pad))) if pad else data
    words = padded.view(np.uint64)  # eight bytes to an integer
    weights = np.random.default_rng(0).integers(
        1, 2**63, size=words.shape[1], dtype=np.uint64
    )
    with np.errstate(over="ignore"):
        hashed = (words * weights).sum(axis=1, dtype=np.uint64)
    which = pd.factorize(hashed)[0].astype(np.int64)
    # numbered in order of appearance: a row is first when its number is new
    first = np.flatnonzero(np.r_[True, which[1:] > np.maximum.accumulate(which)[:-1]])
    if (data == data[first][which]).all():
        return which, first
    keys = np.ascontiguousarray(padded).view(np.dtype((np.void, padded.shape[1])))
    _, first, which = np.unique(keys.ravel(), return_index=True, return_inverse=True)
    return which.reshape(-1).astype(np.int64), first.astype(np.int64)


def _has_border(sep: str) -> bool:
    """Whether a proper prefix of ``sep`` is also its suffix (``"aba"``)."""
    return any(sep[:k] == sep[-k:] for k in range(1, len(sep)))


@functools.lru_cache(maxsize=64)
def _pattern(separators: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, separators)))


def split_plain(
    texts: Sequence[str], separators: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Split plain texts into items, missing ones into none.

    Returns
    -------
    missing : numpy.ndarray of bool
        Per text: no answer (what ``is_missing`` says of a plain text).
    owner : numpy.ndarray of int64
        Per item: the position of its text.
    items : list of str
        The items of the stripped texts (not stripped themselves, empty ones
        included) in text order.
    """
    missing, stripped = missing_plain(texts)
    if not missing.any():
        owner, items = split_cells(stripped, separators)
        return missing, owner, items
    kept = np.flatnonzero(~missing)
    owner, items = split_cells([stripped[i] for i in kept.tolist()], separators)
    return missing, kept[owner], items


def missing_plain(texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Per plain text: no answer (what ``is_missing`` says); and the texts stripped."""
    stripped = list(map(str.strip, texts))
    lengths = np.fromiter(map(len, stripped), dtype=np.int64, count=len(stripped))
    missing = lengths == 0
    for i in np.flatnonzero(lengths <= 4).tolist():  # "nan", "N/A", "<NA>" ...
        missing[i] = missing[i] or stripped[i].casefold() in MISSING_TEXT
    return missing, stripped


def given_items(
    texts: Sequence[str],
    plain: np.ndarray,
    items: tuple[np.ndarray, np.ndarray, Sequence[str]],
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The items a caller gives for ``texts`` (it joined them): those of the plain
    texts with an answer, as ``split_plain`` and a factorization would give them.

    ``items`` is ``(owner, codes, distinct)``: the ``k``-th item is
    ``distinct[codes[k]]`` of text ``owner[k]``, in text order.
    """
    fast = np.flatnonzero(plain)
    answered = plain.copy()
    answered[fast] = ~missing_plain(
        texts if fast.size == len(texts) else [texts[i] for i in fast.tolist()]
    )[0]
    owner, codes = np.asarray(items[0]), np.asarray(items[1])
    read = answered[owner] if owner.size else np.zeros(0, dtype=bool)
    return (
        owner[read].astype(np.int64),
        codes[read].astype(np.int64),
        list(items[2]),
    )


def first_per_owner(
    owner: np.ndarray, hit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For every owner with a hit: (owner, position of its first hit)."""
    positions = np.flatnonzero(hit)
    owners, first = np.unique(owner[positions], return_index=True)
    return owners, positions[first]

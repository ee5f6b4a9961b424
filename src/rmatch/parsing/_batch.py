"""Many cells at once: split every cell into its items, each item parsed once.

The batch parsers (``SkillsParser.many``, ``AvailabilityMasks.many``) read a column of
distinct cells. A cell is *plain* when it holds no carriage return and no invisible
character: its text is then ``cell.strip()`` (what ``to_text`` and
``normalize_newlines`` give), so splitting needs no per-cell function call. The other
cells go through the per-cell parser, which gives the same result.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np

from rmatch.parsing._text import _INVISIBLE, MISSING_TEXT

_ODD = ("\r", *_INVISIBLE)


def plain_cells(texts: Sequence[str]) -> np.ndarray:
    """Whether each text is plain (no carriage return, no invisible character)."""
    n = len(texts)
    if all(type(t) is str for t in texts):
        joined = "".join(texts)
        if not any(ch in joined for ch in _ODD):
            return np.ones(n, dtype=bool)
    return np.fromiter(
        (type(t) is str and not any(ch in t for ch in _ODD) for t in texts),
        dtype=bool,
        count=n,
    )


def split_plain(
    texts: Sequence[str], pattern: re.Pattern[str]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Split plain, non-missing texts into items.

    Returns
    -------
    missing : numpy.ndarray of bool
        Per text: no answer (what ``is_missing`` says of a plain text).
    owner : numpy.ndarray of int64
        Per item: the position of its text.
    items : list of str
        The items (not stripped, empty ones included) in text order.
    """
    stripped = list(map(str.strip, texts))
    missing = np.fromiter(
        (not s or (len(s) <= 4 and s.casefold() in MISSING_TEXT) for s in stripped),
        dtype=bool,
        count=len(stripped),
    )
    pieces = [
        [] if m else pattern.split(s)
        for s, m in zip(stripped, missing.tolist(), strict=True)
    ]
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
    owner = np.repeat(np.arange(len(pieces), dtype=np.int64), lengths)
    return missing, owner, list(itertools.chain.from_iterable(pieces))


def first_per_owner(
    owner: np.ndarray, hit: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For every owner with a hit: (owner, position of its first hit)."""
    positions = np.flatnonzero(hit)
    owners, first = np.unique(owner[positions], return_index=True)
    return owners, positions[first]

"""What the candidate builder and the vectorized criteria and rules agree on.

A run of the candidate builder scores blocks of *nodes*: left nodes are mentors, right
nodes are mentees (numbered ``0..n-1`` in the order of their positions in ``people``). A
[`Kernel`][rmatch.scoring.Kernel] scores one criterion on a
[`BlockView`][rmatch.scoring.BlockView]; the
[`ScoringContext`][rmatch.scoring.ScoringContext] holds what a whole run shares.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from rmatch.people import People
from rmatch.scoring._block import Block
from rmatch.scoring._slots import SlotBuckets

Presence = tuple[np.ndarray, np.ndarray] | np.ndarray | None
"""Where a criterion has data on a block.

``None`` (everywhere), a ``(rows, cols)`` pair of ``bool`` vectors (separable: the
pair has data when both ends have) or a ``bool`` ``(M, N)`` mask.
"""


class ScoringContext:
    """What one run of the candidate builder shares between kernels and plans.

    Parameters
    ----------
    people : People
    mentors, mentees : numpy.ndarray
        ``int64`` positions of the left nodes (mentors) and right nodes (mentees).

    Attributes
    ----------
    left_of, right_of : numpy.ndarray
        ``int64`` per person: their left / right node, ``-1`` if none.
    """

    def __init__(
        self, people: People, mentors: np.ndarray, mentees: np.ndarray
    ) -> None:
        self.people = people
        self.mentors = np.asarray(mentors, dtype=np.int64)
        self.mentees = np.asarray(mentees, dtype=np.int64)
        n = len(people)
        self.left_of = np.full(n, -1, dtype=np.int64)
        self.left_of[self.mentors] = np.arange(self.mentors.size)
        self.right_of = np.full(n, -1, dtype=np.int64)
        self.right_of[self.mentees] = np.arange(self.mentees.size)

    @cached_property
    def slots(self) -> SlotBuckets:
        """Weekly free slots by hour (built on first use, then shared)."""
        return SlotBuckets(self.people, self.mentors, self.mentees)

    def with_people(self, people: People) -> ScoringContext:
        """Return a copy that reads ``people`` (e.g. a slimmer copy of the same)."""
        clone = object.__new__(ScoringContext)
        clone.__dict__.update(self.__dict__)
        clone.people = people
        return clone

    @property
    def has_slots(self) -> bool:
        """Whether `slots` has been built."""
        return "slots" in self.__dict__


class BlockView(Protocol):
    """One block being scored: left nodes ``rows`` × right nodes ``cols``.

    Implemented by the candidate builder; kernels and rule plans read it.

    Attributes
    ----------
    rows, cols : numpy.ndarray
        Sorted ``int64`` node numbers.
    shape : tuple of int
        ``(rows.size, cols.size)``.
    total : numpy.ndarray or None
        ``float32`` total score, set once the criteria have run.
    has_data : numpy.ndarray or None
        ``bool``: some criterion had data (None: every pair has).
    """

    rows: np.ndarray
    cols: np.ndarray
    shape: tuple[int, int]
    total: np.ndarray | None
    has_data: np.ndarray | None

    def rows_of(self, values: np.ndarray) -> np.ndarray:
        """``values[rows]`` for a per-left-node array."""
        ...

    def cols_of(self, values: np.ndarray) -> np.ndarray:
        """``values[cols]`` for a per-right-node array (cached per array)."""
        ...

    def product(
        self, key: Any, left_feats: sp.csr_matrix, right_feats: np.ndarray
    ) -> np.ndarray:
        """``left_feats[rows] @ right_feats[cols].T`` in float32.

        ``key`` names ``right_feats``: its float32 transpose is cached under it.
        """
        ...

    def shared_hours(self) -> np.ndarray:
        """``float32`` hours a week both ends are free (computed once)."""
        ...

    def block(self) -> Block:
        """The same pairs as a [`Block`][rmatch.scoring.Block] of people positions."""
        ...


class Kernel:
    """Scores one criterion on a [`BlockView`][rmatch.scoring.BlockView], in float32.

    Attributes
    ----------
    label : str
        Output name of the criterion.
    weight : float
        Its weight in the total score.
    uses_block : bool
        The kernel reads [`BlockView.block()`][rmatch.scoring.BlockView.block] (all of
        ``people``): then the total score is clipped to ``[0, 1]`` and Dask workers get
        all of ``people``.
    """

    label: str = ""
    weight: float = 1.0
    uses_block: bool = False

    def evaluate(self, view: BlockView) -> tuple[np.ndarray, Presence]:
        """Return the values (``float32`` ``view.shape``, 0 without data) and presence.

        Parameters
        ----------
        view : BlockView

        Returns
        -------
        values : numpy.ndarray
            Scores in ``[0, 1]``; the array may be modified by the caller.
        presence : Presence
            Where the criterion has data.
        """
        raise NotImplementedError


def simplify_presence(pres: Presence) -> Presence:
    """Drop a separable presence that is true everywhere."""
    if isinstance(pres, tuple) and pres[0].all() and pres[1].all():
        return None
    return pres


def presence_outer(pres: Presence) -> np.ndarray:
    """Return a presence as a ``float32`` ``(M, N)`` 0/1 array (not None)."""
    if pres is None:
        raise ValueError("no presence mask")
    if isinstance(pres, tuple):
        out: np.ndarray = np.multiply.outer(
            pres[0].astype(np.float32), pres[1].astype(np.float32)
        )
        return out
    return pres.astype(np.float32)

"""Weekly free slots of mentors and mentees, merged into exact atoms by hour."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from rmatch.parsing import SLOT_MINUTES, SLOTS_PER_WEEK
from rmatch.people import People
from rmatch.scoring._features import csr32

#: Slots per bucket when blocking on shared free time (one hour).
SLOTS_PER_BUCKET = 60 // SLOT_MINUTES


class SlotBuckets:
    """UTC free slots of mentors and mentees, merged into exact *atoms*.

    An atom is a run of adjacent slots within one hour that every participant has
    either all free or all busy; its weight is the run length. ``left @ right.T``
    then counts shared slots exactly, and atoms are ordered by hour so that the
    slots before a given hour are a prefix.

    Parameters
    ----------
    people : People
    mentors, mentees : numpy.ndarray
        ``int64`` positions of the left and right nodes.

    Attributes
    ----------
    left : scipy.sparse.csr_matrix
        ``float32`` ``(n_mentors, n_atoms)``: free slots of each atom (its weight).
    right : numpy.ndarray
        ``uint8`` ``(n_mentees, n_atoms)``: 1 where free.
    has_left, has_right : numpy.ndarray
        ``bool``: the person gave their availability.
    bucket_start : numpy.ndarray
        First atom of each hour of the week (``n_hours + 1`` entries).
    """

    def __init__(self, people: People, mentors: np.ndarray, mentees: np.ndarray):
        self.has_left = np.asarray(people.has_availability[mentors], dtype=bool)
        self.has_right = np.asarray(people.has_availability[mentees], dtype=bool)
        n_buckets = SLOTS_PER_WEEK // SLOTS_PER_BUCKET
        if people.availability is None:
            self.left = csr32(sp.csr_matrix((mentors.size, 0)))
            self.right = np.zeros((mentees.size, 0), np.uint8)
            self.bucket_start = np.zeros(n_buckets + 1, np.int64)
            return
        bits_l = np.unpackbits(people.availability[mentors], axis=1)[:, :SLOTS_PER_WEEK]
        bits_r = np.unpackbits(people.availability[mentees], axis=1)[:, :SLOTS_PER_WEEK]
        used = bits_l.any(axis=0) & bits_r.any(axis=0)
        # a slot starts a new atom unless it is in the same hour as the previous
        # slot and every participant is free in both or busy in both
        same = np.zeros(SLOTS_PER_WEEK, dtype=bool)
        same[1:] = ~(
            (bits_l[:, 1:] != bits_l[:, :-1]).any(axis=0)
            | (bits_r[:, 1:] != bits_r[:, :-1]).any(axis=0)
        )
        same[np.arange(0, SLOTS_PER_WEEK, SLOTS_PER_BUCKET)] = False
        slots = np.flatnonzero(used)
        starts = slots[~same[slots] | ~np.isin(slots - 1, slots)]
        # run length of each atom: used slots up to the next start
        atom_of_slot = np.searchsorted(starts, slots, side="right") - 1
        weight = np.bincount(atom_of_slot, minlength=starts.size)
        self.left = csr32(
            sp.csr_matrix(bits_l[:, starts] * weight[None, :].astype(np.uint8))
        )
        self.right = np.ascontiguousarray(bits_r[:, starts], dtype=np.uint8)
        bucket = starts // SLOTS_PER_BUCKET
        self.bucket_start = np.searchsorted(bucket, np.arange(n_buckets + 1)).astype(
            np.int64
        )

    def members(self, side: str, bucket: int) -> np.ndarray:
        """Nodes of ``side`` (``"left"`` or ``"right"``) free in hour ``bucket``."""
        a, b = self.bucket_start[bucket], self.bucket_start[bucket + 1]
        if side == "left":
            return np.flatnonzero(np.diff(self.left[:, a:b].indptr) > 0)
        return np.flatnonzero(self.right[:, a:b].any(axis=1))

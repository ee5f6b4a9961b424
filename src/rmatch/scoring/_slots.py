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
        self._members: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        n_buckets = SLOTS_PER_WEEK // SLOTS_PER_BUCKET
        if people.availability is None:
            self.left = csr32(sp.csr_matrix((mentors.size, 0)))
            self.right = np.zeros((mentees.size, 0), np.uint8)
            self.bucket_start = np.zeros(n_buckets + 1, np.int64)
            return
        packed_l = people.availability[mentors]
        packed_r = people.availability[mentees]
        used = _any_row(packed_l) & _any_row(packed_r)
        # a slot starts a new atom unless it is in the same hour as the previous
        # slot and every participant is free in both or busy in both
        same = np.zeros(SLOTS_PER_WEEK, dtype=bool)
        same[1:] = ~(_any_row(_step(packed_l)) | _any_row(_step(packed_r)))[1:]
        same[np.arange(0, SLOTS_PER_WEEK, SLOTS_PER_BUCKET)] = False
        slots = np.flatnonzero(used)
        starts = slots[~same[slots] | ~np.isin(slots - 1, slots)]
        # run length of each atom: used slots up to the next start
        atom_of_slot = np.searchsorted(starts, slots, side="right") - 1
        weight = np.bincount(atom_of_slot, minlength=starts.size)
        free_l = _bits_at(packed_l, starts)
        rows, atoms = np.nonzero(free_l)
        indptr = np.zeros(mentors.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=mentors.size), out=indptr[1:])
        self.left = sp.csr_matrix(
            (weight[atoms].astype(np.float32), atoms, indptr),
            shape=(mentors.size, starts.size),
        )
        self.right = _bits_at(packed_r, starts)
        bucket = starts // SLOTS_PER_BUCKET
        self.bucket_start = np.searchsorted(bucket, np.arange(n_buckets + 1)).astype(
            np.int64
        )

    def members(self, side: str, bucket: int) -> np.ndarray:
        """Nodes of ``side`` (``"left"`` or ``"right"``) free in hour ``bucket``."""
        if side not in self._members:
            if side == "left":
                rows = np.repeat(
                    np.arange(self.left.shape[0]), np.diff(self.left.indptr)
                )
                atoms = self.left.indices
            else:
                rows, atoms = np.nonzero(self.right)
            self._members[side] = _group_by_bucket(rows, atoms, self.bucket_start)
        start, nodes = self._members[side]
        return nodes[start[bucket] : start[bucket + 1]]


def _any_row(packed: np.ndarray) -> np.ndarray:
    """``bool`` per slot: set in some row of the packed (big-endian) bit rows."""
    out: np.ndarray = np.unpackbits(np.bitwise_or.reduce(packed, axis=0))
    return out[:SLOTS_PER_WEEK].astype(bool)


def _step(packed: np.ndarray) -> np.ndarray:
    """Packed bit rows XOR themselves shifted by one slot (slot ``s`` vs ``s - 1``)."""
    prev = packed >> 1
    prev[:, 1:] |= packed[:, :-1] << 7
    out: np.ndarray = packed ^ prev
    return out


def _bits_at(packed: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """``uint8`` 0/1 ``(rows, slots.size)``: the bits of ``slots`` in each row."""
    out: np.ndarray = np.take(np.unpackbits(packed, axis=1), slots, axis=1)
    return out


def _group_by_bucket(
    rows: np.ndarray, atoms: np.ndarray, bucket_start: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Nodes free in each bucket, bucket after bucket (``start``, ``nodes``).

    ``rows`` / ``atoms`` are the free (node, atom) entries, by node then atom.
    """
    n_buckets = bucket_start.size - 1
    bucket = np.searchsorted(bucket_start, atoms, side="right") - 1
    # a node's atoms are sorted: its buckets too; keep the first of each run
    first = np.ones(rows.size, dtype=bool)
    first[1:] = (rows[1:] != rows[:-1]) | (bucket[1:] != bucket[:-1])
    rows, bucket = rows[first], bucket[first]
    order = np.argsort(bucket.astype(np.uint16), kind="stable")  # nodes stay sorted
    start = np.zeros(n_buckets + 1, dtype=np.int64)
    np.cumsum(np.bincount(bucket, minlength=n_buckets), out=start[1:])
    return start, rows[order].astype(np.int64)

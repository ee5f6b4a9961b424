"""The block of pairs a criterion or a rule looks at."""

from __future__ import annotations

from functools import cached_property

import numpy as np

from rmatch.parsing import SLOT_MINUTES
from rmatch.people import People


class Block:
    """A block of candidate pairs: ``mentors`` × ``mentees`` (positions in ``people``).

    Shared intermediate results (such as shared hours) are computed once per block and
    reused by the criteria and rules that need them.

    Parameters
    ----------
    people : People
    mentors, mentees : numpy.ndarray
        ``int64`` positions.
    """

    def __init__(
        self, people: People, mentors: np.ndarray, mentees: np.ndarray
    ) -> None:
        self.people = people
        self.mentors = np.asarray(mentors, dtype=np.int64)
        self.mentees = np.asarray(mentees, dtype=np.int64)
        self.total: np.ndarray | None = None

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_mentors, n_mentees)``."""
        return (self.mentors.size, self.mentees.size)

    @cached_property
    def shared_hours(self) -> np.ndarray:
        """Hours per week both sides are free (UTC), ``float32`` ``(M, N)``."""
        people = self.people
        a = people.slots(self.mentors)
        b = people.slots(self.mentees)
        hours: np.ndarray = (a @ b.T) * np.float32(SLOT_MINUTES / 60)
        return hours

    @cached_property
    def has_schedule(self) -> np.ndarray:
        """``bool`` ``(M, N)``: both sides gave their availability."""
        h = self.people.has_availability
        out: np.ndarray = h[self.mentors][:, None] & h[self.mentees][None, :]
        return out

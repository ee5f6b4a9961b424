"""Load bounds: how many pairs each mentor (or mentee) gets (`Load`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from rmatch.candidates import CandidateSet
from rmatch.constraints._checks import check_count, check_side
from rmatch.constraints._text import given, plural
from rmatch.constraints._views import (
    IntArray,
    Side,
    candidates_text,
    capped_degree,
    other_side,
    side_min,
    side_view,
    usable_edges,
)
from rmatch.constraints.base import Constraint
from rmatch.errors import ConfigError, Finding
from rmatch.people import People

__all__ = ["Load", "MenteeLoad", "MentorLoad"]


class Load(Constraint):
    """Bounds on the number of pairs of every mentor (or every mentee).

    ``min`` is capped by each person's own capacity: a mentor who offered one slot
    is never forced to take two (so ``min`` means "at least ``min``, or their full
    capacity if they offered less"). ``max`` lowers capacities above it.

    Parameters
    ----------
    min : int, default 0
    max : int, optional
    side : {"mentor", "mentee"}
    """

    name = "load"
    kind = "load"
    priority = 0

    def __init__(
        self, min: int = 0, max: int | None = None, *, side: Side = "mentor"
    ) -> None:
        self.min = min
        self.max = max
        self.side = side

    def title(self) -> str:
        """E.g. ``"each mentor takes 1-3 mentees"``."""
        verb, other = (
            ("takes", "mentees") if self.side == "mentor" else ("gets", "mentors")
        )
        if self.max is not None and self.min == self.max:
            bound = f"exactly {self.min}"
        elif self.max is not None and self.min:
            bound = f"{self.min}-{self.max}"
        elif self.max is not None:
            bound = f"at most {self.max}"
        else:
            bound = f"at least {self.min}"
        top = self.max if self.max is not None else self.min
        noun = other if top != 1 else other[:-1]
        return f"each {self.side} {verb} {bound} {noun}"

    def params(self) -> dict[str, Any]:
        """Parameters."""
        out: dict[str, Any] = {"min": self.min, **given(max=self.max)}
        if type(self) is Load:
            out["side"] = self.side
        return out

    def check(self, people: People | None = None) -> None:
        """Validate the parameters."""
        owner = type(self).__name__
        check_side(owner, self.side)
        check_count(owner, "min", self.min)
        check_count(owner, "max", self.max)
        if self.max is not None and self.min > self.max:
            raise ConfigError(f"{owner}: min ({self.min}) is above max ({self.max})")

    def bounds(self, candidates: CandidateSet) -> tuple[IntArray, IntArray]:
        """Return ``(capacity, minimum)`` per node of the side after this rule."""
        _, _, cap = side_view(candidates, self.side)
        low = side_min(candidates, self.side)
        if self.max is not None:
            cap = np.minimum(cap, self.max)
        low = np.maximum(low, np.minimum(self.min, cap))
        return cap.astype(np.int64), np.minimum(low, cap).astype(np.int64)

    def side_constraints(
        self, people: People, candidates: CandidateSet
    ) -> dict[str, Any]:
        """Capacities and minimum loads of the side."""
        cap, low = self.bounds(candidates)
        prefix = "left" if self.side == "mentor" else "right"
        return {f"{prefix}_capacity": cap, f"{prefix}_min": low}

    def precheck(self, people: People, candidates: CandidateSet) -> list[Finding]:
        """Each person needs enough allowed candidates; the other side needs room."""
        if not self.min:
            return []
        side: Side = self.side
        other = other_side(side)
        nodes, persons, _ = side_view(candidates, side)
        low = side_min(candidates, side)
        deg = np.bincount(nodes[usable_edges(candidates)], minlength=persons.size)
        verb = "take" if side == "mentor" else "have"
        out = []
        for node in np.flatnonzero(low > deg)[:50].tolist():
            pid = str(people.ids[int(persons[node])])
            out.append(
                self._finding(
                    f"{side} {pid} must {verb} at least "
                    f"{plural(int(low[node]), other)} ('{self.title()}') but has "
                    f"{candidates_text(candidates, side, node)}",
                    "load",
                    (pid,),
                    float(low[node]),
                    float(deg[node]),
                )
            )
        if out:
            return out
        need = int(low.sum())
        room = int(capped_degree(candidates, other, np.ones(nodes.size, bool)).sum())
        if need > room:
            out.append(
                self._finding(
                    f"'{self.title()}' needs at least {need} pairs in total but the "
                    f"{other}s have room for at most {room} with their allowed "
                    "candidates",
                    "load",
                    (),
                    float(need),
                    float(room),
                )
            )
        return out

    def _loads(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> tuple[IntArray, IntArray, IntArray]:
        """Return ``(person, capacity, chosen pairs)`` per node of the side."""
        _, persons, cap = side_view(candidates, self.side)
        chosen = mentors if self.side == "mentor" else mentees
        load: IntArray = np.bincount(chosen, minlength=len(people))[persons]
        return persons, cap, load

    def violations(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> list[str]:
        """Recount every person's pairs by id."""
        persons, cap, load = self._loads(people, candidates, mentors, mentees)
        low = np.minimum(self.min, cap)
        if self.max is not None:
            low = np.minimum(low, self.max)
        failing = [load < low]
        if self.max is not None:
            failing.append(load > self.max)
        return [
            f"'{self.title()}' fails: {self.side} "
            f"{people.ids[int(persons[node])]} has {int(load[node])} pairs"
            for mask in failing
            for node in np.flatnonzero(mask)[:20].tolist()
        ]

    def measure(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> str:
        """Range of loads among people with a positive capacity."""
        _, cap, load = self._loads(people, candidates, mentors, mentees)
        load = load[cap > 0]
        if load.size == 0:
            return "nobody on this side"
        return f"loads {int(load.min())}-{int(load.max())}"


class MentorLoad(Load):
    """Each mentor takes between ``min`` and ``max`` mentees (see `Load`).

    Examples
    --------
    >>> MentorLoad(min=1, max=3).title()
    'each mentor takes 1-3 mentees'
    """

    name = "mentor_load"

    def __init__(self, min: int = 0, max: int | None = None) -> None:
        super().__init__(min, max, side="mentor")


class MenteeLoad(Load):
    """Each mentee gets between ``min`` and ``max`` mentors (see `Load`).

    ``MenteeLoad(min=1)`` demands that every mentee is matched.
    """

    name = "mentee_load"

    def __init__(self, min: int = 0, max: int | None = None) -> None:
        super().__init__(min, max, side="mentee")

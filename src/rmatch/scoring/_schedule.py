"""Schedule: shared free hours a week (UTC), with its float32 kernel."""

from __future__ import annotations

from typing import Any

import numpy as np

from rmatch.errors import ConfigError
from rmatch.parsing import SLOTS_PER_WEEK, slots_to_text, slots_to_texts
from rmatch.people import People
from rmatch.scoring._block import Block
from rmatch.scoring._criterion import Criterion, criterion_label, finite_number
from rmatch.scoring._details import pair_positions
from rmatch.scoring._kernel import (
    BlockView,
    Kernel,
    Presence,
    ScoringContext,
    simplify_presence,
)
from rmatch.scoring._slots import SlotBuckets


class Schedule(Criterion):
    """Hours per week both are free, after converting both calendars to UTC.

    The score is ``min(shared_hours / target_hours, 1)``.

    Parameters
    ----------
    weight : float, default 2.0
    target_hours : float, default 2.0
        Shared hours per week that count as a perfect fit.
    """

    name = "schedule"
    columns = ("availability", "timezone")

    def __init__(self, *, weight: float = 2.0, target_hours: float = 2.0) -> None:
        super().__init__(weight=weight)
        self.target_hours = target_hours

    def check(self) -> None:
        """Validate the parameters."""
        super().check()
        if not (finite_number(self.target_hours) and self.target_hours > 0):
            raise ConfigError(
                "The 'target_hours' parameter of Schedule must be a number > 0. "
                f"Got {self.target_hours!r} instead."
            )

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"weight": self.weight, "target_hours": self.target_hours}

    def nothing_found(self, people: People) -> str:
        """Name the data that is missing (see `Criterion.nothing_found`)."""
        if people.availability is None or not people.availability.any():
            return f"{criterion_label(self)}: no availability is given"
        return f"{criterion_label(self)}: no mentor and mentee share a free hour"

    def score(self, block: Block) -> np.ndarray:
        """Score the block."""
        hours = block.shared_hours.astype(np.float64)
        out: np.ndarray = np.minimum(hours / self.target_hours, 1.0)
        out[~block.has_schedule] = np.nan
        return out

    def kernel(self, context: ScoringContext) -> Kernel | None:
        """The exact float32 kernel (shared slots; ``score`` not overridden)."""
        if type(self).score is Schedule.score:
            return ScheduleKernel(self, context.slots)
        return None

    def describe(self, value: float) -> str:
        """Describe a schedule score."""
        if np.isnan(value):
            return "no availability data"
        hours = value * self.target_hours
        more = "+" if value >= 1 else ""
        return f"{hours:g}{more} shared hours a week"

    def detail(self, people: People, mentor: int, mentee: int) -> str:
        """Give the shared hours."""
        if not (people.has_availability[mentor] and people.has_availability[mentee]):
            return ""
        both = (people.slots(np.array([mentor]))[0] > 0) & (
            people.slots(np.array([mentee]))[0] > 0
        )
        if not both.any():
            return "no shared free time"
        return f"both free (UTC): {slots_to_text(both)}"

    def details(
        self, people: People, mentors: np.ndarray, mentees: np.ndarray
    ) -> list[str]:
        """`detail()` of many pairs at once (one text per distinct shared week)."""
        left, right = pair_positions(mentors, mentees)
        if type(self).detail is not Schedule.detail:
            return super().details(people, left, right)
        known = people.has_availability[left] & people.has_availability[right]
        out = [""] * left.size
        pick = np.flatnonzero(known)
        if pick.size == 0:
            return out
        if people.availability is None:
            texts = ["no shared free time"] * pick.size
        else:
            packed = np.ascontiguousarray(
                people.availability[left[pick]] & people.availability[right[pick]]
            )
            # one text per distinct shared week (rows as bytes: a dict, no sort)
            width = packed.shape[1]
            raw = packed.tobytes()
            first: dict[bytes, int] = {}
            inverse = np.fromiter(
                (
                    first.setdefault(raw[i * width : (i + 1) * width], len(first))
                    for i in range(pick.size)
                ),
                dtype=np.int64,
                count=pick.size,
            )
            weeks = np.frombuffer(b"".join(first), dtype=np.uint8).reshape(-1, width)
            bits = np.unpackbits(weeks, axis=1)[:, :SLOTS_PER_WEEK].astype(bool)
            words = np.array(
                [
                    f"both free (UTC): {text}" if text else "no shared free time"
                    for text in slots_to_texts(bits)
                ],
                dtype=object,
            )
            texts = words[inverse].tolist()
        for i, text in zip(pick.tolist(), texts, strict=True):
            out[i] = text
        return out


class ScheduleKernel(Kernel):
    """Exact float32 kernel of `Schedule` (shared slots of the block)."""

    def __init__(self, crit: Schedule, slots: SlotBuckets) -> None:
        self.label = criterion_label(crit)
        self.weight = float(crit.weight)
        self.target = np.float32(crit.target_hours)
        self.slots = slots

    def evaluate(self, bd: BlockView) -> tuple[np.ndarray, Presence]:
        """Score the block."""
        hours = bd.shared_hours()
        out = np.divide(hours, self.target)
        # a row of ones, not the scalar 1: numpy's minimum with a scalar does not
        # use its SIMD loop (several times slower on a block); the same values
        np.minimum(out, np.ones(out.shape[-1], np.float32), out=out)
        pres = (bd.rows_of(self.slots.has_left), bd.cols_of(self.slots.has_right))
        return out, simplify_presence(pres)

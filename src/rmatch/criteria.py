"""Scoring criteria: how well a mentor fits a mentee, block by block.

A criterion scores a :class:`Block` of pairs (a set of mentor positions × a set of
mentee positions) at once and returns a ``float`` array of shape
``(n_mentors, n_mentees)`` with values in ``[0, 1]``; ``NaN`` means "no data to
judge" (a missing answer never counts as agreement). The total score of a pair is the
weighted mean of the criteria that have data.

Built-in criteria are vectorized: set overlap is a sparse matrix product, schedule
overlap is a product of UTC slot rows. To add your own, subclass :class:`Criterion`
(vectorized) or decorate a per-pair function with :func:`criterion` (simple, slower).

Examples
--------
>>> import numpy as np
>>> from rmatch.criteria import Criterion
>>> class SameLocation(Criterion):
...     name = "location"
...     columns = ("location",)
...     def score(self, block):
...         loc = block.people["location"]
...         a, b = loc[block.mentors], loc[block.mentees]
...         return (a[:, None] == b[None, :]).astype(float)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp

from rmatch.errors import ConfigError
from rmatch.parsing import SLOT_MINUTES
from rmatch.people import People

__all__ = [
    "Block",
    "Criterion",
    "Goals",
    "Interests",
    "Schedule",
    "SetSimilarity",
    "Skills",
    "criterion",
    "criterion_from_dict",
    "default_criteria",
]


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


class Criterion:
    """Base class of a scoring criterion.

    Subclasses set ``name`` and implement :meth:`score`; they may override
    :meth:`describe` (shown by ``Matching.explain``) and :meth:`params` (stored by
    ``Program.to_dict``).

    Parameters
    ----------
    weight : float, default 1.0
        Weight in the total score (the weighted mean of criteria with data).
    """

    name: ClassVar[str] = "criterion"
    columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, weight: float = 1.0) -> None:
        self.weight = weight

    def check(self) -> None:
        """Raise :class:`ConfigError` if the parameters are invalid."""
        if not (isinstance(self.weight, int | float) and self.weight >= 0):
            raise ConfigError(
                f"The 'weight' parameter of {type(self).__name__} must be a number "
                f">= 0. Got {self.weight!r} instead."
            )

    def score(self, block: Block) -> np.ndarray:
        """Return scores in ``[0, 1]`` (``NaN`` = no data), shape ``block.shape``."""
        raise NotImplementedError

    def describe(self, value: float) -> str:
        """Return a short human phrase for a score (used in explanations)."""
        if np.isnan(value):
            return "no data"
        return f"{value:.0%}"

    def detail(self, people: People, mentor: int, mentee: int) -> str:
        """Return what lies behind the score of one pair (e.g. the shared skills)."""
        return ""

    def params(self) -> dict[str, Any]:
        """Return the parameters that rebuild this criterion (JSON-safe)."""
        return {"weight": self.weight}

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"type": name, **params}``."""
        return {"type": self.name, **self.params()}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"


def _binary(matrix: sp.csr_matrix) -> sp.csr_matrix:
    out = matrix.copy()
    out.data = np.ones_like(out.data)
    return out


def _require_field(people: People, column: str, criterion: str) -> bool:
    return column in people.sets


class Skills(Criterion):
    """How well what one side offers covers what the other wants to learn.

    For a mentee who wants skill *s* at level *w* and a mentor who offers it at level
    *o* (0 if not offered), the skill is covered ``min(o, w) / w``; the direction's
    score is the mean over the skills wanted. Both directions count: the mentor
    teaching the mentee (``forward``) and the mentee teaching the mentor
    (``backward``, the heart of reverse mentoring). The score is the weighted mean of
    the directions that have data.

    Parameters
    ----------
    weight : float, default 3.0
    forward : float, default 1.0
        Weight of the mentor teaching the mentee.
    backward : float, default 0.5
        Weight of the mentee teaching the mentor.
    """

    name = "skills"
    columns = ("skills_offered", "skills_wanted")

    def __init__(
        self, *, weight: float = 3.0, forward: float = 1.0, backward: float = 0.5
    ) -> None:
        super().__init__(weight=weight)
        self.forward = forward
        self.backward = backward

    def check(self) -> None:
        """Validate the parameters."""
        super().check()
        for key in ("forward", "backward"):
            value = getattr(self, key)
            if not (isinstance(value, int | float) and value >= 0):
                raise ConfigError(
                    f"The {key!r} parameter of Skills must be a number >= 0. "
                    f"Got {value!r} instead."
                )
        if self.forward == 0 and self.backward == 0:
            raise ConfigError(
                "Skills needs forward > 0 or backward > 0; both are 0. "
                "Remove the criterion instead."
            )

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {
            "weight": self.weight,
            "forward": self.forward,
            "backward": self.backward,
        }

    @staticmethod
    def coverage(
        offered: sp.csr_matrix,
        offered_present: np.ndarray,
        wanted: sp.csr_matrix,
        wanted_present: np.ndarray,
    ) -> np.ndarray:
        """Coverage of each row of ``wanted`` by each row of ``offered``.

        Uses ``min(o, w) / w = sum_{t=1..5} [o >= t][w >= t] / w`` so the whole block
        is five sparse products.

        Returns
        -------
        numpy.ndarray
            ``(n_offered, n_wanted)``; NaN where either side has no data.
        """
        n_wants = np.diff(wanted.indptr).astype(np.float64)
        inv_count = np.divide(
            1.0, n_wants, out=np.zeros_like(n_wants), where=n_wants > 0
        )
        total = np.zeros((offered.shape[0], wanted.shape[0]), dtype=np.float64)
        for t in range(1, 6):
            o = offered.copy()
            o.data = (o.data >= t).astype(np.float32)
            o.eliminate_zeros()
            if o.nnz == 0:
                break
            w = wanted.copy()
            w.data = ((w.data >= t) / np.maximum(w.data, 1)).astype(np.float32)
            w.eliminate_zeros()
            if w.nnz == 0:
                break
            total += (o @ w.T).toarray()
        total *= inv_count[None, :]
        missing = ~offered_present[:, None] | ~(wanted_present & (n_wants > 0))[None, :]
        total[missing] = np.nan
        return np.clip(total, 0.0, 1.0)

    def _direction(
        self, people: People, teachers: np.ndarray, learners: np.ndarray
    ) -> np.ndarray | None:
        if "skills_offered" not in people.sets or "skills_wanted" not in people.sets:
            return None
        off = people.sets["skills_offered"]
        want = people.sets["skills_wanted"]
        return self.coverage(
            off.matrix[teachers],
            off.present[teachers],
            want.matrix[learners],
            want.present[learners],
        )

    def score(self, block: Block) -> np.ndarray:
        """Score the block (see the class docstring)."""
        people = block.people
        num = np.zeros(block.shape)
        den = np.zeros(block.shape)
        if self.forward > 0:
            fwd = self._direction(people, block.mentors, block.mentees)
            if fwd is not None:
                ok = ~np.isnan(fwd)
                num += np.where(ok, fwd, 0.0) * self.forward
                den += ok * self.forward
        if self.backward > 0:
            bwd = self._direction(people, block.mentees, block.mentors)
            if bwd is not None:
                bwd = bwd.T
                ok = ~np.isnan(bwd)
                num += np.where(ok, bwd, 0.0) * self.backward
                den += ok * self.backward
        with np.errstate(invalid="ignore", divide="ignore"):
            out: np.ndarray = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
        return out

    def describe(self, value: float) -> str:
        """Describe a skills score."""
        if np.isnan(value):
            return "no skills data"
        return f"{value:.0%} of the skills wanted are covered"

    def detail(self, people: People, mentor: int, mentee: int) -> str:
        """List the wanted skills each side covers for the other."""
        if "skills_offered" not in people.sets or "skills_wanted" not in people.sets:
            return ""
        off = people.sets["skills_offered"]
        want = people.sets["skills_wanted"]
        parts = []
        for teacher, learner, label in (
            (mentor, mentee, "mentor teaches"),
            (mentee, mentor, "mentee teaches"),
        ):
            o = off.tokens(teacher)
            hits = [
                f"{s} ({o[s]}/{w})"
                for s, w in sorted(want.tokens(learner).items())
                if s in o
            ]
            if hits:
                parts.append(f"{label}: {', '.join(hits)}")
        return "; ".join(parts)


class SetSimilarity(Criterion):
    """Similarity of a set-valued field (Jaccard by default).

    Parameters
    ----------
    column : str
        A set field (``interests``, ``goals``, ``languages`` or a custom one parsed as
        a set).
    weight : float, default 1.0
    measure : {"jaccard", "overlap"}
        ``jaccard`` = shared / union; ``overlap`` = shared / size of the smaller set.
    """

    name = "set_similarity"

    def __init__(
        self, column: str, *, weight: float = 1.0, measure: str = "jaccard"
    ) -> None:
        super().__init__(weight=weight)
        self.column = column
        self.measure = measure

    @property
    def label(self) -> str:
        """Column name used in outputs."""
        return self.column

    def check(self) -> None:
        """Validate the parameters."""
        super().check()
        if self.measure not in ("jaccard", "overlap"):
            raise ConfigError(
                f"The 'measure' parameter of {type(self).__name__} must be 'jaccard' "
                f"or 'overlap'. Got {self.measure!r} instead."
            )

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"column": self.column, "weight": self.weight, "measure": self.measure}

    def score(self, block: Block) -> np.ndarray:
        """Score the block."""
        people = block.people
        if self.column not in people.sets:
            return np.full(block.shape, np.nan)
        field = people.sets[self.column]
        a = _binary(field.matrix[block.mentors])
        b = _binary(field.matrix[block.mentees])
        shared = (a @ b.T).toarray().astype(np.float64)
        size_a = np.diff(a.indptr).astype(np.float64)[:, None]
        size_b = np.diff(b.indptr).astype(np.float64)[None, :]
        if self.measure == "jaccard":
            denom = size_a + size_b - shared
        else:
            denom = np.minimum(size_a, size_b) + np.zeros_like(shared)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(denom > 0, shared / np.where(denom > 0, denom, 1), np.nan)
        missing = (size_a == 0) | (size_b == 0)
        out[np.broadcast_to(missing, out.shape)] = np.nan
        result: np.ndarray = out
        return result

    def describe(self, value: float) -> str:
        """Describe a similarity."""
        if np.isnan(value):
            return f"no {self.column} data"
        return f"{value:.0%} {self.column} in common"

    def detail(self, people: People, mentor: int, mentee: int) -> str:
        """List the shared tokens."""
        if self.column not in people.sets:
            return ""
        field = people.sets[self.column]
        shared = sorted(set(field.tokens(mentor)) & set(field.tokens(mentee)))
        return f"shared {self.column}: {', '.join(shared)}" if shared else ""


class Interests(SetSimilarity):
    """Jaccard similarity of ``interests``."""

    name = "interests"

    def __init__(self, *, weight: float = 1.0, measure: str = "jaccard") -> None:
        super().__init__("interests", weight=weight, measure=measure)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"weight": self.weight, "measure": self.measure}


class Goals(SetSimilarity):
    """Jaccard similarity of ``goals``."""

    name = "goals"

    def __init__(self, *, weight: float = 1.0, measure: str = "jaccard") -> None:
        super().__init__("goals", weight=weight, measure=measure)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"weight": self.weight, "measure": self.measure}


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
        if not (isinstance(self.target_hours, int | float) and self.target_hours > 0):
            raise ConfigError(
                "The 'target_hours' parameter of Schedule must be a number > 0. "
                f"Got {self.target_hours!r} instead."
            )

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"weight": self.weight, "target_hours": self.target_hours}

    def score(self, block: Block) -> np.ndarray:
        """Score the block."""
        hours = block.shared_hours.astype(np.float64)
        out: np.ndarray = np.minimum(hours / self.target_hours, 1.0)
        out[~block.has_schedule] = np.nan
        return out

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
        from rmatch.parsing import slots_to_text

        both = (people.slots(np.array([mentor]))[0] > 0) & (
            people.slots(np.array([mentee]))[0] > 0
        )
        if not both.any():
            return "no shared free time"
        return f"both free (UTC): {slots_to_text(both)}"


class _PairFunction(Criterion):
    """A criterion from a per-pair Python function (see :func:`criterion`)."""

    def __init__(
        self,
        function: Callable[..., float],
        columns: tuple[str, ...],
        name: str,
        weight: float,
    ) -> None:
        super().__init__(weight=weight)
        self.function = function
        self.pair_columns = columns
        self.criterion_name = name

    @property
    def label(self) -> str:
        """Column name used in outputs."""
        return self.criterion_name

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"weight": self.weight, "columns": list(self.pair_columns)}

    def to_dict(self) -> dict[str, Any]:
        """Custom functions are stored by name only."""
        return {"type": self.criterion_name, "custom": True, **self.params()}

    def score(self, block: Block) -> np.ndarray:
        """Call the function once per pair (slow path for extenders)."""
        people = block.people
        values = {c: people[c] for c in self.pair_columns}
        out = np.empty(block.shape)
        for a, i in enumerate(block.mentors.tolist()):
            for b, j in enumerate(block.mentees.tolist()):
                if len(self.pair_columns) == 1:
                    col = values[self.pair_columns[0]]
                    value = self.function(col[i], col[j])
                else:
                    value = self.function(
                        {c: v[i] for c, v in values.items()},
                        {c: v[j] for c, v in values.items()},
                    )
                out[a, b] = np.nan if value is None else float(value)
        if np.any(out[~np.isnan(out)] < 0) or np.any(out[~np.isnan(out)] > 1):
            raise ConfigError(
                f"criterion {self.criterion_name!r} returned a value outside [0, 1]; "
                "return a float in [0, 1], or None/NaN for no data"
            )
        return out


def criterion(
    function: Callable[..., float] | None = None,
    *,
    columns: tuple[str, ...] | list[str],
    name: str | None = None,
    weight: float = 1.0,
) -> Any:
    """Turn a per-pair function into a :class:`Criterion`.

    With one column, the function receives the mentor's and the mentee's value of that
    column; with several, two dicts ``{column: value}``. It returns a float in
    ``[0, 1]`` or ``None`` for "no data". It runs once per pair: fine for hundreds of
    people, use a :class:`Criterion` subclass for more.

    Examples
    --------
    >>> from rmatch.criteria import criterion
    >>> @criterion(columns=("location",), weight=0.5)
    ... def same_location(mentor_location, mentee_location):
    ...     return float(mentor_location == mentee_location)
    >>> same_location.name, same_location.weight
    ('same_location', 0.5)
    """

    def wrap(fn: Callable[..., float]) -> _PairFunction:
        if not callable(fn):
            raise ConfigError("@criterion decorates a function")
        n_params = len(inspect.signature(fn).parameters)
        if n_params != 2:
            raise ConfigError(
                f"a per-pair criterion takes 2 arguments (mentor value, mentee value); "
                f"{fn.__name__} takes {n_params}"
            )
        made = _PairFunction(fn, tuple(columns), name or fn.__name__, weight)
        made.name = made.criterion_name  # type: ignore[misc]
        return made

    return wrap(function) if function is not None else wrap


BUILTIN_CRITERIA: dict[str, type[Criterion]] = {
    "skills": Skills,
    "interests": Interests,
    "goals": Goals,
    "schedule": Schedule,
    "set_similarity": SetSimilarity,
}


def criterion_label(c: Criterion) -> str:
    """Return the output column name of a criterion."""
    label = getattr(c, "label", None)
    return str(label) if label else c.name


def criterion_from_dict(name: str, spec: Mapping[str, Any] | float) -> Criterion:
    """Build a built-in criterion from a TOML/dict entry.

    Parameters
    ----------
    name : str
        ``skills``, ``interests``, ``goals``, ``schedule``, or any other name with
        ``type = "set_similarity"`` and ``column = ...``.
    spec : dict or float
        Parameters, or just the weight.
    """
    params: dict[str, Any] = (
        {"weight": float(spec)} if isinstance(spec, int | float) else dict(spec)
    )
    kind = str(params.pop("type", name))
    if kind not in BUILTIN_CRITERIA:
        raise ConfigError(
            f"unknown criterion {kind!r}; built-in criteria are "
            f"{', '.join(sorted(BUILTIN_CRITERIA))}. Custom criteria are passed as "
            "Python objects: Program(criteria=[...])."
        )
    try:
        made = BUILTIN_CRITERIA[kind](**params)
    except TypeError as exc:
        allowed = [
            p
            for p in inspect.signature(BUILTIN_CRITERIA[kind]).parameters
            if p != "self"
        ]
        raise ConfigError(
            f"criterion {name!r}: {exc}. Allowed parameters: {', '.join(allowed)}"
        ) from None
    made.check()
    return made


def default_criteria() -> list[Criterion]:
    """Return the default criteria: skills 3, schedule 2, interests 1, goals 1."""
    return [Skills(), Schedule(), Interests(), Goals()]

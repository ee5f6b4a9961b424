"""Base classes of the program-level constraints: `Constraint`, `Quota`.

A constraint turns into fields of the candidate graph before solving
([`Constraint.side_constraints()`][rmatch.constraints.Constraint.side_constraints]),
explains itself in people terms when no matching exists, and re-checks a result from the
people data after solving.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from rmatch.candidates import CandidateSet
from rmatch.constraints._views import IntArray
from rmatch.errors import Finding
from rmatch.people import People
from rmatch.solvers import LinearConstraint

__all__ = ["Constraint", "Quota"]


class Constraint:
    """Base class of a program-level constraint (acts on the candidate graph).

    A constraint goes in ``Program(rules=[...])`` next to the hard rules. Before
    solving, `side_constraints()` returns the candidate-graph fields to set;
    after solving, `violations()` re-checks the result from the people data.
    """

    name: ClassVar[str] = "constraint"
    kind: ClassVar[str] = "constraint"
    #: Constraints are applied by increasing priority (then in the order given):
    #: loads first (they set capacities), then required pairs, then quotas, so a
    #: quota that counts capacities sees the final ones whatever the rule order.
    priority: ClassVar[int] = 3

    def check(self, people: People | None = None) -> None:
        """Raise `ConfigError` for invalid parameters or missing columns."""

    def title(self) -> str:
        """Return a short human name, e.g. ``"at least 40% of pairs cross-team"``."""
        return self.name.replace("_", " ")

    def params(self) -> dict[str, Any]:
        """Parameters that rebuild the constraint (JSON/TOML-safe)."""
        return {}

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"type": name, **params}``."""
        return {"type": self.name, **self.params()}

    def side_constraints(
        self, people: People, candidates: CandidateSet
    ) -> dict[str, Any]:
        """Return the candidate-graph fields to set (see `CandidateGraph`).

        ``"side_constraints"`` rows are appended to those already there; other fields
        replace the current ones, so implementations merge with ``candidates.graph``.
        """
        raise NotImplementedError

    def precheck(self, people: People, candidates: CandidateSet) -> list[Finding]:
        """Return certain reasons why the constraint cannot hold (empty if none found).

        Called on the final candidate graph (after every constraint was applied).
        """
        return []

    def explain_row(
        self,
        people: People,
        candidates: CandidateSet,
        row: LinearConstraint,
        reason: Mapping[str, Any],
    ) -> str | None:
        """Rewrite a solver reason about one of this constraint's rows in people terms.

        ``reason`` is a record of `rmatch.solvers.InfeasibleGraphError.details`
        (``kind``, ``message``, ``needed``, ``available``...). Return None to keep the
        solver's wording.
        """
        return None

    def violations(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> list[str]:
        """Check a result given as person positions of the chosen pairs.

        Computed from the people data (columns, ids), not from the solver's
        coefficients, so a bug in building the rows is caught here.
        """
        return []

    def measure(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> str:
        """Return the achieved value in words, e.g. ``"45% (9 of 20 pairs)"``."""
        return ""

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params().items())
        return f"{type(self).__name__}({args})"

    def _finding(
        self,
        message: str,
        kind: str,
        people: Iterable[str] = (),
        needed: float | None = None,
        available: float | None = None,
    ) -> Finding:
        """Return a `Finding` about this constraint (named by its title)."""
        return Finding(message, self.title(), kind, tuple(people), needed, available)


class Quota(Constraint):
    """A constraint made of linear rows over the candidate edges.

    Subclasses implement `rows()`; ``side_constraints`` returns them.
    """

    kind = "quota"
    priority = 2

    def rows(self, people: People, candidates: CandidateSet) -> list[LinearConstraint]:
        """Return the linear rows (coefficient vectors over the edges)."""
        raise NotImplementedError

    def side_constraints(
        self, people: People, candidates: CandidateSet
    ) -> dict[str, Any]:
        """Return ``{"side_constraints": rows}``."""
        return {"side_constraints": tuple(self.rows(people, candidates))}

    def explain_row(
        self,
        people: People,
        candidates: CandidateSet,
        row: LinearConstraint,
        reason: Mapping[str, Any],
    ) -> str | None:
        """People-terms wording of a solver reason about one of the quota's rows.

        The solver's wording is kept (None) when the reason has no ``available``
        value; otherwise `_explain()` words it.
        """
        available = reason.get("available")
        if available is None:
            return None
        elastic = "closest" in str(reason.get("message", ""))
        return self._explain(row, float(available), elastic)

    def _explain(
        self, row: LinearConstraint, available: float, elastic: bool
    ) -> str | None:
        """Word a reason about ``row`` (None keeps the solver's wording).

        ``available`` is the row's left-hand side the solver reached; ``elastic``
        says it is the closest matching's (the row cannot hold together with the
        other rules) rather than the best any matching can do.
        """
        return None

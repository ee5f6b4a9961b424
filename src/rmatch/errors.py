"""Exceptions and warning categories raised by rmatch, in one tree.

Every error a user can trigger derives from [`RmatchError`][rmatch.errors.RmatchError].
Errors about bad input or configuration also derive from `ValueError`, so ``except
ValueError`` keeps working for code that does not know rmatch. Warnings derive from
`UserWarning`, so the usual `warnings` filters apply.

The tree (base classes in parentheses)::

    Exception
     └─ RmatchError                     every error raised by rmatch
         ├─ ValidationError (ValueError)  the input has problems; ``.issues`` lists
         │                                 every one as an Issue
         ├─ ConfigError (ValueError)      a program, rule, criterion or mapping is
         │   │                             misconfigured
         │   ├─ MissingColumnsError        a survey mapping names columns the export
         │   │                             lacks (``.issues``, one per column)
         │   └─ ResourceError              a run would not fit in memory (estimated
         │                                 before it starts)
         ├─ ParseError (ValueError)       one cell cannot be read (``.fix``); the
         │                                 readers collect these into Issues
         ├─ InfeasibleError               no matching satisfies the hard rules;
         │   │                             ``.reasons`` are sentences
         │   ├─ InfeasibleGraphError       said by the solvers, about node positions
         │   │                             and constraint rows (``.details``)
         │   └─ InfeasibleProgramError     said by a program, about people ids and
         │                                 rules (``.findings``: Finding)
         └─ SolverError                   a solver failed otherwise (a bug or a crash)

    UserWarning
     ├─ DataQualityWarning              rmatch fixed or ignored something in the input
     └─ UnmatchedWarning                some participants are left unmatched

[`Issue`][rmatch.errors.Issue] (one problem in the input) and
[`Finding`][rmatch.errors.Finding] (one reason, in people terms, why no matching exists)
are the structured records the errors carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal, Protocol

__all__ = [
    "ConfigError",
    "DataQualityWarning",
    "Finding",
    "GraphReason",
    "InfeasibleError",
    "InfeasibleGraphError",
    "InfeasibleProgramError",
    "Issue",
    "ResourceError",
    "RmatchError",
    "SolverError",
    "UnmatchedWarning",
    "ValidationError",
]


@dataclass(frozen=True)
class Issue:
    """One problem found in the input.

    Parameters
    ----------
    message : str
        What is wrong, in one sentence.
    fix : str
        How to fix it.
    file : str, optional
        File name (or ``"<DataFrame>"``, ``"<records>"``).
    row : int, optional
        1-based data row number as a spreadsheet shows it (the header is row 1,
        so the first data row is row 2). ``None`` when the problem is not in a row.
    column : str, optional
        Column (as named in the input) where the problem is.
    value : str, optional
        The offending value, shortened to 80 characters.
    person_id : str, optional
        Id of the person concerned, when known.
    severity : {"error", "warning"}
        Errors stop the run; warnings are reported and the run goes on.
    code : str
        Stable machine-readable code, e.g. ``"duplicate_id"``.
    """

    message: str
    fix: str = ""
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    person_id: str | None = None
    severity: Literal["error", "warning"] = "error"
    code: str = "invalid"

    def location(self) -> str:
        """Return ``file, row R, column 'C'`` with the parts that are known."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.person_id:
            parts.append(f"id {self.person_id}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.message}" if where else self.message
        if self.value is not None:
            text += f" (got {self.value!r})"
        if self.fix:
            text += f". Fix: {self.fix}"
        return text

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return asdict(self)


def short(value: object, limit: int = 80) -> str:
    """Return ``str(value)`` cut to ``limit`` characters for messages."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RmatchError(Exception):
    """Base class of every error raised by rmatch."""


class ValidationError(RmatchError, ValueError):
    """The input has one or more problems; all of them are listed.

    Attributes
    ----------
    issues : list of Issue
        Every problem found (errors first, then warnings), for display by HR tools.
    """

    def __init__(self, issues: Sequence[Issue], header: str | None = None) -> None:
        self.issues = list(issues)
        errors = [i for i in self.issues if i.severity == "error"]
        head = header or (
            f"{len(errors)} problem{'s' if len(errors) != 1 else ''} found in the input"
        )
        shown = [f"  - {issue}" for issue in errors[:50]]
        if len(errors) > 50:
            shown.append(f"  ... and {len(errors) - 50} more (see err.issues)")
        super().__init__(head + ":\n" + "\n".join(shown))

    def to_records(self) -> list[dict[str, Any]]:
        """Return the issues as JSON-safe dicts."""
        return [issue.to_dict() for issue in self.issues]


class ConfigError(RmatchError, ValueError):
    """A program, rule, criterion or mapping is misconfigured."""


class ResourceError(ConfigError):
    """A run would not fit in the machine's memory (estimated before it starts).

    The message gives the estimate, the memory available and the settings that
    shrink the run (``top_k``, ``block_cells``, the Dask engine).
    """


class MissingColumnsError(ConfigError):
    """A survey mapping names columns that are not in the export (all listed).

    Attributes
    ----------
    issues : list of Issue
        One per missing column, with close matches in the fix.
    """

    def __init__(self, message: str, issues: list[Issue], n_rows: int = 0) -> None:
        super().__init__(message)
        self.issues = issues
        self.n_rows = n_rows


class ParseError(RmatchError, ValueError):
    """A cell value cannot be read (raised by the cell parsers of ``rmatch.parsing``;
    validation turns it into an [`Issue`][rmatch.errors.Issue]).

    Parameters
    ----------
    message : str
        What is wrong, in one sentence; also ``str(error)``.
    fix : str
        How to write the value so that it can be read.

    Attributes
    ----------
    message : str
        What is wrong.
    fix : str
        How to fix it.
    """

    def __init__(self, message: str, fix: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.fix))


class InfeasibleError(RmatchError):
    """No matching satisfies the hard rules.

    Attributes
    ----------
    reasons : list of str
        Human-readable reasons naming the people and rules involved.
    """

    def __init__(self, message: str, reasons: Iterable[str] = ()) -> None:
        self.reasons = list(reasons)
        text = message
        if self.reasons:
            text += "\n" + "\n".join(f"  - {r}" for r in self.reasons)
        super().__init__(text)


@dataclass(frozen=True)
class Finding:
    """One reason, in terms of people and rules, why no matching exists.

    Attributes
    ----------
    message : str
        A sentence naming the people (by id) and the rule, e.g. ``"mentor E12 must
        take at least 2 mentees but has 1 allowed candidate"``.
    rule : str
        Title of the rule or constraint concerned (``""`` when several).
    kind : str
        Machine-readable category (``"load"``, ``"quota"``, ``"required_pair"``...).
    people : tuple of str
        Ids of the people concerned.
    needed, available : float or None
        What the rule needs and what is possible.
    """

    message: str
    rule: str = ""
    kind: str = ""
    people: tuple[str, ...] = ()
    needed: float | None = None
    available: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        return {
            "message": self.message,
            "rule": self.rule,
            "kind": self.kind,
            "people": list(self.people),
            "needed": self.needed,
            "available": self.available,
        }


class GraphReason(Protocol):
    """What `InfeasibleGraphError` reads of a solver reason.

    [`rmatch.solvers.Reason`][rmatch.solvers.Reason] has these fields: a sentence, the
    side and node position concerned (when one is), and a JSON-safe record.
    """

    @property
    def message(self) -> str:
        """Human-readable sentence using node positions."""
        ...

    @property
    def side(self) -> Literal["left", "right"] | None:
        """Side of ``node`` (left = mentors)."""
        ...

    @property
    def node(self) -> int | None:
        """Node position concerned."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict."""
        ...


class InfeasibleGraphError(InfeasibleError):
    """No matching of the candidate graph satisfies its rules.

    Attributes
    ----------
    reasons : list of str
        Human-readable reasons (node positions, constraint names).
    details : list of dict
        One JSON-safe record per reason (see
        [`rmatch.solvers.Reason`][rmatch.solvers.Reason]).
    nodes : dict
        ``{"left": [...], "right": [...]}`` positions named by the reasons.
    """

    def __init__(self, message: str, reasons: Sequence[GraphReason]) -> None:
        super().__init__(message, reasons=[r.message for r in reasons])
        self.details = [r.to_dict() for r in reasons]
        self.nodes: dict[str, list[int]] = {
            "left": sorted(
                {r.node for r in reasons if r.side == "left" and r.node is not None}
            ),
            "right": sorted(
                {r.node for r in reasons if r.side == "right" and r.node is not None}
            ),
        }


class InfeasibleProgramError(InfeasibleError):
    """No matching satisfies the program; the reasons name people and rules.

    Attributes
    ----------
    reasons : list of str
        One sentence per reason.
    findings : list of Finding
        The structured reasons.
    details : list of dict
        JSON-safe records of the findings (for HR tools).
    """

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        items = list(findings)
        super().__init__(message, reasons=[f.message for f in items])
        self.findings = items
        self.details = [f.to_dict() for f in items]


class SolverError(RmatchError):
    """A solver failed for a reason other than infeasibility (a bug or a crash)."""


class DataQualityWarning(UserWarning):
    """rmatch fixed or ignored something in the input; the message says what."""


class UnmatchedWarning(UserWarning):
    """Some participants are left unmatched."""

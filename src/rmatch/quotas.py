"""Program-level constraints: quotas, required pairs, load bounds and soft rules.

Hard rules (:mod:`rmatch.rules`) remove pairs one by one. The constraints here act on
the matching as a whole, so they cannot be masks; each one turns into fields of the
candidate graph that the solvers enforce exactly:

=====================  ===========================================================
constraint             graph fields
=====================  ===========================================================
:class:`CrossShare`    one linear row: a share of pairs (or of mentees) cross-column
:class:`PairShare`     one linear row: a share of pairs satisfying any hard rule
:class:`GroupLimit`    one row per group: at most (or at least) N pairs per group
:class:`GroupCoverage` one row per group: at least X% of the group's demand matched
:class:`RequiredPairs` ``required`` edges
:class:`MentorLoad`    ``left_capacity`` (max) and ``left_min`` (min)
:class:`MenteeLoad`    ``right_capacity`` (max) and ``right_min`` (min)
=====================  ===========================================================

A rule is hard unless it is declared soft with a weight: :class:`Soft` wraps a hard
rule into a *criterion* that scores 1 when the pair satisfies the rule and 0 when it
breaks it. It joins the weighted mean of the criteria like any other, so scores stay
in ``[0, 1]`` and a pair that breaks the rule loses ``weight / (sum of the weights of
the criteria with data)`` of its score instead of being removed.

Every constraint also knows how to explain itself in terms of people
(:meth:`Constraint.precheck`, :meth:`Constraint.explain_row`) and how to check a
result from the people data alone (:meth:`Constraint.violations`), independently of
the coefficients it handed to the solver.

Examples
--------
>>> import rmatch
>>> people = rmatch.read_people([
...     {"id": "M1", "role": "mentor", "department": "IT", "interests": "chess"},
...     {"id": "M2", "role": "mentor", "department": "HR", "interests": "golf"},
...     {"id": "E1", "role": "mentee", "department": "IT", "interests": "chess"},
...     {"id": "E2", "role": "mentee", "department": "HR", "interests": "golf"},
... ])
>>> program = rmatch.Program(
...     criteria=[rmatch.Interests()],
...     rules=[rmatch.CrossShare("department", at_least=1.0)],
... )
>>> sorted(map(tuple, program.match(people).pairs[["mentor_id", "mentee_id"]].values))
[('M1', 'E2'), ('M2', 'E1')]
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from rmatch.candidates import CandidateSet
from rmatch.errors import ConfigError, DataQualityWarning
from rmatch.people import People
from rmatch.rules import (
    BUILTIN_RULES,
    Rule,
    build_checked,
    rule_from_dict,
)
from rmatch.rules import (
    positive_int as _positive_int,
)
from rmatch.scoring import Block, Criterion
from rmatch.solvers._graph import LinearConstraint, Sense

__all__ = [
    "QUOTA_TYPES",
    "Constraint",
    "CrossShare",
    "Finding",
    "GroupCoverage",
    "GroupLimit",
    "Load",
    "MenteeLoad",
    "MentorLoad",
    "PairShare",
    "Quota",
    "RequiredPairs",
    "Soft",
    "constraint_from_dict",
    "quotas_from_config",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Side = Literal["mentor", "mentee"]

#: Tolerance when a share times a count is turned into a whole number of pairs.
_EPS = 1e-9
#: People named at most in one message.
_MAX_NAMED = 8


# --------------------------------------------------------------------- findings
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


# --------------------------------------------------------------------- helpers
def _plural(n: float, word: str) -> str:
    k = int(n) if float(n).is_integer() else n
    return f"{k:g} {word}" if k == 1 else f"{k:g} {word}s"


def _names(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:_MAX_NAMED])
    if len(ids) > _MAX_NAMED:
        shown += f" and {len(ids) - _MAX_NAMED} more"
    return shown


def _param_error(owner: str, name: str, must: str, value: object) -> ConfigError:
    """The error for the parameter ``name`` of ``owner``: it must be ``must``."""
    return ConfigError(
        f"The {name!r} parameter of {owner} must be {must}. Got {value!r} instead."
    )


def _check_side(owner: str, side: object) -> None:
    if side not in ("mentor", "mentee"):
        raise _param_error(owner, "side", "'mentor' or 'mentee'", side)


def _check_share(owner: str, name: str, value: object) -> None:
    if value is None:
        return
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not (0.0 <= float(value) <= 1.0)
    ):
        raise _param_error(owner, name, "a share in [0, 1] (0.4 means 40%)", value)


def _check_count(owner: str, name: str, value: object) -> None:
    if value is not None:
        _positive_int(owner, name, value)


def _check_column(owner: str, column: object, people: People | None) -> None:
    if not isinstance(column, str) or not column:
        raise _param_error(owner, "column", "a column name", column)
    if people is not None and column not in people.columns:
        raise ConfigError(
            f"{owner} needs the column {column!r}, which is not in {people.source}; "
            f"columns are {', '.join(people.columns)}"
        )


def _check_range(owner: str, at_least: Any, at_most: Any, missing: str) -> None:
    """Require a bound (``"{owner} needs {missing}"``), and ``at_least <= at_most``."""
    if at_least is None and at_most is None:
        raise ConfigError(f"{owner} needs {missing}")
    if at_least is not None and at_most is not None and at_least > at_most:
        raise ConfigError(
            f"{owner}: at_least ({at_least}) is above at_most ({at_most})"
        )


def _bounds_text(
    at_least: Any, at_most: Any, fmt: Callable[[Any], str] = format
) -> str:
    """Return ``"at least 2 and at most 5"``: the bounds given, each through ``fmt``."""
    bounds = []
    if at_least is not None:
        bounds.append(f"at least {fmt(at_least)}")
    if at_most is not None:
        bounds.append(f"at most {fmt(at_most)}")
    return " and ".join(bounds)


def _given(**params: Any) -> dict[str, Any]:
    """Return the parameters that are not None, in the order given."""
    return {k: v for k, v in params.items() if v is not None}


def _ceil(x: float) -> int:
    """Smallest whole number >= ``x`` (tolerant to float noise: 0.7 * 10 -> 7)."""
    return math.ceil(x - _EPS)


def _floor(x: float) -> int:
    """Largest whole number <= ``x`` (tolerant to float noise)."""
    return math.floor(x + _EPS)


def _pct(x: float) -> str:
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"


def _other(side: Side) -> Side:
    """The other side: ``"mentee"`` for ``"mentor"`` and the reverse."""
    return "mentee" if side == "mentor" else "mentor"


def _side_view(cs: CandidateSet, side: Side) -> tuple[IntArray, IntArray, IntArray]:
    """Return ``(edge endpoint on side, person of each node, capacity per node)``."""
    g = cs.graph
    if side == "mentor":
        return g.left, np.asarray(cs.mentors, dtype=np.int64), g.left_capacity
    return g.right, np.asarray(cs.mentees, dtype=np.int64), g.right_capacity


def _side_min(cs: CandidateSet, side: Side) -> IntArray:
    """Minimum load per node of ``side`` (zeros when none is set)."""
    g = cs.graph
    out: IntArray = g.left_min_or_zero() if side == "mentor" else g.right_min_or_zero()
    return out


def _usable(cs: CandidateSet) -> BoolArray:
    """Edges whose two endpoints both have room (capacity > 0)."""
    g = cs.graph
    out: BoolArray = (g.left_capacity[g.left] > 0) & (g.right_capacity[g.right] > 0)
    return out


def _capped_degree(cs: CandidateSet, side: Side, mask: BoolArray) -> IntArray:
    """Per node of ``side``: ``min(capacity, usable edges in mask)``."""
    nodes, persons, cap = _side_view(cs, side)
    deg = np.bincount(nodes[mask & _usable(cs)], minlength=persons.size)
    out: IntArray = np.minimum(cap, deg).astype(np.int64)
    return out


def _clean(value: object) -> str:
    """Collapse the white space of a cell: ``"  R&D   Team "`` -> ``"R&D Team"``."""
    return " ".join(str(value).split())


def _normalized(values: Iterable[object]) -> npt.NDArray[np.object_]:
    """Strip and case-fold cells; missing cells become ``""``."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append("")
        else:
            out.append(_clean(v).casefold())
    return np.asarray(out, dtype=object)


def _binary(matrix: Any) -> sp.csr_matrix:
    """Return a float64 CSR copy of ``matrix`` with every stored value set to 1."""
    out = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    out.data[:] = 1.0
    return out


def _membership(people: People, column: str) -> tuple[sp.csr_matrix, list[str]]:
    """Return ``(people × groups)`` 0/1 membership and the group labels.

    A plain column puts each person in at most one group (empty cells in none); a
    set column (``languages``...) puts a person in one group per token.
    """
    n = len(people)
    if column in people.sets:
        field = people.sets[column]
        return _binary(field.matrix), [str(v) for v in field.vocabulary]
    raw = people.table[column].to_numpy(dtype=object)
    keys = _normalized(raw)
    codes, uniques = pd.factorize(keys)
    first: dict[int, str] = {}
    for i, c in enumerate(codes.tolist()):
        if c >= 0 and c not in first:
            first[c] = _clean(raw[i])
    labels = [first[c] for c in range(len(uniques))]
    rows = np.flatnonzero(keys != "")
    # Empty cells were factorized too (as the key ""): drop that group.
    empty = [c for c, u in enumerate(uniques) if u == ""]
    keep_cols = [c for c in range(len(uniques)) if c not in empty]
    remap = np.full(len(uniques), -1, dtype=np.int64)
    remap[keep_cols] = np.arange(len(keep_cols))
    cols = remap[codes[rows]]
    matrix = sp.csr_matrix(
        (np.ones(rows.size), (rows, cols)), shape=(n, len(keep_cols)), dtype=np.float64
    )
    return matrix, [labels[c] for c in keep_cols]


def _select_groups(labels: list[str], values: Sequence[str] | None) -> list[int]:
    """Indices of the groups named by ``values`` (all when None)."""
    if values is None:
        return list(range(len(labels)))
    wanted = {_clean(v).casefold() for v in values}
    return [i for i, lab in enumerate(labels) if lab.casefold() in wanted]


def _as_values(value: str | Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _removed_by(cs: CandidateSet, side: Side, nodes: IntArray) -> str:
    """``"'no reporting line' 12, 'different department' 3"``: who removed pairs."""
    removed = cs.removed_left if side == "mentor" else cs.removed_right
    if nodes.size == 0 or removed.shape[0] == 0:
        return ""
    counts = removed[:, nodes].sum(axis=1)
    parts = [
        f"{int(c)} by '{rule.title()}'"
        for rule, c in zip(cs.rules, counts.tolist(), strict=True)
        if c
    ]
    return ", ".join(parts)


def _pair_block(people: People, mentor: int, mentee: int) -> Block:
    """The block of the single pair ``(mentor, mentee)`` (person positions)."""
    return Block(
        people, np.array([mentor], dtype=np.int64), np.array([mentee], dtype=np.int64)
    )


def _allows(rule: Rule, block: Block) -> bool:
    """Whether ``rule`` allows the first pair of ``block``."""
    return bool(np.asarray(rule.allowed(block))[0, 0])


def candidates_text(cs: CandidateSet, side: Side, node: int) -> str:
    """Describe the candidates of one node: how many, and what removed the others.

    Parameters
    ----------
    cs : CandidateSet
    side : {"mentor", "mentee"}
    node : int
        Node position on that side.

    Returns
    -------
    str
        e.g. ``"1 allowed candidate (3 removed by 'no reporting line')"``.
    """
    nodes, _, _ = _side_view(cs, side)
    usable = _usable(cs)
    k = int(np.count_nonzero((nodes == node) & usable))
    text = _plural(k, "allowed candidate")
    removed = _removed_by(cs, side, np.array([node], dtype=np.int64))
    possible = int((cs.possible_left if side == "mentor" else cs.possible_right)[node])
    extra = []
    if removed:
        extra.append(f"{removed.replace(' by ', ' removed by ', 1)}")
    n_edges = int(np.count_nonzero(nodes == node))
    if k < n_edges:
        extra.append(f"{n_edges - k} with no room left")
    if cs.top_k is not None and possible:
        extra.append(f"candidates pruned to the best {cs.top_k}")
    return text + (f" ({'; '.join(extra)})" if extra else "")


# ------------------------------------------------------------------- base class
class Constraint:
    """Base class of a program-level constraint (acts on the candidate graph).

    A constraint goes in ``Program(rules=[...])`` next to the hard rules. Before
    solving, :meth:`side_constraints` returns the candidate-graph fields to set;
    after solving, :meth:`violations` re-checks the result from the people data.
    """

    name: ClassVar[str] = "constraint"
    kind: ClassVar[str] = "constraint"
    #: Constraints are applied by increasing priority (then in the order given):
    #: loads first (they set capacities), then required pairs, then quotas, so a
    #: quota that counts capacities sees the final ones whatever the rule order.
    priority: ClassVar[int] = 3

    def check(self, people: People | None = None) -> None:
        """Raise :class:`ConfigError` for invalid parameters or missing columns."""

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
        """Return the candidate-graph fields to set (see :class:`CandidateGraph`).

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

        ``reason`` is a record of :class:`rmatch.solvers.InfeasibleGraphError.details`
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
        """Return a :class:`Finding` about this constraint (named by its title)."""
        return Finding(message, self.title(), kind, tuple(people), needed, available)


class Quota(Constraint):
    """A constraint made of linear rows over the candidate edges.

    Subclasses implement :meth:`rows`; ``side_constraints`` returns them.
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
        value; otherwise :meth:`_explain` words it.
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


# ------------------------------------------------------------------ pair shares
def _evaluate_rule(
    rule: Rule, people: People, mentors: IntArray, mentees: IntArray, chunk: int = 256
) -> BoolArray:
    """Evaluate a mask rule on pairs ``(mentors[i], mentees[i])``, block by block."""
    out = np.zeros(mentors.size, dtype=np.bool_)
    for lo in range(0, mentors.size, chunk):
        hi = min(mentors.size, lo + chunk)
        block = Block(people, mentors[lo:hi], mentees[lo:hi])
        mask = np.asarray(rule.allowed(block), dtype=bool)
        out[lo:hi] = np.diagonal(mask)
    return out


class PairShare(Quota):
    """A share of the pairs (or of the mentees) must satisfy a rule.

    Parameters
    ----------
    rule : Rule or dict
        Any hard rule used as a predicate (``{"type": "min_shared_hours", "hours":
        2}`` in TOML); rules that need the score (``MinScore``) are not allowed.
    at_least, at_most : float, optional
        Shares in ``[0, 1]``; give at least one.
    of : {"pairs", "mentees"}
        ``"pairs"``: the share of the chosen pairs (the empty matching satisfies it;
        the solver may leave out a pair to keep the share). ``"mentees"``: the
        number of satisfying pairs compared with the number of mentees (with one
        mentor per mentee: the share of all mentees who get a satisfying pair).

    Notes
    -----
    With ``of="pairs"`` the row is ``sum_e (v_e - p) x_e >= 0`` where ``v_e`` is 1
    when edge ``e`` satisfies the rule; with ``of="mentees"`` it is
    ``sum_e v_e x_e >= ceil(p * n_mentees)``.
    """

    name = "pair_share"

    def __init__(
        self,
        rule: Rule | Mapping[str, Any],
        *,
        at_least: float | None = None,
        at_most: float | None = None,
        of: Literal["pairs", "mentees"] = "pairs",
    ) -> None:
        if isinstance(rule, Mapping):
            spec = dict(rule)
            kind = str(spec.pop("type", ""))
            made = rule_from_dict(kind, spec)
            if len(made) != 1:
                raise ConfigError(f"pair_share needs exactly one rule; got {rule!r}")
            rule = made[0]
        self.rule = rule
        self.at_least = at_least
        self.at_most = at_most
        self.of = of

    # -- description
    def adjective(self) -> str:
        """Words after "pairs" for a pair that satisfies the predicate."""
        return f"satisfying '{self.rule.title()}'"

    def noun(self, word: str) -> str:
        """``word`` qualified by the predicate, e.g. ``"cross-department pairs"``."""
        return f"{word} satisfying '{self.rule.title()}'"

    def title(self) -> str:
        """E.g. ``"at least 40% of pairs cross-department"``."""
        bounds = _bounds_text(self.at_least, self.at_most, _pct)
        if self.of == "pairs":
            return f"{bounds} of pairs {self.adjective()}"
        return f"{bounds} of mentees in a {self.noun('pair')}"

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"rule": self.rule.to_dict(), **self._bounds()}

    def _bounds(self) -> dict[str, Any]:
        return {**_given(at_least=self.at_least, at_most=self.at_most), "of": self.of}

    def check(self, people: People | None = None) -> None:
        """Validate the parameters."""
        owner = type(self).__name__
        if not isinstance(self.rule, Rule):
            raise ConfigError(f"{owner} needs a hard Rule; got {self.rule!r}")
        if self.rule.needs_score:
            raise ConfigError(
                f"{owner} cannot use the rule {self.rule.title()!r}: it depends on the "
                "score; use it as a hard rule instead"
            )
        self._check_bounds(owner)
        self.rule.check(people)

    def _check_bounds(self, owner: str) -> None:
        _check_share(owner, "at_least", self.at_least)
        _check_share(owner, "at_most", self.at_most)
        _check_range(
            owner,
            self.at_least,
            self.at_most,
            "at_least or at_most (a share in [0, 1])",
        )
        if self.of not in ("pairs", "mentees"):
            raise _param_error(owner, "of", "'pairs' or 'mentees'", self.of)

    # -- predicate
    def satisfied(
        self, people: People, mentors: IntArray, mentees: IntArray
    ) -> BoolArray:
        """Whether each pair ``(mentors[i], mentees[i])`` satisfies the predicate."""
        return _evaluate_rule(self.rule, people, mentors, mentees)

    def edge_values(self, people: People, candidates: CandidateSet) -> FloatArray:
        """1.0 for each candidate edge that satisfies the predicate, else 0.0."""
        g = candidates.graph
        ok = self.satisfied(
            people,
            np.asarray(candidates.mentors, dtype=np.int64)[g.left],
            np.asarray(candidates.mentees, dtype=np.int64)[g.right],
        )
        return ok.astype(np.float64)

    def _n_mentees(self, candidates: CandidateSet) -> int:
        return int(np.count_nonzero(candidates.graph.right_capacity > 0))

    def rows(self, people: People, candidates: CandidateSet) -> list[LinearConstraint]:
        """One row per bound."""
        v = self.edge_values(people, candidates)
        n = self._n_mentees(candidates)
        what = self.noun("pairs")
        bounds: list[tuple[str, Sense, float]] = []
        if self.at_least is not None:
            bounds.append((self.title(), ">=", self.at_least))
        if self.at_most is not None:
            upper = " (upper)" if self.at_least is not None else ""
            bounds.append((self.title() + upper, "<=", self.at_most))
        out = []
        for name, sense, share in bounds:
            if self.of == "pairs":
                row = LinearConstraint(
                    name,
                    v - float(share),
                    sense,
                    0.0,
                    f"share of {what} {sense} {share:g}",
                )
            else:
                k = _ceil(share * n) if sense == ">=" else _floor(share * n)
                row = LinearConstraint(
                    name, v, sense, float(k), f"{what} {sense} {share:g} x {n} mentees"
                )
            out.append(row)
        return out

    def precheck(self, people: People, candidates: CandidateSet) -> list[Finding]:
        """With ``of="mentees"``: enough mentees must have a satisfying candidate."""
        if self.of != "mentees" or self.at_least is None:
            return []
        n = self._n_mentees(candidates)
        need = _ceil(self.at_least * n)
        if need <= 0:
            return []
        sat = self.edge_values(people, candidates) > 0
        per_mentee = _capped_degree(candidates, "mentee", sat)
        per_mentor = _capped_degree(candidates, "mentor", sat)
        have = int(np.count_nonzero(per_mentee))
        possible = int(min(per_mentee.sum(), per_mentor.sum()))
        if possible >= need:
            return []
        if int(per_mentee.sum()) < need:
            share = have / n if n else 0.0
            msg = (
                f"quota '{self.title()}' cannot hold: only {_pct(share)} of mentees "
                f"({have} of {n}) have any {self.noun('candidate')} and it needs "
                f"{need}"
            )
        else:
            msg = (
                f"quota '{self.title()}' cannot hold: the mentors' capacities leave "
                f"room for at most {possible} {self.noun('pairs')} and it needs "
                f"{need}"
            )
        return [self._finding(msg, "quota", (), float(need), float(possible))]

    def _explain(
        self, row: LinearConstraint, available: float, elastic: bool
    ) -> str | None:
        """Word the share the closest (or every) matching misses."""
        context = (
            " together with the other rules (required pairs, minimum loads, "
            "other quotas)"
            if elastic
            else ""
        )
        if self.of == "pairs":
            share = self.at_least if row.sense == ">=" else self.at_most
            p = float(share or 0.0)
            short = row.violation(available)
            unit = 1.0 - p if row.sense == ">=" else p
            k = _ceil(short / unit) if unit > 0 else 0
            what = "more" if row.sense == ">=" else "fewer"
            head = "the closest matching" if elastic else "every matching"
            return (
                f"quota '{self.title()}' cannot hold{context}: {head} needs about "
                f"{k} {what} {self.noun('pair' if k == 1 else 'pairs')}"
            )
        if elastic:
            head = "the closest matching has"
        else:
            head = "a matching has at most" if row.sense == ">=" else "at least"
        need = "at least" if row.sense == ">=" else "at most"
        return (
            f"quota '{self.title()}' cannot hold{context}: {head} {available:g} "
            f"{self.noun('pairs')} where it needs {need} {row.rhs:g}"
        )

    def _independent(
        self, people: People, mentors: IntArray, mentees: IntArray
    ) -> BoolArray:
        return self.satisfied(people, mentors, mentees)

    def _tally(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> tuple[int, int, str]:
        """Return ``(k, n, words)``: the satisfying pairs, from the people data.

        ``n`` is what ``k`` is compared with: the pairs (``of="pairs"``) or the
        mentees; ``words`` is ``"9 of 20 pairs"`` or ``"9 pairs for 20 mentees"``.
        """
        ok = self._independent(people, mentors, mentees)
        k = int(ok.sum())
        if self.of == "pairs":
            n = int(ok.size)
            return k, n, f"{k} of {n} pairs"
        n = self._n_mentees(candidates)
        return k, n, f"{k} pairs for {n} mentees"

    def violations(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> list[str]:
        """Recount the satisfying pairs from the people data."""
        k, n, counted = self._tally(people, candidates, mentors, mentees)
        low, high = self.at_least, self.at_most
        if self.of == "pairs":
            if not n:
                return []
            fails = (
                low is not None and k / n < low - _EPS,
                high is not None and k / n > high + _EPS,
            )
        else:
            fails = (
                low is not None and k < _ceil(low * n),
                high is not None and k > _floor(high * n),
            )
        return [f"'{self.title()}' fails: {counted}" for failed in fails if failed]

    def measure(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> str:
        """E.g. ``"45% (9 of 20 pairs)"``."""
        k, n, counted = self._tally(people, candidates, mentors, mentees)
        return f"{_pct(k / n if n else 0.0)} ({counted})"


class CrossShare(PairShare):
    """A share of the pairs must be across ``column`` (e.g. cross-department).

    A pair is *cross* when both values are known and differ (for a set column such
    as ``languages``: they share no value). Pairs with a missing value do not count
    as cross.

    Parameters
    ----------
    column : str
    at_least, at_most : float, optional
        Shares in ``[0, 1]``.
    of : {"pairs", "mentees"}
        See :class:`PairShare`.

    Examples
    --------
    >>> CrossShare("department", at_least=0.4).title()
    'at least 40% of pairs cross-department'
    """

    name = "cross_share"

    def __init__(
        self,
        column: str,
        *,
        at_least: float | None = None,
        at_most: float | None = None,
        of: Literal["pairs", "mentees"] = "pairs",
    ) -> None:
        from rmatch.rules import DifferentValue

        self.column = column
        super().__init__(
            DifferentValue(column), at_least=at_least, at_most=at_most, of=of
        )

    def adjective(self) -> str:
        """``cross-<column>``."""
        return f"cross-{self.column}"

    def noun(self, word: str) -> str:
        """E.g. ``"cross-department pairs"``."""
        return f"cross-{self.column} {word}"

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"column": self.column, **self._bounds()}

    def check(self, people: People | None = None) -> None:
        """Validate the parameters and the column."""
        owner = type(self).__name__
        _check_column(owner, self.column, people)
        self._check_bounds(owner)

    def satisfied(
        self, people: People, mentors: IntArray, mentees: IntArray
    ) -> BoolArray:
        """Known and different values (no shared token for set columns), vectorized."""
        if self.column in people.sets:
            field = people.sets[self.column]
            a, b = _binary(field.matrix[mentors]), _binary(field.matrix[mentees])
            shared = np.asarray(a.multiply(b).sum(axis=1)).ravel() > 0
            known = field.present[mentors] & field.present[mentees]
            out: BoolArray = known & ~shared
            return out
        member, _ = _membership(people, self.column)
        codes = np.full(len(people), -1, dtype=np.int64)
        coo = member.tocoo()
        codes[coo.row] = coo.col
        cm, ce = codes[mentors], codes[mentees]
        result: BoolArray = (cm >= 0) & (ce >= 0) & (cm != ce)
        return result

    def _independent(
        self, people: People, mentors: IntArray, mentees: IntArray
    ) -> BoolArray:
        """Per pair, from the raw cells (independent of the coefficient path)."""
        if self.column in people.sets:
            values = people[self.column]
            return np.array(
                [
                    bool(values[m]) and bool(values[e]) and not (values[m] & values[e])
                    for m, e in zip(mentors.tolist(), mentees.tolist(), strict=True)
                ],
                dtype=np.bool_,
            )
        cells = _normalized(people.table[self.column].tolist())
        a, b = cells[mentors], cells[mentees]
        out: BoolArray = (a != "") & (b != "") & (a != b)
        return out


# ------------------------------------------------------------------ group quotas
class _GroupQuota(Quota):
    """A quota on the pairs of each group of ``column`` among the people of ``side``.

    A set column (``languages``...) gives one group per token; without a column
    there is one group, ``"all"``. Subclasses name the groups they apply to in
    :meth:`_selected`.
    """

    column: str | None
    side: Side

    def _selected(self) -> list[str] | None:
        """The group values the quota applies to (None: every group)."""
        raise NotImplementedError

    def _groups(self, people: People) -> tuple[sp.csr_matrix, list[str]]:
        if self.column is None:
            return sp.csr_matrix(np.ones((len(people), 1))), ["all"]
        member, labels = _membership(people, self.column)
        keep = _select_groups(labels, self._selected())
        return sp.csr_matrix(member[:, keep]), [labels[i] for i in keep]

    def _warn_unknown(self, people: People) -> None:
        """Warn when a named group value is nobody's (a typo has no effect)."""
        values = self._selected()
        if values is None or self.column is None:
            return
        _, labels = _membership(people, self.column)
        known = {lab.casefold() for lab in labels}
        missing = [v for v in values if _clean(v).casefold() not in known]
        if missing:
            warnings.warn(
                f"quota '{self.title()}': nobody has {self.column} "
                f"{', '.join(map(repr, missing))}; values are "
                f"{', '.join(map(repr, labels[:20]))}",
                DataQualityWarning,
                stacklevel=4,
            )

    def _node_member(
        self, people: People, cs: CandidateSet
    ) -> tuple[sp.csr_matrix, list[str]]:
        member, labels = self._groups(people)
        _, persons, _ = _side_view(cs, self.side)
        return sp.csr_matrix(member[persons]), labels

    def _room(
        self, cs: CandidateSet, node_member: sp.csr_matrix
    ) -> tuple[IntArray, FloatArray]:
        """Return ``(capped degree per node, room per group)``.

        A node's capped degree is ``min(capacity, usable allowed candidates)``; a
        group's room is the sum over its members: the most pairs it can get.
        """
        nodes, _, _ = _side_view(cs, self.side)
        capped = _capped_degree(cs, self.side, np.ones(nodes.size, bool))
        room: FloatArray = np.asarray(node_member.T @ capped).ravel()
        return capped, room

    def _group_text(self, label: str) -> str:
        if self.column is None:
            return f"{self.side}s"
        return f"{self.side}s in {self.column} '{label}'"

    def _edge_member(
        self, cs: CandidateSet, node_member: sp.csr_matrix
    ) -> sp.csc_matrix:
        """``(edges × groups)`` membership of each edge's endpoint on ``side``."""
        nodes, _, _ = _side_view(cs, self.side)
        return sp.csc_matrix(node_member[nodes])

    def _group_row(
        self,
        label: str,
        coef: FloatArray,
        sense: Sense,
        rhs: float,
        bound: str,
        suffix: str = "",
    ) -> LinearConstraint:
        """The row ``pairs of the group label (sense) rhs``; ``bound`` words ``rhs``."""
        return LinearConstraint(
            f"{self.title()} [{label}]{suffix}",
            coef,
            sense,
            float(rhs),
            f"pairs of {self._group_text(label)} {sense} {bound}",
        )

    @staticmethod
    def _row_label(row: LinearConstraint) -> str:
        """The group a row is about: ``"Sales"`` in ``"... [Sales] (lower)"``."""
        return row.name.rsplit("[", 1)[-1].split("]")[0]

    # -- groups from the raw cells (independent of the coefficient path)
    def _independent_groups(
        self, people: People, positions: IntArray
    ) -> dict[str, npt.NDArray[np.bool_]]:
        """Per group label: membership of ``positions``, from the raw cells."""
        if self.column is None:
            return {"all": np.ones(positions.size, dtype=np.bool_)}
        values = self._selected()
        wanted = None if values is None else set(_normalized(values).tolist())
        out: dict[str, npt.NDArray[np.bool_]] = {}
        if self.column in people.sets:
            sets = people[self.column]
            labels = sorted({t for i in positions.tolist() for t in sets[i]})
            for lab in labels:
                if wanted is None or lab.casefold() in wanted:
                    out[lab] = np.array(
                        [lab in sets[i] for i in positions.tolist()], dtype=np.bool_
                    )
            return out
        raw = people.table[self.column].tolist()
        every = _normalized(raw)
        display: dict[str, str] = {}
        for key, cell in zip(every.tolist(), raw, strict=True):
            display.setdefault(key, _clean(cell))
        cells = every[positions]
        for key in sorted(set(cells.tolist()) - {""}):
            if wanted is None or key in wanted:
                out[display[key]] = cells == key
        return out

    def _counts(
        self, people: People, mentors: IntArray, mentees: IntArray
    ) -> dict[str, int]:
        """Chosen pairs per group (groups with no pair are left out)."""
        positions = mentees if self.side == "mentee" else mentors
        groups = self._independent_groups(people, positions)
        return {lab: int(mask.sum()) for lab, mask in groups.items()}


class GroupLimit(_GroupQuota):
    """At most (or at least) N pairs per group of ``column`` on one side.

    "At most 5 mentees from one department": ``GroupLimit("department",
    at_most=5)``. Pairs are counted, so with one mentor per mentee this is the number
    of matched mentees; a mentee who gets two mentors counts twice. People with an
    empty cell belong to no group and are not limited.

    Parameters
    ----------
    column : str
    at_most, at_least : int, optional
        Pairs per group; give at least one.
    side : {"mentee", "mentor"}
        Whose ``column`` defines the group.
    values : str or list of str, optional
        Only these groups (default: every group).

    Examples
    --------
    >>> GroupLimit("department", at_most=5).title()
    'at most 5 matched mentees per department'
    """

    name = "group_limit"

    def __init__(
        self,
        column: str,
        *,
        at_most: int | None = None,
        at_least: int | None = None,
        side: Side = "mentee",
        values: str | Sequence[str] | None = None,
    ) -> None:
        self.column = column
        self.at_most = at_most
        self.at_least = at_least
        self.side = side
        self.values = _as_values(values)

    def _selected(self) -> list[str] | None:
        return self.values

    def title(self) -> str:
        """E.g. ``"at most 5 matched mentees per department"``."""
        bounds = _bounds_text(self.at_least, self.at_most)
        which = f" ({', '.join(self.values)})" if self.values else ""
        return f"{bounds} matched {self.side}s per {self.column}{which}"

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {
            "column": self.column,
            **_given(at_most=self.at_most, at_least=self.at_least),
            "side": self.side,
            **_given(values=None if self.values is None else list(self.values)),
        }

    def check(self, people: People | None = None) -> None:
        """Validate the parameters and the column."""
        owner = "GroupLimit"
        _check_column(owner, self.column, people)
        _check_side(owner, self.side)
        _check_count(owner, "at_most", self.at_most)
        _check_count(owner, "at_least", self.at_least)
        _check_range(
            owner,
            self.at_least,
            self.at_most,
            "at_most or at_least (a number of pairs)",
        )

    def rows(self, people: People, candidates: CandidateSet) -> list[LinearConstraint]:
        """One row per group that can bind (vectorized over the edges)."""
        self._warn_unknown(people)
        node_member, labels = self._node_member(people, candidates)
        edge_member = self._edge_member(candidates, node_member)
        _, room = self._room(candidates, node_member)
        out: list[LinearConstraint] = []
        for gi, label in enumerate(labels):
            if not node_member.getcol(gi).nnz:
                continue
            coef = edge_member.getcol(gi).toarray().ravel()
            if self.at_most is not None and room[gi] > self.at_most:
                out.append(
                    self._group_row(label, coef, "<=", self.at_most, f"{self.at_most}")
                )
            if self.at_least is not None and self.at_least > 0:
                out.append(
                    self._group_row(
                        label, coef, ">=", self.at_least, f"{self.at_least}", " (lower)"
                    )
                )
        return out

    def precheck(self, people: People, candidates: CandidateSet) -> list[Finding]:
        """A lower bound above what the group's candidates allow."""
        if not self.at_least:
            return []
        node_member, labels = self._node_member(people, candidates)
        _, room = self._room(candidates, node_member)
        return [
            self._finding(
                f"quota '{self.title()}' cannot hold for {self.column} "
                f"'{label}': its {self.side}s have room for at most "
                f"{_plural(int(room[gi]), 'pair')} with their allowed "
                f"candidates; {self.at_least} needed",
                "quota",
                (),
                float(self.at_least),
                float(room[gi]),
            )
            for gi, label in enumerate(labels)
            if node_member.getcol(gi).nnz and room[gi] < self.at_least
        ]

    def _explain(
        self, row: LinearConstraint, available: float, elastic: bool
    ) -> str | None:
        """Word the pairs the group is forced to or kept from."""
        label = self._row_label(row)
        if row.sense == "<=":
            return (
                f"quota '{self.title()}' cannot hold for {self.column} '{label}': "
                "required pairs and minimum loads force "
                f"{_plural(available, 'pair')} "
                f"where at most {row.rhs:g} are allowed"
            )
        return (
            f"quota '{self.title()}' cannot hold for {self.column} '{label}' together "
            "with the other rules: the closest matching gives "
            f"{_plural(available, 'pair')} where it needs at least {row.rhs:g}"
        )

    def violations(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> list[str]:
        """Recount the pairs per group from the raw cells."""
        counts = self._counts(people, mentors, mentees)
        failing = [
            lab
            for lab, k in counts.items()
            if self.at_most is not None and k > self.at_most
        ]
        if self.at_least:
            _, persons, cap = _side_view(candidates, self.side)
            present = self._independent_groups(people, persons[cap > 0])
            failing += [lab for lab in present if counts.get(lab, 0) < self.at_least]
        return [
            f"'{self.title()}' fails for '{lab}': {counts.get(lab, 0)} pairs"
            for lab in failing
        ]

    def measure(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> str:
        """The largest (and smallest) group count."""
        counts = self._counts(people, mentors, mentees)
        if not counts:
            return "no pairs in any group"
        top = max(counts, key=lambda k: (counts[k], k))
        return f"largest group {top!r} with {counts[top]} pairs"


class GroupCoverage(_GroupQuota):
    """At least a share of a group's mentees (or mentors) must be matched.

    "At least 50% of the Sales mentees matched": ``GroupCoverage("department",
    "Sales", at_least=0.5)``. Without ``value`` the quota applies to every group of
    the column; without ``column`` to all mentees. Demand is counted in pairs: a
    group of mentees who want ``k`` mentors each needs ``ceil(share * sum k)`` pairs
    (with one mentor per mentee: the share of the group's mentees matched).

    Parameters
    ----------
    column : str, optional
    value : str or list of str, optional
    at_least : float
        Share in ``[0, 1]``.
    side : {"mentee", "mentor"}

    Examples
    --------
    >>> GroupCoverage("department", "Sales", at_least=0.5).title()
    "at least 50% of mentees in department 'Sales' matched"
    """

    name = "group_coverage"

    def __init__(
        self,
        column: str | None = None,
        value: str | Sequence[str] | None = None,
        *,
        at_least: float = 0.5,
        side: Side = "mentee",
    ) -> None:
        self.column = column
        self.value = _as_values(value)
        self.at_least = at_least
        self.side = side

    def _selected(self) -> list[str] | None:
        return self.value

    def title(self) -> str:
        """E.g. ``"at least 50% of mentees in department 'Sales' matched"``."""
        share = _pct(self.at_least)
        if self.column is None:
            return f"at least {share} of {self.side}s matched"
        if self.value is None:
            return f"at least {share} of {self.side}s matched in every {self.column}"
        which = ", ".join(f"'{v}'" for v in self.value)
        return f"at least {share} of {self.side}s in {self.column} {which} matched"

    def params(self) -> dict[str, Any]:
        """Parameters."""
        out: dict[str, Any] = {}
        if self.column is not None:
            out["column"] = self.column
        if self.value is not None:
            out["value"] = self.value[0] if len(self.value) == 1 else list(self.value)
        out["at_least"] = self.at_least
        out["side"] = self.side
        return out

    def check(self, people: People | None = None) -> None:
        """Validate the parameters and the column."""
        owner = "GroupCoverage"
        if self.column is not None:
            _check_column(owner, self.column, people)
        elif self.value is not None:
            raise ConfigError("GroupCoverage: a value needs a column")
        _check_side(owner, self.side)
        _check_share(owner, "at_least", self.at_least)

    def _demand(
        self, cs: CandidateSet, node_member: sp.csr_matrix
    ) -> tuple[FloatArray, IntArray]:
        """Demand (capacity) per group and pairs needed per group."""
        _, _, cap = _side_view(cs, self.side)
        demand = np.asarray(node_member.T @ cap.astype(np.float64)).ravel()
        need = np.array([_ceil(self.at_least * d) for d in demand], dtype=np.int64)
        return demand, need

    def rows(self, people: People, candidates: CandidateSet) -> list[LinearConstraint]:
        """One row per group with a positive demand."""
        self._warn_unknown(people)
        node_member, labels = self._node_member(people, candidates)
        edge_member = self._edge_member(candidates, node_member)
        demand, need = self._demand(candidates, node_member)
        return [
            self._group_row(
                label,
                edge_member.getcol(gi).toarray().ravel(),
                ">=",
                need[gi],
                f"{self.at_least:g} x {demand[gi]:g}",
            )
            for gi, label in enumerate(labels)
            if need[gi] > 0
        ]

    def precheck(self, people: People, candidates: CandidateSet) -> list[Finding]:
        """The group's mentees need enough allowed candidates."""
        _, persons, cap = _side_view(candidates, self.side)
        node_member, labels = self._node_member(people, candidates)
        _, need = self._demand(candidates, node_member)
        capped, room = self._room(candidates, node_member)
        other = "mentor" if self.side == "mentee" else "mentee"
        out = []
        for gi, label in enumerate(labels):
            if room[gi] >= need[gi]:
                continue
            members = node_member.getcol(gi).toarray().ravel() > 0
            wanting = members & (cap > 0)
            stuck = np.flatnonzero(wanting & (capped == 0))
            n_with = int(np.count_nonzero(wanting & (capped > 0)))
            group = self._group_text(label)
            why = _removed_by(candidates, self.side, stuck)
            msg = (
                f"quota '{self.title()}' cannot hold: only {n_with} of the "
                f"{int(np.count_nonzero(wanting))} {group} have any allowed {other}"
            )
            if room[gi] != n_with:
                msg += f" (room for {_plural(int(room[gi]), 'pair')})"
            msg += f" and it needs {_plural(int(need[gi]), 'pair')}"
            if why:
                msg += f"; the others' candidates were removed: {why}"
            ids = [str(people.ids[int(persons[j])]) for j in stuck]
            out.append(
                self._finding(msg, "quota", ids, float(need[gi]), float(room[gi]))
            )
        return out

    def _explain(
        self, row: LinearConstraint, available: float, elastic: bool
    ) -> str | None:
        """Word the pairs the group gets in the closest matching."""
        return (
            f"quota '{self.title()}' cannot hold together with the other rules: the "
            f"closest matching gives the {self._group_text(self._row_label(row))} "
            f"{_plural(available, 'pair')} where it needs {row.rhs:g}"
        )

    def _coverage(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> dict[str, tuple[int, int]]:
        """Per group: (pairs, pairs needed), from the raw cells."""
        _, persons, cap = _side_view(candidates, self.side)
        members = self._independent_groups(people, persons)
        counts = self._counts(people, mentors, mentees)
        return {
            lab: (counts.get(lab, 0), _ceil(self.at_least * float(cap[mask].sum())))
            for lab, mask in members.items()
        }

    def violations(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> list[str]:
        """Recount the group's pairs against its demand."""
        return [
            f"'{self.title()}' fails for '{lab}': {got} pairs, {need} needed"
            for lab, (got, need) in self._coverage(
                people, candidates, mentors, mentees
            ).items()
            if got < need
        ]

    def measure(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> str:
        """The least covered group."""
        cov = self._coverage(people, candidates, mentors, mentees)
        if not cov:
            return "no group"
        worst = min(cov, key=lambda k: (cov[k][0] - cov[k][1], k))
        got, need = cov[worst]
        label = "" if self.column is None else f"{worst!r}: "
        return f"tightest {label}{got} pairs ({need} needed)"


# ---------------------------------------------------------------- required pairs
def _pair_verdict(
    people: People, cs: CandidateSet, mentor: int, mentee: int
) -> tuple[str, str] | None:
    """Return ``(rule title, why)`` of the first hard rule that forbids a pair."""
    block = _pair_block(people, mentor, mentee)
    post = []
    for rule in cs.rules:
        if rule.needs_score:
            post.append(rule)
            continue
        if not _allows(rule, block):
            return rule.title(), rule.why_forbidden(people, mentor, mentee)
    if post:
        titles = " or ".join(f"'{r.title()}'" for r in post)
        pruned = f", or it was pruned (top_k={cs.top_k})" if cs.top_k else ""
        return titles.strip("'"), f"its score is too low for {titles}{pruned}"
    return None


class RequiredPairs(Constraint):
    """Pairs that must be in the result (e.g. pairs that work and are kept).

    Parameters
    ----------
    pairs : iterable of (str, str)
        ``(mentor_id, mentee_id)`` pairs; the first person mentors the second.

    Raises
    ------
    ConfigError
        (when matching) An id is unknown, a person does not have the role, or a pair
        was pruned by ``top_k``.
    InfeasibleError
        (when matching) A hard rule forbids a required pair; the message names the
        pair, the rule and why.
    """

    name = "required_pairs"
    kind = "required"
    priority = 1

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = [(str(a), str(b)) for a, b in pairs]

    @classmethod
    def from_csv(cls, path: str) -> RequiredPairs:
        """Read pairs from a CSV with ``mentor_id`` and ``mentee_id`` columns."""
        from rmatch.rules import History

        return cls(History.from_csv(path).pairs)

    def title(self) -> str:
        """Human name."""
        return f"required pairs ({len(self.pairs)})"

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"pairs": [list(p) for p in self.pairs]}

    def check(self, people: People | None = None) -> None:
        """Validate the pairs."""
        for p in self.pairs:
            if p[0] == p[1]:
                raise ConfigError(f"required pair {p} pairs {p[0]!r} with themself")

    def edges(self, people: People, candidates: CandidateSet) -> IntArray:
        """Edge index of every required pair (raises when a pair is not a candidate)."""
        g = candidates.graph
        mentors = np.asarray(candidates.mentors, dtype=np.int64)
        mentees = np.asarray(candidates.mentees, dtype=np.int64)
        node_left = np.full(len(people), -1, dtype=np.int64)
        node_right = np.full(len(people), -1, dtype=np.int64)
        node_left[mentors] = np.arange(mentors.size)
        node_right[mentees] = np.arange(mentees.size)
        width = np.int64(max(g.n_right, 1))
        keys = g.left * width + g.right
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        config: list[str] = []
        forbidden: list[str] = []
        out: list[int] = []
        for a, b in self.pairs:
            pa, pb = (int(x) for x in people.positions([a, b]))
            unknown = [x for x, pos in ((a, pa), (b, pb)) if pos < 0]
            if unknown:
                config.append(
                    f"required pair ({a}, {b}): no person with id "
                    f"{' or '.join(map(repr, unknown))} in {people.source}"
                )
                continue
            la, rb = int(node_left[pa]), int(node_right[pb])
            if la < 0 or rb < 0:
                who, role = (a, people.roles[pa]) if la < 0 else (b, people.roles[pb])
                need = "mentor" if la < 0 else "mentee"
                hint = ""
                if node_left[pb] >= 0 and node_right[pa] >= 0:
                    hint = f"; did you mean ({b}, {a})? pairs are (mentor, mentee)"
                config.append(
                    f"required pair ({a}, {b}): {who} has the role {role!r}, not "
                    f"{need}{hint}"
                )
                continue
            key = la * width + rb
            i = int(np.searchsorted(sorted_keys, key))
            if i < sorted_keys.size and sorted_keys[i] == key:
                out.append(int(order[i]))
                continue
            verdict = _pair_verdict(people, candidates, pa, pb)
            if verdict is None:
                config.append(
                    f"required pair ({a}, {b}) is allowed but was pruned from the "
                    f"candidates (top_k={candidates.top_k}); raise top_k or leave it "
                    "unset"
                )
            else:
                rule, why = verdict
                forbidden.append(
                    f"required pair ({a}, {b}) is forbidden by the rule '{rule}': {why}"
                )
        if config:
            raise ConfigError("; ".join(config))
        if forbidden:
            from rmatch.diagnose import InfeasibleProgramError

            raise InfeasibleProgramError(
                "the required pairs break the program's hard rules",
                [self._finding(f, "required_pair") for f in forbidden],
            )
        return np.unique(np.asarray(out, dtype=np.int64))

    def side_constraints(
        self, people: People, candidates: CandidateSet
    ) -> dict[str, Any]:
        """Return ``{"required": mask}`` (merged with required edges already set)."""
        mask = candidates.graph.required_mask().copy()
        mask[self.edges(people, candidates)] = True
        return {"required": mask}

    def precheck(self, people: People, candidates: CandidateSet) -> list[Finding]:
        """Required pairs must fit the capacities (and minimum loads elsewhere)."""
        e = self.edges(people, candidates)
        out = []
        sides: tuple[tuple[Side, str], ...] = (("mentor", "take"), ("mentee", "have"))
        for side, verb in sides:
            other = _other(side)
            nodes, persons, cap = _side_view(candidates, side)
            other_nodes, other_persons, _ = _side_view(candidates, other)
            load = np.bincount(nodes[e], minlength=cap.size)
            for node in np.flatnonzero(load > cap).tolist():
                pid = str(people.ids[int(persons[node])])
                partners = [
                    str(people.ids[int(p)])
                    for p in other_persons[other_nodes[e[nodes[e] == node]]]
                ]
                out.append(
                    self._finding(
                        f"required pairs make {side} {pid} {verb} "
                        f"{_plural(int(load[node]), other)} ({_names(partners)}) but "
                        f"their capacity is {int(cap[node])}",
                        "required_pair",
                        (pid, *partners),
                        float(load[node]),
                        float(cap[node]),
                    )
                )
        return out

    def violations(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> list[str]:
        """Every required pair must be among the chosen ones (by id)."""
        chosen = set(
            zip(
                people.ids[mentors].astype(str).tolist(),
                people.ids[mentees].astype(str).tolist(),
                strict=True,
            )
        )
        return [f"required pair {p} is missing" for p in self.pairs if p not in chosen]

    def measure(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> str:
        """How many required pairs are kept."""
        missing = len(self.violations(people, candidates, mentors, mentees))
        return f"{len(self.pairs) - missing} of {len(self.pairs)} kept"


# --------------------------------------------------------------------- loads
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
        plural = other if top != 1 else other[:-1]
        return f"each {self.side} {verb} {bound} {plural}"

    def params(self) -> dict[str, Any]:
        """Parameters."""
        out: dict[str, Any] = {"min": self.min, **_given(max=self.max)}
        if type(self) is Load:
            out["side"] = self.side
        return out

    def check(self, people: People | None = None) -> None:
        """Validate the parameters."""
        owner = type(self).__name__
        _check_side(owner, self.side)
        _check_count(owner, "min", self.min)
        _check_count(owner, "max", self.max)
        if self.max is not None and self.min > self.max:
            raise ConfigError(f"{owner}: min ({self.min}) is above max ({self.max})")

    def bounds(self, candidates: CandidateSet) -> tuple[IntArray, IntArray]:
        """Return ``(capacity, minimum)`` per node of the side after this rule."""
        _, _, cap = _side_view(candidates, self.side)
        low = _side_min(candidates, self.side)
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
        other = _other(side)
        nodes, persons, _ = _side_view(candidates, side)
        low = _side_min(candidates, side)
        deg = np.bincount(nodes[_usable(candidates)], minlength=persons.size)
        verb = "take" if side == "mentor" else "have"
        out = []
        for node in np.flatnonzero(low > deg)[:50].tolist():
            pid = str(people.ids[int(persons[node])])
            out.append(
                self._finding(
                    f"{side} {pid} must {verb} at least "
                    f"{_plural(int(low[node]), other)} ('{self.title()}') but has "
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
        room = int(_capped_degree(candidates, other, np.ones(nodes.size, bool)).sum())
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
        _, persons, cap = _side_view(candidates, self.side)
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
    """Each mentor takes between ``min`` and ``max`` mentees (see :class:`Load`).

    Examples
    --------
    >>> MentorLoad(min=1, max=3).title()
    'each mentor takes 1-3 mentees'
    """

    name = "mentor_load"

    def __init__(self, min: int = 0, max: int | None = None) -> None:
        super().__init__(min, max, side="mentor")


class MenteeLoad(Load):
    """Each mentee gets between ``min`` and ``max`` mentors (see :class:`Load`).

    ``MenteeLoad(min=1)`` demands that every mentee is matched.
    """

    name = "mentee_load"

    def __init__(self, min: int = 0, max: int | None = None) -> None:
        super().__init__(min, max, side="mentee")


# --------------------------------------------------------------------- soft rules
class Soft(Criterion):
    """A hard rule declared soft: a bonus for pairs that satisfy it.

    The soft rule is scored like a criterion: 1 when the pair satisfies the rule,
    0 when it breaks it, with ``weight`` in the weighted mean of the criteria (the
    same units as the criteria weights). Scores therefore stay in ``[0, 1]``: a pair
    that breaks the rule keeps its place in the candidate graph but loses
    ``weight / W`` of its score, ``W`` being the total weight of the criteria with
    data for that pair (this soft rule included).

    Parameters
    ----------
    rule : Rule
        Any hard rule that does not depend on the score.
    weight : float
        Weight > 0.
    label : str, optional
        Column name in the pairs table (default ``"soft: <rule title>"``).

    Examples
    --------
    >>> from rmatch.rules import DifferentValue
    >>> Soft(DifferentValue("department"), weight=1).to_dict()
    {'type': 'different', 'column': 'department', 'weight': 1}
    """

    name = "soft"

    def __init__(
        self, rule: Rule, *, weight: float = 1.0, label: str | None = None
    ) -> None:
        super().__init__(weight=weight)
        self.rule = rule
        self.label = label or f"soft: {rule.title()}"

    def check(self, people: People | None = None) -> None:
        """Validate the weight and the wrapped rule."""
        super().check()
        if not isinstance(self.rule, Rule):
            raise ConfigError(f"Soft needs a hard Rule; got {self.rule!r}")
        if not self.weight > 0:
            raise _param_error("a soft rule", "weight", "> 0", self.weight)
        if self.rule.needs_score:
            raise ConfigError(
                f"the rule {self.rule.title()!r} depends on the score and cannot be "
                "soft; lower its threshold instead"
            )
        self.rule.check(people)

    def title(self) -> str:
        """E.g. ``"different department (soft, weight 1)"``."""
        return f"{self.rule.title()} (soft, weight {self.weight:g})"

    def score(self, block: Block) -> np.ndarray:
        """1.0 where the rule allows the pair, else 0.0."""
        return np.asarray(self.rule.allowed(block), dtype=np.float64)

    def describe(self, value: float) -> str:
        """``holds`` or ``broken``."""
        if np.isnan(value):
            return "no data"
        return "holds" if value >= 0.5 else "broken"

    def detail(self, people: People, mentor: int, mentee: int) -> str:
        """Why the rule is broken for this pair (empty when it holds)."""
        if _allows(self.rule, _pair_block(people, mentor, mentee)):
            return ""
        return self.rule.why_forbidden(people, mentor, mentee)

    def params(self) -> dict[str, Any]:
        """Parameters of the rule plus the weight."""
        return {**self.rule.params(), "weight": self.weight}

    def to_dict(self) -> dict[str, Any]:
        """Return the rule's dict with ``weight`` (which marks it soft)."""
        return {**self.rule.to_dict(), "weight": self.weight}

    def __repr__(self) -> str:
        return f"Soft({self.rule!r}, weight={self.weight!r})"


# --------------------------------------------------------------------- config
QUOTA_TYPES: dict[str, type[Constraint]] = {
    "pair_share": PairShare,
    "cross_share": CrossShare,
    "group_limit": GroupLimit,
    "group_coverage": GroupCoverage,
    "required_pairs": RequiredPairs,
    "mentor_load": MentorLoad,
    "mentee_load": MenteeLoad,
    "load": Load,
}


def _build(cls: type[Any], name: str, params: Mapping[str, Any]) -> Any:
    return build_checked(cls, params, repr(name))


def constraint_from_dict(name: str, spec: Any) -> list[Any]:
    """Build rules, soft rules or constraints from one TOML/dict entry.

    Parameters
    ----------
    name : str
        A hard rule (``no_reporting_line``, ``different``...) or a constraint
        (``cross_share``, ``group_limit``, ``group_coverage``, ``required_pairs``,
        ``mentor_load``, ``mentee_load``, ``pair_share``).
    spec : dict, list, str, number or bool
        The entry's value. A hard rule with ``weight = w`` (or ``soft = true`` and a
        weight) becomes a :class:`Soft` rule. A list of tables gives one object per
        table. ``required_pairs`` takes a list of ``[mentor, mentee]`` pairs or a CSV
        path.

    Returns
    -------
    list
        :class:`~rmatch.rules.Rule`, :class:`Soft` and :class:`Constraint` objects.

    Examples
    --------
    >>> constraint_from_dict("different", {"column": "department", "weight": 0.5})
    [Soft(DifferentValue(column='department'), weight=0.5)]
    >>> constraint_from_dict("mentor_load", {"min": 1, "max": 3})
    [MentorLoad(min=1, max=3)]
    """
    kind = name
    if isinstance(spec, Mapping) and "type" in spec:
        kind = str(spec["type"])
    if kind == "required_pairs":
        if isinstance(spec, str):
            return [RequiredPairs.from_csv(spec)]
        if isinstance(spec, list | tuple):
            return [RequiredPairs(spec)]
    if (
        isinstance(spec, list | tuple)
        and spec
        and all(isinstance(s, Mapping) for s in spec)
    ):
        return [made for s in spec for made in constraint_from_dict(name, s)]
    if kind in QUOTA_TYPES:
        if spec is False:
            return []
        if not isinstance(spec, Mapping):
            raise ConfigError(
                f"{name!r} needs a table of parameters, e.g. "
                f"{name} = {{ ... }}; got {spec!r}"
            )
        params = {k: v for k, v in spec.items() if k != "type"}
        if kind == "required_pairs" and isinstance(params.get("pairs"), str):
            return [RequiredPairs.from_csv(params["pairs"])]
        return [_build(QUOTA_TYPES[kind], name, params)]
    if isinstance(spec, Mapping) and ("weight" in spec or "soft" in spec):
        params = dict(spec)
        weight = params.pop("weight", None)
        soft = params.pop("soft", True)
        label = params.pop("label", None)
        hard = rule_from_dict(name, params)
        if not soft:
            return hard
        if weight is None:
            raise ConfigError(
                f"soft rule {name!r} needs a weight, e.g. "
                f"{name} = {{ ..., weight = 0.5 }}"
            )
        made = [Soft(r, weight=weight, label=label) for r in hard]
        for s in made:
            s.check()
        return made
    if kind not in BUILTIN_RULES:
        known = sorted({*BUILTIN_RULES, *QUOTA_TYPES})
        raise ConfigError(f"unknown rule {kind!r}; known rules are {', '.join(known)}")
    return list(rule_from_dict(name, spec))


def quotas_from_config(section: Any, name: str = "quotas") -> list[Any]:
    """Build the objects of a ``[quotas]`` (or ``[rules]``) TOML section.

    The section is a table (``cross_share = { column = "department", at_least =
    0.4 }``; a list of tables gives several of the same kind) or a list of tables
    with a ``type`` each (what :meth:`Program.to_dict` writes).

    Examples
    --------
    >>> quotas_from_config({"cross_share": {"column": "department", "at_least": 0.4},
    ...                     "group_limit": {"column": "department", "at_most": 5}})
    [CrossShare(column='department', at_least=0.4, of='pairs'), \
GroupLimit(column='department', at_most=5, side='mentee')]
    """
    out: list[Any] = []
    if isinstance(section, Mapping):
        for name, spec in section.items():
            out += constraint_from_dict(str(name), spec)
        return out
    if isinstance(section, list | tuple):
        for spec in section:
            if not isinstance(spec, Mapping) or "type" not in spec:
                raise ConfigError(
                    f"each entry of a [[{name}]] list needs a type; got {spec!r}"
                )
            out += constraint_from_dict(str(spec["type"]), spec)
        return out
    raise ConfigError(f"[{name}] must be a table or a list of tables; got {section!r}")


def is_constraint(obj: object) -> bool:
    """Whether ``obj`` acts on the candidate graph (has ``side_constraints``)."""
    return hasattr(obj, "side_constraints")

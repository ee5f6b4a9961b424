"""Apply a program's constraints, and explain and check them in people terms.

The solver layer works on node positions and constraint rows; this module maps its
findings back to ids and rules:

* [`apply_constraints()`][rmatch.constraints.apply_constraints] applies the program's
  constraints to the candidate graph one after the other and remembers which rule owns
  which row;
* [`precheck()`][rmatch.constraints.precheck] asks each constraint for certain, cheap
  reasons first ("mentor E12 must take at least 2 mentees but has 1 allowed candidate");
* [`translate()`][rmatch.constraints.translate] rewrites the solver's
  [`InfeasibleGraphError`][rmatch.errors.InfeasibleGraphError] (its pre-checks and its
  elastic model) with ids and rule titles;
* [`check_result()`][rmatch.constraints.check_result] re-checks every constraint from
  the people data after solving;
* [`constraint_report()`][rmatch.constraints.constraint_report] words what each
  constraint achieved, for the summary.

The price of each rule (re-solving without it) is in
[`rmatch.analysis`][rmatch.analysis].

Examples
--------
>>> import textwrap
>>> import rmatch
>>> people = rmatch.read_people([
...     {"id": "M1", "role": "mentor", "department": "IT", "capacity": "3"},
...     {"id": "E1", "role": "mentee", "department": "IT", "interests": "chess"},
...     {"id": "E2", "role": "mentee", "department": "IT", "interests": "chess"},
...     {"id": "E3", "role": "mentee", "department": "HR", "interests": "chess"},
... ])
>>> program = rmatch.Program(
...     criteria=[rmatch.Interests()],
...     rules=[rmatch.CrossShare("department", at_least=0.4, of="mentees")],
... )
>>> try:
...     program.match(people)
... except rmatch.InfeasibleError as err:
...     print(textwrap.fill(err.reasons[0], 80))
quota 'at least 40% of mentees in a cross-department pair' cannot hold: only
33.3% of mentees (1 of 3) have any cross-department candidate and it needs 2
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from rmatch.candidates import CandidateSet
from rmatch.constraints._text import plural
from rmatch.constraints._views import IntArray, candidates_text
from rmatch.errors import (
    ConfigError,
    Finding,
    InfeasibleGraphError,
    InfeasibleProgramError,
    SolverError,
)
from rmatch.people import People
from rmatch.solvers import Solution

__all__ = [
    "GRAPH_FIELDS",
    "apply_constraints",
    "check_result",
    "chosen_people",
    "constraint_report",
    "precheck",
    "translate",
]

#: Graph fields a constraint may set (edges themselves are never changed).
GRAPH_FIELDS = frozenset(
    {
        "weight",
        "left_capacity",
        "right_capacity",
        "left_min",
        "right_min",
        "required",
        "side_constraints",
    }
)

_SIDES = {
    "left": ("mentor", "take", "mentee"),
    "right": ("mentee", "have", "mentor"),
}


# ------------------------------------------------------------------ apply
def apply_constraints(
    people: People, candidates: CandidateSet, constraints: Sequence[Any]
) -> tuple[CandidateSet, dict[str, Any]]:
    """Apply each constraint's graph fields in order.

    Each constraint sees the graph as the previous ones left it, so required edges,
    minimum loads and capacities from several constraints combine. Constraints run
    by their ``priority`` (load bounds, then required pairs, then quotas; others
    last), in the given order within a priority.

    Parameters
    ----------
    people : People
    candidates : CandidateSet
    constraints : sequence
        Objects with a ``side_constraints(people, candidates) -> dict`` method.

    Returns
    -------
    (CandidateSet, dict)
        The updated candidate set, and the owner of each side-constraint row (by row
        name) and of each other field set (``"left_min"``... -> list of owners).
    """
    owners: dict[str, Any] = {}
    cs = candidates
    ordered = sorted(constraints, key=lambda c: int(getattr(c, "priority", 3)))
    for c in ordered:
        fields = c.side_constraints(people, cs)
        if not isinstance(fields, Mapping):
            raise ConfigError(
                f"{c!r}.side_constraints() must return a dict of graph fields; "
                f"got {type(fields).__name__}"
            )
        bad = set(fields) - GRAPH_FIELDS
        if bad:
            raise ConfigError(
                f"{c!r}.side_constraints() returned unknown graph field(s) "
                f"{sorted(bad)}; allowed: {sorted(GRAPH_FIELDS)}"
            )
        update = dict(fields)
        if "side_constraints" in update:
            rows = tuple(update["side_constraints"])
            for row in rows:
                owners.setdefault(row.name, c)
            update["side_constraints"] = (*cs.graph.side_constraints, *rows)
        for key in update:
            if key != "side_constraints":
                owners.setdefault(key, []).append(c)
        cs = replace(cs, graph=replace(cs.graph, **update))
    return cs, owners


# ------------------------------------------------------------------ pre-checks
def precheck(
    people: People, candidates: CandidateSet, constraints: Sequence[Any]
) -> list[Finding]:
    """Return every constraint's certain reasons why no matching exists."""
    out: list[Finding] = []
    for c in constraints:
        check = getattr(c, "precheck", None)
        if check is not None:
            out += list(check(people, candidates))
    return out


# ------------------------------------------------------------------ translate
def _person(people: People, cs: CandidateSet, side: str, node: int) -> str:
    persons = cs.mentors if side == "left" else cs.mentees
    return str(people.ids[int(persons[node])])


def _rename_positions(text: str, people: People, cs: CandidateSet) -> str:
    """Replace ``mentor 3`` / ``mentee 5`` (node positions) by ids."""

    def sub(m: re.Match[str]) -> str:
        side = "left" if m.group(1) == "mentor" else "right"
        n = cs.graph.n_left if side == "left" else cs.graph.n_right
        node = int(m.group(2))
        if node >= n:
            return m.group(0)
        return f"{m.group(1)} {_person(people, cs, side, node)}"

    return re.sub(r"\b(mentor|mentee) (\d+)\b", sub, text)


def _set_by(owners: Mapping[str, Any], key: str) -> str:
    titles = [o.title() for o in owners.get(key, []) if hasattr(o, "title")]
    return f" ('{titles[0]}')" if titles else ""


def _finding(
    d: Mapping[str, Any],
    people: People,
    cs: CandidateSet,
    owners: Mapping[str, Any],
) -> Finding:
    kind = str(d.get("kind", ""))
    side, node = d.get("side"), d.get("node")
    needed, available = d.get("needed"), d.get("available")
    message = str(d.get("message", ""))
    if side in _SIDES and node is not None:
        who, verb, other = _SIDES[str(side)]
        pid = _person(people, cs, str(side), int(node))
        by = _set_by(owners, f"{side}_min")
        n_need = float(needed or 0)
        n_have = float(available or 0)
        if kind == "min_over_capacity":
            text = (
                f"{who} {pid} must {verb} at least {plural(n_need, other)}{by} but "
                f"their capacity is {n_have:g}"
            )
        elif kind == "min_over_candidates":
            text = (
                f"{who} {pid} must {verb} at least {plural(n_need, other)}{by} but "
                f"has {candidates_text(cs, who, int(node))}"  # type: ignore[arg-type]
            )
        elif kind == "required_over_capacity":
            text = (
                f"required pairs make {who} {pid} {verb} {plural(n_need, other)} "
                f"but their capacity is {n_have:g}"
            )
        elif kind == "lower_bound":
            text = (
                f"{who} {pid} must {verb} at least {plural(n_need, other)}{by} but "
                f"the closest matching that meets the other rules gives only "
                f"{n_have:g}; they have "
                f"{candidates_text(cs, who, int(node))}"  # type: ignore[arg-type]
            )
        else:
            text = _rename_positions(message, people, cs)
        return Finding(text, by.strip(" ()'"), kind, (pid,), needed, available)
    if kind == "required_edge" and d.get("edge") is not None:
        e = int(d["edge"])
        g = cs.graph
        a = _person(people, cs, "left", int(g.left[e]))
        b = _person(people, cs, "right", int(g.right[e]))
        return Finding(
            f"required pair ({a}, {b}) cannot be kept together with the other rules",
            "required pairs",
            kind,
            (a, b),
        )
    if kind == "side_constraint" and d.get("constraint") is not None:
        name = str(d["constraint"])
        owner = owners.get(name)
        row = next((r for r in cs.graph.side_constraints if r.name == name), None)
        if owner is not None and row is not None and hasattr(owner, "explain_row"):
            text = owner.explain_row(people, cs, row, d)
            if text:
                return Finding(text, owner.title(), "quota", (), needed, available)
        title = owner.title() if owner is not None and hasattr(owner, "title") else name
        return Finding(
            _rename_positions(message, people, cs),
            title,
            "quota",
            (),
            needed,
            available,
        )
    if kind == "total_min_over_capacity":
        by = _set_by(owners, "left_min") or _set_by(owners, "right_min")
        return Finding(message + by, by.strip(" ()'"), kind, (), needed, available)
    return Finding(_rename_positions(message, people, cs), "", kind)


def translate(
    err: InfeasibleGraphError,
    people: People,
    candidates: CandidateSet,
    owners: Mapping[str, Any],
) -> InfeasibleProgramError:
    """Rewrite a solver infeasibility error with ids and rule titles.

    Parameters
    ----------
    err : InfeasibleGraphError
        From [`rmatch.solvers.solve()`][rmatch.solvers.solve].
    people : People
    candidates : CandidateSet
        The candidate set whose graph was solved.
    owners : dict
        From [`apply_constraints()`][rmatch.constraints.apply_constraints].

    Returns
    -------
    InfeasibleProgramError
    """
    details = list(getattr(err, "details", []))
    findings = [_finding(d, people, candidates, owners) for d in details]
    if not findings:
        findings = [
            Finding(_rename_positions(r, people, candidates), "", "")
            for r in err.reasons
        ]
    header = str(err).split("\n", 1)[0]
    return InfeasibleProgramError(header, findings)


# ------------------------------------------------------------------ checks
def check_result(
    people: People,
    candidates: CandidateSet,
    constraints: Sequence[Any],
    solution: Solution,
) -> None:
    """Re-check every constraint on the chosen pairs, from the people data.

    Raises
    ------
    SolverError
        A constraint does not hold (a bug: the solver's own check passed).
    """
    mentors, mentees = chosen_people(candidates, solution.edges)
    problems: list[str] = []
    for c in constraints:
        check = getattr(c, "violations", None)
        if check is not None:
            problems += list(check(people, candidates, mentors, mentees))
    if problems:
        raise SolverError(
            f"{solution.method} returned a matching that breaks the program's "
            "constraints (a bug): " + "; ".join(problems[:10])
        )


def chosen_people(candidates: CandidateSet, edges: Any) -> tuple[IntArray, IntArray]:
    """Person positions ``(mentors, mentees)`` of the chosen ``edges``.

    Parameters
    ----------
    candidates : CandidateSet
    edges : array of int
        Edge indices of the candidate graph.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Positions in the people table of each chosen pair's mentor and mentee.
    """
    g = candidates.graph
    e = np.asarray(edges, dtype=np.int64)
    mentors = np.asarray(candidates.mentors, dtype=np.int64)[g.left[e]]
    mentees = np.asarray(candidates.mentees, dtype=np.int64)[g.right[e]]
    return mentors, mentees


def constraint_report(
    people: People, candidates: CandidateSet, constraints: Sequence[Any], edges: Any
) -> dict[str, str]:
    """Return ``{constraint title: achieved value}`` for the summary."""
    mentors, mentees = chosen_people(candidates, edges)
    out: dict[str, str] = {}
    for c in constraints:
        measure = getattr(c, "measure", None)
        title = c.title() if hasattr(c, "title") else repr(c)
        out[title] = measure(people, candidates, mentors, mentees) if measure else ""
    return out

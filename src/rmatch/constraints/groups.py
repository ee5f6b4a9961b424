"""Group quotas: pairs per group of a column (`GroupLimit`) and the share of
a group's demand matched ([`GroupCoverage`][rmatch.constraints.GroupCoverage])."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from rmatch.candidates import CandidateSet
from rmatch.constraints._checks import (
    check_column,
    check_count,
    check_range,
    check_share,
    check_side,
)
from rmatch.constraints._text import bounds_text, given, pct, plural
from rmatch.constraints._views import (
    FloatArray,
    IntArray,
    Side,
    as_values,
    capped_degree,
    clean_cell,
    membership,
    normalized_cells,
    removed_by,
    select_groups,
    side_view,
    tolerant_ceil,
)
from rmatch.constraints.base import Quota
from rmatch.errors import ConfigError, DataQualityWarning, Finding
from rmatch.people import People
from rmatch.solvers import LinearConstraint, Sense

__all__ = ["GroupCoverage", "GroupLimit"]


class _GroupQuota(Quota):
    """A quota on the pairs of each group of ``column`` among the people of ``side``.

    A set column (``languages``...) gives one group per token; without a column
    there is one group, ``"all"``. Subclasses name the groups they apply to in
    `_selected()`.
    """

    column: str | None
    side: Side

    def _selected(self) -> list[str] | None:
        """The group values the quota applies to (None: every group)."""
        raise NotImplementedError

    def _groups(self, people: People) -> tuple[sp.csr_matrix, list[str]]:
        if self.column is None:
            return sp.csr_matrix(np.ones((len(people), 1))), ["all"]
        member, labels = membership(people, self.column)
        keep = select_groups(labels, self._selected())
        return sp.csr_matrix(member[:, keep]), [labels[i] for i in keep]

    def _warn_unknown(self, people: People) -> None:
        """Warn when a named group value is nobody's (a typo has no effect)."""
        values = self._selected()
        if values is None or self.column is None:
            return
        _, labels = membership(people, self.column)
        known = {lab.casefold() for lab in labels}
        missing = [v for v in values if clean_cell(v).casefold() not in known]
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
        _, persons, _ = side_view(cs, self.side)
        return sp.csr_matrix(member[persons]), labels

    def _room(
        self, cs: CandidateSet, node_member: sp.csr_matrix
    ) -> tuple[IntArray, FloatArray]:
        """Return ``(capped degree per node, room per group)``.

        A node's capped degree is ``min(capacity, usable allowed candidates)``; a
        group's room is the sum over its members: the most pairs it can get.
        """
        nodes, _, _ = side_view(cs, self.side)
        capped = capped_degree(cs, self.side, np.ones(nodes.size, bool))
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
        nodes, _, _ = side_view(cs, self.side)
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
        wanted = None if values is None else set(normalized_cells(values).tolist())
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
        every = normalized_cells(raw)
        display: dict[str, str] = {}
        for key, cell in zip(every.tolist(), raw, strict=True):
            display.setdefault(key, clean_cell(cell))
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
        self.values = as_values(values)

    def _selected(self) -> list[str] | None:
        return self.values

    def title(self) -> str:
        """E.g. ``"at most 5 matched mentees per department"``."""
        bounds = bounds_text(self.at_least, self.at_most)
        which = f" ({', '.join(self.values)})" if self.values else ""
        return f"{bounds} matched {self.side}s per {self.column}{which}"

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {
            "column": self.column,
            **given(at_most=self.at_most, at_least=self.at_least),
            "side": self.side,
            **given(values=None if self.values is None else list(self.values)),
        }

    def check(self, people: People | None = None) -> None:
        """Validate the parameters and the column."""
        owner = "GroupLimit"
        check_column(owner, self.column, people)
        check_side(owner, self.side)
        check_count(owner, "at_most", self.at_most)
        check_count(owner, "at_least", self.at_least)
        check_range(
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
                f"{plural(int(room[gi]), 'pair')} with their allowed "
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
                f"{plural(available, 'pair')} "
                f"where at most {row.rhs:g} are allowed"
            )
        return (
            f"quota '{self.title()}' cannot hold for {self.column} '{label}' together "
            "with the other rules: the closest matching gives "
            f"{plural(available, 'pair')} where it needs at least {row.rhs:g}"
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
            _, persons, cap = side_view(candidates, self.side)
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
        self.value = as_values(value)
        self.at_least = at_least
        self.side = side

    def _selected(self) -> list[str] | None:
        return self.value

    def title(self) -> str:
        """E.g. ``"at least 50% of mentees in department 'Sales' matched"``."""
        share = pct(self.at_least)
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
            check_column(owner, self.column, people)
        elif self.value is not None:
            raise ConfigError("GroupCoverage: a value needs a column")
        check_side(owner, self.side)
        check_share(owner, "at_least", self.at_least)

    def _demand(
        self, cs: CandidateSet, node_member: sp.csr_matrix
    ) -> tuple[FloatArray, IntArray]:
        """Demand (capacity) per group and pairs needed per group."""
        _, _, cap = side_view(cs, self.side)
        demand = np.asarray(node_member.T @ cap.astype(np.float64)).ravel()
        need = np.array(
            [tolerant_ceil(self.at_least * d) for d in demand], dtype=np.int64
        )
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
        _, persons, cap = side_view(candidates, self.side)
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
            why = removed_by(candidates, self.side, stuck)
            msg = (
                f"quota '{self.title()}' cannot hold: only {n_with} of the "
                f"{int(np.count_nonzero(wanting))} {group} have any allowed {other}"
            )
            if room[gi] != n_with:
                msg += f" (room for {plural(int(room[gi]), 'pair')})"
            msg += f" and it needs {plural(int(need[gi]), 'pair')}"
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
            f"{plural(available, 'pair')} where it needs {row.rhs:g}"
        )

    def _coverage(
        self,
        people: People,
        candidates: CandidateSet,
        mentors: IntArray,
        mentees: IntArray,
    ) -> dict[str, tuple[int, int]]:
        """Per group: (pairs, pairs needed), from the raw cells."""
        _, persons, cap = side_view(candidates, self.side)
        members = self._independent_groups(people, persons)
        counts = self._counts(people, mentors, mentees)
        return {
            lab: (
                counts.get(lab, 0),
                tolerant_ceil(self.at_least * float(cap[mask].sum())),
            )
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

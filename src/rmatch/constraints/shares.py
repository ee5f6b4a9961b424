"""Share quotas: a share of the pairs (or of the mentees) satisfies a rule.

[`PairShare`][rmatch.constraints.PairShare] counts the pairs that satisfy any hard rule
used as a predicate; [`CrossShare`][rmatch.constraints.CrossShare] is the common case of
pairs across a column (cross-department).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np

from rmatch.candidates import CandidateSet
from rmatch.constraints._checks import (
    check_column,
    check_range,
    check_share,
    param_error,
)
from rmatch.constraints._text import bounds_text, given, pct
from rmatch.constraints._views import (
    EPS,
    BoolArray,
    FloatArray,
    IntArray,
    binary,
    capped_degree,
    membership,
    normalized_cells,
    tolerant_ceil,
    tolerant_floor,
)
from rmatch.constraints.base import Quota
from rmatch.errors import ConfigError, Finding
from rmatch.people import People
from rmatch.rules import DifferentValue, Rule, rule_from_dict
from rmatch.scoring import Block
from rmatch.solvers import LinearConstraint, Sense

__all__ = ["CrossShare", "PairShare"]


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
        bounds = bounds_text(self.at_least, self.at_most, pct)
        if self.of == "pairs":
            return f"{bounds} of pairs {self.adjective()}"
        return f"{bounds} of mentees in a {self.noun('pair')}"

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"rule": self.rule.to_dict(), **self._bounds()}

    def _bounds(self) -> dict[str, Any]:
        return {**given(at_least=self.at_least, at_most=self.at_most), "of": self.of}

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
        check_share(owner, "at_least", self.at_least)
        check_share(owner, "at_most", self.at_most)
        check_range(
            owner,
            self.at_least,
            self.at_most,
            "at_least or at_most (a share in [0, 1])",
        )
        if self.of not in ("pairs", "mentees"):
            raise param_error(owner, "of", "'pairs' or 'mentees'", self.of)

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
                k = (
                    tolerant_ceil(share * n)
                    if sense == ">="
                    else tolerant_floor(share * n)
                )
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
        need = tolerant_ceil(self.at_least * n)
        if need <= 0:
            return []
        sat = self.edge_values(people, candidates) > 0
        per_mentee = capped_degree(candidates, "mentee", sat)
        per_mentor = capped_degree(candidates, "mentor", sat)
        have = int(np.count_nonzero(per_mentee))
        possible = int(min(per_mentee.sum(), per_mentor.sum()))
        if possible >= need:
            return []
        if int(per_mentee.sum()) < need:
            share = have / n if n else 0.0
            msg = (
                f"quota '{self.title()}' cannot hold: only {pct(share)} of mentees "
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
            k = tolerant_ceil(short / unit) if unit > 0 else 0
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
                low is not None and k / n < low - EPS,
                high is not None and k / n > high + EPS,
            )
        else:
            fails = (
                low is not None and k < tolerant_ceil(low * n),
                high is not None and k > tolerant_floor(high * n),
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
        return f"{pct(k / n if n else 0.0)} ({counted})"


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
        See [`PairShare`][rmatch.constraints.PairShare].

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
        check_column(owner, self.column, people)
        self._check_bounds(owner)

    def satisfied(
        self, people: People, mentors: IntArray, mentees: IntArray
    ) -> BoolArray:
        """Known and different values (no shared token for set columns), vectorized."""
        if self.column in people.sets:
            field = people.sets[self.column]
            a, b = binary(field.matrix[mentors]), binary(field.matrix[mentees])
            shared = np.asarray(a.multiply(b).sum(axis=1)).ravel() > 0
            known = field.present[mentors] & field.present[mentees]
            out: BoolArray = known & ~shared
            return out
        member, _ = membership(people, self.column)
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
        cells = normalized_cells(people.table[self.column].tolist())
        a, b = cells[mentors], cells[mentees]
        out: BoolArray = (a != "") & (b != "") & (a != b)
        return out

"""Required pairs: pairs that must be in the result (`RequiredPairs`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from rmatch.candidates import CandidateSet
from rmatch.constraints._text import names, plural
from rmatch.constraints._views import (
    IntArray,
    Side,
    allows,
    other_side,
    pair_block,
    side_view,
)
from rmatch.constraints.base import Constraint
from rmatch.errors import ConfigError, Finding, InfeasibleProgramError
from rmatch.people import People
from rmatch.rules import History, ambiguous_pairs

__all__ = ["RequiredPairs"]


def _pair_verdict(
    people: People, cs: CandidateSet, mentor: int, mentee: int
) -> tuple[str, str] | None:
    """Return ``(rule title, why)`` of the first hard rule that forbids a pair."""
    block = pair_block(people, mentor, mentee)
    post = []
    for rule in cs.rules:
        if rule.needs_score:
            post.append(rule)
            continue
        if not allows(rule, block):
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
        ``(mentor, mentee)`` pairs; the first person mentors the second. Each is
        given by id, e-mail or name
        ([`People.resolve()`][rmatch.people.People.resolve]).

    Raises
    ------
    ConfigError
        (when matching) A person is unknown or named ambiguously (a name two people
        share), a person does not have the role, or a pair was pruned by ``top_k``.
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
        if people is not None:
            ambiguous_pairs(people, self.pairs, "required pairs")

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
        resolved, problems = people.resolve([x for p in self.pairs for x in p])
        for k, (a, b) in enumerate(self.pairs):
            pa, pb = int(resolved[2 * k]), int(resolved[2 * k + 1])
            unknown = [x for x, pos in ((a, pa), (b, pb)) if pos < 0]
            if unknown:
                config.append(
                    f"required pair ({a}, {b}): "
                    + "; ".join(problems.get(x, repr(x)) for x in unknown)
                )
                continue
            if pa == pb:
                config.append(f"required pair ({a}, {b}) names {people.ids[pa]} twice")
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
            other = other_side(side)
            nodes, persons, cap = side_view(candidates, side)
            other_nodes, other_persons, _ = side_view(candidates, other)
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
                        f"{plural(int(load[node]), other)} ({names(partners)}) but "
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
        """Every required pair must be among the chosen ones (by position)."""
        chosen = set(
            zip(np.asarray(mentors).tolist(), np.asarray(mentees).tolist(), strict=True)
        )
        resolved, _ = people.resolve([x for p in self.pairs for x in p])
        ends = resolved.reshape(-1, 2).tolist()
        return [
            f"required pair {p} is missing"
            for p, (a, b) in zip(self.pairs, ends, strict=True)
            if (a, b) not in chosen
        ]

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

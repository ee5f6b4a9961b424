"""Rules that forbid a list of pairs: reporting lines, forbidden pairs, history."""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

import numpy as np

from rmatch.errors import ConfigError, Issue, ValidationError
from rmatch.io import read_table
from rmatch.people import People
from rmatch.rules._base import PairsPlan, Rule, RulePlan, positive_int
from rmatch.rules._org import OrgTree
from rmatch.scoring import Block, ScoringContext

#: Largest number of same-manager pairs a plan lists.
_MAX_PEER_PAIRS = 20_000_000


class NoReportingLine(Rule):
    """Never pair a person with someone in their reporting line.

    Parameters
    ----------
    levels : int, default 1
        How far up and down the chain: 1 = direct manager and direct reports,
        2 adds skip-level managers and reports of reports, and so on.
    same_manager : bool, default False
        Also forbid pairs of people who share a direct manager (peers).
    """

    name = "no_reporting_line"

    def __init__(self, levels: int = 1, *, same_manager: bool = False) -> None:
        self.levels = levels
        self.same_manager = same_manager

    def check(self, people: People | None = None) -> None:
        """Validate the parameters."""
        positive_int("NoReportingLine", "levels", self.levels, minimum=1)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"levels": self.levels, "same_manager": self.same_manager}

    def title(self) -> str:
        """Human name."""
        extra = " or shared manager" if self.same_manager else ""
        if self.levels == 1:
            return f"no reporting line{extra}"
        return f"no reporting line ({self.levels} levels){extra}"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return f"every candidate {other} is in their reporting line"

    def allowed(self, block: Block) -> np.ndarray:
        """Mask pairs where one is among the other's ``levels`` managers."""
        tree, levels = _org_tree(block.people, self.levels)
        m = block.mentors[:, None]
        e = block.mentees[None, :]
        if tree.complete:
            bad = tree.above(m, e, levels) | tree.above(e, m, levels)
        else:  # a manager cycle: walk up (levels is at most n here)
            anc = block.people.ancestors(levels)
            bad = np.zeros(block.shape, dtype=bool)
            for level in range(levels):
                bad |= anc[block.mentors, level][:, None] == e
                bad |= anc[block.mentees, level][None, :] == m
        if self.same_manager:
            mgr = block.people.manager
            mm = mgr[block.mentors][:, None]
            bad |= (mm >= 0) & (mm == mgr[block.mentees][None, :])
        out: np.ndarray = ~bad
        return out

    def plan(self, context: ScoringContext) -> RulePlan | None:
        """The list of pairs in a reporting line (``allowed`` not overridden).

        None (block by block, O(1) per pair) when the list would be long: more
        than an eighth of all mentor × mentee cells (a deep chain), or a cycle.
        """
        if type(self).allowed is not NoReportingLine.allowed:
            return None
        people, mentors, mentees = context.people, context.mentors, context.mentees
        tree, levels = _org_tree(people, self.levels)
        limit = min(_MAX_PEER_PAIRS, mentors.size * mentees.size // 8)
        if not tree.complete or (
            tree.steps(mentors, levels) + tree.steps(mentees, levels) > max(limit, 64)
        ):
            return None
        pairs_l: list[np.ndarray] = []
        pairs_r: list[np.ndarray] = []
        i, a, _ = tree.walk(mentors, levels)  # mentor i under manager a
        node = context.right_of[a]
        pairs_l.append(i[node >= 0])
        pairs_r.append(node[node >= 0])
        i, a, _ = tree.walk(mentees, levels)
        node = context.left_of[a]
        pairs_l.append(node[node >= 0])
        pairs_r.append(i[node >= 0])
        if self.same_manager:
            peers = _peer_pairs(people.manager, mentors, mentees)
            if peers is None:
                return None
            pairs_l.append(peers[0])
            pairs_r.append(peers[1])
        left = np.concatenate(pairs_l)
        right = np.concatenate(pairs_r)
        return PairsPlan.from_nodes(self, context, left, right)

    def why_forbidden(self, people: People, mentor: int, mentee: int) -> str:
        """Say who manages whom."""
        distance = people.reporting_distance(mentor, mentee, self.levels)
        if distance is not None:
            return f"in each other's reporting line ({distance} level(s) apart)"
        return "they share a manager"


# Per-People caches. Keyed weakly by the People object itself (not by ``id()``,
# which Python reuses once an object is garbage-collected).
_TREE_CACHE: weakref.WeakKeyDictionary[People, OrgTree] = weakref.WeakKeyDictionary()


def _org_tree(people: People, levels: int) -> tuple[OrgTree, int]:
    """The org tree of ``people`` and ``levels`` clipped to the chart's depth.

    Levels beyond the deepest chain (or beyond ``n`` when there is a cycle) change
    nothing.
    """
    tree = _TREE_CACHE.get(people)
    if tree is None:
        tree = _TREE_CACHE[people] = OrgTree(people.manager)
    limit = tree.max_depth if tree.complete else len(people)
    return tree, max(0, min(int(levels), limit))


def _peer_pairs(
    manager: np.ndarray, mentors: np.ndarray, mentees: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """All (mentor node, mentee node) pairs sharing a direct manager."""
    ml = manager[mentors]
    mr = manager[mentees]
    lo = np.argsort(ml, kind="stable")
    ro = np.argsort(mr, kind="stable")
    ml_s, mr_s = ml[lo], mr[ro]
    managers = np.intersect1d(ml_s[ml_s >= 0], mr_s[mr_s >= 0])
    if managers.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    l_start = np.searchsorted(ml_s, managers)
    l_cnt = np.searchsorted(ml_s, managers, side="right") - l_start
    r_start = np.searchsorted(mr_s, managers)
    r_cnt = np.searchsorted(mr_s, managers, side="right") - r_start
    sizes = l_cnt * r_cnt
    total = int(sizes.sum())
    if total > _MAX_PEER_PAIRS:
        return None
    group = np.repeat(np.arange(managers.size), sizes)
    within = np.arange(total) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    li = l_start[group] + within // r_cnt[group]
    ri = r_start[group] + within % r_cnt[group]
    return lo[li].astype(np.int64), ro[ri].astype(np.int64)


def _pair_keys(
    people: People, pairs: Iterable[tuple[str, str]], owner: str
) -> tuple[np.ndarray, list[str]]:
    """Encode pairs as sorted ``int64`` keys ``mentor * n + mentee``.

    Each end is an id, an e-mail or a name
    ([`People.resolve()`][rmatch.people.People.resolve]); pairs naming nobody are
    returned as text, and so are ambiguous ones (`ambiguous_pairs` raises for
    them first).
    """
    n = len(people)
    pairs = list(pairs)
    flat = [x for pair in pairs for x in pair]
    positions, _ = people.resolve(flat)
    ends = positions.reshape(-1, 2) if positions.size else positions.reshape(0, 2)
    ok: np.ndarray = np.asarray((ends >= 0).all(axis=1), dtype=bool)
    unknown = [
        f"({a}, {b})"
        for (a, b), good in zip(pairs, ok.tolist(), strict=True)
        if not good
    ]
    keys = ends[ok, 0] * n + ends[ok, 1]
    return np.unique(keys.astype(np.int64)), unknown


def read_pairs(path: str) -> list[tuple[str, str]]:
    """Read pairs of people (e.g. conflicts of interest) from a table.

    The columns ``mentor_id`` and ``mentee_id`` when the table has them, else its
    first two columns; each cell an id, e-mail or name. Rows with a blank cell are
    skipped. In a program file: ``forbidden_pairs = "conflicts.csv"``.

    Parameters
    ----------
    path : str
        CSV, Excel or JSON file.

    Returns
    -------
    list of (str, str)
    """
    frame, name = read_table(path)
    columns = [c for c in ("mentor_id", "mentee_id") if c in frame.columns]
    if len(columns) < 2:
        columns = [str(c) for c in frame.columns[:2]]
    if len(columns) < 2:
        raise ValidationError(
            [
                Issue(
                    "a file of pairs needs two columns, one person each; found "
                    f"{len(columns)}",
                    "write one pair per row: two ids, e-mails or names",
                    file=name,
                    code="missing_column",
                )
            ]
        )
    a, b = (frame[c].astype(str).str.strip() for c in columns)
    keep = (a != "") & (b != "")
    return list(zip(a[keep].tolist(), b[keep].tolist(), strict=True))


def ambiguous_pairs(
    people: People, pairs: Iterable[tuple[str, str]], owner: str
) -> None:
    """Raise `ConfigError` when an end of a pair names several people.

    A name two people share (or an e-mail on two rows) cannot say which pair is
    meant; a hard rule cannot guess.
    """
    _, problems = people.resolve({x for pair in pairs for x in pair})
    ambiguous = sorted(p for p in problems.values() if " matches " in p)
    if ambiguous:
        raise ConfigError(
            f"{owner}: {len(ambiguous)} person reference(s) are ambiguous: "
            + "; ".join(ambiguous[:10])
        )


class ForbiddenPairs(Rule):
    """Explicitly forbidden pairs (conflicts), by id, e-mail or name.

    Parameters
    ----------
    pairs : iterable of (str, str)
        ``(mentor, mentee)`` pairs. Each person is given by id, e-mail or name
        ([`People.resolve()`][rmatch.people.People.resolve]); a name or e-mail that
        matches two people is an error (`check` raises `ConfigError`), one that
        matches nobody is skipped with a warning (that person is not in the input,
        so cannot be paired anyway).
    symmetric : bool, default True
        Also forbid the reverse pair (who mentors whom does not matter).
    """

    name = "forbidden_pairs"

    def __init__(
        self, pairs: Iterable[tuple[str, str]], *, symmetric: bool = True
    ) -> None:
        self.pairs = [(str(a), str(b)) for a, b in pairs]
        self.symmetric = symmetric
        self._cache: weakref.WeakKeyDictionary[People, np.ndarray] = (
            weakref.WeakKeyDictionary()
        )

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"pairs": [list(p) for p in self.pairs], "symmetric": self.symmetric}

    def title(self) -> str:
        """Human name."""
        return "forbidden pairs"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return f"every candidate {other} is on the forbidden-pairs list"

    def _keys(self, people: People) -> np.ndarray:
        keys = self._cache.get(people)
        if keys is None:
            pairs = list(self.pairs)
            if self.symmetric:
                pairs += [(b, a) for a, b in self.pairs]
            keys, _ = _pair_keys(people, pairs, type(self).__name__)
            self._cache[people] = keys
        return keys

    def allowed(self, block: Block) -> np.ndarray:
        """Mask the listed pairs."""
        keys = self._keys(block.people)
        if keys.size == 0:
            return np.ones(block.shape, dtype=bool)
        n = len(block.people)
        grid = block.mentors[:, None] * n + block.mentees[None, :]
        return ~np.isin(grid, keys)

    def plan(self, context: ScoringContext) -> RulePlan | None:
        """The listed pairs (``allowed`` not overridden)."""
        if type(self).allowed is not ForbiddenPairs.allowed:
            return None
        keys = self._keys(context.people)
        n = len(context.people)
        return PairsPlan.from_people(self, context, keys // n, keys % n)

    def check(self, people: People | None = None) -> None:
        """Raise `ConfigError` when a person is named ambiguously."""
        if people is not None:
            ambiguous_pairs(people, self.pairs, self.title())

    def unknown_ids(self, people: People) -> list[str]:
        """Pairs naming an id that is not in ``people``."""
        return _pair_keys(people, self.pairs, type(self).__name__)[1]


class History(ForbiddenPairs):
    """Never repeat a past pair, in either direction.

    Parameters
    ----------
    pairs : iterable of (str, str)
        Past ``(mentor_id, mentee_id)`` pairs, e.g. from last round's ``pairs.csv``.
    """

    name = "history"

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        super().__init__(pairs, symmetric=True)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"pairs": [list(p) for p in self.pairs]}

    def title(self) -> str:
        """Human name."""
        return "no repeated pairs"

    def no_candidate_reason(self, other: str) -> str:
        """Reason text."""
        return f"they were paired before with every candidate {other}"

    def why_forbidden(self, people: People, mentor: int, mentee: int) -> str:
        """Reason text."""
        return "they were paired in an earlier round"

    @classmethod
    def from_csv(cls, path: str) -> History:
        """Read past pairs from a CSV with ``mentor_id`` and ``mentee_id`` columns."""
        frame, name = read_table(path)
        missing = [c for c in ("mentor_id", "mentee_id") if c not in frame.columns]
        if missing:
            raise ValidationError(
                [
                    Issue(
                        f"the history file needs the column {c!r}",
                        "use a pairs.csv written by rmatch, or name the columns "
                        "mentor_id and mentee_id",
                        file=name,
                        column=c,
                        code="missing_column",
                    )
                    for c in missing
                ]
            )
        return cls(zip(frame["mentor_id"], frame["mentee_id"], strict=True))

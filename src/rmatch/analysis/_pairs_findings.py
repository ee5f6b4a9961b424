"""The findings of a pairs check: unknown ids, sides, capacities, constraints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rmatch.candidates import CandidateSet
from rmatch.people import People

#: Columns of [`PairsCheck.findings`][rmatch.analysis.PairsCheck].
FINDING_COLUMNS = ("kind", "code", "rule", "people", "message")

#: Above this many pairs, or pairs × people, the pairs behind a broken quota are not
#: searched for (the search re-checks the quota once per pair, from the people data).
MAX_INVOLVED_PAIRS = 2_000
MAX_INVOLVED_CELLS = 20_000_000


class Findings:
    """Findings in the order they are found."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self, code: str, rule: str, people: Sequence[str], message: str, kind: str = ""
    ) -> None:
        self.rows.append(
            {
                "kind": kind or "error",
                "code": code,
                "rule": rule,
                "people": tuple(str(p) for p in people),
                "message": message,
            }
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=list(FINDING_COLUMNS))


def unknown_ids(
    people: People,
    found: Findings,
    status: np.ndarray,
    dup: np.ndarray,
    sides: Sequence[tuple[str, np.ndarray, np.ndarray]],
    rows: list[int],
) -> None:
    """One finding per unknown id (with every row and side it is on)."""
    rejected = {str(r.get("id", "")): str(r.get("reason", "")) for r in people.rejected}
    by_id: dict[str, list[str]] = {}
    for side, ids, pos in sides:
        missing = np.flatnonzero((pos < 0) & ~dup)
        status[missing] = "unknown id"
        for i in missing.tolist():
            by_id.setdefault(str(ids[i]), []).append(f"{side} on row {rows[i]}")
    folded: dict[str, str] = {}
    if by_id:
        for known in people.ids.tolist():
            folded.setdefault(_fold(known), str(known))
    for pid, at in by_id.items():
        if pid in rejected:
            why = f"their sign-up was rejected ({rejected[pid]})"
        else:
            why = f"no one with this id signed up in {people.source}"
            if _fold(pid) in folded:
                why += f" (did you mean {folded[_fold(pid)]!r}?)"
        found.add("unknown_id", "unknown id", (pid,), f"{pid} ({', '.join(at)}): {why}")


def _fold(value: object) -> str:
    """An id without case and surrounding spaces (``" B1@x.org "`` -> ``b1@x.org``)."""
    return str(value).strip().casefold()


def wrong_sides(
    people: People,
    found: Findings,
    status: np.ndarray,
    dup: np.ndarray,
    ids: np.ndarray,
    pos: np.ndarray,
    node: np.ndarray,
    rows: list[int],
    side: str,
) -> None:
    """A known person listed on a side they did not sign up for."""
    wrong = np.flatnonzero(~dup & (pos >= 0) & (node < 0))
    status[wrong[status[wrong] == "ok"]] = "wrong side"
    for i in wrong.tolist():
        role = str(people.roles[int(pos[i])])
        found.add(
            "wrong_side",
            f"{side}s only",
            (str(ids[i]),),
            f"{ids[i]} is listed as a {side} (row {rows[i]}) but signed up as "
            + ("neither mentor nor mentee" if role == "none" else f"a {role}"),
        )


def capacities(
    people: People,
    cs: CandidateSet,
    found: Findings,
    li: np.ndarray,
    rj: np.ndarray,
    mentor_ids: np.ndarray,
    mentee_ids: np.ndarray,
    scored: np.ndarray,
) -> None:
    """Mentors and mentees with more pairs than their capacity."""
    g = cs.graph
    sides = (
        ("mentor", li, g.left_capacity, cs.mentors, mentee_ids, "mentees"),
        ("mentee", rj, g.right_capacity, cs.mentees, mentor_ids, "mentors"),
    )
    for side, node, cap, persons, other, plural in sides:
        load = np.bincount(node[scored], minlength=cap.size)
        for k in np.flatnonzero(load > cap).tolist():
            pid = str(people.ids[int(persons[k])])
            partners = sorted(other[scored[node[scored] == k]].tolist())
            found.add(
                "capacity",
                f"{side} capacity",
                (pid, *partners),
                f"{side} {pid} has {int(load[k])} {plural} "
                f"({', '.join(partners)}) but a capacity of {int(cap[k])}",
            )


def constraint_findings(
    people: People,
    cs: CandidateSet,
    found: Findings,
    constraints: Sequence[Any],
    mentors: np.ndarray,
    mentees: np.ndarray,
) -> None:
    """Every violation of the program's constraints, with the pairs behind it."""
    for c in constraints:
        check: Callable[..., Sequence[str]] | None = getattr(c, "violations", None)
        if check is None:
            continue
        messages = list(check(people, cs, mentors, mentees))
        title = c.title() if hasattr(c, "title") else repr(c)
        behind = involved_pairs(check, people, cs, mentors, mentees, messages)
        for message in messages:
            found.add(
                "constraint", title, *_worded(people, mentors, mentees, message, behind)
            )


def _worded(
    people: People,
    mentors: np.ndarray,
    mentees: np.ndarray,
    message: str,
    behind: dict[str, list[int]] | None,
) -> tuple[list[str], str]:
    """The people behind a violation and its message with the pairs named."""
    if behind is None:
        return [], (
            f"{message} (the pairs behind it are not searched for above "
            f"{MAX_INVOLVED_PAIRS} pairs or {MAX_INVOLVED_CELLS:,} pair-person checks)"
        )
    involved = behind.get(message, [])
    if not involved or len(involved) == mentors.size:
        return [], message  # none found, or it concerns the matching as a whole
    ids: list[str] = []
    for i in involved:
        ids += [str(people.ids[mentors[i]]), str(people.ids[mentees[i]])]
    shown = ", ".join(
        f"{people.ids[mentors[i]]} → {people.ids[mentees[i]]}" for i in involved[:20]
    )
    more = f" and {len(involved) - 20} more" if len(involved) > 20 else ""
    return list(dict.fromkeys(ids)), f"{message} (pairs: {shown}{more})"


def involved_pairs(
    check: Callable[..., Sequence[str]],
    people: People,
    cs: CandidateSet,
    mentors: np.ndarray,
    mentees: np.ndarray,
    messages: Sequence[str],
) -> dict[str, list[int]] | None:
    """Per message, the pairs whose removal changes it (they count in the bound).

    One re-check per pair, for all the constraint's messages at once; None when
    that is above the work limits (the answer does not depend on time).
    """
    n = mentors.size
    if not messages:
        return {}
    if n > MAX_INVOLVED_PAIRS or n * len(people) > MAX_INVOLVED_CELLS:
        return None
    keep = np.ones(n, dtype=bool)
    out: dict[str, list[int]] = {m: [] for m in messages}
    for i in range(n):
        keep[i] = False
        still = set(check(people, cs, mentors[keep], mentees[keep]))
        for m in messages:
            if m not in still:
                out[m].append(i)
        keep[i] = True
    return out

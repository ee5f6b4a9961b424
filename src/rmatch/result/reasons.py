"""Reasons and explanations: why a person got their partner, or nobody.

Reasons are concrete: they name the rule that removed every candidate, or the
capacity that ran out ("mentor slots exhausted: 40 mentees want 40 mentors, 32
slots"), with the person's own numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rmatch.result.explanation import Explanation, ordinal
from rmatch.scoring import Criterion, criterion_label

if TYPE_CHECKING:
    from rmatch.candidates import CandidateSet
    from rmatch.people import People
    from rmatch.solvers import Solution

__all__ = [
    "REASON_LABELS",
    "explain_person",
    "reason_label",
    "unmatched_reasons",
    "unmatched_table",
]


def _side_reasons(
    cs: CandidateSet,
    side: str,
    nodes: np.ndarray,
    load_left: np.ndarray,
    load_right: np.ndarray,
) -> list[tuple[str, str]]:
    """Return ``(code, text)`` for each of ``nodes``: why it has no pair.

    ``side`` is ``"left"`` (the people as mentors) or ``"right"`` (as mentees).
    The checks run on whole arrays; only the texts are built one by one.
    """
    g = cs.graph
    by_side = {  # capacity, possible partners, removed by rule, edge ends, load
        "left": (g.left_capacity, cs.possible_left, cs.removed_left, g.left, load_left),
        "right": (
            g.right_capacity,
            cs.possible_right,
            cs.removed_right,
            g.right,
            load_right,
        ),
    }
    other_side = "left" if side == "right" else "right"
    capacity, possible, removed, mine, _ = by_side[side]
    partner_capacity, _, _, partner, partner_load = by_side[other_side]
    me, other = ("mentee", "mentor") if side == "right" else ("mentor", "mentee")
    mine, partner = np.asarray(mine), np.asarray(partner)
    partner_full = partner_load >= partner_capacity
    slots, demand = int(partner_capacity.sum()), int(capacity.sum())
    n_me = capacity.size
    degree = np.bincount(mine, minlength=n_me)
    with_room = np.bincount(mine, weights=~partner_full[partner], minlength=n_me)
    cap = np.asarray(capacity)[nodes]
    poss = np.asarray(possible)[nodes]
    gone = removed[:, nodes]
    allowed = poss - gone.sum(axis=0)
    deg = degree[nodes]
    room = with_room[nodes].astype(np.int64)
    out: list[tuple[str, str]] = []
    for i in range(nodes.size):
        if cap[i] <= 0:
            out.append(("capacity_zero", f"capacity is 0: they asked for no {other}"))
        elif poss[i] == 0:
            out.append(("no_partners", f"no one else signed up as a {other}"))
        elif allowed[i] <= 0:
            hits = [(int(c), cs.rules[r]) for r, c in enumerate(gone[:, i]) if c > 0]
            if len(hits) == 1:
                rule = hits[0][1]
                out.append((f"rule:{rule.name}", rule.no_candidate_reason(other)))
            else:
                parts = ", ".join(f"{c} by '{rule.title()}'" for c, rule in hits)
                out.append(
                    (
                        "rules",
                        f"no allowed {other}: all {int(poss[i])} candidates are "
                        f"excluded ({parts})",
                    )
                )
        elif deg[i] == 0:
            out.append(
                (
                    "pruned",
                    f"none of their {int(allowed[i])} allowed {other}s is among the "
                    f"best candidates kept (top_k={cs.top_k}); raise top_k",
                )
            )
        elif room[i] == 0 and slots < demand:
            out.append(
                (
                    "slots_exhausted",
                    f"{other} slots exhausted: {n_me} {me}s want {demand} {other}s, "
                    f"{slots} slots; all {int(deg[i])} of their allowed {other}s "
                    "are full",
                )
            )
        elif room[i] == 0:
            out.append(
                (
                    "taken",
                    f"all {int(deg[i])} of their allowed {other}s are taken by "
                    f"{me}s who fit them better",
                )
            )
        else:
            out.append(
                (
                    "objective",
                    f"left out by the objective or a quota although {int(room[i])} "
                    f"of their {int(deg[i])} allowed {other}s had room",
                )
            )
    return out


#: Short labels for the summary, by reason code.
REASON_LABELS = {
    "capacity_zero": "capacity 0",
    "no_partners": "nobody of the other role signed up",
    "rules": "no allowed candidate (several rules)",
    "pruned": "candidates pruned away (raise top_k)",
    "slots_exhausted": "slots exhausted on the other side",
    "taken": "every allowed candidate taken by a better fit",
    "objective": "left out by the objective or a quota",
    "choices_forbidden": "every choice forbidden by the rules",
    "choices_unacceptable": "none of their choices ranked them",
    "choices_taken": "none of their choices could take them",
    "not_chosen": "nobody who ranked chose them",
}


def reason_label(code: str, rules: tuple[Any, ...] = ()) -> str:
    """Return the summary label of a reason code."""
    if code.startswith("rule:"):
        name = code.split(":", 1)[1]
        for rule in rules:
            if rule.name == name:
                return f"no allowed candidate ({rule.title()})"
        return f"no allowed candidate ({name})"
    return REASON_LABELS.get(code, code)


def unmatched_reasons(
    people: People, cs: CandidateSet, solution: Solution
) -> list[dict[str, Any]]:
    """Return one row (id, name, role, reason, reason_code) per unmatched person."""
    table = unmatched_table(people, cs, solution).drop(columns="position")
    return [{str(k): v for k, v in row.items()} for row in table.to_dict("records")]


def unmatched_table(
    people: People, cs: CandidateSet, solution: Solution
) -> pd.DataFrame:
    """[`unmatched_reasons`][rmatch.result.unmatched_reasons] as a table.

    Parameters
    ----------
    people : People
    cs : CandidateSet
        The candidate set that was solved.
    solution : Solution
        Its solution.

    Returns
    -------
    pandas.DataFrame
        One row per unmatched participant, in position order: ``id``, ``name``,
        ``role``, ``reason``, ``reason_code`` (text columns) and ``position`` (the
        person's position in ``people``).
    """
    g = cs.graph
    edges = np.asarray(solution.edges, dtype=np.int64)
    load_left = np.bincount(g.left[edges], minlength=g.n_left)
    load_right = np.bincount(g.right[edges], minlength=g.n_right)
    matched = np.zeros(len(people), dtype=bool)
    matched[cs.mentors[g.left[edges]]] = True
    matched[cs.mentees[g.right[edges]]] = True
    out = np.flatnonzero(people.is_participant & ~matched)
    texts: list[list[str]] = [[] for _ in range(out.size)]
    codes: list[list[str]] = [[] for _ in range(out.size)]
    roles = people.roles[out].astype(str)
    # as a mentee first, then as a mentor (people with role "both" get both)
    for side, positions, label in (
        ("right", cs.mentees, "as mentee: "),
        ("left", cs.mentors, "as mentor: "),
    ):
        node_of = np.full(len(people), -1, dtype=np.int64)
        node_of[positions] = np.arange(positions.size)
        nodes = node_of[out]
        has = np.flatnonzero(nodes >= 0)
        found = _side_reasons(cs, side, nodes[has], load_left, load_right)
        for i, (code, text) in zip(has.tolist(), found, strict=True):
            texts[i].append((label if roles[i] == "both" else "") + text)
            codes[i].append(code)
    columns = {  # object columns even when empty (a .str accessor works on them)
        "id": people.ids[out].astype(str),
        "name": people.names_of(out),
        "role": roles,
        "reason": ["; ".join(t) for t in texts],
        "reason_code": [c[0] if c else "" for c in codes],
    }
    return pd.DataFrame(
        {
            **{k: pd.Series(v, dtype=object) for k, v in columns.items()},
            "position": out,
        },
        columns=["id", "name", "role", "reason", "reason_code", "position"],
    )


def explain_person(
    people: People,
    cs: CandidateSet,
    solution: Solution,
    criteria: Sequence[Criterion],
    unmatched: pd.DataFrame,
    person_id: str,
) -> Explanation:
    """Build the [`Explanation`][rmatch.result.Explanation] of one person.

    Parameters
    ----------
    people : People
    cs : CandidateSet
        The candidate graph the pairs were chosen from.
    solution : Solution
        The chosen pairs.
    criteria : sequence of Criterion
        The scoring criteria (the columns of ``cs.criterion_scores``).
    unmatched : pandas.DataFrame
        The unmatched table (``id`` and ``reason`` columns).
    person_id : str

    Returns
    -------
    Explanation

    Raises
    ------
    KeyError
        ``person_id`` is not in ``people``.
    """
    g = cs.graph
    p = people.position(person_id)
    edges = np.asarray(solution.edges, dtype=np.int64)
    chosen = np.zeros(g.left.size, dtype=bool)
    chosen[edges] = True
    left_node = np.flatnonzero(cs.mentors == p)
    right_node = np.flatnonzero(cs.mentees == p)
    pairs: list[dict[str, Any]] = []
    rules: dict[str, int] = {}
    n_candidates = 0
    weights = np.array([c.weight for c in criteria], dtype=np.float64)
    for side, nodes in (("mentor", left_node), ("mentee", right_node)):
        if nodes.size == 0:
            continue
        node = int(nodes[0])
        mine = np.flatnonzero((g.left if side == "mentor" else g.right) == node)
        removed = (cs.removed_left if side == "mentor" else cs.removed_right)[:, node]
        for r, count in enumerate(removed):
            if count:
                title = cs.rules[r].title()
                rules[title] = rules.get(title, 0) + int(count)
        n_candidates += mine.size
        order = mine[np.lexsort((mine, -g.weight[mine]))]
        picked = order[chosen[order]]
        partners = np.asarray(
            cs.mentees[g.right[picked]]
            if side == "mentor"
            else cs.mentors[g.left[picked]],
            dtype=np.int64,
        )
        me = np.full(picked.size, p, dtype=np.int64)
        mentor_of, mentee_of = (me, partners) if side == "mentor" else (partners, me)
        details = [crit.details(people, mentor_of, mentee_of) for crit in criteria]
        for i, e in enumerate(picked):
            partner = int(partners[i])
            # tie-aware: 1 + the candidates scoring strictly more; ties counted
            above = g.weight[mine] > g.weight[e] + _TIE
            rank = int(np.count_nonzero(above)) + 1
            ties = int(np.count_nonzero(np.abs(g.weight[mine] - g.weight[e]) <= _TIE))
            ties -= 1
            values = cs.criterion_scores[e].astype(np.float64)
            ok = ~np.isnan(values)
            den = float((weights * ok).sum())
            crit_rows = []
            for c, crit in enumerate(criteria):
                v = float(values[c])
                crit_rows.append(
                    {
                        "criterion": criterion_label(crit),
                        "value": None if np.isnan(v) else v,
                        "weight": float(crit.weight),
                        "share": None
                        if np.isnan(v) or den == 0
                        else float(crit.weight * v / den),
                        "text": crit.describe(v),
                        "detail": details[c][i],
                    }
                )
            better = None
            if rank > 1:
                best = int(order[0])
                best_partner = int(
                    cs.mentees[g.right[best]]
                    if side == "mentor"
                    else cs.mentors[g.left[best]]
                )
                better = (
                    f"their best-scoring candidate {people.ids[best_partner]} "
                    f"({g.weight[best]:.3f}) went elsewhere: the best total for "
                    "the whole program pairs them differently"
                )
            pairs.append(
                {
                    "as": side,
                    "partner_role": "mentee" if side == "mentor" else "mentor",
                    "partner_id": str(people.ids[partner]),
                    "partner_name": people.name_of(partner),
                    "score": float(g.weight[e]),
                    "rank": rank,
                    "ties": ties,
                    "rank_text": rank_text(rank, ties, int(mine.size)),
                    "criteria": crit_rows,
                    "better": better,
                }
            )
    reason = None
    status = "matched" if pairs else "unmatched"
    if not pairs:
        if not people.is_participant[p]:
            status, reason = (
                "not a participant",
                "role is 'none' (in the org chart only)",
            )
        else:
            hit = unmatched[unmatched["id"] == str(people.ids[p])]
            reason = str(hit["reason"].iloc[0]) if len(hit) else None
    return Explanation(
        person_id=str(people.ids[p]),
        name=people.name_of(p),
        role=str(people.roles[p]),
        status=status,
        pairs=pairs,
        reason=reason,
        rules=rules,
        candidates=int(n_candidates),
    )


#: Scores closer than this are a tie in explanations.
_TIE = 1e-9


def rank_text(rank: int, ties: int, total: int) -> str:
    """Describe a candidate's place among ``total``, ties included.

    Parameters
    ----------
    rank : int
        1 + the number of candidates scoring strictly more.
    ties : int
        Other candidates with the same score.
    total : int
        Candidates in all.

    Examples
    --------
    >>> rank_text(1, 367, 382)
    'tied 1st of 382 candidates with 367 others'
    >>> rank_text(2, 0, 5)
    'their 2nd best of 5 candidates'
    """
    if ties:
        other = "other" if ties == 1 else "others"
        return f"tied {ordinal(rank)} of {total} candidates with {ties} {other}"
    return f"their {ordinal(rank)} best of {total} candidates"

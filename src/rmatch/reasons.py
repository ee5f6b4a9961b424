"""Reasons and explanations: why a person got their partner, or nobody.

Reasons are concrete: they name the rule that removed every candidate, or the
capacity that ran out ("mentor slots exhausted: 40 mentees want 40 mentors, 32
slots"), with the person's own numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from rmatch.candidates import CandidateSet
    from rmatch.matching import Explanation, Matching
    from rmatch.people import People
    from rmatch.solvers._graph import Solution

__all__ = ["explain_person", "unmatched_reasons"]


def _side_reason(
    cs: CandidateSet,
    side: str,
    node: int,
    load_left: np.ndarray,
    load_right: np.ndarray,
    adjacency: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[str, str]:
    """Return ``(code, text)``: why ``node`` on ``side`` has no pair.

    ``side`` is ``"left"`` (the person as a mentor) or ``"right"`` (as a mentee).
    """
    g = cs.graph
    if side == "right":
        other, me = "mentor", "mentee"
        capacity = int(g.right_capacity[node])
        possible = int(cs.possible_right[node])
        removed = cs.removed_right[:, node]
        partners = (
            g.left[g.right == node]
            if adjacency is None
            else _neighbours(adjacency["right"], node)
        )
        partner_cap, partner_load = g.left_capacity, load_left
        slots, demand, n_me = (
            int(g.left_capacity.sum()),
            int(g.right_capacity.sum()),
            g.n_right,
        )
    else:
        other, me = "mentee", "mentor"
        capacity = int(g.left_capacity[node])
        possible = int(cs.possible_left[node])
        removed = cs.removed_left[:, node]
        partners = (
            g.right[g.left == node]
            if adjacency is None
            else _neighbours(adjacency["left"], node)
        )
        partner_cap, partner_load = g.right_capacity, load_right
        slots, demand, n_me = (
            int(g.right_capacity.sum()),
            int(g.left_capacity.sum()),
            g.n_left,
        )
    if capacity <= 0:
        return "capacity_zero", f"capacity is 0: they asked for no {other}"
    if possible == 0:
        return "no_partners", f"no one else signed up as a {other}"
    allowed = possible - int(removed.sum())
    if allowed <= 0:
        hits = [(int(c), cs.rules[r]) for r, c in enumerate(removed) if c > 0]
        if len(hits) == 1:
            return f"rule:{hits[0][1].name}", hits[0][1].no_candidate_reason(other)
        parts = ", ".join(f"{c} by '{rule.title()}'" for c, rule in hits)
        return (
            "rules",
            f"no allowed {other}: all {possible} candidates are excluded ({parts})",
        )
    if partners.size == 0:
        return (
            "pruned",
            f"none of their {allowed} allowed {other}s is among the best candidates "
            f"kept (top_k={cs.top_k}); raise top_k",
        )
    full = partner_load[partners] >= partner_cap[partners]
    k = int(partners.size)
    if full.all():
        if slots < demand:
            return (
                "slots_exhausted",
                f"{other} slots exhausted: {n_me} {me}s want {demand} {other}s, "
                f"{slots} slots; all {k} of their allowed {other}s are full",
            )
        return (
            "taken",
            f"all {k} of their allowed {other}s are taken by {me}s who fit them better",
        )
    return (
        "objective",
        f"left out by the objective or a quota although {int((~full).sum())} of "
        f"their {k} allowed {other}s had room",
    )


#: Short labels for the summary, by reason code.
REASON_LABELS = {
    "capacity_zero": "capacity 0",
    "no_partners": "nobody of the other role signed up",
    "rules": "no allowed candidate (several rules)",
    "pruned": "candidates pruned away (raise top_k)",
    "slots_exhausted": "slots exhausted on the other side",
    "taken": "every allowed candidate taken by a better fit",
    "objective": "left out by the objective or a quota",
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


def _adjacency(
    nodes: np.ndarray, others: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """CSR ``(indptr, partners)`` of a node array (one argsort, not a scan per node)."""
    order = np.argsort(nodes, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(nodes, minlength=n), out=indptr[1:])
    return indptr, others[order]


def _neighbours(adj: tuple[np.ndarray, np.ndarray], node: int) -> np.ndarray:
    indptr, partners = adj
    out: np.ndarray = partners[indptr[node] : indptr[node + 1]]
    return out


def unmatched_reasons(
    people: People, cs: CandidateSet, solution: Solution
) -> list[dict[str, Any]]:
    """Return one row (id, name, role, reason, reason_code) per unmatched person."""
    g = cs.graph
    edges = np.asarray(solution.edges, dtype=np.int64)
    load_left = np.bincount(g.left[edges], minlength=g.n_left)
    load_right = np.bincount(g.right[edges], minlength=g.n_right)
    matched = np.zeros(len(people), dtype=bool)
    matched[cs.mentors[g.left[edges]]] = True
    matched[cs.mentees[g.right[edges]]] = True
    left_of = np.full(len(people), -1, dtype=np.int64)
    left_of[cs.mentors] = np.arange(cs.mentors.size)
    right_of = np.full(len(people), -1, dtype=np.int64)
    right_of[cs.mentees] = np.arange(cs.mentees.size)
    adjacency = {
        "left": _adjacency(np.asarray(g.left), np.asarray(g.right), g.n_left),
        "right": _adjacency(np.asarray(g.right), np.asarray(g.left), g.n_right),
    }
    rows = []
    for position in np.flatnonzero(people.is_participant & ~matched):
        p = int(position)
        texts, codes = [], []
        role = str(people.roles[p])
        for side, node_of, label in (
            ("right", right_of, "as mentee: "),
            ("left", left_of, "as mentor: "),
        ):
            if node_of[p] < 0:
                continue
            code, text = _side_reason(
                cs, side, int(node_of[p]), load_left, load_right, adjacency
            )
            texts.append((label if role == "both" else "") + text)
            codes.append(code)
        rows.append(
            {
                "id": str(people.ids[p]),
                "name": people.name_of(p),
                "role": role,
                "reason": "; ".join(texts),
                "reason_code": codes[0] if codes else "",
            }
        )
    return rows


def explain_person(matching: Matching, person_id: str) -> Explanation:
    """Build the :class:`~rmatch.matching.Explanation` of one person."""
    from rmatch.criteria import criterion_label
    from rmatch.matching import Explanation, _ordinal

    people, cs = matching.people, matching.candidates
    g = cs.graph
    p = people.position(person_id)
    edges = np.asarray(matching.solution.edges, dtype=np.int64)
    chosen = np.zeros(g.left.size, dtype=bool)
    chosen[edges] = True
    left_node = np.flatnonzero(cs.mentors == p)
    right_node = np.flatnonzero(cs.mentees == p)
    pairs: list[dict[str, Any]] = []
    rules: dict[str, int] = {}
    n_candidates = 0
    weights = np.array([c.weight for c in matching.criteria], dtype=np.float64)
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
        for e in order[chosen[order]]:
            partner = int(
                cs.mentees[g.right[e]] if side == "mentor" else cs.mentors[g.left[e]]
            )
            rank = int(np.flatnonzero(order == e)[0]) + 1
            values = cs.criterion_scores[e].astype(np.float64)
            ok = ~np.isnan(values)
            den = float((weights * ok).sum())
            crit_rows = []
            for c, crit in enumerate(matching.criteria):
                v = float(values[c])
                mentor_pos = p if side == "mentor" else partner
                mentee_pos = partner if side == "mentor" else p
                crit_rows.append(
                    {
                        "criterion": criterion_label(crit),
                        "value": None if np.isnan(v) else v,
                        "weight": float(crit.weight),
                        "share": None
                        if np.isnan(v) or den == 0
                        else float(crit.weight * v / den),
                        "text": crit.describe(v),
                        "detail": crit.detail(people, mentor_pos, mentee_pos),
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
                    "rank_text": (
                        f"their {_ordinal(rank)} best of {mine.size} candidates"
                    ),
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
            hit = matching.unmatched[matching.unmatched["id"] == str(people.ids[p])]
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

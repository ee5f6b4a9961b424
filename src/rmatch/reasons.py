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
    sol_edges: np.ndarray,
    side: str,
    node: int,
    load_left: np.ndarray,
    load_right: np.ndarray,
) -> str:
    """Reason why ``node`` on ``side`` ("left"=mentor, "right"=mentee) has no pair."""
    g = cs.graph
    if side == "right":
        other, me = "mentor", "mentee"
        capacity = int(g.right_capacity[node])
        possible = int(cs.possible_right[node])
        removed = cs.removed_right[:, node]
        edge_mask = g.right == node
        partners = g.left[edge_mask]
        partner_cap = g.left_capacity
        partner_load = load_left
        total_slots = int(g.left_capacity.sum())
        demand = int(g.right_capacity.sum())
        n_me = int(g.n_right)
    else:
        other, me = "mentee", "mentor"
        capacity = int(g.left_capacity[node])
        possible = int(cs.possible_left[node])
        removed = cs.removed_left[:, node]
        edge_mask = g.left == node
        partners = g.right[edge_mask]
        partner_cap = g.right_capacity
        partner_load = load_right
        total_slots = int(g.right_capacity.sum())
        demand = int(g.left_capacity.sum())
        n_me = int(g.n_left)
    if capacity <= 0:
        return f"capacity is 0: they asked for no {other}"
    if possible == 0:
        return f"no one else signed up as a {other}"
    allowed = possible - int(removed.sum())
    if allowed <= 0:
        hits = [(int(c), cs.rules[r]) for r, c in enumerate(removed) if c > 0]
        if len(hits) == 1:
            return hits[0][1].no_candidate_reason(other)
        parts = ", ".join(f"{c} by '{rule.title()}'" for c, rule in hits)
        return f"no allowed {other}: all {possible} candidates are excluded ({parts})"
    if partners.size == 0:
        return (
            f"none of their {allowed} allowed {other}s is among the best candidates "
            f"kept (top_k={cs.top_k}); raise top_k"
        )
    full = partner_load[partners] >= partner_cap[partners]
    if full.all():
        k = int(partners.size)
        if total_slots < demand:
            side_word = "mentor" if other == "mentor" else "mentee"
            return (
                f"{side_word} slots exhausted: {n_me} {me}s want {demand} {other}s, "
                f"{total_slots} slots; all {k} of their allowed {other}s are full"
            )
        return (
            f"all {k} of their allowed {other}s are taken by {me}s who fit them better"
        )
    return (
        f"left out by the objective or a quota although {int((~full).sum())} allowed "
        f"{other}(s) had room"
    )


def unmatched_reasons(
    people: People, cs: CandidateSet, solution: Solution
) -> list[dict[str, Any]]:
    """Return one row (id, name, role, reason) per participant with no pair."""
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
    rows = []
    for position in np.flatnonzero(people.is_participant & ~matched):
        p = int(position)
        reasons = []
        role = str(people.roles[p])
        if right_of[p] >= 0:
            r = _side_reason(
                cs, edges, "right", int(right_of[p]), load_left, load_right
            )
            reasons.append(("as mentee: " if role == "both" else "") + r)
        if left_of[p] >= 0:
            r = _side_reason(cs, edges, "left", int(left_of[p]), load_left, load_right)
            reasons.append(("as mentor: " if role == "both" else "") + r)
        rows.append(
            {
                "id": str(people.ids[p]),
                "name": people.name_of(p),
                "role": role,
                "reason": "; ".join(reasons),
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
                    f"({g.weight[best]:.3f}) went elsewhere: the best total for the whole "
                    "program pairs them differently"
                )
            pairs.append(
                {
                    "as": side,
                    "partner_id": str(people.ids[partner]),
                    "partner_name": people.name_of(partner),
                    "score": float(g.weight[e]),
                    "rank": rank,
                    "rank_text": f"their {_ordinal(rank)} best of {mine.size} candidates",
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

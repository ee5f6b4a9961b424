"""Choices on a candidate set: acceptable pairs, preference ranks, rank utility."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rmatch.candidates import CandidateSet, Scorer
from rmatch.certify import add_edges, rescore
from rmatch.choices._read import Choices
from rmatch.errors import DataQualityWarning
from rmatch.people import People
from rmatch.rules import Rule
from rmatch.scoring import Block, Criterion

__all__ = ["Preferences", "preferences"]

#: Forbidden choices named one by one in the warning (the rest are counted).
NAMED_FORBIDDEN = 5


@dataclass(frozen=True, eq=False)
class Preferences:
    """The stated preferences of a [`Choices`][rmatch.choices.Choices] on a graph.

    All arrays are per edge of ``candidates.graph`` unless said otherwise.

    Attributes
    ----------
    candidates : CandidateSet
        The candidate set (with chosen pairs that ``top_k`` had pruned added back).
    choice_l, choice_r : numpy.ndarray
        The rank (1 = first) the mentor / the mentee gave the other; 0 = not ranked.
    chooser_l, chooser_r : numpy.ndarray
        ``bool`` per left / right node: the person ranked someone from that side.
    acceptable : numpy.ndarray
        ``bool``: acceptable to both ends (a chooser accepts only whom they ranked,
        a person who ranked nobody accepts every allowed partner), or required.
    order_l, order_r : numpy.ndarray
        Strict preference rank of the edge for its mentor / mentee among the
        acceptable edges (0 = best): stated rank, then score, then the partner's id.
    utility : numpy.ndarray
        ``int64``: the rank utility of the pair, ``(K + 1 - rank)`` from each end
        that ranked the other (``K`` = the longest list).
    longest : int
        ``K``: the longest list (the largest renumbered rank).
    forbidden : dict
        Person id -> number of their choices that the rules forbid.
    chosen_rows : dict
        Person id -> number of their usable choices (forbidden ones included).
    """

    candidates: CandidateSet
    choice_l: np.ndarray
    choice_r: np.ndarray
    chooser_l: np.ndarray
    chooser_r: np.ndarray
    acceptable: np.ndarray
    order_l: np.ndarray
    order_r: np.ndarray
    utility: np.ndarray
    longest: int
    forbidden: dict[str, int] = field(default_factory=dict)
    chosen_rows: dict[str, int] = field(default_factory=dict)


def _node_of(positions: np.ndarray, n_people: int) -> np.ndarray:
    out = np.full(n_people, -1, dtype=np.int64)
    out[positions] = np.arange(positions.size)
    return out


def _find(cs: CandidateSet, li: np.ndarray, rj: np.ndarray) -> np.ndarray:
    """Edge index of every ``(left, right)`` pair, -1 when it is not an edge."""
    g = cs.graph
    n_r = np.int64(max(g.n_right, 1))
    keys = g.left * n_r + g.right
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    want = li * n_r + rj
    pos = np.minimum(np.searchsorted(sk, want), max(sk.size - 1, 0))
    hit = (sk.size > 0) & (sk[pos] == want) if sk.size else np.zeros(want.size, bool)
    return np.where(hit, order[pos] if sk.size else -1, -1).astype(np.int64)


def _why_forbidden(people: People, cs: CandidateSet, mentor: int, mentee: int) -> str:
    block = Block(people, np.array([mentor]), np.array([mentee]))
    post = []
    for rule in cs.rules:
        if rule.needs_score:
            post.append(rule)
            continue
        if not bool(np.asarray(rule.allowed(block))[0, 0]):
            return f"{rule.title()}: {rule.why_forbidden(people, mentor, mentee)}"
    if post:
        return "its score is too low for " + " or ".join(f"'{r.title()}'" for r in post)
    return "not a candidate pair"


def _strict_order(
    node: np.ndarray,
    n: int,
    stated: np.ndarray,
    weight: np.ndarray,
    partner_key: np.ndarray,
) -> np.ndarray:
    """Per edge, its 0-based place in its node's list (stated, score, partner id)."""
    big = np.int64(np.iinfo(np.int32).max)
    primary = np.where(stated > 0, stated, big)
    order = np.lexsort((partner_key, -weight, primary, node))
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(node, minlength=n), out=starts[1:])
    out = np.empty(node.size, dtype=np.int64)
    out[order] = np.arange(node.size) - starts[node[order]]
    return out


def preferences(
    choices: Choices,
    people: People,
    cs: CandidateSet,
    criteria: Sequence[Criterion],
    rules: Sequence[Rule],
) -> Preferences:
    """Put ``choices`` on the candidate set ``cs`` (see `Preferences`).

    Choices of pairs a hard rule forbids are dropped with a
    [`DataQualityWarning`][rmatch.errors.DataQualityWarning] naming the rule; chosen
    pairs that ``top_k`` pruned are scored and added back (when the graph has no
    quota rows; otherwise they are dropped with a warning too).
    """
    t = choices.table
    n = len(people)
    mentor_node = _node_of(cs.mentors, n)
    mentee_node = _node_of(cs.mentees, n)
    person = people.positions(t["person_id"].tolist())
    cand = people.positions(t["candidate_id"].tolist())
    as_mentee = (t["side"] == "mentee").to_numpy()
    mentor_pos = np.where(as_mentee, cand, person)
    mentee_pos = np.where(as_mentee, person, cand)
    li, rj = mentor_node[mentor_pos], mentee_node[mentee_pos]
    edge = _find(cs, li, rj)
    missing = np.flatnonzero(edge < 0)
    if missing.size and cs.pruned:
        sc = Scorer(people, list(criteria), list(rules), cs.mentors, cs.mentees)
        keys, w, crit = rescore(sc, li[missing], rj[missing])
        ok = np.isfinite(w)
        if ok.any() and not cs.graph.side_constraints:
            n_r = max(cs.graph.n_right, 1)
            cs = add_edges(cs, keys[ok] // n_r, keys[ok] % n_r, w[ok], crit[ok])
            edge = _find(cs, li, rj)
            missing = np.flatnonzero(edge < 0)
        elif ok.any():
            warnings.warn(
                f"{choices.source}: {int(ok.sum())} chosen pair(s) were pruned by "
                f"top_k={cs.top_k} and cannot be added back to a graph with quotas; "
                "they are dropped (run without top_k to keep them)",
                DataQualityWarning,
                stacklevel=4,
            )
    # a choice between two people with role "both" that fits both sides: the side
    # a rule forbids is dropped silently when the other side is allowed
    key = (
        t["row"].astype(str) + "|" + t["person_id"] + "|" + t["candidate_id"]
    ).to_numpy()
    twin = pd.Series(key).duplicated(keep=False).to_numpy()
    found = pd.Series(edge >= 0).groupby(key).transform("any").to_numpy(dtype=bool)
    keep = ~(twin & (edge < 0) & found)
    if not keep.all():
        t = t[keep].reset_index(drop=True)
        li, rj, edge, key = li[keep], rj[keep], edge[keep], key[keep]
        as_mentee, mentor_pos, mentee_pos = (
            as_mentee[keep], mentor_pos[keep], mentee_pos[keep],
        )  # fmt: skip
    missing = np.flatnonzero((edge < 0) & ~pd.Series(key).duplicated().to_numpy())
    forbidden: dict[str, int] = {}
    if missing.size:
        lines = []
        for k in missing[:NAMED_FORBIDDEN].tolist():
            why = _why_forbidden(people, cs, int(mentor_pos[k]), int(mentee_pos[k]))
            lines.append(
                f"row {t['row'].iat[k]}: {t['person_id'].iat[k]} -> "
                f"{t['candidate_id'].iat[k]} ({why})"
            )
        for pid in t["person_id"].to_numpy()[missing].tolist():
            forbidden[pid] = forbidden.get(pid, 0) + 1
        more = missing.size - len(lines)
        warnings.warn(
            f"{choices.source}: {missing.size} choice(s) are pairs the program's "
            "rules forbid and are dropped (hard rules always hold): "
            + "; ".join(lines)
            + (f"; and {more} more" if more > 0 else ""),
            DataQualityWarning,
            stacklevel=4,
        )
    g = cs.graph
    ok = edge >= 0
    choice_l = np.zeros(g.n_edges, dtype=np.int64)
    choice_r = np.zeros(g.n_edges, dtype=np.int64)
    ranks = t["rank"].to_numpy(dtype=np.int64)
    choice_r[edge[ok & as_mentee]] = ranks[ok & as_mentee]
    choice_l[edge[ok & ~as_mentee]] = ranks[ok & ~as_mentee]
    chooser_r = np.zeros(g.n_right, dtype=bool)
    chooser_l = np.zeros(g.n_left, dtype=bool)
    chooser_r[rj[as_mentee]] = True
    chooser_l[li[~as_mentee]] = True
    acceptable = (
        (~chooser_l[g.left] | (choice_l > 0)) & (~chooser_r[g.right] | (choice_r > 0))
    ) | g.required_mask()
    id_key = np.empty(n, dtype=np.int64)
    id_key[np.argsort(people.ids.astype(str), kind="stable")] = np.arange(n)
    order_l = _strict_order(
        g.left, g.n_left, choice_l, g.weight, id_key[cs.mentees[g.right]]
    )
    order_r = _strict_order(
        g.right, g.n_right, choice_r, g.weight, id_key[cs.mentors[g.left]]
    )
    k = choices.longest
    utility = np.where(choice_l > 0, k + 1 - choice_l, 0) + np.where(
        choice_r > 0, k + 1 - choice_r, 0
    )
    rows: dict[str, int] = {}
    for pid in t["person_id"].tolist():
        rows[pid] = rows.get(pid, 0) + 1
    return Preferences(
        candidates=cs,
        choice_l=choice_l,
        choice_r=choice_r,
        chooser_l=chooser_l,
        chooser_r=chooser_r,
        acceptable=acceptable,
        order_l=order_l,
        order_r=order_r,
        utility=utility.astype(np.int64),
        longest=k,
        forbidden=forbidden,
        chosen_rows=rows,
    )


def subgraph_ranks(prefs: Preferences) -> tuple[np.ndarray, np.ndarray]:
    """The preference ranks restricted to the acceptable edges (for DA/blocking)."""
    acc = prefs.acceptable
    return prefs.order_l[acc], prefs.order_r[acc]


def choice_stats(prefs: Preferences, edges: np.ndarray) -> dict[str, Any]:
    """How the choosers fared: pairs at a first choice, at any choice, mean rank."""
    e = np.asarray(edges, dtype=np.int64)
    stated = np.concatenate([prefs.choice_l[e], prefs.choice_r[e]])
    given = stated[stated > 0]
    return {
        "longest_list": int(prefs.longest),
        "mentee_choosers": int(prefs.chooser_r.sum()),
        "mentor_choosers": int(prefs.chooser_l.sum()),
        "first_choices": int(np.count_nonzero(given == 1)),
        "ranked_pairs": int(
            np.count_nonzero((prefs.choice_l[e] > 0) | (prefs.choice_r[e] > 0))
        ),
        "mean_rank": float(given.mean()) if given.size else None,
        "dropped_forbidden": int(sum(prefs.forbidden.values())),
        "rank_utility": int(prefs.utility[e].sum()),
    }

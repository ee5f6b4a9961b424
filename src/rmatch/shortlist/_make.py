"""Build a `Shortlist` from a candidate set."""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict, Unpack

import numpy as np
import pandas as pd

from rmatch.candidates import CandidateSet
from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.scoring import Criterion, criterion_label
from rmatch.shortlist._spread import (
    IntArray,
    Oriented,
    exposure_figures,
    orient,
    rank_in_groups,
    smallest_cap,
    solve_capped,
    top_k_per_person,
    usable,
)

#: Above this many mentor × mentee cells, ``Program.shortlist`` prunes candidates.
ALL_PAIRS_MAX_CELLS = 4_000_000


class ShortlistOptions(TypedDict, total=False):
    """Keyword options of `Program.shortlist()` (see `shortlist()`)."""

    max_exposure: int | None
    side: str
    mutual: bool
    reasons: bool


class ShortlistSource(Protocol):
    """What `for_program()` needs of a program (a `rmatch.Program`)."""

    top_k: int | None

    def candidates(self, people: People) -> CandidateSet:
        """Score and filter every pair: the candidate graph."""
        ...

    def scoring_criteria(self) -> list[Criterion]:
        """The criteria, then the soft rules."""
        ...


def for_program(
    program: ShortlistSource,
    people: People,
    k: int = 5,
    **options: Unpack[ShortlistOptions],
) -> Shortlist:
    """Shortlists of ``people`` under ``program`` (what ``Program.shortlist`` runs).

    The candidate graph keeps every allowed pair on small inputs and the best
    `shortlist_top_k()` per person on large ones; see `shortlist()`.
    """
    wide = copy.copy(program)
    wide.top_k = shortlist_top_k(people, k, program.top_k)
    cs = wide.candidates(people)
    return shortlist(cs, people, program.scoring_criteria(), k=k, **options)


def shortlist_top_k(people: People, k: int, top_k: int | None) -> int | None:
    """Candidates kept per person when building a shortlist's candidate graph.

    ``None`` (every allowed pair) when mentors × mentees is at most
    ``ALL_PAIRS_MAX_CELLS``; otherwise at least ``10 * k`` and at least the
    program's ``top_k``.

    Examples
    --------
    >>> import rmatch
    >>> people = rmatch.read_people([{"id": "A", "role": "mentor"}])
    >>> shortlist_top_k(people, 5, None) is None
    True
    """
    cells = int(np.count_nonzero(people.is_mentor)) * int(
        np.count_nonzero(people.is_mentee)
    )
    if cells <= ALL_PAIRS_MAX_CELLS:
        return None
    return max(10 * k, top_k or 0)


@dataclass(eq=False)
class Shortlist:
    """Ranked suggestions per person, spread across candidates.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per suggestion: ``person_id, rank, candidate_id, score``, one
        column per criterion, ``reason`` (and ``candidate_rank`` with ``mutual``).
    exposure : dict
        How concentrated the suggestions are, with and without the cap (see
        ``docs/shortlists.md``).
    """

    table: pd.DataFrame
    exposure: dict[str, Any] = field(default_factory=dict)

    def exposure_table(self) -> pd.DataFrame:
        """Return the exposure figures with and without the cap, one row each."""
        rows = [
            {"spread": name, **self.exposure[key]}
            for name, key in (("with cap", "with_cap"), ("without cap", "without_cap"))
        ]
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """Return a few lines: people served, the cap and the exposure figures."""
        e = self.exposure
        lines = [
            f"{e['people_with_k']} of {e['people']} {e['side']}s get {e['k']} "
            f"suggestions ({e['people_fewer_allowed']} have fewer allowed "
            f"candidates); {e['suggestions']} in all",
            f"each candidate is on at most {e['max_exposure']} lists "
            f"({e['cap_source']})",
        ]
        for name, key in (("with cap", "with_cap"), ("without cap", "without_cap")):
            f = e[key]
            lines.append(
                f"{name}: max {f['max']}, median {f['median']:g}, "
                f"Gini {f['gini']:.3f}, {f['candidates_used']} candidates used, "
                f"total score {f['total_score']:.3f}"
            )
        lines.append(f"score given up for the spread: {e['score_given_up']:.3f}")
        return "\n".join(lines)

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str | None:
        """Write the table as CSV (UTF-8); return the text when ``path`` is None."""
        if path is None:
            return str(self.table.to_csv(index=False))
        self.table.to_csv(path, index=False, encoding="utf-8")
        return None

    def __len__(self) -> int:
        return len(self.table)


def _canonical(
    o: Oriented, pkey: IntArray, ckey: IntArray
) -> tuple[Oriented, IntArray]:
    """Renumber nodes by id rank and sort edges: the same graph for any row order."""
    person, candidate = pkey[o.person], ckey[o.candidate]
    perm = np.lexsort((candidate, person)).astype(np.int64)
    p_open = np.zeros(o.n_person, dtype=bool)
    p_open[pkey] = o.person_open
    c_open = np.zeros(o.n_candidate, dtype=bool)
    c_open[ckey] = o.candidate_open
    canon = Oriented(
        person[perm],
        candidate[perm],
        o.n_person,
        o.n_candidate,
        p_open,
        c_open,
        o.weight[perm],
    )
    return canon, perm


def _id_rank(ids: np.ndarray) -> IntArray:
    order = np.argsort(ids.astype(str), kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return rank


def _reasons(
    people: People,
    criteria: Sequence[Criterion],
    values: np.ndarray,
    mentors: np.ndarray,
    mentees: np.ndarray,
) -> list[str]:
    """One line per row: what the best-contributing criteria have in common.

    The (at most) three criteria with the largest ``weight * value`` above 0 (ties:
    the earlier criterion), each by its detail, or its value in words when it has
    none; the details of a criterion are asked for all its rows at once.
    """
    n = values.shape[0]
    if n == 0 or not criteria:
        return ["allowed; no criterion above 0"] * n
    weights = np.array([float(c.weight) for c in criteria], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        ok = ~np.isnan(values) & (values > 0)
        key = np.where(ok, -weights[None, :] * values, 0.0)
    best = np.lexsort((key, ~ok), axis=1)[:, :3]  # stable: ties by criterion
    parts = np.full((n, best.shape[1]), "", dtype=object)
    for c, crit in enumerate(criteria):
        rows, slot = np.nonzero((best == c) & np.take_along_axis(ok, best, axis=1))
        if rows.size == 0:
            continue
        label = criterion_label(crit)
        said: dict[float, str] = {}
        texts = crit.details(people, mentors[rows], mentees[rows])
        for r, j, v, text in zip(
            rows.tolist(), slot.tolist(), values[rows, c].tolist(), texts, strict=True
        ):
            if not text:
                text = said.get(v) or f"{label}: {crit.describe(v)}"
                said[v] = text
            parts[r, j] = text
    return [
        "; ".join(p for p in row if p) or "allowed; no criterion above 0"
        for row in parts.tolist()
    ]


def _check(k: object, max_exposure: object, mutual: object) -> None:
    def bad(value: object) -> bool:
        return not isinstance(value, int) or isinstance(value, bool) or value < 1

    if bad(k):
        raise ConfigError(f"k must be an int >= 1; got {k!r}")
    if max_exposure is not None and bad(max_exposure):
        raise ConfigError(
            f"max_exposure must be None or an int >= 1; got {max_exposure!r}"
        )
    if not isinstance(mutual, bool):
        raise ConfigError(f"mutual must be True or False; got {mutual!r}")


def shortlist(
    cs: CandidateSet,
    people: People,
    criteria: Sequence[Criterion],
    *,
    k: int = 5,
    max_exposure: int | None = None,
    side: str = "mentee",
    mutual: bool = False,
    reasons: bool = True,
) -> Shortlist:
    """Suggest up to ``k`` allowed candidates per person, spread across candidates.

    Parameters
    ----------
    cs : CandidateSet
        The candidate graph (only allowed pairs are edges).
    people : People
    criteria : sequence of Criterion
        The scoring criteria (the columns of ``cs.criterion_scores``).
    k : int, default 5
        Suggestions per person.
    max_exposure : int, optional
        Lists a candidate may appear on. Default: the smallest cap that still
        gives everyone as many suggestions as an unlimited cap would (reported).
    side : {"mentee", "mentor"}
        Who gets the lists: mentees (of mentors) or mentors (of mentees).
    mutual : bool, default False
        Keep only suggestions where the person is also among the candidate's
        ``k`` best-scoring allowed partners (ties: smaller id).
    reasons : bool, default True
        Fill the ``reason`` column (each criterion's
        [`details()`][rmatch.scoring.Criterion.details], asked once for all rows).

    Returns
    -------
    Shortlist
    """
    _check(k, max_exposure, mutual)
    g = cs.graph
    raw = orient(g, side)
    p_pos, c_pos = (
        (cs.mentees, cs.mentors) if side == "mentee" else (cs.mentors, cs.mentees)
    )
    pkey, ckey = _id_rank(people.ids[p_pos]), _id_rank(people.ids[c_pos])
    o, perm = _canonical(raw, pkey, ckey)
    edges = np.flatnonzero(usable(o)).astype(np.int64)
    if max_exposure is None:
        cap, _ = smallest_cap(o, k, edges)
        source = "computed: the least cap giving everyone their most suggestions"
    else:
        cap, source = int(max_exposure), "given"
    chosen = solve_capped(o, k, max(cap, 1), edges)
    free = top_k_per_person(o, k, edges, np.arange(o.n_candidate, dtype=np.int64))
    with_cap = exposure_figures(o, edges, chosen)
    without = exposure_figures(o, edges, free)
    picked = edges[chosen]
    # rank of each chosen person on the candidate's own list of allowed partners
    order = np.lexsort((o.person[edges], -o.weight[edges], o.candidate[edges]))
    their = np.empty(edges.size, dtype=np.int64)
    their[order] = rank_in_groups(o.candidate[edges][order]) + 1
    their_rank = their[chosen]
    if mutual:
        keep = their_rank <= k
        picked, their_rank = picked[keep], their_rank[keep]
    # table, sorted by person id then score (ties: candidate id)
    order = np.lexsort((o.candidate[picked], -o.weight[picked], o.person[picked]))
    picked, their_rank = picked[order], their_rank[order]
    cs_edges = perm[picked]
    person_node = raw.person[cs_edges]
    cand_node = raw.candidate[cs_edges]
    persons, cands = p_pos[person_node], c_pos[cand_node]
    mentors, mentees = (cands, persons) if side == "mentee" else (persons, cands)
    values = cs.criterion_scores[cs_edges].astype(np.float64)
    table = pd.DataFrame(
        {
            "person_id": people.ids[persons].astype(str),
            "rank": rank_in_groups(o.person[picked]) + 1,
            "candidate_id": people.ids[cands].astype(str),
            "score": o.weight[picked].round(6),
        }
    )
    for c, name in enumerate(cs.criteria):
        table[name] = values[:, c].round(6)
    if mutual:
        table["candidate_rank"] = their_rank
    table["reason"] = (
        _reasons(people, criteria, values, mentors, mentees) if reasons else ""
    )
    counts = np.bincount(o.person[picked], minlength=o.n_person)[o.person_open]
    allowed = np.bincount(o.person[edges], minlength=o.n_person)[o.person_open]
    exposure = {
        "side": side,
        "k": int(k),
        "max_exposure": int(cap),
        "cap_source": source,
        "mutual": mutual,
        "people": int(o.person_open.sum()),
        "people_with_k": int(np.count_nonzero(counts >= k)),
        "people_fewer_allowed": int(np.count_nonzero(allowed < k)),
        "suggestions": int(picked.size),
        "with_cap": with_cap,
        "without_cap": without,
        "score_given_up": round(without["total_score"] - with_cap["total_score"], 9),
        "exact": cs.top_k is None or not cs.pruned,
    }
    return Shortlist(table=table, exposure=exposure)

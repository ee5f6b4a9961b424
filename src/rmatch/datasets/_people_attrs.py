"""Survey fields of a synthetic organization: names, languages, skills, interests,
goals, availability and capacity.

Used by [`rmatch.datasets.synthetic_org()`][rmatch.datasets.synthetic_org]; strings are
assembled from small precomputed pools with numpy, so a million people take seconds.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Final

import numpy as np
from numpy.typing import NDArray

from rmatch.datasets.vocabulary import (
    CAREER_SKILLS,
    CULTURES,
    DEPARTMENTS,
    DIGITAL_SKILLS,
    GOAL_CLUSTERS,
    INTEREST_CLUSTERS,
    Location,
)

__all__ = [
    "draw_availability",
    "draw_capacity",
    "draw_goals",
    "draw_interests",
    "draw_languages",
    "draw_names",
    "draw_skills",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
ObjArray = NDArray[np.object_]

# Cluster probabilities of juniors and leaders (same order as the clusters).
_INTEREST_P_JUNIOR: Final = (0.12, 0.14, 0.22, 0.10, 0.14, 0.12, 0.10, 0.06)
_INTEREST_P_LEADER: Final = (0.16, 0.10, 0.04, 0.14, 0.10, 0.18, 0.12, 0.16)
_GOAL_P_JUNIOR: Final = (0.05, 0.08, 0.42, 0.30, 0.15)
_GOAL_P_LEADER: Final = (0.45, 0.30, 0.03, 0.07, 0.15)

_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri")


def _hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _slots(*spans: str) -> tuple[tuple[int, int], ...]:
    return tuple((_hm(s.split("-")[0]), _hm(s.split("-")[1])) for s in spans)


# Weekly slot templates in local time: leaders early morning / late afternoon,
# juniors lunch / after work, everyone sometimes office hours.
_LEADER_SLOTS: Final = _slots(
    "07:00-08:00",
    "07:30-08:30",
    "07:00-08:30",
    "08:00-09:00",
    "17:00-18:00",
    "17:30-18:30",
    "16:30-18:00",
    "18:00-19:00",
)
_JUNIOR_SLOTS: Final = _slots(
    "12:00-13:00",
    "12:30-13:30",
    "12:00-13:30",
    "13:00-14:00",
    "17:00-18:00",
    "17:30-18:30",
    "18:00-19:00",
    "18:00-19:30",
)
_OFFICE_SLOTS: Final = _slots(
    "09:00-10:00", "10:00-11:00", "10:30-12:00", "14:00-15:00", "15:00-16:30"
)


# ---------------------------------------------------------------------------
# String columns
# ---------------------------------------------------------------------------


def _fold(text: str) -> str:
    """ASCII-fold a name part for an e-mail address (``Đặng`` -> ``dang``)."""
    special = {"đ": "d", "ß": "ss", "ı": "i", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe"}
    text = "".join(special.get(ch, ch) for ch in text.lower())
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def _name_pools() -> tuple[list[str], list[str], IntArray, IntArray]:
    """All full names and e-mail prefixes, with per-culture offsets and sizes."""
    names: list[str] = []
    prefixes: list[str] = []
    offsets, sizes = [], []
    for culture in CULTURES.values():
        offsets.append(len(names))
        for given in culture.given:
            first = given.split()[-1] if culture.email_given_last_word else given
            for family in culture.family:
                full = (
                    f"{family} {given}" if culture.family_first else f"{given} {family}"
                )
                names.append(full)
                prefixes.append(f"{_fold(first)}.{_fold(family)}")
        sizes.append(len(names) - offsets[-1])
    return names, prefixes, np.array(offsets, np.int64), np.array(sizes, np.int64)


def draw_names(
    loc: IntArray, locations: tuple[Location, ...], rng: np.random.Generator
) -> tuple[ObjArray, ObjArray]:
    """Full names (mostly the office's culture) and unique ASCII e-mail addresses.

    Parameters
    ----------
    loc : numpy.ndarray
        Office index (into ``locations``) per person.
    locations : tuple of Location
        The offices of the organization.
    rng : numpy.random.Generator
        Random generator of the names.

    Returns
    -------
    names, emails : numpy.ndarray
        Object arrays of strings, one entry per person.
    """
    n = loc.size
    names, prefixes, offsets, sizes = _name_pools()
    cultures = list(CULTURES)
    loc_culture = np.array([cultures.index(x.culture) for x in locations], np.int64)
    weights = np.array([c.weight for c in CULTURES.values()], dtype=np.float64)
    local = rng.random(n) < 0.8
    culture = np.where(
        local,
        loc_culture[loc],
        rng.choice(len(cultures), size=n, p=weights / weights.sum()),
    )
    idx = offsets[culture] + (rng.random(n) * sizes[culture]).astype(np.int64)
    name_col = np.array(names, dtype=object)[idx]
    prefix = np.array(prefixes, dtype=object)[idx].tolist()
    emails = np.array(
        [f"{p}{i}@example.com" for p, i in zip(prefix, range(1, n + 1), strict=True)],
        dtype=object,
    )
    return name_col, emails


def draw_languages(
    loc: IntArray, locations: tuple[Location, ...], rng: np.random.Generator
) -> ObjArray:
    """Office languages, English for most, a second foreign language for some.

    Parameters
    ----------
    loc : numpy.ndarray
        Office index (into ``locations``) per person.
    locations : tuple of Location
        The offices of the organization.
    rng : numpy.random.Generator
        Random generator of the languages.

    Returns
    -------
    numpy.ndarray
        ``languages`` cells (``"german; english"``), one per person.
    """
    pool: list[str] = []
    p_en = np.empty(len(locations))
    for i, x in enumerate(locations):
        base = list(x.languages)
        eng = base if "english" in base else [*base, "english"]
        extra = [x.extra] if x.extra and x.extra not in eng else []
        pool += ["; ".join(base), "; ".join(eng), "; ".join(base + extra)]
        pool.append("; ".join(eng + extra))
        p_en[i] = 1.0 if "english" in base else x.p_english
    n = loc.size
    speaks_en = rng.random(n) < p_en[loc]
    speaks_extra = rng.random(n) < 0.12
    code = 4 * loc + speaks_en.astype(np.int64) + 2 * speaks_extra.astype(np.int64)
    result: ObjArray = np.array(pool, dtype=object)[code]
    return result


def _dedupe_rows(tokens: IntArray, keep: BoolArray) -> BoolArray:
    """Drop repeated tokens within a row (keep the first occurrence)."""
    keep = keep.copy()
    for j in range(1, tokens.shape[1]):
        dup = (tokens[:, :j] == tokens[:, j : j + 1]) & keep[:, :j]
        keep[:, j] &= ~dup.any(axis=1)
    return keep


def _join_rows(codes: IntArray, keep: BoolArray, pool: Sequence[str]) -> ObjArray:
    """Join ``pool[code]`` over the kept cells of each row with ``"; "``.

    Works column-wise on groups of rows with the same count, so the Python work is
    a ``zip`` over object arrays instead of a loop over cells.
    """
    m = codes.shape[0]
    order = np.argsort(~keep, axis=1, kind="stable")  # kept cells first, in order
    codes = np.take_along_axis(codes, order, axis=1)
    count = keep.sum(axis=1)
    pool_arr = np.array(list(pool), dtype=object)
    out = np.full(m, "", dtype=object)
    for k in range(1, codes.shape[1] + 1):
        rows = np.flatnonzero(count == k)
        if rows.size == 0:
            continue
        parts = [pool_arr[codes[rows, j]] for j in range(k)]
        if k == 1:
            out[rows] = parts[0]
        else:
            out[rows] = list(map("; ".join, zip(*parts, strict=True)))
    return out


def _pick_counts(
    rng: np.random.Generator, m: int, probs: Sequence[float], width: int
) -> BoolArray:
    """Boolean (m, width) mask with a random count per row (probs for 1, 2, ...)."""
    p = np.zeros(width)
    p[: len(probs)] = probs
    k = rng.choice(np.arange(1, width + 1), size=m, p=p / p.sum())
    return np.arange(width)[None, :] < k[:, None]


def _skill_codes(
    rng: np.random.Generator,
    p_digital: FloatArray,
    p_career: FloatArray,
    dept: IntArray,
    n_dept: int,
    width: int,
) -> tuple[IntArray, IntArray]:
    """Token ids and pool (0 digital, 1 career, 2 domain) for ``width`` slots/row."""
    m = p_digital.size
    nd, nc = len(DIGITAL_SKILLS), len(CAREER_SKILLS)
    zipf_d = 1.0 / np.arange(1, nd + 1) ** 0.6
    zipf_c = 1.0 / np.arange(1, nc + 1) ** 0.6
    dom_len = np.array([len(d[2]) for d in DEPARTMENTS], dtype=np.int64)
    dom_start = nd + nc + np.concatenate([[0], np.cumsum(dom_len)[:-1]])
    # the chief executive (-1) draws domain skills of a random department
    dept = np.where(dept < 0, rng.integers(0, n_dept, size=m), dept)
    u = rng.random((m, width))
    kind = np.where(
        u < p_digital[:, None], 0, np.where(u < (p_digital + p_career)[:, None], 1, 2)
    )
    digital = rng.choice(nd, size=(m, width), p=zipf_d / zipf_d.sum())
    career = nd + rng.choice(nc, size=(m, width), p=zipf_c / zipf_c.sum())
    domain = dom_start[dept][:, None] + (
        rng.random((m, width)) * dom_len[dept][:, None]
    ).astype(np.int64)
    token = np.choose(kind, [digital, career, domain])
    return token.astype(np.int64), kind.astype(np.int64)


def draw_skills(
    seniority: IntArray,
    lead: FloatArray,
    motive: FloatArray,
    dept: IntArray,
    n_dept: int,
    rng: np.random.Generator,
) -> tuple[ObjArray, ObjArray]:
    """``skills_offered`` and ``skills_wanted`` cells (``token:level``).

    ``lead`` (from seniority) sets how good people are at a topic; ``motive``
    (seniority blended with the role they signed up for) decides whether they offer
    or want digital skills or career topics.

    Parameters
    ----------
    seniority : numpy.ndarray
        Grade 1–10 per participant.
    lead : numpy.ndarray
        Leadership 0..1 per participant (see ``leadership``).
    motive : numpy.ndarray
        0 (wants digital skills offered) .. 1 (wants career topics) per participant.
    dept : numpy.ndarray
        Department index per participant (-1 for the chief executive).
    n_dept : int
        Number of functional departments.
    rng : numpy.random.Generator
        Random generator of the skills.

    Returns
    -------
    offered, wanted : numpy.ndarray
        Object arrays of cells, one entry per participant.
    """
    m = seniority.size
    vocab = list(DIGITAL_SKILLS) + list(CAREER_SKILLS)
    vocab += [s for d in DEPARTMENTS for s in d[2]]
    pool = [f"{tok}:{lvl}" for tok in vocab for lvl in range(1, 6)]
    width = 5
    junior = 1.0 - lead

    # offered: juniors digital, leaders career, a little domain expertise
    p_dig = 0.85 * (0.05 + 0.9 * (1.0 - motive))
    p_car = 0.85 - p_dig
    token, kind = _skill_codes(rng, p_dig, p_car, dept, n_dept, width)
    base = np.choose(
        kind,
        [
            (1.5 + 3.5 * junior)[:, None],
            (1.5 + 3.5 * lead)[:, None],
            (2.5 + 1.5 * (seniority - 1) / 9.0)[:, None],
        ],
    )
    level = np.clip(np.rint(base + rng.normal(0.0, 0.8, (m, width))), 1, 5)
    keep = _dedupe_rows(token, _pick_counts(rng, m, (0.0, 0.3, 0.35, 0.2, 0.15), width))
    offered = _join_rows(token * 5 + level.astype(np.int64) - 1, keep, pool)

    # wanted: the other way round, target level 2-4 mostly
    p_dig = 0.9 * (0.05 + 0.9 * motive)
    p_car = 0.9 - p_dig
    token, _ = _skill_codes(rng, p_dig, p_car, dept, n_dept, width)
    level = np.clip(np.rint(3.0 + rng.normal(0.0, 0.9, (m, width))), 1, 5)
    keep = _dedupe_rows(token, _pick_counts(rng, m, (0.25, 0.35, 0.25, 0.15), width))
    wanted = _join_rows(token * 5 + level.astype(np.int64) - 1, keep, pool)
    return offered, wanted


def _clustered(
    lead: FloatArray,
    clusters: tuple[tuple[str, ...], ...],
    cluster_p: tuple[Sequence[float], Sequence[float]],
    *,
    counts: Sequence[float],
    p_in_cluster: float,
    rng: np.random.Generator,
) -> ObjArray:
    """Set cells drawn mostly from one latent cluster per person.

    The cluster is drawn from ``cluster_p[1]`` with probability ``lead`` (leaders)
    and from ``cluster_p[0]`` otherwise; ``counts`` are the probabilities of 1, 2, ...
    tokens; each token comes from the person's cluster with ``p_in_cluster``.
    """
    p_junior, p_leader = cluster_p
    m = lead.size
    n_clusters, size = len(clusters), len(clusters[0])
    vocab = [tok for c in clusters for tok in c]
    width = len(counts)
    pj = np.asarray(p_junior, dtype=np.float64)
    pl = np.asarray(p_leader, dtype=np.float64)
    as_leader = rng.random(m) < lead
    cluster = np.where(
        as_leader,
        rng.choice(n_clusters, size=m, p=pl / pl.sum()),
        rng.choice(n_clusters, size=m, p=pj / pj.sum()),
    )
    inside = cluster[:, None] * size + rng.integers(0, size, size=(m, width))
    anywhere = rng.integers(0, len(vocab), size=(m, width))
    token = np.where(rng.random((m, width)) < p_in_cluster, inside, anywhere)
    keep = _dedupe_rows(token, _pick_counts(rng, m, counts, width))
    return _join_rows(token, keep, vocab)


def draw_interests(lead: FloatArray, rng: np.random.Generator) -> ObjArray:
    """``interests`` cells: 1–4 tokens, mostly from one of `INTEREST_CLUSTERS`.

    Parameters
    ----------
    lead : numpy.ndarray
        Leadership 0..1 per participant: the chance of a leader's cluster.
    rng : numpy.random.Generator
        Random generator of the interests.

    Returns
    -------
    numpy.ndarray
        Object array of cells, one per participant.
    """
    return _clustered(
        lead,
        INTEREST_CLUSTERS,
        (_INTEREST_P_JUNIOR, _INTEREST_P_LEADER),
        counts=(0.15, 0.35, 0.3, 0.2),
        p_in_cluster=0.8,
        rng=rng,
    )


def draw_goals(motive: FloatArray, rng: np.random.Generator) -> ObjArray:
    """``goals`` cells: 1–3 tokens, mostly from one of `GOAL_CLUSTERS`.

    Parameters
    ----------
    motive : numpy.ndarray
        0..1 per participant: the chance of a leader's (digital) goal cluster.
    rng : numpy.random.Generator
        Random generator of the goals.

    Returns
    -------
    numpy.ndarray
        Object array of cells, one per participant.
    """
    return _clustered(
        motive,
        GOAL_CLUSTERS,
        (_GOAL_P_JUNIOR, _GOAL_P_LEADER),
        counts=(0.35, 0.45, 0.2),
        p_in_cluster=0.8,
        rng=rng,
    )


def draw_availability(lead: FloatArray, rng: np.random.Generator) -> ObjArray:
    """2–4 weekly slots on distinct weekdays, local time, shaped by seniority.

    Parameters
    ----------
    lead : numpy.ndarray
        Leadership 0..1 per participant: leaders get early or late slots, the
        others lunch or after work.
    rng : numpy.random.Generator
        Random generator of the availability.

    Returns
    -------
    numpy.ndarray
        ``availability`` cells (``"Mon 12:00-13:00; Thu 17:00-18:00"``).
    """
    m = lead.size
    groups = (_LEADER_SLOTS, _JUNIOR_SLOTS, _OFFICE_SLOTS)
    templates = [t for g in groups for t in g]
    offsets = np.cumsum([0] + [len(g) for g in groups])
    n_t = len(templates)

    def fmt(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    pool = [f"{day} {fmt(a)}-{fmt(b)}" for day in _DAYS for a, b in templates]
    width = 4
    days = np.sort(np.argsort(rng.random((m, len(_DAYS))), axis=1)[:, :width], axis=1)
    keep_any = _pick_counts(rng, m, (0.0, 0.45, 0.35, 0.2), width)
    # which days to keep: a random subset of the sorted candidate days
    pick = np.argsort(rng.random((m, width)), axis=1)
    keep = np.take_along_axis(keep_any, np.argsort(pick, axis=1), axis=1)
    own = np.where(rng.random(m) < lead, 0, 1)
    office = rng.random((m, width)) < 0.25
    group = np.where(office, 2, own[:, None])
    size = np.array([len(g) for g in groups], dtype=np.int64)
    template = offsets[group] + (rng.random((m, width)) * size[group]).astype(np.int64)
    return _join_rows(days * n_t + template, keep, pool)


def draw_capacity(
    role: IntArray, lo: int, hi: int, rng: np.random.Generator
) -> ObjArray:
    """Capacity cells: mentors and ``both`` ``lo``..``hi``, mentees 1.

    Parameters
    ----------
    role : numpy.ndarray
        Role code per participant (1 mentor, 2 mentee, 3 both).
    lo, hi : int
        Inclusive range of a mentor's capacity.
    rng : numpy.random.Generator
        Random generator of the capacities.

    Returns
    -------
    numpy.ndarray
        Object array of decimal strings, one per participant.
    """
    cap = rng.integers(lo, hi + 1, size=role.size)
    cap = np.where(role == 2, 1, cap)
    return np.array([str(i) for i in range(hi + 1)], dtype=object)[cap]

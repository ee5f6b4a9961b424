"""The report's tables, computed from plain data (pairs, participants, ...).

Every function takes DataFrames and returns a DataFrame; nothing here knows about
[`Matching`][rmatch.result.Matching]. Group-bys and merges only: no per-person Python
on the hot path.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

#: Group label of a blank or missing value.
BLANK = "(blank)"
#: Seniority band of an unknown seniority.
UNKNOWN = "(unknown)"
#: Groupings of the coverage table, in order, with the participants column each reads.
GROUPINGS = (
    ("role", "role"),
    ("department", "department"),
    ("seniority", "seniority_band"),
    ("location", "location"),
)
#: Statuses of a participant in [`Report.people`][rmatch.report.Report].
MATCHED, UNMATCHED = "matched", "unmatched"


def _text(column: pd.Series) -> np.ndarray:
    """A text column with blanks (``""``, NaN, None) as ``(blank)``.

    Each distinct value is stripped once (a department column has a few dozen).
    """
    values = column.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values)
    if not all(type(u) is str for u in uniques.tolist()):  # 1, 1.0, True: one key
        text = np.array([str(v) for v in values.tolist()], dtype=object)
        codes, uniques = pd.factorize(np.where(pd.isna(values), "", text))
    labels = [str(u).strip() or BLANK for u in uniques] + [BLANK]  # -1: missing
    return np.asarray(labels, dtype=object)[codes]


def seniority_bands(seniority: pd.Series, max_bands: int = 6) -> pd.Series:
    """Label each seniority with a band: its value, or an equal-width range.

    Parameters
    ----------
    seniority : pandas.Series
        Numbers, NaN when unknown.
    max_bands : int, default 6
        At most this many distinct values are kept as they are; more are grouped
        into ``max_bands`` equal-width ranges (``"1–3"``).

    Returns
    -------
    pandas.Series
        Text labels; ``(unknown)`` for NaN.

    Examples
    --------
    >>> seniority_bands(pd.Series([1.0, 2.0, float("nan")])).tolist()
    ['1', '2', '(unknown)']
    >>> seniority_bands(pd.Series(range(1, 11)), max_bands=2).tolist()[::5]
    ['1–5.5', '5.5–10']
    """
    s = pd.to_numeric(seniority, errors="coerce").astype(np.float64)
    known = s.dropna()
    out = pd.Series(UNKNOWN, index=s.index, dtype=object)
    if known.empty:
        return out
    distinct = np.unique(known.to_numpy())
    if distinct.size <= max_bands:  # one label per distinct value
        labels = np.array([f"{v:g}" for v in distinct.tolist()], dtype=object)
        out[s.notna()] = labels[np.searchsorted(distinct, known.to_numpy())]
        return out
    edges = np.linspace(distinct[0], distinct[-1], max_bands + 1)
    codes = np.clip(
        np.searchsorted(edges, known.to_numpy(), side="right") - 1, 0, max_bands - 1
    )
    labels = np.array(
        [f"{edges[i]:g}–{edges[i + 1]:g}" for i in range(max_bands)], dtype=object
    )
    out[s.notna()] = labels[codes]
    return out


def people_status(pairs: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """One row per participant: groups, ``status`` and number of pairs.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``mentor_id`` and ``mentee_id``.
    participants : pandas.DataFrame
        ``id`` and ``role``; ``department``, ``location`` and ``seniority`` when known.

    Returns
    -------
    pandas.DataFrame
        ``id``, ``role``, ``department``, ``location``, ``seniority``,
        ``seniority_band``, ``status`` (``matched`` or ``unmatched``), ``pairs``,
        ``as_mentor`` and ``as_mentee`` (pairs on each side).
    """
    n = len(participants)
    ids = participants["id"].astype(str)
    mentor_count = pairs["mentor_id"].astype(str).value_counts()
    mentee_count = pairs["mentee_id"].astype(str).value_counts()
    as_mentor = ids.map(mentor_count).fillna(0).astype(np.int64)
    as_mentee = ids.map(mentee_count).fillna(0).astype(np.int64)
    out = pd.DataFrame({"id": ids.to_numpy(), "role": _text(participants["role"])})
    for column in ("department", "location"):
        out[column] = (
            _text(participants[column])
            if column in participants
            else np.full(n, BLANK, dtype=object)
        )
    seniority = (
        pd.to_numeric(participants["seniority"], errors="coerce")
        if "seniority" in participants
        else pd.Series(np.full(n, np.nan))
    )
    out["seniority"] = seniority.to_numpy(dtype=np.float64)
    out["seniority_band"] = seniority_bands(seniority).to_numpy()
    total = (as_mentor + as_mentee).to_numpy()
    out["status"] = np.where(total > 0, MATCHED, UNMATCHED)
    out["pairs"] = total
    out["as_mentor"] = as_mentor.to_numpy()
    out["as_mentee"] = as_mentee.to_numpy()
    return out


def _mentee_side(role: pd.Series) -> np.ndarray:
    out: np.ndarray = role.isin(["mentee", "both"]).to_numpy()
    return out


def coverage(people: pd.DataFrame) -> pd.DataFrame:
    """Coverage overall and by role, department, seniority band and location.

    Parameters
    ----------
    people : pandas.DataFrame
        The table of [`people_status()`][rmatch.report.people_status].

    Returns
    -------
    pandas.DataFrame
        ``by`` (``all``, ``role``, ``department``, ``seniority``, ``location``),
        ``group``, ``participants``, ``matched``, ``unmatched``, ``coverage``
        (matched / participants), ``mentees``, ``mentees_matched`` and
        ``mentee_coverage`` (people on the mentee side with a mentor). Within each
        ``by`` the rows add up to the ``all`` row; groups are sorted by size, then
        name (seniority bands by seniority).
    """
    frame = pd.DataFrame(
        {
            "matched": (people["status"] == MATCHED).to_numpy(dtype=np.int64),
            "mentees": _mentee_side(people["role"]).astype(np.int64),
        }
    )
    frame["participants"] = 1
    frame["unmatched"] = 1 - frame["matched"]
    frame["mentees_matched"] = frame["mentees"] * (people["as_mentee"].to_numpy() > 0)
    counts = ["participants", "matched", "unmatched", "mentees", "mentees_matched"]
    parts = [
        pd.DataFrame([{"by": "all", "group": "all", **frame[counts].sum().to_dict()}])
    ]
    for by, column in GROUPINGS:
        if column not in people:
            continue
        grouped = frame[counts].groupby(people[column].to_numpy(), sort=False).sum()
        grouped = grouped.rename_axis("group").reset_index()
        if by == "seniority":  # bands in order of seniority, unknown last
            low = pd.to_numeric(grouped["group"].str.split("–").str[0], errors="coerce")
            grouped = grouped.iloc[np.lexsort((grouped["group"], low.fillna(np.inf)))]
        else:
            grouped = grouped.sort_values(
                ["participants", "group"], ascending=[False, True], kind="mergesort"
            )
        grouped.insert(0, "by", by)
        parts.append(grouped)
    out = pd.concat(parts, ignore_index=True)
    for c in counts:
        out[c] = out[c].astype(np.int64)
    out["group"] = out["group"].astype(str)
    out["coverage"] = _share(out["matched"], out["participants"])
    out["mentee_coverage"] = _share(out["mentees_matched"], out["mentees"])
    cols = ["by", "group", "participants", "matched", "unmatched", "coverage"]
    return out[[*cols, "mentees", "mentees_matched", "mentee_coverage"]]


def _share(part: Any, whole: Any) -> np.ndarray:
    a = np.asarray(part, dtype=np.float64)
    b = np.asarray(whole, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        out: np.ndarray = np.where(b > 0, a / np.where(b > 0, b, 1.0), np.nan)
    return out


def score_distribution(scores: pd.Series, bins: int = 10) -> pd.DataFrame:
    """Histogram of the pair scores.

    Parameters
    ----------
    scores : pandas.Series
    bins : int, default 10
        Equal-width bins over ``[0, 1]`` (wider when a score lies outside).

    Returns
    -------
    pandas.DataFrame
        ``bin`` (``"0.4–0.5"``), ``low``, ``high``, ``pairs``, ``share``.

    Examples
    --------
    >>> score_distribution(pd.Series([0.05, 0.5, 0.55]), bins=2)["pairs"].tolist()
    [1, 2]
    """
    values = pd.to_numeric(scores, errors="coerce").dropna().to_numpy(dtype=np.float64)
    low = min(0.0, float(values.min())) if values.size else 0.0
    high = max(1.0, float(values.max())) if values.size else 1.0
    counts, edges = np.histogram(values, bins=bins, range=(low, high))
    return pd.DataFrame(
        {
            "bin": [f"{edges[i]:.2g}–{edges[i + 1]:.2g}" for i in range(bins)],
            "low": edges[:-1],
            "high": edges[1:],
            "pairs": counts.astype(np.int64),
            "share": _share(counts, values.size),
        }
    )


def criterion_contributions(
    pairs: pd.DataFrame, weights: Mapping[str, float]
) -> pd.DataFrame:
    """What each criterion adds to the pair scores.

    A pair's score is the weighted mean of its criteria that have data:
    ``sum(w_c * s_c) / sum(w_c)`` over the criteria with a value. The contribution of
    a criterion to a pair is its term ``w_c * s_c / sum(w_c)``; the terms add up to
    the score (soft-rule bonuses, if any, are the row ``(other)``).

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``score`` and one column per criterion.
    weights : mapping of str to float
        Criterion column -> weight, the program's criteria.

    Returns
    -------
    pandas.DataFrame
        ``criterion``, ``weight``, ``mean`` (mean value over the pairs where it has
        data), ``answered`` (share of pairs with data), ``contribution`` (mean term
        per pair) and ``share`` (of the mean score).
    """
    names = [c for c in weights if c in pairs]
    w = np.array([float(weights[c]) for c in names], dtype=np.float64)
    values = (
        pairs[names].to_numpy(dtype=np.float64) if names else np.zeros((len(pairs), 0))
    )
    ok = ~np.isnan(values)
    den = (ok * w).sum(axis=1)
    terms = np.where(ok, values, 0.0) * w / np.where(den > 0, den, 1.0)[:, None]
    n = max(len(pairs), 1)
    mean_score = float(pairs["score"].mean()) if len(pairs) else np.nan
    with np.errstate(invalid="ignore"):
        means = np.where(ok, values, 0.0).sum(axis=0) / np.maximum(ok.sum(axis=0), 1)
    rows = pd.DataFrame(
        {
            "criterion": names,
            "weight": w,
            "mean": np.where(ok.sum(axis=0) > 0, means, np.nan),
            "answered": ok.sum(axis=0) / n
            if len(pairs)
            else np.full(len(names), np.nan),
            "contribution": terms.sum(axis=0) / n,
        }
    )
    rest = (pairs["score"].to_numpy(dtype=np.float64).sum() - terms.sum()) / n
    if len(pairs) and abs(rest) > 1e-6:
        other = {
            "criterion": "(other)",
            "weight": np.nan,
            "mean": np.nan,
            "answered": np.nan,
            "contribution": rest,
        }
        rows = pd.concat([rows, pd.DataFrame([other])], ignore_index=True)
    rows["share"] = _share(rows["contribution"], np.full(len(rows), mean_score))
    return rows


def mix(pairs: pd.DataFrame, people: pd.DataFrame, *, reverse: bool) -> pd.DataFrame:
    """Cross-department and cross-location shares; junior mentors in reverse mode.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``mentor_id`` and ``mentee_id``.
    people : pandas.DataFrame
        [`people_status()`][rmatch.report.people_status] (department, location,
        seniority by id).
    reverse : bool
        Reverse mentoring: add the share of pairs where the mentor is junior.

    Returns
    -------
    pandas.DataFrame
        ``measure``, ``pairs`` (pairs where it holds), ``known`` (pairs where both
        values are known) and ``share`` (pairs / known).
    """
    index = pd.Index(people["id"])
    if not index.is_unique:  # the same error as a lookup by id would give
        raise ValueError("people has repeated ids")
    mentor = index.get_indexer(pairs["mentor_id"].astype(str))
    mentee = index.get_indexer(pairs["mentee_id"].astype(str))

    def values(column: str, at: np.ndarray, missing: Any) -> np.ndarray:
        column_values = people[column].to_numpy(dtype=object)
        known = np.append(
            np.where(pd.isna(column_values), missing, column_values), missing
        )
        out: np.ndarray = known[at]  # -1 (not a participant): the appended missing
        return out

    rows = []
    for measure, column in (
        ("cross-department", "department"),
        ("cross-location", "location"),
    ):
        a = values(column, mentor, BLANK)
        b = values(column, mentee, BLANK)
        known = (a != BLANK) & (b != BLANK)
        rows.append((measure, int((known & (a != b)).sum()), int(known.sum())))
    if reverse:
        sa = values("seniority", mentor, np.nan).astype(np.float64)
        sb = values("seniority", mentee, np.nan).astype(np.float64)
        known_s = ~np.isnan(sa) & ~np.isnan(sb)
        with np.errstate(invalid="ignore"):
            junior = int((known_s & (sa < sb)).sum())
        rows.append(("mentor junior", junior, int(known_s.sum())))
    out = pd.DataFrame(rows, columns=["measure", "pairs", "known"])
    out["share"] = _share(out["pairs"], out["known"])
    return out


def skills_covered(
    pairs: pd.DataFrame, people: pd.DataFrame, skills: pd.DataFrame
) -> pd.DataFrame:
    """Skills wanted by mentees against skills their assigned mentors offer.

    Parameters
    ----------
    pairs : pandas.DataFrame
        ``mentor_id`` and ``mentee_id``.
    people : pandas.DataFrame
        [`people_status()`][rmatch.report.people_status] (``role`` and
        ``as_mentee`` by id).
    skills : pandas.DataFrame
        Long form: ``id``, ``kind`` (``wanted`` or ``offered``), ``skill``.

    Returns
    -------
    pandas.DataFrame
        ``skill``, ``wanted`` (people on the mentee side who want it),
        ``wanted_matched`` (of them, those with a mentor), ``covered`` (of those, with
        a mentor who offers it) and ``coverage`` (covered / wanted_matched). Sorted by
        ``wanted``, then skill.
    """
    cols = ["skill", "wanted", "wanted_matched", "covered", "coverage"]
    if skills.empty:
        return pd.DataFrame(columns=cols)
    skills = skills[skills["skill"].notna() & skills["id"].notna()]
    mentee_side = people.loc[_mentee_side(people["role"]), ["id", "as_mentee"]]
    ids = pd.Index(people["id"].astype(str).unique())
    names, codes = _codes(skills["skill"])
    person = ids.get_indexer(skills["id"].astype(str))
    kind = skills["kind"].to_numpy()
    side = np.zeros(len(ids), dtype=bool)
    side[ids.get_indexer(mentee_side["id"].astype(str))] = True
    matched = np.zeros(len(ids), dtype=bool)
    matched[ids.get_indexer(mentee_side["id"].astype(str))] = (
        mentee_side["as_mentee"].to_numpy() > 0
    )
    # (person, skill) entries, each counted once
    wanted = (kind == "wanted") & (person >= 0)
    wanted &= side[np.where(person >= 0, person, 0)]
    w_person, w_skill = _unique_pairs(person[wanted], codes[wanted], len(names))
    offered = (kind == "offered") & (person >= 0)
    shape = (len(ids), len(names))
    offers = sp.csr_matrix(
        (np.ones(int(offered.sum())), (person[offered], codes[offered])), shape=shape
    )
    mentor = ids.get_indexer(pairs["mentor_id"].astype(str))
    mentee = ids.get_indexer(pairs["mentee_id"].astype(str))
    known = (mentor >= 0) & (mentee >= 0)
    links = sp.csr_matrix(
        (np.ones(int(known.sum())), (mentee[known], mentor[known])),
        shape=(len(ids), len(ids)),
    )
    # how many of each mentee's mentors offer each skill, read at the wanted entries
    reach = (links @ offers).tocoo()
    width = max(len(names), 1)
    covered = np.isin(
        w_person * width + w_skill,
        reach.row.astype(np.int64)[reach.data > 0] * width + reach.col[reach.data > 0],
    )
    table = pd.DataFrame(
        {
            "skill": names,
            "wanted": np.bincount(w_skill, minlength=len(names)),
            "wanted_matched": np.bincount(
                w_skill, weights=matched[w_person], minlength=len(names)
            ),
            "covered": np.bincount(
                w_skill, weights=covered & matched[w_person], minlength=len(names)
            ),
        }
    )
    table = table[table["wanted"] > 0]
    for c in ("wanted", "wanted_matched", "covered"):
        table[c] = table[c].astype(np.int64)
    table["coverage"] = _share(table["covered"], table["wanted_matched"])
    table = table.sort_values(
        ["wanted", "skill"], ascending=[False, True], kind="mergesort"
    )
    return table[cols].reset_index(drop=True)


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values (as text) and each value's code."""
    codes, names = pd.factorize(values.astype(str))
    return np.asarray(names, dtype=object), codes.astype(np.int64)


def _unique_pairs(
    a: np.ndarray, b: np.ndarray, n_b: int
) -> tuple[np.ndarray, np.ndarray]:
    """Distinct ``(a, b)`` pairs of two integer arrays."""
    keys = np.unique(a.astype(np.int64) * max(n_b, 1) + b)
    return keys // max(n_b, 1), keys % max(n_b, 1)


def reasons(
    unmatched: pd.DataFrame,
    rejected: pd.DataFrame,
    labels: Mapping[str, str],
    not_participating: str = "not_participating",
) -> pd.DataFrame:
    """Counts of the unmatched (and rejected rows) by reason code.

    Returns
    -------
    pandas.DataFrame
        ``status`` (``unmatched``, ``rejected`` or ``not participating``),
        ``reason_code``, ``reason`` (a short label) and ``people``; most frequent
        first within each status.
    """
    parts = []
    if len(unmatched):
        parts.append(
            pd.DataFrame({"status": UNMATCHED, "reason_code": unmatched["reason_code"]})
        )
    if len(rejected):
        codes = rejected["reason_code"].astype(str)
        status = np.where(codes == not_participating, "not participating", "rejected")
        parts.append(pd.DataFrame({"status": status, "reason_code": codes}))
    cols = ["status", "reason_code", "reason", "people"]
    if not parts:
        return pd.DataFrame(columns=cols)
    frame = pd.concat(parts, ignore_index=True)
    frame["reason_code"] = frame["reason_code"].astype(str)
    sizes = frame.groupby(["status", "reason_code"], sort=False).size()
    out = sizes.rename("people").reset_index()
    order = {UNMATCHED: 0, "rejected": 1, "not participating": 2}
    out = out.assign(_o=out["status"].map(order)).sort_values(
        ["_o", "people", "reason_code"], ascending=[True, False, True], kind="mergesort"
    )
    out["reason"] = [labels.get(c, c) for c in out["reason_code"]]
    out["people"] = out["people"].astype(np.int64)
    result: pd.DataFrame = out[cols].reset_index(drop=True)
    return result


def capacity_use(people: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """Slots offered and used on each side.

    Parameters
    ----------
    people : pandas.DataFrame
        [`people_status()`][rmatch.report.people_status].
    participants : pandas.DataFrame
        ``mentor_capacity`` and ``mentee_capacity`` (the capacities in force,
        defaults applied), aligned with ``people``.

    Returns
    -------
    pandas.DataFrame
        ``side`` (``mentor``, ``mentee``), ``people``, ``slots`` (sum of
        capacities), ``used`` (pairs), ``use`` (used / slots), ``full`` (people at
        capacity) and ``idle`` (people with capacity and no pair).
    """
    rows = []
    roles = people["role"]
    for side, column, load, members in (
        ("mentor", "mentor_capacity", "as_mentor", roles.isin(["mentor", "both"])),
        ("mentee", "mentee_capacity", "as_mentee", roles.isin(["mentee", "both"])),
    ):
        mask = members.to_numpy()
        used = people[load].to_numpy(dtype=np.int64)[mask]
        if column in participants:
            cap = pd.to_numeric(participants[column], errors="coerce").to_numpy(
                np.float64
            )[mask]
            slots = float(np.nansum(cap))
            full = int(np.count_nonzero((cap > 0) & (used >= cap)))
            idle = int(np.count_nonzero((cap > 0) & (used == 0)))
        else:
            slots, full, idle = np.nan, 0, int(np.count_nonzero(used == 0))
        rows.append((side, int(mask.sum()), slots, int(used.sum()), full, idle))
    out = pd.DataFrame(
        rows, columns=["side", "people", "slots", "used", "full", "idle"]
    )
    out.insert(4, "use", _share(out["used"], out["slots"]))
    return out


def matching_figures(
    pairs: pd.DataFrame, people: pd.DataFrame, *, reverse: bool
) -> dict[str, float]:
    """Headline figures of a set of pairs (for the side-by-side comparison)."""
    mentee_side = people.loc[_mentee_side(people["role"]), "id"]
    matched = pairs["mentee_id"].astype(str)
    score = pd.to_numeric(pairs["score"], errors="coerce") if "score" in pairs else None
    shares = mix(pairs, people, reverse=reverse).set_index("measure")["share"]
    out: dict[str, float] = {
        "pairs": float(len(pairs)),
        "mentees matched": float(mentee_side.isin(matched).sum()),
        "mentors used": float(pairs["mentor_id"].nunique()),
        "total score": float(score.sum()) if score is not None else np.nan,
        "mean score": float(score.mean())
        if score is not None and len(pairs)
        else np.nan,
    }
    out.update({f"{k} share": float(v) for k, v in shares.items()})
    return out

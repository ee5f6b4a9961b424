"""What a report needs from a matching, as plain data.

[`rmatch.report`][rmatch.report] sits below this package and never sees a
[`Matching`][rmatch.result.Matching]: [`report_inputs()`][rmatch.result.report_inputs]
turns one into the participants table, the skills (long form), the criterion
weights, the reason labels and one explanation text per pair;
[`report_section()`][rmatch.result.report_section] is the same as JSON-safe data (the
``report`` part of [`Matching.to_records()`][rmatch.result.Matching.to_records]).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from rmatch.result.export import to_json_safe
from rmatch.result.reasons import reason_label
from rmatch.scoring import criterion_label

if TYPE_CHECKING:
    from rmatch.people import People

#: A [`Matching`][rmatch.result.Matching] (not imported: it imports this module).
Matching = Any

__all__ = ["pair_explanations", "participants_frame", "report_inputs", "report_section"]

#: Participant columns copied from the input table when present.
_GROUP_COLUMNS = ("department", "location")


def participants_frame(matching: Matching) -> pd.DataFrame:
    """One row per participant: id, name, role, groups, seniority, capacities.

    Capacities are those in force (program defaults applied); NaN on the side a
    person is not on.
    """
    people, cs = matching.people, matching.candidates
    n = len(people)
    g = cs.graph
    mentor_cap = np.full(n, np.nan)
    mentee_cap = np.full(n, np.nan)
    mentor_cap[cs.mentors] = g.left_capacity
    mentee_cap[cs.mentees] = g.right_capacity
    keep = np.flatnonzero(people.is_participant)
    ids = people.ids[keep].astype(str)
    order = np.argsort(ids, kind="stable")  # by id
    keep, ids = keep[order], ids[order]
    table = people.table

    def column_of(name: str) -> np.ndarray:
        out: np.ndarray = table[name].iloc[keep].to_numpy(dtype=object)  # rows first
        return out

    frame = pd.DataFrame(
        {
            "id": ids,
            "name": column_of("name") if "name" in table else ids,
            "role": people.roles[keep].astype(str),
        }
    )
    for column in _GROUP_COLUMNS:
        if column in table:
            frame[column] = column_of(column)
    frame["seniority"] = people.seniority[keep]
    frame["mentor_capacity"] = mentor_cap[keep]
    frame["mentee_capacity"] = mentee_cap[keep]
    return frame


def skills_frame(people: People) -> pd.DataFrame:
    """Skills of the participants in long form: ``id``, ``kind``, ``skill``.

    Sorted by id, kind, skill (not by row or vocabulary order: the same people give
    the same JSON).
    """
    participant = people.is_participant
    members = np.flatnonzero(participant)
    ids = np.asarray([str(i) for i in people.ids[members].tolist()], dtype=object)
    id_rank = np.zeros(len(people), dtype=np.int64)
    id_rank[members[np.argsort(ids, kind="stable")]] = np.arange(members.size)
    ids_of = np.empty(len(people), dtype=object)
    ids_of[members] = ids
    parts = []
    for code, name in enumerate(("skills_offered", "skills_wanted")):  # by kind
        field = people.sets.get(name)
        if field is None or field.matrix.nnz == 0:
            continue
        m = field.matrix.tocsr()
        rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
        keep = participant[rows]
        vocabulary = np.asarray(field.vocabulary, dtype=object)
        skill_rank = np.empty(vocabulary.size, dtype=np.int64)
        skill_rank[np.argsort(vocabulary.astype(str), kind="stable")] = np.arange(
            vocabulary.size
        )
        rows, tokens = rows[keep], m.indices[keep]
        parts.append((rows, np.full(rows.size, code), tokens, skill_rank, vocabulary))
    if not parts:
        return pd.DataFrame(columns=["id", "kind", "skill"])
    rows = np.concatenate([p[0] for p in parts])
    kinds = np.concatenate([p[1] for p in parts])
    ranks = np.concatenate([p[3][p[2]] for p in parts])
    skills = np.concatenate([p[4][p[2]] for p in parts])
    order = np.lexsort((ranks, kinds, id_rank[rows]))
    kind_names = np.array(["offered", "wanted"], dtype=object)
    return pd.DataFrame(
        {
            "id": ids_of[rows[order]],
            "kind": kind_names[kinds[order]],
            "skill": skills[order],
        }
    )


def pair_explanations(matching: Matching) -> list[str]:
    """One plain text per pair (rows of ``matching.pairs``): each criterion's value,
    weight, meaning and detail (no names, so it can be shared with ids only)."""
    people, pairs = matching.people, matching.pairs
    criteria = matching.criteria
    labels = [criterion_label(c) for c in criteria]
    mentors = people.positions(pairs["mentor_id"])
    mentees = people.positions(pairs["mentee_id"])
    values = (
        pairs[labels].to_numpy(dtype=np.float64)
        if labels
        else np.zeros((len(pairs), 0))
    )
    columns = []
    for c, crit in enumerate(criteria):
        weight = f" (weight {crit.weight:g}): "
        said: dict[float | None, str] = {}  # describe() once per distinct value
        texts = []
        for v, detail in zip(
            values[:, c].tolist(),
            crit.details(people, mentors, mentees),
            strict=True,
        ):
            key = None if v != v else v  # NaN
            text = said.get(key)
            if text is None:
                shown = "n/a" if key is None else f"{v:.2f}"
                text = said[key] = f"{labels[c]} {shown}{weight}{crit.describe(v)}"
            texts.append(f"{text} — {detail}" if detail else text)
        columns.append(texts)
    if not columns:
        return [""] * len(pairs)
    return ["\n".join(row) for row in zip(*columns, strict=True)]


def _reverse(matching: Matching) -> bool:
    return any(
        getattr(rule, "name", "") == "reverse_seniority"
        for rule in matching.candidates.rules
    )


def report_inputs(matching: Matching, *, explain: bool = True) -> dict[str, Any]:
    """The keyword arguments of [`build_report()`][rmatch.report.build_report].

    Parameters
    ----------
    matching : Matching
    explain : bool, default True
        Add one explanation text per pair.
    """
    cs = matching.candidates
    codes = sorted(set(matching.unmatched["reason_code"].astype(str)))
    weights = {criterion_label(c): float(c.weight) for c in matching.criteria}
    title = str(matching.program.get("program", {}).get("name") or "")
    return {
        "pairs": matching.pairs,
        "unmatched": matching.unmatched,
        "rejected": matching.rejected,
        "participants": participants_frame(matching),
        "weights": weights,
        "summary": matching.summary().to_dict(),
        "skills": skills_frame(matching.people),
        "reason_labels": {c: reason_label(c, cs.rules) for c in codes},
        "explanations": pair_explanations(matching) if explain else None,
        "reverse": _reverse(matching),
        "title": f"Mentoring program report: {title}"
        if title
        else "Mentoring program report",
    }


def _columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """A table as JSON-safe columns (NaN as None), without a per-cell recursion."""
    out: dict[str, list[Any]] = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_float_dtype(values):
            out[str(column)] = [
                None if v != v else v for v in values.to_numpy(np.float64).tolist()
            ]
        else:
            out[str(column)] = [
                None if v is None or v != v else str(v)
                for v in values.to_numpy(dtype=object).tolist()
            ]
    return out


def report_section(
    matching: Matching,
    *,
    explain: bool = True,
    inputs: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``report`` part of the JSON: what a report needs beyond the pairs.

    ``participants`` and ``skills`` (``id``, ``kind``, ``skill``) as columns (name
    -> list), ``weights``, ``reason_labels``, ``reverse``, ``title`` and
    ``explanations`` (one text per pair, or None).

    Parameters
    ----------
    matching : Matching
    explain : bool, default True
        Add one explanation text per pair.
    inputs : dict, optional
        What [`report_inputs()`][rmatch.result.report_inputs] returned for
        ``matching`` (then ``explain`` is theirs): one computation for both the
        page and the JSON, as ``rmatch match --json --report`` does.
    """
    data = report_inputs(matching, explain=explain) if inputs is None else inputs
    return {
        "participants": _columns(data["participants"]),
        "skills": _columns(data["skills"]),
        "weights": to_json_safe(data["weights"]),
        "reason_labels": data["reason_labels"],
        "reverse": bool(data["reverse"]),
        "title": data["title"],
        "explanations": data["explanations"],
    }

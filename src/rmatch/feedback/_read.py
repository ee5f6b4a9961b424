"""Read a feedback file: ``mentor_id, mentee_id``, a ``rating`` and/or a ``status``."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from rmatch.errors import DataQualityWarning, Issue, ValidationError
from rmatch.io import Source, read_raw
from rmatch.people import People

__all__ = ["FEEDBACK_COLUMNS", "STATUSES", "read_feedback"]

#: Columns of the table `read_feedback` returns.
FEEDBACK_COLUMNS = ("mentor_id", "mentee_id", "rating", "status", "comment")

#: Accepted statuses (case, spaces, hyphens and underscores do not matter).
STATUSES = ("continue", "end", "not a fit")

_ALIASES = {"continue": "continue", "end": "end", "not a fit": "not a fit"}


def _key(name: str) -> str:
    """``"Mentor ID"``, ``"mentor-id"`` -> ``mentor_id``."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


def _status_key(value: str) -> str:
    return re.sub(r"[\s\-_]+", " ", value.strip().lower())


def _columns(
    frame: pd.DataFrame, mapping: Mapping[str, str] | None, name: str
) -> dict[str, str]:
    """Canonical field -> column of the file (raises on a bad mapping or no columns)."""
    found: dict[str, str] = {}
    for col in frame.columns:
        found.setdefault(_key(str(col)), str(col))
    out = {f: found[f] for f in FEEDBACK_COLUMNS if f in found}
    issues: list[Issue] = []
    for field, column in dict(mapping or {}).items():
        if field not in FEEDBACK_COLUMNS:
            issues.append(
                Issue(
                    f"the feedback mapping names the unknown field {field!r}",
                    f"map columns onto {', '.join(FEEDBACK_COLUMNS)}",
                    file=name,
                    code="bad_mapping",
                )
            )
        elif str(column) not in frame.columns:
            issues.append(
                Issue(
                    f"the feedback mapping maps {field!r} onto the column {column!r}, "
                    "which is not in the file (columns: "
                    f"{', '.join(map(str, frame.columns)) or 'none'})",
                    "fix the column name in the mapping",
                    file=name,
                    column=str(column),
                    code="missing_column",
                )
            )
        else:
            out[field] = str(column)
    for c in ("mentor_id", "mentee_id"):
        if c not in out:
            issues.append(
                Issue(
                    f"the feedback file needs the column {c!r} (columns: "
                    f"{', '.join(map(str, frame.columns)) or 'none'})",
                    "name the columns mentor_id and mentee_id, or map them "
                    '(mapping={"mentor_id": "Mentor e-mail", ...})',
                    file=name,
                    column=c,
                    code="missing_column",
                )
            )
    if "rating" not in out and "status" not in out and not issues:
        issues.append(
            Issue(
                "the feedback file needs a 'rating' (1-5) or a 'status' column",
                "add a rating or a status (continue, end, not a fit) column",
                file=name,
                column="rating",
                code="missing_column",
            )
        )
    if issues:
        raise ValidationError(issues)
    return out


def read_feedback(
    source: Source,
    mapping: Mapping[str, str] | None = None,
    *,
    people: People | None = None,
    pairs: Iterable[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """Read feedback on a round's pairs.

    Parameters
    ----------
    source : path, bytes, DataFrame or records
        CSV, Excel or JSON with ``mentor_id``, ``mentee_id`` and a ``rating`` (1 to
        5) and/or a ``status`` (``continue``, ``end`` or ``not a fit``), optionally a
        ``comment``. Column names are matched ignoring case, spaces and hyphens
        (``Mentor ID`` works).
    mapping : dict, optional
        Field -> column of the file when the names differ, e.g.
        ``{"mentor_id": "Mentor e-mail", "rating": "How useful was it?"}``.
    people : People, optional
        This round's sign-ups: an id that is neither among them nor in ``pairs`` is
        an error (a typo in the feedback file).
    pairs : iterable of (str, str), optional
        The pairs of the round the feedback is about: feedback on a pair that was
        not matched is a warning, and its row is ignored.

    Returns
    -------
    pandas.DataFrame
        ``mentor_id``, ``mentee_id`` (text), ``rating`` (float, NaN when blank),
        ``status`` (canonical, ``""`` when blank), ``comment``, ``row`` (the
        spreadsheet row). One row per pair: when a pair is rated twice, the last row
        wins (with a warning). ``frame.attrs["source"]`` is the file name;
        ``frame.attrs["feedback"]`` marks the table as read (it is used as is
        when passed back as ``feedback``).

    Raises
    ------
    ValidationError
        Every problem at once, each with the file, row, column, value and fix: a
        missing column, a blank id, a rating that is not a whole number from 1 to 5,
        an unknown status, an unknown id (with ``people``).

    Warns
    -----
    DataQualityWarning
        A pair that was never matched (with ``pairs``), or rated twice.

    Examples
    --------
    >>> fb = read_feedback([
    ...     {"Mentor ID": "A", "Mentee ID": "B", "Rating": "5"},
    ...     {"Mentor ID": "C", "Mentee ID": "D", "Status": "Not a fit"},
    ... ])
    >>> fb[["mentor_id", "mentee_id", "rating", "status"]].values.tolist()
    [['A', 'B', 5.0, ''], ['C', 'D', nan, 'not a fit']]
    """
    raw = read_raw(source)
    frame, name = raw.frame, raw.name
    cols = _columns(frame, mapping, name)
    n = len(frame)

    def column(field: str) -> list[str]:
        c = cols.get(field)
        return [""] * n if c is None else frame[c].astype(str).str.strip().tolist()

    mentors, mentees = column("mentor_id"), column("mentee_id")
    ratings_text, status_text = column("rating"), column("status")
    comments = column("comment")
    rows = raw.rows.tolist()
    known: set[str] = set()
    pair_set: set[tuple[str, str]] | None = None
    if pairs is not None:
        pair_set = {(str(a), str(b)) for a, b in pairs}
        known = {x for p in pair_set for x in p}
    issues: list[Issue] = [i for i in raw.issues if i.severity == "error"]
    ratings = np.full(n, np.nan)
    statuses: list[str] = []
    for i in range(n):
        row = rows[i]
        for field, value in (("mentor_id", mentors[i]), ("mentee_id", mentees[i])):
            if value == "":
                issues.append(
                    Issue(
                        f"the {field} is blank",
                        "fill in the id or delete the row",
                        file=name,
                        row=row,
                        column=cols[field],
                        code="blank_id",
                    )
                )
            elif (
                people is not None
                and value not in known
                and int(people.positions([value])[0]) < 0
            ):
                issues.append(
                    Issue(
                        f"no person with the id {value!r} in {people.source} "
                        "(nor in the previous round's pairs)",
                        "fix the id (a typo?) or delete the row",
                        file=name,
                        row=row,
                        column=cols[field],
                        value=value,
                        person_id=value,
                        code="unknown_id",
                    )
                )
        text = ratings_text[i]
        if text != "":
            try:
                value_f = float(text.replace(",", "."))
            except ValueError:
                value_f = float("nan")
            if value_f not in (1, 2, 3, 4, 5):
                issues.append(
                    Issue(
                        f"the rating {text!r} is not a whole number from 1 to 5",
                        "use 1 (bad) to 5 (great), or leave the cell blank",
                        file=name,
                        row=row,
                        column=cols["rating"],
                        value=text,
                        code="bad_rating",
                    )
                )
            else:
                ratings[i] = value_f
        status = _status_key(status_text[i])
        if status and status not in _ALIASES:
            issues.append(
                Issue(
                    f"unknown status {status_text[i]!r}",
                    f"use one of {', '.join(map(repr, STATUSES))}, or leave it blank",
                    file=name,
                    row=row,
                    column=cols["status"],
                    value=status_text[i],
                    code="bad_status",
                )
            )
        statuses.append(_ALIASES.get(status, ""))
        if text == "" and not status and mentors[i] and mentees[i]:
            warnings.warn(
                f"{name}, row {row}: no rating and no status for ({mentors[i]}, "
                f"{mentees[i]}); the row is ignored",
                DataQualityWarning,
                stacklevel=2,
            )
    if issues:
        raise ValidationError(issues)
    out = pd.DataFrame(
        {
            "mentor_id": mentors,
            "mentee_id": mentees,
            "rating": ratings,
            "status": statuses,
            "comment": comments,
            "row": np.asarray(rows, dtype=np.int64),
        }
    )
    out = out[out["rating"].notna() | (out["status"] != "")]
    if pair_set is not None:
        listed = [
            (a, b) in pair_set
            for a, b in zip(out["mentor_id"], out["mentee_id"], strict=True)
        ]
        stray = out[~np.asarray(listed, dtype=bool)]
        if len(stray):
            shown = ", ".join(
                f"row {r}: ({a}, {b})"
                for a, b, r in stray[["mentor_id", "mentee_id", "row"]].values[:5]
            )
            warnings.warn(
                f"{name}: {len(stray)} feedback row(s) on a pair that was not "
                f"matched in the previous round ({shown}); they are ignored",
                DataQualityWarning,
                stacklevel=2,
            )
            out = out[np.asarray(listed, dtype=bool)]
    repeated = out.duplicated(["mentor_id", "mentee_id"], keep="last")
    if repeated.any():
        warnings.warn(
            f"{name}: {int(repeated.sum())} pair(s) have feedback in more than one "
            "row (rows "
            + ", ".join(map(str, out["row"][repeated].tolist()[:5]))
            + "); the last row counts",
            DataQualityWarning,
            stacklevel=2,
        )
        out = out[~repeated]
    out = out.reset_index(drop=True)
    out.attrs["source"] = name
    out.attrs["feedback"] = True
    return out

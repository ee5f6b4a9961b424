"""Read a choices file: who ranked whom, checked against the people."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rmatch.errors import ConfigError, DataQualityWarning, Issue, ValidationError
from rmatch.io import RawTable, Source, read_raw
from rmatch.parsing import normalize_email
from rmatch.people import People

__all__ = ["CHOICE_COLUMNS", "SIDES", "Choices", "read_choices"]

#: The columns of a choices file (``side`` is optional).
CHOICE_COLUMNS = ("person_id", "candidate_id", "rank")
#: The side a chooser chooses from: ``"mentee"`` rank mentors, ``"mentor"`` mentees.
SIDES = ("mentee", "mentor")

_ALIASES = {
    "person_id": ("person_id", "person", "id", "chooser", "chooser_id"),
    "candidate_id": ("candidate_id", "candidate", "choice", "chosen", "chosen_id"),
    "rank": ("rank", "preference", "choice_rank", "order"),
    "side": ("side", "as", "chooser_side"),
}
_SIDE_WORDS = {
    "mentee": "mentee",
    "mentees": "mentee",
    "as mentee": "mentee",
    "mentor": "mentor",
    "mentors": "mentor",
    "as mentor": "mentor",
}
_TABLE_COLUMNS = [
    "person_id",
    "candidate_id",
    "rank",
    "stated_rank",
    "side",
    "row",
]


@dataclass(frozen=True, eq=False)
class Choices:
    """People's ranked choices, checked against a [`People`][rmatch.people.People].

    Build one with [`read_choices()`][rmatch.choices.read_choices]; pass it to
    ``Program.match(people, choices=...)``.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per usable choice: ``person_id`` (the chooser), ``candidate_id``,
        ``rank`` (1 = first choice; per chooser and side, the stated ranks renumbered
        1, 2, ... keeping ties), ``stated_rank`` (as written), ``side`` (the chooser's
        side: ``"mentee"`` ranks mentors, ``"mentor"`` ranks mentees) and ``row``
        (spreadsheet row of the file).
    source : str
        The file name, for messages.
    issues : tuple of Issue
        Warnings found while reading (rows dropped, ties, repeats).
    """

    table: pd.DataFrame
    source: str = "<records>"
    issues: tuple[Issue, ...] = field(default=())

    def choosers(self, side: str) -> list[str]:
        """Return the sorted ids of the people who ranked someone from ``side``."""
        ids = self.table.loc[self.table["side"] == side, "person_id"]
        return sorted(set(ids.tolist()))

    @property
    def longest(self) -> int:
        """The longest list: the largest ``rank`` (0 when there are no choices)."""
        return int(self.table["rank"].max()) if len(self.table) else 0

    def __len__(self) -> int:
        return len(self.table)

    def __repr__(self) -> str:
        mentees, mentors = len(self.choosers("mentee")), len(self.choosers("mentor"))
        return (
            f"Choices(rows={len(self)}, mentee choosers={mentees}, "
            f"mentor choosers={mentors}, source={self.source!r})"
        )


def _key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _columns(
    raw: RawTable, mapping: Mapping[str, Any] | None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Return the frame in long form and the raw column name of every field."""
    frame = raw.frame
    found: dict[str, str] = {}
    by_key: dict[str, str] = {}
    for col in frame.columns:
        by_key.setdefault(_key(str(col)), str(col))
    mapping = dict(mapping or {})
    unknown = sorted(set(mapping) - {*_ALIASES, "ranked"})
    if unknown:
        raise ConfigError(
            f"unknown keys in the choices mapping: {', '.join(unknown)}; use "
            "person_id, candidate_id, rank, side, or ranked (a list of columns, "
            "first choice first)"
        )
    missing_cols = [
        str(c)
        for v in mapping.values()
        for c in (v if isinstance(v, list | tuple) else [v])
        if str(c) not in frame.columns
    ]
    if missing_cols:
        raise ValidationError(
            [
                Issue(
                    f"the choices mapping names the column {c!r}, which is not in "
                    f"the file (columns: {', '.join(map(str, frame.columns))})",
                    "fix the column name in the mapping",
                    file=raw.name,
                    column=c,
                    code="missing_column",
                )
                for c in missing_cols
            ]
        )
    for name, aliases in _ALIASES.items():
        if name in mapping:
            found[name] = str(mapping[name])
            continue
        for alias in aliases:
            if alias in by_key:
                found[name] = by_key[alias]
                break
    ranked = mapping.get("ranked")
    if ranked is not None:  # wide form: one column per place, first choice first
        cols = [
            str(c) for c in (ranked if isinstance(ranked, list | tuple) else [ranked])
        ]
        if "person_id" not in found:
            raise _missing(raw, ["person_id"])
        parts = []
        for place, col in enumerate(cols, start=1):
            part = pd.DataFrame(
                {
                    "person_id": frame[found["person_id"]].to_numpy(),
                    "candidate_id": frame[col].to_numpy(),
                    "rank": str(place),
                    "side": frame[found["side"]].to_numpy() if "side" in found else "",
                    "row": raw.rows,
                }
            )
            parts.append(part[part["candidate_id"] != ""])
        long = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        names = {"person_id": found["person_id"], "candidate_id": cols[0]}
        names["rank"] = "(column order)"
        if "side" in found:
            names["side"] = found["side"]
        return long.reindex(
            columns=["person_id", "candidate_id", "rank", "side", "row"]
        ), names
    missing = [c for c in CHOICE_COLUMNS if c not in found]
    if missing:
        raise _missing(raw, missing)
    long = pd.DataFrame(
        {
            "person_id": frame[found["person_id"]].to_numpy(),
            "candidate_id": frame[found["candidate_id"]].to_numpy(),
            "rank": frame[found["rank"]].to_numpy(),
            "side": frame[found["side"]].to_numpy() if "side" in found else "",
            "row": raw.rows,
        }
    )
    return long, found


def _missing(raw: RawTable, missing: Sequence[str]) -> ValidationError:
    return ValidationError(
        [
            Issue(
                f"the choices file needs the column {c!r} (columns: "
                f"{', '.join(map(str, raw.frame.columns)) or 'none'})",
                "name the columns person_id, candidate_id and rank, or map them "
                "(mapping={'person_id': 'Your e-mail', ...})",
                file=raw.name,
                column=c,
                code="missing_column",
            )
            for c in missing
        ]
    )


def _whole_ranks(values: np.ndarray) -> np.ndarray:
    """``"2"``, ``"2.0"``, ``"#2"`` -> 2; anything else (or < 1) -> 0."""
    text = pd.Series(values, dtype=object).astype(str).str.strip().str.lstrip("#")
    number = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    ok = np.isfinite(number) & (number >= 1)
    ok &= np.where(ok, number, 0) == np.floor(np.where(ok, number, 0))
    ok &= np.where(ok, number, 0) < 2**31
    return np.where(ok, np.where(ok, number, 0), 0).astype(np.int64)


def _find(people: People, values: np.ndarray) -> np.ndarray:
    """Positions of ids (or e-mails), -1 when unknown."""
    pos = people.positions(values.tolist())
    miss = np.flatnonzero((pos < 0) & (np.char.find(values.astype(str), "@") >= 0))
    if miss.size:
        keys = [normalize_email(v) for v in values[miss].tolist()]
        found = people.positions(keys)
        if "email" in people.table.columns and (found < 0).any():
            emails: dict[str, int] = {}
            for i, value in enumerate(people.table["email"].tolist()):
                emails.setdefault(normalize_email(value), i)
            found = np.where(
                found >= 0, found, [emails.get(k, -1) for k in keys]
            ).astype(np.int64)
        pos[miss] = found
    return pos


def read_choices(
    source: Source | Choices,
    people: People,
    mapping: Mapping[str, Any] | None = None,
) -> Choices:
    """Read who ranked whom: ``person_id, candidate_id, rank`` (1 = first choice).

    Parameters
    ----------
    source : path, bytes, DataFrame, records or Choices
        CSV, Excel or JSON (as [`read_raw()`][rmatch.io.read_raw] reads), one row per
        choice. Column names are matched ignoring case, spaces and hyphens
        (``Person ID`` works); ``person``/``chooser``, ``candidate``/``choice`` and
        ``preference`` are understood too. An optional ``side`` column
        (``mentee``/``mentor``) says which side the chooser chose from; it is
        needed only for people with role ``both`` who chose someone who is
        ``both`` as well.
    people : People
        The sign-ups the ids refer to (an id or, failing that, an e-mail address).
    mapping : dict, optional
        Field -> column of the file: ``{"person_id": "Your e-mail", "candidate_id":
        "Mentor", "rank": "Preference"}``. A form with one column per place gives
        ``{"person_id": "Email", "ranked": ["First choice", "Second choice"]}``: the
        rank is the column's place in the list, blank cells are no choice.

    Returns
    -------
    Choices

    Raises
    ------
    ValidationError
        Every bad row at once, each naming the file, row, column and value: an
        unknown id, a blank id, a rank that is not a whole number >= 1, a person
        choosing themselves or someone on their own side (two mentees), a ``side``
        that is not ``mentee``/``mentor``, or does not fit the person.

    Warns
    -----
    DataQualityWarning
        Rows that are dropped and why (a person whose sign-up row was rejected, or
        who takes part as neither mentor nor mentee); a candidate listed twice by
        one person (the better rank is kept); two candidates given the same rank
        (a tie: broken by score, then by id, when matching).

    Examples
    --------
    >>> import rmatch
    >>> people = rmatch.read_people([
    ...     {"id": "M1", "role": "mentor"}, {"id": "M2", "role": "mentor"},
    ...     {"id": "E1", "role": "mentee"},
    ... ])
    >>> choices = read_choices(
    ...     b"person_id,candidate_id,rank\\nE1,M2,1\\nE1,M1,2\\n", people
    ... )
    >>> choices.table[["person_id", "candidate_id", "rank", "side"]].values.tolist()
    [['E1', 'M2', 1, 'mentee'], ['E1', 'M1', 2, 'mentee']]
    """
    if isinstance(source, Choices):
        return source
    raw = read_raw(source)
    if not len(raw.frame) and not len(raw.frame.columns):  # [] or an empty file
        empty = pd.DataFrame(
            {c: pd.Series(dtype=object) for c in _TABLE_COLUMNS}
        ).astype({"rank": np.int64, "stated_rank": np.int64, "row": np.int64})
        return Choices(table=empty, source=raw.name)
    long, found = _columns(raw, mapping)
    issues: list[Issue] = []
    dropped: list[tuple[int, str]] = []
    rows_no = long["row"].to_numpy(dtype=np.int64)
    text = {
        c: long[c].astype(str).str.strip().to_numpy(dtype=object)
        for c in ("person_id", "candidate_id")
    }
    pos = {c: _find(people, text[c]) for c in text}
    rejected = {str(r.get("id", "")): str(r.get("reason", "")) for r in people.rejected}
    bad = np.zeros(len(long), dtype=bool)
    for col in ("person_id", "candidate_id"):
        column = found.get(col, col)
        for i in np.flatnonzero(pos[col] < 0).tolist():
            value, row = str(text[col][i]), int(rows_no[i])
            bad[i] = True
            if not value:
                issues.append(
                    Issue(
                        f"the {col} is blank",
                        "fill in the id or delete the row",
                        file=raw.name,
                        row=row,
                        column=column,
                        value="",
                        code="blank_id",
                    )
                )
            elif value in rejected:
                dropped.append(
                    (row, f"{value}'s sign-up row was rejected ({rejected[value]})")
                )
            else:
                issues.append(
                    Issue(
                        f"unknown id {value!r}: nobody in {people.source} has it",
                        "use the ids (or e-mails) of the sign-up file",
                        file=raw.name,
                        row=row,
                        column=column,
                        value=value,
                        person_id=value if col == "person_id" else None,
                        code="unknown_id",
                    )
                )
    stated = _whole_ranks(long["rank"].to_numpy(dtype=object))
    for i in np.flatnonzero(stated == 0).tolist():
        value = str(long["rank"].iat[i])
        bad[i] = True
        issues.append(
            Issue(
                f"the rank {value!r} is not a whole number >= 1",
                "write 1 for the first choice, 2 for the second, ...",
                file=raw.name,
                row=int(rows_no[i]),
                column=found.get("rank", "rank"),
                value=value,
                code="bad_rank",
            )
        )
    p = np.where(bad, 0, pos["person_id"])
    c = np.where(bad, 0, pos["candidate_id"])
    side_text = long["side"].fillna("").astype(str).str.strip().str.lower()
    side = side_text.map(lambda v: _SIDE_WORDS.get(v, "?") if v else "").to_numpy(
        dtype=object
    )
    given = side_text.to_numpy(dtype=object) != ""
    participant = people.is_participant
    inactive = ~bad & ~(participant[p] & participant[c])
    is_mentor, is_mentee = people.is_mentor, people.is_mentee
    as_mentee = is_mentee[p] & is_mentor[c] & ((side == "") | (side == "mentee"))
    as_mentor = is_mentor[p] & is_mentee[c] & ((side == "") | (side == "mentor"))
    ids = people.ids.astype(str)
    for i in np.flatnonzero(~bad).tolist():
        if (
            not inactive[i]
            and p[i] != c[i]
            and side[i] != "?"
            and (as_mentee[i] or as_mentor[i])
        ):
            continue
        pid, cid, row = str(ids[p[i]]), str(ids[c[i]]), int(rows_no[i])
        bad[i] = True
        where: dict[str, Any] = {"file": raw.name, "row": row, "person_id": pid}
        if p[i] == c[i]:
            issues.append(
                Issue(
                    f"{pid} chose themselves",
                    "fix the candidate id or delete the row",
                    column=found.get("candidate_id"),
                    value=cid,
                    code="self_choice",
                    **where,
                )
            )
        elif inactive[i]:
            names = " and ".join(
                str(ids[x]) for x in (p[i], c[i]) if not participant[x]
            )
            dropped.append((row, f"{names} take(s) part as neither mentor nor mentee"))
        elif side[i] == "?":
            issues.append(
                Issue(
                    f"the side {side_text.iat[i]!r} is neither mentee nor mentor",
                    "write mentee (the person ranks mentors) or mentor",
                    column=found.get("side"),
                    value=str(side_text.iat[i]),
                    code="bad_side",
                    **where,
                )
            )
        else:
            issues.append(
                Issue(
                    f"{pid} ({people.roles[p[i]]}) chose {cid} ({people.roles[c[i]]})"
                    + (f" as a {side[i]}" if given[i] else ": both on the same side"),
                    "a mentee ranks mentors and a mentor ranks mentees; fix the ids "
                    "(or the side)",
                    column=found.get("candidate_id"),
                    value=cid,
                    code="same_side",
                    **where,
                )
            )
    ok = ~bad
    both_fit = as_mentee & as_mentor & ~given
    parts = []
    for name, fits in (("mentee", as_mentee), ("mentor", as_mentor)):
        keep = ok & fits
        parts.append(
            pd.DataFrame(
                {
                    "person_id": ids[p[keep]],
                    "candidate_id": ids[c[keep]],
                    "stated_rank": stated[keep],
                    "side": name,
                    "row": rows_no[keep],
                    "ambiguous": both_fit[keep],
                }
            )
        )
    issues.sort(key=lambda i: (i.row or 0, i.code))
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise ValidationError(errors, header=f"{len(errors)} problem(s) in {raw.name}")
    table = _settle_sides(pd.concat(parts, ignore_index=True))
    warned = _warn_dropped(raw.name, dropped)
    table, more = _tidy(table, raw.name)
    table["rank"] = _dense_ranks(table)
    table = table[_TABLE_COLUMNS].reset_index(drop=True)
    return Choices(table=table, source=raw.name, issues=tuple(warned + more))


def _settle_sides(table: pd.DataFrame) -> pd.DataFrame:
    """Choices between two people with role ``both`` (no ``side`` column).

    Such a row fits both sides; it takes the side(s) the person's other choices
    show (a person who ranked mentors ranks as a mentee), and both sides when
    nothing shows one.
    """
    amb = table["ambiguous"].to_numpy(dtype=bool)
    if amb.any():
        clear = table[~amb]
        shown = clear.groupby("person_id")["side"].agg(set).to_dict()
        keep = [
            not a or side in shown.get(pid, {side})
            for a, pid, side in zip(
                amb.tolist(), table["person_id"], table["side"], strict=True
            )
        ]
        table = table[np.asarray(keep, dtype=bool)]
    return table.drop(columns="ambiguous")


def _warn(issue: Issue) -> Issue:
    warnings.warn(str(issue), DataQualityWarning, stacklevel=4)
    return issue


def _warn_dropped(name: str, dropped: list[tuple[int, str]]) -> list[Issue]:
    if not dropped:
        return []
    shown = "; ".join(f"row {r}: {why}" for r, why in dropped[:5])
    more = f" (and {len(dropped) - 5} more)" if len(dropped) > 5 else ""
    return [
        _warn(
            Issue(
                f"{len(dropped)} choice(s) dropped: {shown}{more}",
                "these people cannot be matched in this program",
                file=name,
                severity="warning",
                code="choice_dropped",
            )
        )
    ]


def _tidy(table: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[Issue]]:
    """Drop repeated candidates (keep the better rank); report tied ranks."""
    issues: list[Issue] = []
    table = table.sort_values(
        ["person_id", "side", "stated_rank", "row"], kind="mergesort"
    )
    repeated = table.duplicated(["person_id", "side", "candidate_id"])
    if repeated.any():
        rep = table[repeated]
        shown = ", ".join(
            f"row {r} ({p} -> {c})"
            for r, p, c in rep[["row", "person_id", "candidate_id"]].values.tolist()[:5]
        )
        issues.append(
            _warn(
                Issue(
                    f"{int(repeated.sum())} candidate(s) listed again by the same "
                    f"person: {shown}; the better rank is kept",
                    "list each candidate once per person",
                    file=name,
                    severity="warning",
                    code="repeated_choice",
                )
            )
        )
        table = table[~repeated.to_numpy()]
    tied = table.duplicated(["person_id", "side", "stated_rank"], keep=False)
    if tied.any():
        ties = table[tied].drop_duplicates(["person_id", "side", "stated_rank"])
        shown = ", ".join(
            f"{p} rank {k} (row {r})"
            for p, k, r in ties[["person_id", "stated_rank", "row"]].values.tolist()[:5]
        )
        issues.append(
            _warn(
                Issue(
                    f"{len(ties)} rank(s) given to several candidates by the same "
                    f"person: {shown}; ties are broken by score, then by id",
                    "give each candidate its own rank if the order matters",
                    file=name,
                    severity="warning",
                    code="tied_rank",
                )
            )
        )
    return table, issues


def _dense_ranks(table: pd.DataFrame) -> np.ndarray:
    """Stated ranks renumbered 1, 2, ... per chooser and side (ties share)."""
    if not len(table):
        return np.zeros(0, dtype=np.int64)
    ranks = table.groupby(["person_id", "side"], sort=False)["stated_rank"].rank(
        method="dense"
    )
    return ranks.to_numpy(dtype=np.int64)

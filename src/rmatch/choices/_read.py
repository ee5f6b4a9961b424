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


def _whole_rank(text: str) -> int | None:
    """``"2"``, ``"2.0"``, ``"#2"`` -> 2; anything else (or < 1) -> None."""
    cleaned = text.strip().lstrip("#")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    if not np.isfinite(number) or number != int(number) or number < 1:
        return None
    return int(number)


class _Resolver:
    """Find a person by id, or by normalized e-mail."""

    def __init__(self, people: People) -> None:
        self.people = people
        self.emails: dict[str, int] = {}
        if "email" in people.table.columns:
            for pos, value in enumerate(people.table["email"].tolist()):
                key = normalize_email(value)
                if key:
                    self.emails.setdefault(key, pos)
        self.rejected = {
            str(r.get("id", "")): str(r.get("reason", "")) for r in people.rejected
        }

    def find(self, value: str) -> int:
        pos = int(self.people.positions([value])[0])
        if pos < 0 and "@" in value:
            key = normalize_email(value)
            pos = int(self.people.positions([key])[0])
            if pos < 0:
                pos = self.emails.get(key, -1)
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
    resolver = _Resolver(people)
    issues: list[Issue] = []
    dropped: list[tuple[int, str]] = []
    rows: list[dict[str, Any]] = []
    is_mentor, is_mentee = people.is_mentor, people.is_mentee
    for rec in long.to_dict("records"):
        row = int(rec["row"])
        ids: dict[str, int] = {}
        bad = False
        for col in ("person_id", "candidate_id"):
            value = str(rec[col]).strip()
            where: dict[str, Any] = {
                "file": raw.name,
                "row": row,
                "column": found.get(col, col),
            }
            if not value:
                issues.append(
                    Issue(
                        f"the {col} is blank",
                        "fill in the id or delete the row",
                        value="",
                        code="blank_id",
                        **where,
                    )
                )
                bad = True
                continue
            pos = resolver.find(value)
            if pos < 0 and value in resolver.rejected:
                dropped.append(
                    (
                        row,
                        f"{value}'s sign-up row was rejected "
                        f"({resolver.rejected[value]})",
                    )
                )
                bad = True
            elif pos < 0:
                issues.append(
                    Issue(
                        f"unknown id {value!r}: nobody in {people.source} has it",
                        "use the ids (or e-mails) of the sign-up file",
                        value=value,
                        person_id=value if col == "person_id" else None,
                        code="unknown_id",
                        **where,
                    )
                )
                bad = True
            else:
                ids[col] = pos
        stated = _whole_rank(str(rec["rank"]))
        if stated is None:
            issues.append(
                Issue(
                    f"the rank {str(rec['rank'])!r} is not a whole number >= 1",
                    "write 1 for the first choice, 2 for the second, ...",
                    file=raw.name,
                    row=row,
                    column=found.get("rank", "rank"),
                    value=str(rec["rank"]),
                    code="bad_rank",
                )
            )
            bad = True
        if bad:
            continue
        p, c = ids["person_id"], ids["candidate_id"]
        pid, cid = str(people.ids[p]), str(people.ids[c])
        where = {"file": raw.name, "row": row, "person_id": pid}
        if p == c:
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
            continue
        inactive = [x for x in (p, c) if not people.is_participant[x]]
        if inactive:
            names = " and ".join(str(people.ids[x]) for x in inactive)
            dropped.append((row, f"{names} take(s) part as neither mentor nor mentee"))
            continue
        side_text = str(rec.get("side", "") or "").strip().lower()
        sides: list[str] = []
        if side_text:
            side = _SIDE_WORDS.get(side_text)
            if side is None:
                issues.append(
                    Issue(
                        f"the side {side_text!r} is neither mentee nor mentor",
                        "write mentee (the person ranks mentors) or mentor",
                        column=found.get("side"),
                        value=side_text,
                        code="bad_side",
                        **where,
                    )
                )
                continue
            sides = [side]
        else:
            if is_mentee[p] and is_mentor[c]:
                sides.append("mentee")
            if is_mentor[p] and is_mentee[c]:
                sides.append("mentor")
        fits = [
            s
            for s in sides
            if (
                is_mentee[p] and is_mentor[c]
                if s == "mentee"
                else is_mentor[p] and is_mentee[c]
            )
        ]
        if not fits:
            issues.append(
                Issue(
                    f"{pid} ({people.roles[p]}) chose {cid} ({people.roles[c]})"
                    + (f" as a {sides[0]}" if side_text else ": both on the same side"),
                    "a mentee ranks mentors and a mentor ranks mentees; fix the ids "
                    "(or the side)",
                    column=found.get("candidate_id"),
                    value=cid,
                    code="same_side",
                    **where,
                )
            )
            continue
        for s in fits:
            rows.append(
                {
                    "person_id": pid,
                    "candidate_id": cid,
                    "stated_rank": stated,
                    "side": s,
                    "row": row,
                    "ambiguous": len(fits) > 1,
                }
            )
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise ValidationError(errors, header=f"{len(errors)} problem(s) in {raw.name}")
    table = _settle_sides(
        pd.DataFrame(
            rows, columns=[*(c for c in _TABLE_COLUMNS if c != "rank"), "ambiguous"]
        )
    )
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

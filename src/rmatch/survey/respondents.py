"""Respondents: ids from e-mails, duplicate answers, same names, non-participants.

One person who answered twice keeps one answer (the latest or the first by time
stamp); two people with one name are pointed out; respondents whose role answer is
neither mentor nor mentee are listed as not participating.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rmatch.errors import Issue, short
from rmatch.io import file_role
from rmatch.parsing import email_keys, name_keys, parse_timestamps, repeats
from rmatch.people import NOT_PARTICIPATING
from rmatch.survey._common import first_column
from rmatch.survey.answers import Part
from rmatch.survey.columns import SOURCE_COLUMN, IssueLog, Table
from rmatch.survey.mapping import SurveyMap
from rmatch.survey.roster import Roster

__all__ = [
    "dedupe",
    "derive_id",
    "kept_identity",
    "not_participating",
    "roles_from_files",
    "same_names",
]

_ORDER_FIX = (
    "set date_format in [mapping]: 'day_first' (24/10/2026), 'month_first' "
    "(10/24/2026) or a strftime format such as '%d/%m/%Y %H:%M:%S'"
)


def derive_id(
    table: Table,
    out: dict[str, np.ndarray],
    origin: dict[str, list[str]],
    smap: SurveyMap,
    issues: IssueLog,
) -> np.ndarray | None:
    """Set ``id`` from the normalized e-mail when no column gives one.

    Returns the normalized e-mails when it did (None otherwise).
    """
    if "id" in out or not smap.id_from_email or "email" not in out:
        return None
    emails = out["email"]
    normalized = email_keys(emails)
    has_at = np.fromiter(
        ("@" in k for k in normalized.tolist()), dtype=bool, count=len(normalized)
    )
    ids = np.where(has_at, normalized, "").astype(object)
    bad = np.flatnonzero((ids == "") & (emails != ""))
    if bad.size:
        issues.add(
            table,
            bad,
            first_column(origin.get("email")),
            "the e-mail is not an address, so the row has no id",
            "ask respondents to sign in to the form (anonymous answers have no "
            "e-mail) or map a column with employee ids onto 'id'",
            values=emails,
            code="empty_id",
        )
    out["id"] = ids
    origin["id"] = list(origin.get("email", []))
    return normalized


def roles_from_files(
    table: Table,
    out: dict[str, np.ndarray],
    origin: dict[str, list[str]],
    smap: SurveyMap,
    issues: IssueLog,
) -> None:
    """Fill empty roles from ``[mapping.files]`` (or, lacking a role question,
    from file names that say ``mentor`` or ``mentee``)."""
    n = len(table.frame)
    files = table.files.astype(str)
    mapped = "role" in out
    roles = out["role"].copy() if mapped else np.full(n, "", dtype=object)
    used = False
    for name in dict.fromkeys(files.tolist()):
        role = smap.file_options(name).get("role")
        named = role is None and not mapped
        if named:
            role = file_role(name)
        if role is None:
            continue
        fill = np.flatnonzero((files == name) & (roles == ""))
        roles[fill] = role
        used = used or bool(fill.size)
        if named and fill.size:
            issues.items.append(
                Issue(
                    message=f"no question is mapped to 'role'; the file name says "
                    f"{role!r}, so its {fill.size} row(s) are read as {role}s",
                    fix="if that is wrong, map the role question or give each "
                    'file\'s role: [mapping.files] "mentors.csv" = '
                    '{ role = "mentor" }',
                    file=name,
                    value=role,
                    severity="warning",
                    code="role_from_file_name",
                )
            )
    if used:
        out["role"] = roles
        origin["role"] = [*origin.get("role", []), SOURCE_COLUMN]


def dedupe(
    part: Part, duplicates: str, issues: IssueLog, date_format: str | None = None
) -> np.ndarray:
    """Return the positions kept; reject the other answers of each person."""
    table, out = part.table, part.out
    n = len(table.frame)
    if "id" not in out or n == 0:
        return np.arange(n)
    ids = out["id"]
    dup = pd.Series(ids).duplicated(keep=False).to_numpy() & (ids != "")
    if not dup.any():
        return np.arange(n)
    stamps, has = _timestamps(part, issues, date_format)
    latest = duplicates == "latest"
    order = pd.DataFrame(
        {
            "id": ids[dup],
            "has": (has if latest else ~has)[dup],
            "ts": stamps[dup],
            "pos": np.flatnonzero(dup),
        }
    ).sort_values(["id", "has", "ts", "pos"], kind="mergesort")
    winners = (
        order.groupby("id", sort=False)["pos"]
        .agg("last" if latest else "first")
        .to_dict()
    )
    what = "same e-mail" if part.id_from_email else "same id"
    kept = "later" if latest else "earlier"
    several = len(set(table.files.tolist())) > 1
    keep = np.ones(n, dtype=bool)
    for pos, pid in zip(order["pos"].tolist(), order["id"].tolist(), strict=True):
        win = int(winners[pid])
        if pos == win:
            continue
        keep[pos] = False
        where = (
            f"{table.files[win]} row {table.rows[win]}"
            if several
            else f"row {table.rows[win]}"
        )
        reason = f"duplicate of {where} ({what}); the {kept} answer was kept"
        issues.reject(
            str(table.files[pos]),
            int(table.rows[pos]),
            str(pid),
            reason,
            kept=(str(table.files[win]), int(table.rows[win])),
            **({"name": str(out["name"][pos]).strip()} if "name" in out else {}),
        )
        issues.add(
            table,
            [pos],
            first_column(part.origin.get("id")),
            f"rejected: {reason}",
            "nothing to do if the kept answer is the right one; otherwise delete "
            "the row you do not want",
            values=ids,
            ids=ids,
            code="duplicate_answer",
            severity="warning",
        )
    return np.flatnonzero(keep)


def _by_file(files: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The file names in order and each row's (``numpy.unique`` of the names as
    text; ``pd.factorize`` hashes: a read has one file or a few)."""
    codes, found = pd.factorize(
        np.asarray(list(map(str, files.tolist())), dtype=object), sort=True
    )
    return [str(f) for f in found.tolist()], codes.astype(np.int64)


def _timestamps(
    part: Part, issues: IssueLog, date_format: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """Seconds of every row's time stamp, the date order decided per file."""
    table = part.table
    n = len(table.frame)
    stamps = np.full(n, np.nan)
    if "timestamp" not in part.out:
        return np.zeros(n), np.zeros(n, dtype=bool)
    column = first_column(part.origin.get("timestamp"))
    texts = part.out["timestamp"]
    files, which = _by_file(table.files)
    for k, file in enumerate(files):
        rows = np.flatnonzero(which == k)
        found = parse_timestamps(texts[rows], order=date_format)
        stamps[rows] = found.seconds
        failed: dict[str, tuple[str, list[int]]] = {}
        for position, error in found.errors.items():
            text = str(texts[rows[position]])
            failed.setdefault(text, (error.fix, []))[1].append(int(rows[position]))
        for text, (fix, where) in failed.items():
            issues.add(
                table,
                where,
                column,
                "cannot read the time stamp; for duplicates the row order decides",
                fix,
                value=text,
                code="bad_timestamp",
                severity="warning",
            )
        if found.order in ("ambiguous", "mixed"):
            _order_warning(part, file, column, found.order, issues)
    has = ~np.isnan(stamps)
    return np.where(has, stamps, 0.0), has


def _order_warning(
    part: Part, file: str, column: str | None, order: str, issues: IssueLog
) -> None:
    if order == "ambiguous":
        message = (
            "the time stamps do not say whether 3/10/2026 is 3 October or 10 March "
            "(no day or month is over 12); month first was assumed for a/b/yyyy "
            "and day first for a.b.yyyy, which decides who answered last"
        )
    else:
        message = (
            "the time stamps mix day-first (24/10/2026) and month-first "
            "(10/24/2026) dates; each was read on its own, so dates such as "
            "3/10/2026 may be wrong"
        )
    issues.items.append(
        Issue(
            message=message,
            fix=_ORDER_FIX,
            file=file,
            column=column,
            severity="warning",
            code="ambiguous_date_order",
        )
    )


#: Same-name warnings listed one by one; the rest are counted in one warning, as
#: [`rmatch.validate.validate_people()`][rmatch.validate.validate_people] does.
MAX_SAME_NAME = 20


def same_names(final: Roster, issues: IssueLog) -> None:
    """Warn about one name with two e-mails / ids (both rows are kept)."""
    if "name" not in final.cols or "id" not in final.cols:
        return
    m = final.n_survey_rows
    ids = final.cols["id"][:m]
    keys = np.asarray(name_keys(final.cols["name"][:m]), dtype=object)
    keys[ids == ""] = ""
    firsts, later = repeats(keys)
    other = ids[firsts] != ids[later]  # one name, two people
    firsts, later = firsts[other], later[other]
    names = final.cols["name"]
    for first, pos in zip(
        firsts[:MAX_SAME_NAME].tolist(), later[:MAX_SAME_NAME].tolist(), strict=True
    ):
        file, row, column, _ = final.locate(pos, "name")
        first_file, first_row, _, _ = final.locate(first, "name")
        where = (
            f"row {first_row}"
            if first_file == file
            else f"{first_file} row {first_row}"
        )
        issues.items.append(
            Issue(
                message=f"same name as {where} ({ids[first]}) but a different "
                "e-mail / id; both rows are kept",
                fix="if one person answered twice with two addresses, delete one "
                "row; if they are two people, ignore this warning",
                file=file,
                row=row,
                column=column,
                value=short(names[pos]),
                person_id=str(ids[pos]),
                severity="warning",
                code="same_name",
            )
        )
    more = int(later.size) - MAX_SAME_NAME
    if more > 0:
        issues.items.append(
            Issue(
                message=f"{more} more rows have the same name as an earlier row but "
                f"a different e-mail / id (only the first {MAX_SAME_NAME} are "
                "listed); all rows are kept",
                fix="check for people who answered twice with two addresses; two "
                "people may share a name",
                file=final.label,
                column=first_column(final.origin.get("name")),
                severity="warning",
                code="same_name",
            )
        )


def kept_identity(final: Roster, issues: IssueLog) -> None:
    """Give each rejected duplicate answer the id and name its kept answer has.

    The kept answer's id may come from the HR file (the rejected one would show
    the e-mail); the name falls back to the kept row's when the rejected row has
    none.
    """
    names = final.cols.get("name")
    for record in issues.rejected:
        kept = record.pop("kept", None)
        pos = None if kept is None else final.index.get(kept)
        if pos is None:
            continue
        record["id"] = final.id_of(pos) or record["id"]
        if not record.get("name") and names is not None:
            record["name"] = str(names[pos]).strip()


def not_participating(final: Roster, issues: IssueLog) -> None:
    """List respondents whose role answer is neither mentor nor mentee.

    They stay in the org chart (role ``none``) but would otherwise vanish
    from every output table; ``people.rejected`` says why they are not
    matched (``code`` ``not_participating``).
    """
    roles = final.cols.get("role")
    if roles is None:
        return
    columns = [c for c in final.origin.get("role", []) if c in final.raw.columns]
    no_role = np.flatnonzero(np.isin(roles[: final.n_survey_rows], ("none", "")))
    answers = final.raw[columns].to_numpy(dtype=object)[no_role]
    for pos, cells in zip(no_role.tolist(), answers, strict=True):
        key = (str(final.files[pos]), int(final.rows[pos]))
        if key in final.demoted:  # already rejected, with the error as reason
            continue
        answer = " ".join(str(v) for v in cells if not pd.isna(v)).strip()
        if not answer:
            what = "no role answer"
        elif columns == [SOURCE_COLUMN]:
            what = f"the role given by the file {answer!r} is 'none'"
        else:
            what = f"role answer {answer!r} is neither mentor nor mentee"
        issues.rejected.append(
            {
                "row": key[1],
                "id": final.id_of(pos),
                "reason": f"not a participant: {what} (kept in the org chart)",
                "file": key[0],
                "code": NOT_PARTICIPATING,
            }
        )

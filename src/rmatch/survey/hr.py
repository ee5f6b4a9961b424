"""The HR file: joining it to the survey, and resolving managers to ids.

The HR file (the system of record) gives managers, departments, grades and
locations; a manager can be written as an id, an e-mail or a name, and is resolved
against everyone in the survey and the HR file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rmatch.errors import ConfigError, Issue, short
from rmatch.parsing import email_keys, name_keys, normalize_email, normalize_token
from rmatch.survey._common import first_column
from rmatch.survey.answers import Part
from rmatch.survey.columns import IssueLog
from rmatch.survey.roster import Roster

__all__ = ["join_hr", "resolve_managers"]


def join_hr(final: Roster, hr: Part, join: str, issues: IssueLog) -> None:
    """Join the HR file's rows to the survey's by id or normalized e-mail.

    Joined rows get the HR file's fields (it wins for the org-chart fields);
    HR rows nobody answered for are added with role ``none``.
    """
    if join == "auto":
        join = "email" if "email" in hr.out and "email" in final.cols else "id"
    for name, owner in ((hr.out, "the HR file"), (final.cols, "the survey")):
        if join not in name:
            raise ConfigError(
                f"[mapping.hr] joins by {join} but {owner} has no column mapped to "
                f"{join!r}"
            )
    word = "e-mail" if join == "email" else "id"

    def keys(values: np.ndarray) -> list[str]:
        if join == "id":
            return [str(v).strip() for v in values.tolist()]
        return list(email_keys(values).tolist())

    index: dict[str, int] = {}
    for i, k in enumerate(keys(hr.out[join])):
        if not k:
            continue
        if k in index:
            issues.add(
                hr.table,
                [i],
                first_column(hr.origin.get(join)),
                f"the HR file lists this {word} twice (first on row "
                f"{hr.table.rows[index[k]]}); the first row is used",
                "keep one row per person in the HR file",
                value=k,
                code="duplicate_hr_row",
                severity="warning",
            )
            continue
        index[k] = i
    survey_keys = keys(final.cols[join])
    hr_pos = np.array(
        [index.get(k, -1) if k else -1 for k in survey_keys], dtype=np.int64
    )
    for pos in np.flatnonzero(hr_pos < 0).tolist():
        file, row, column, value = final.locate(pos, join)
        issues.items.append(
            Issue(
                message=f"not found in the HR file {hr.table.label} (joined by "
                f"{word}); their manager and department are unknown",
                fix="check the e-mail / id in both files, or add the person to the "
                "HR file",
                file=file,
                row=row,
                column=column,
                value=short(value) if value else None,
                person_id=str(final.cols["id"][pos]) or None
                if "id" in final.cols
                else None,
                severity="warning",
                code="not_in_hr",
            )
        )
    final.attach_hr(hr, hr_pos, issues)


def resolve_managers(final: Roster, unknown_manager: str, issues: IssueLog) -> None:
    """Turn manager ids, e-mails or names into ids; report the rest."""
    if "manager_id" not in final.cols:
        return
    n = final.n
    ids = final.cols.get("id", np.full(n, "", dtype=object))
    by_id = {str(i) for i in ids.tolist() if i}
    lookups: dict[str, dict[str, set[str]]] = {}

    def lookup(field_name: str) -> dict[str, set[str]]:
        """Normalized e-mail or name -> ids, built only when needed."""
        if field_name not in lookups:
            table: dict[str, set[str]] = {}
            if field_name in final.cols:
                norm = email_keys if field_name == "email" else name_keys
                keys = norm(final.cols[field_name]).tolist()
                for pid, key in zip(ids.tolist(), keys, strict=True):
                    if pid and key:
                        table.setdefault(key, set()).add(str(pid))
            lookups[field_name] = table
        return lookups[field_name]

    values = final.cols["manager_id"]
    codes, uniques = pd.factorize(values)
    resolved: list[str] = []
    problems: dict[int, tuple[str, str, str]] = {}
    for k, raw in enumerate(uniques.tolist()):
        text = str(raw).strip()
        if not text or text in by_id:
            resolved.append(text)
            continue
        kind, found = "e-mail", lookup("email").get(normalize_email(text), set())
        if not found:
            kind = "name"
            found = lookup("name").get(normalize_token(text), set())
        if len(found) == 1:
            resolved.append(next(iter(found)))
            continue
        resolved.append("")
        if found:
            problems[k] = (
                f"the manager {kind} matches {len(found)} people "
                f"({', '.join(sorted(found)[:5])}); the reporting line is unknown",
                "write the manager's id or e-mail instead",
                "ambiguous_manager",
            )
        else:
            problems[k] = (
                "the manager is not in the survey or the HR file; the reporting "
                "line is unknown",
                "add the manager to the HR file (people who do not take part are "
                "kept with role 'none') or write the manager's id or e-mail",
                "unknown_manager",
            )
    severity = unknown_manager
    for k, (message, fix, code) in problems.items():
        for pos in np.flatnonzero(codes == k).tolist():
            file, row, column, value = final.locate(pos, "manager_id")
            issues.items.append(
                Issue(
                    message=message,
                    fix=fix,
                    file=file,
                    row=row,
                    column=column,
                    value=short(value or uniques[k]),
                    person_id=str(ids[pos]) or None,
                    severity="error" if severity == "error" else "warning",
                    code=code,
                )
            )
    final.cols["manager_id"] = (
        np.asarray(resolved, dtype=object)[codes]
        if resolved
        else np.full(n, "", dtype=object)
    )

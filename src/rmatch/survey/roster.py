"""The combined canonical table of one read: survey rows, then HR-only rows.

`Roster` holds the kept survey answers as canonical text columns, fills them
from the HR file, and points every issue found on the canonical table back at the
raw file, row and column it came from.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
import pandas as pd

from rmatch.errors import Issue, short
from rmatch.parsing import email_keys
from rmatch.people import CANONICAL_FIELDS
from rmatch.survey._common import first_column
from rmatch.survey.answers import Part
from rmatch.survey.columns import IssueLog
from rmatch.validate import Prepared, SplitColumn

__all__ = ["Roster"]

# Fields the HR file (the system of record) sets even when the survey has a value.
_HR_WINS = frozenset({"manager_id", "department", "location", "seniority", "id"})
# Fields a rejected person keeps so that they stay in the org chart.
_ORG_FIELDS = frozenset({"id", "name", "email", "manager_id", "department", "location"})
# Fields the HR file may not overwrite on a survey row.
_SURVEY_ONLY = frozenset(
    {
        "role",
        "timestamp",
        "capacity",
        "mentor_capacity",
        "mentee_capacity",
        "availability",
        "skills_offered",
        "skills_wanted",
        "interests",
        "goals",
    }
)
_MANAGER_CODES = frozenset({"unknown_manager", "ambiguous_manager", "manager_cycle"})


def _ids_by_row(part: Part) -> dict[tuple[str, int], str]:
    """Id of every row of a file (before duplicates are removed)."""
    ids = part.out.get("id")
    if ids is None:
        return {}
    has = np.flatnonzero(ids != "")
    keys = zip(
        map(str, part.table.files[has].tolist()),
        part.table.rows[has].tolist(),
        strict=True,
    )
    return dict(zip(keys, map(str, ids[has].tolist()), strict=True))


def _cell(frame: pd.DataFrame, i: int, columns: list[str]) -> tuple[str, str]:
    """The column (and its cell) of ``columns`` that is filled in on row ``i``."""
    filled = [c for c in columns if c in frame.columns and str(frame[c].iat[i])]
    if len(filled) == 1:
        return filled[0], str(frame[filled[0]].iat[i])
    if len(columns) == 1 and columns[0] in frame.columns:
        return columns[0], str(frame[columns[0]].iat[i])
    return " + ".join(columns), ""


class _Positions:
    """The first position of each (file, row): one dict of rows per file."""

    def __init__(self, files: np.ndarray, rows: np.ndarray) -> None:
        names = [str(f) for f in dict.fromkeys(files.tolist())]
        self._rows: dict[str, dict[int, int]] = {}
        for name in names:
            where = (
                np.arange(files.size)
                if len(names) == 1
                else np.flatnonzero(files.astype(str) == name)
            )
            # built from the end, so that earlier positions overwrite later ones
            self._rows[name] = dict(
                zip(rows[where][::-1].tolist(), where[::-1].tolist(), strict=True)
            )

    def get(self, key: tuple[str, int]) -> int | None:
        """The position of ``(file, row)``, or None."""
        found = self._rows.get(key[0])
        return None if found is None else found.get(key[1])

    def setdefault(self, key: tuple[str, int], position: int) -> int:
        """Set the position of ``(file, row)`` unless it has one; return it."""
        return self._rows.setdefault(key[0], {}).setdefault(key[1], position)


class Roster:
    """The combined canonical table: kept survey rows first, then HR-only rows.

    Parameters
    ----------
    survey : Part
        The mapped survey rows.
    kept : numpy.ndarray
        Positions of the rows kept after removing duplicate answers.

    Attributes
    ----------
    cols : dict of str to numpy.ndarray
        Field -> canonical text column.
    files, rows : numpy.ndarray
        Raw file and row of every row.
    rejected_rows, demoted : set of (str, int)
        Rows rejected (dropped), and rows kept in the org chart with role ``none``.
    """

    def __init__(self, survey: Part, kept: np.ndarray) -> None:
        table = survey.table
        self.cols: dict[str, np.ndarray] = {k: v[kept] for k, v in survey.out.items()}
        self.origin = survey.origin
        self.raw = table.frame.iloc[kept].reset_index(drop=True)
        self.files = table.files[kept]
        self.rows = table.rows[kept]
        self.label = table.label
        self.n_read = len(table.frame)
        self.n_survey_rows = int(kept.size)
        self.survey = survey
        self.survey_pos = np.asarray(kept, dtype=np.int64)  # -1: an HR-only row
        self.hr: Part | None = None
        self.hr_pos = np.full(kept.size, -1, dtype=np.int64)
        self.provider: dict[str, np.ndarray] = {}
        # Rows rejected by the dedupe step or later, by (file, row).
        self.rejected_rows: set[tuple[str, int]] = {
            (str(f), int(r))
            for f, r in zip(
                np.delete(table.files, kept).tolist(),
                np.delete(table.rows, kept).tolist(),
                strict=True,
            )
        }
        self.demoted: set[tuple[str, int]] = set()
        self._id_parts = [survey]  # their ids by row, built when first asked for
        self._ids_by_row: dict[tuple[str, int], str] | None = None
        self._reindex()

    @property
    def ids_by_row(self) -> dict[tuple[str, int], str]:
        """The id of every row read, survey rows first (before duplicates are
        removed), by (file, row)."""
        if self._ids_by_row is None:
            found: dict[tuple[str, int], str] = {}
            for part in self._id_parts:
                for key, value in _ids_by_row(part).items():
                    found.setdefault(key, value)
            self._ids_by_row = found
        return self._ids_by_row

    @property
    def n(self) -> int:
        """Number of rows."""
        return int(self.rows.shape[0])

    def _reindex(self) -> None:
        # the first position of each (file, row): built from the end, so that
        # earlier positions overwrite later ones
        self.index = _Positions(self.files, self.rows)
        if self.hr is not None:
            for i, h in enumerate(self.hr_pos.tolist()):
                if h >= 0:
                    key = (str(self.hr.table.files[h]), int(self.hr.table.rows[h]))
                    self.index.setdefault(key, i)

    def sort(self, issues: list[Issue]) -> list[Issue]:
        """Issues outside rows first, then by file (survey first) and row."""
        order = {f: k for k, f in enumerate(dict.fromkeys(self.files.tolist()))}
        if self.hr is not None:
            for f in self.hr.table.files.tolist():
                order.setdefault(f, len(order))
        return sorted(
            issues,
            key=lambda i: (
                i.row is not None,
                order.get(i.file, len(order)),
                i.row or 0,
            ),
        )

    def id_of(self, pos: int) -> str:
        """The id of row ``pos`` (``""`` when there is no id column)."""
        return str(self.cols["id"][pos]) if "id" in self.cols else ""

    def attach_hr(self, hr: Part, hr_pos: np.ndarray, issues: IssueLog) -> None:
        """Fill joined rows from the HR file; append HR-only rows as role none."""
        n = self.n
        self.hr = hr
        self._id_parts.append(hr)
        self._ids_by_row = None
        joined = hr_pos >= 0
        explicit_id = "id" in hr.out and not hr.id_from_email
        for name, values in hr.out.items():
            if name == "timestamp" or (name == "id" and not explicit_id):
                continue
            current = self.cols.get(name)
            if current is not None and name in _SURVEY_ONLY:
                continue
            hr_values = np.full(n, "", dtype=object)
            hr_values[joined] = values[hr_pos[joined]]
            if current is None:
                take = joined & (hr_values != "")
                current = np.full(n, "", dtype=object)
            elif name in _HR_WINS:
                take = joined & (hr_values != "")
            else:
                take = joined & (hr_values != "") & (current == "")
            self.cols[name] = np.where(take, hr_values, current).astype(object)
            self.provider[name] = take
        self.hr_pos = hr_pos.astype(np.int64)
        used = set(hr_pos[joined].tolist())
        n_hr = len(hr.table.frame)
        ids = hr.out.get("id", np.full(n_hr, "", dtype=object))
        extra = [i for i in range(n_hr) if i not in used]
        keyless = [i for i in extra if not ids[i]]
        if keyless:
            issues.add(
                hr.table,
                keyless,
                first_column(hr.origin.get("id") or hr.origin.get("email")),
                "this HR row has no id or e-mail, so it is left out",
                "fill in the id or e-mail",
                code="hr_row_without_id",
                severity="warning",
            )
        take_rows = np.asarray([i for i in extra if ids[i]], dtype=np.int64)
        m = int(take_rows.size)
        for name in sorted(set(self.cols) | set(hr.out)):
            current = self.cols.get(name, np.full(n, "", dtype=object))
            if name == "role":
                added = np.full(m, "none", dtype=object)
            elif name in hr.out and name not in _SURVEY_ONLY and name != "timestamp":
                added = hr.out[name][take_rows]
            else:
                added = np.full(m, "", dtype=object)
            self.cols[name] = np.concatenate([current, added]).astype(object)
            provided = self.provider.get(name, np.zeros(n, dtype=bool))
            self.provider[name] = np.concatenate(
                [provided, np.full(m, name in hr.out, dtype=bool)]
            )
        if "role" not in self.cols:
            self.cols["role"] = np.concatenate(
                [np.full(n, "", dtype=object), np.full(m, "none", dtype=object)]
            )
        self.hr_pos = np.concatenate([self.hr_pos, take_rows])
        self.survey_pos = np.concatenate(
            [self.survey_pos, np.full(m, -1, dtype=np.int64)]
        )
        self.files = np.concatenate([self.files, hr.table.files[take_rows]])
        self.rows = np.concatenate([self.rows, hr.table.rows[take_rows]])
        self._reindex()

    def frame(self) -> pd.DataFrame:
        """Canonical columns, then the raw survey and HR columns, as strings."""
        n = self.n
        data: dict[str, np.ndarray] = {}
        for name in CANONICAL_FIELDS:
            if name in self.cols:
                data[name] = self.cols[name]
        for name, values in self.cols.items():
            if name not in data and name != "timestamp":
                data[name] = values
        for column in self.raw.columns:
            if column in data:
                continue
            cells = self.raw[column]
            if n == self.n_survey_rows and isinstance(cells.dtype, pd.StringDtype):
                data[str(column)] = cells.array  # text already: not converted again
                continue
            values = np.full(n, "", dtype=object)
            values[: self.n_survey_rows] = cells.to_numpy(dtype=object)
            data[str(column)] = values
        if self.hr is not None:
            has = self.hr_pos >= 0
            for column in self.hr.table.frame.columns:
                if column not in data:
                    values = np.full(n, "", dtype=object)
                    values[has] = self.hr.table.frame[column].to_numpy(dtype=object)[
                        self.hr_pos[has]
                    ]
                    data[str(column)] = values
        return pd.DataFrame(data, index=pd.RangeIndex(n))

    def prepared(self) -> Prepared:
        """What the survey step already has for the columns of `frame`.

        A split column's cells (set fields, availability) are those of the
        survey, where a row still holds its survey text (or was emptied); the
        e-mail keys of rows whose e-mail is the survey's are reused, the others
        normalized here.
        """
        pos = self.survey_pos
        ours = pos >= 0
        at = np.where(ours, pos, 0)
        # without an HR file a row differs from its survey text only when demoted
        emptied = None
        if self.hr is None:
            found = [self.index.get(key) for key in sorted(self.demoted)]
            emptied = np.asarray([p for p in found if p is not None], dtype=np.int64)
        split: dict[str, SplitColumn] = {}
        for name, (codes, texts, items) in self.survey.split.items():
            final = self.cols.get(name)
            if final is None or not codes.size:
                continue
            cells = [*texts, ""]
            column = np.where(ours, codes[at], len(texts))
            if emptied is None:
                other = np.flatnonzero(np.asarray(cells, dtype=object)[column] != final)
            else:
                other = emptied
            if not (final[other] == "").all():
                continue  # a text from elsewhere: validation splits the column
            column[other] = len(texts)  # emptied rows
            split[name] = SplitColumn(column, cells, items)
        keys = self.survey.email_keys
        final = self.cols.get("email")
        if keys is None or final is None or not keys.size:
            return Prepared(split=split)
        same = ours.copy()
        same[ours] = self.survey.out["email"][pos[ours]] == final[ours]
        emails = np.empty(self.n, dtype=object)
        emails[same] = keys[pos[same]]
        if not same.all():
            emails[~same] = email_keys(final[~same])
        return Prepared(split=split, email_keys=emails)

    def locate(self, pos: int, name: str) -> tuple[str, int, str | None, str]:
        """File, row, raw column and raw value behind field ``name`` of a row.

        When several columns feed the field and only one of them is filled in on
        this row, that column is named.
        """
        if (
            self.hr is not None
            and name in self.provider
            and bool(self.provider[name][pos])
            and self.hr_pos[pos] >= 0
        ):
            h = int(self.hr_pos[pos])
            table, columns = self.hr.table, self.hr.origin.get(name, [])
            column, value = _cell(table.frame, h, columns)
            return (str(table.files[h]), int(table.rows[h]), column or name, value)
        columns = self.origin.get(name, [])
        column, value = (
            _cell(self.raw, pos, columns)
            if pos < self.n_survey_rows
            else (" + ".join(columns), "")
        )
        return (str(self.files[pos]), int(self.rows[pos]), column or name, value)

    def relocate(self, issue: Issue) -> Issue:
        """Point an issue on the canonical table at the raw file, row and column."""
        if issue.row is None or issue.file is None or issue.column is None:
            return issue
        pos = self.index.get((issue.file, issue.row))
        if pos is None:
            return issue
        file, row, column, value = self.locate(pos, issue.column)
        single = column is not None and " + " not in column
        return dataclasses.replace(
            issue,
            file=file,
            row=row,
            column=column,
            value=short(value) if single and value else issue.value,
        )

    def is_rejected(self, issue: Issue) -> bool:
        """Whether the issue is on a row that was rejected or demoted."""
        if issue.row is None or issue.file is None:
            return False
        key = (issue.file, issue.row)
        if key in self.rejected_rows:
            return True
        pos = self.index.get(key)
        return pos is not None and (str(self.files[pos]), int(self.rows[pos])) in (
            self.demoted
        )

    def positions_of(self, errors: list[Issue]) -> dict[int, list[Issue]] | None:
        """Row positions of errors, or None if one of them is not in a row."""
        out: dict[int, list[Issue]] = {}
        for issue in errors:
            pos = (
                None
                if issue.row is None or issue.file is None
                else self.index.get((issue.file, issue.row))
            )
            if pos is None:
                return None
            out.setdefault(pos, []).append(issue)
        return out

    def demote(self, errors: Mapping[int, list[Issue]]) -> None:
        """Keep rejected people in the org chart (role none), or drop their rows.

        A row is dropped when its id is empty or repeated, or when it was demoted
        before and still has errors. A manager that caused the error is cleared.
        """
        ids = self.cols.get("id", np.full(self.n, "", dtype=object))
        counts = pd.Series(ids).value_counts()
        drop = []
        for pos in sorted(errors):
            if "manager_id" in self.cols and any(
                i.code in _MANAGER_CODES for i in errors[pos]
            ):
                self.cols["manager_id"][pos] = ""
            key = (str(self.files[pos]), int(self.rows[pos]))
            pid = str(ids[pos])
            if not pid or int(counts.get(pid, 0)) > 1 or key in self.demoted:
                drop.append(pos)
                self.rejected_rows.add(key)
                continue
            self.demoted.add(key)
            for name, values in self.cols.items():
                if name == "role":
                    values[pos] = "none"
                elif name not in _ORG_FIELDS:
                    values[pos] = ""
        if not drop:
            return
        mask = np.ones(self.n, dtype=bool)
        mask[drop] = False
        self.cols = {k: v[mask] for k, v in self.cols.items()}
        self.provider = {k: v[mask] for k, v in self.provider.items()}
        self.raw = self.raw[mask[: self.n_survey_rows]].reset_index(drop=True)
        self.n_survey_rows = len(self.raw)
        self.hr_pos = self.hr_pos[mask]
        self.survey_pos = self.survey_pos[mask]
        self.files = self.files[mask]
        self.rows = self.rows[mask]
        self._reindex()

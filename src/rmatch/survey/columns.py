"""Finding the mapped columns in a survey export.

`load_table()` reads one or more raw files into a `Table` (every header
row of an export can name a column); `resolve_columns()` finds the column of
every line of a [`SurveyMap`][rmatch.survey.SurveyMap]. `IssueLog` collects the
problems of one read, keyed by file and row.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rmatch.errors import Issue, MissingColumnsError, short
from rmatch.io import SOURCE_FILE, RawTable, is_many, read_raw
from rmatch.parsing import ParseError, parse_period_grid
from rmatch.people import CANONICAL_FIELDS
from rmatch.survey._common import column_key, suggest
from rmatch.survey.mapping import SurveyMap
from rmatch.survey.spec import ColumnSpec

__all__ = [
    "SOURCE_COLUMN",
    "ColumnUse",
    "IssueLog",
    "MissingColumnsError",
    "Table",
    "load_table",
    "missing_columns_error",
    "resolve_columns",
]

#: Column added to every survey row: the name of the file it came from, so that a
#: mapping can derive a field from it (``source_file = { field = "role", values =
#: { "mentors.csv" = "mentor", "mentees.csv" = "mentee" } }``).
SOURCE_COLUMN = SOURCE_FILE


@dataclass
class Table:
    """Rows of one or more raw files, combined.

    Attributes
    ----------
    frame : pandas.DataFrame
        Every cell as text (``""`` when empty), the columns of all files.
    files, rows : numpy.ndarray
        File name and 1-based file row of every row.
    label : str
        The file names, joined with ``" + "``.
    aliases : dict of str to str
        Column key (any header row, Qualtrics import ids) -> column.
    names : list of str
        Every header text, for close-match hints.
    issues : tuple of Issue
        Problems the reader found in the files (short rows, broken quotes, a
        guessed encoding).
    """

    frame: pd.DataFrame
    files: np.ndarray
    rows: np.ndarray
    label: str
    aliases: dict[str, str]
    names: list[str]
    issues: tuple[Issue, ...] = ()


def _import_id(text: str) -> str | None:
    if text.startswith("{") and "importid" in text.casefold():
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if isinstance(data, dict) and isinstance(data.get("ImportId"), str):
            return str(data["ImportId"])
    return None


def load_table(source: Any, smap: SurveyMap, *, add_source: bool) -> Table:
    """Read one source or a list of sources into one `Table`.

    Parameters
    ----------
    source : path, DataFrame, records, or a list of paths / DataFrames
        Relative paths that do not exist are read relative to ``smap.base_dir``.
    smap : SurveyMap
        Gives ``sheet``, ``header_rows`` and ``base_dir``.
    add_source : bool
        Survey files: add the [`SOURCE_COLUMN`][rmatch.survey.SOURCE_COLUMN] column. HR
        files: name data given in memory ``<HR ...>``.
    """
    sources = list(source) if is_many(source) else [source]
    raws: list[RawTable] = []
    for item in sources:
        if isinstance(item, str | os.PathLike) and smap.base_dir is not None:
            item = smap.path(str(item)) if not Path(item).exists() else item
        name = str(item) if isinstance(item, str | os.PathLike) else ""
        raw = read_raw(
            item,
            sheet=smap.sheet,
            header_rows=smap.header_rows,
            encoding=smap.file_options(name).get("encoding", smap.encoding),
        )
        if not add_source and raw.name.startswith("<"):  # HR data given in memory
            raw = dataclasses.replace(raw, name=f"<HR {raw.name[1:]}")
        raws.append(raw)
    columns: dict[str, None] = {}
    aliases: dict[str, str] = {}
    names: list[str] = []
    for raw in raws:
        for j, column in enumerate(raw.frame.columns):
            column = str(column)
            columns.setdefault(column, None)
            texts = [column] + [h[j] for h in raw.headers[1:] if j < len(h)]
            texts += [i for i in (_import_id(t) for t in texts[1:]) if i]
            for text in texts:
                if text and column_key(text) not in aliases:
                    aliases[column_key(text)] = column
                    names.append(text)
        for column in raw.frame.columns:  # exact names win over other header rows
            aliases[column_key(str(column))] = str(column)
    # every cell of a RawTable is text: only the columns a file lacks are filled
    frames = [raw.frame.reindex(columns=list(columns), fill_value="") for raw in raws]
    frame = (
        pd.concat(frames, ignore_index=True)
        if len(frames) > 1
        else frames[0].reset_index(drop=True)
    )
    files = (
        np.concatenate([np.full(len(r.frame), r.name, dtype=object) for r in raws])
        if raws
        else np.zeros(0, dtype=object)
    )
    rows = np.concatenate([r.rows for r in raws]).astype(np.int64)
    if add_source and SOURCE_COLUMN not in columns:
        frame[SOURCE_COLUMN] = files
        aliases.setdefault(column_key(SOURCE_COLUMN), SOURCE_COLUMN)
    label = " + ".join(dict.fromkeys(r.name for r in raws))
    return Table(
        frame=frame,
        files=files,
        rows=rows,
        label=label,
        aliases=aliases,
        names=names,
        issues=tuple(i for r in raws for i in r.issues),
    )


@dataclass(frozen=True)
class ColumnUse:
    """A spec resolved to a column of the table (``sub``: text in ``[...]``)."""

    spec: ColumnSpec
    column: str
    sub: str | None = None


def resolve_columns(
    smap: SurveyMap, table: Table
) -> tuple[list[ColumnUse], list[tuple[str, str]]]:
    """Resolve column lines to columns.

    Returns
    -------
    uses : list of ColumnUse
        One per column found (``"Prefix [*]"`` lines: one per grid column), plus
        columns already named like a canonical field that no line maps.
    missing : list of (str, str)
        Column lines not found (presets' lines excepted) and their close-match hint.
    """
    uses: list[ColumnUse] = []
    missing: list[tuple[str, str]] = []
    for spec in smap.columns:
        if spec.column.rstrip().endswith("[*]"):
            prefix = column_key(spec.column.rstrip()[:-3])
            found: list[ColumnUse] = []
            for alias, column in table.aliases.items():
                match = re.fullmatch(re.escape(prefix) + r"\s*\[(.+)\]", alias)
                if match and column not in [u.column for u in found]:
                    sub = re.search(
                        r"\[([^\[\]]+)\]\s*$", _original(table, column, alias)
                    )
                    found.append(
                        ColumnUse(spec, column, sub[1].strip() if sub else match[1])
                    )
            if not found and not spec.preset:
                missing.append((spec.column, suggest(spec.column, table.names)))
            uses.extend(found)
            continue
        resolved = table.aliases.get(column_key(spec.column))
        if resolved is None:
            if not spec.preset:
                missing.append((spec.column, suggest(spec.column, table.names)))
            continue
        day = None
        if spec.field == "availability" and spec.day is None:
            bracket = re.search(r"\[([^\[\]]+)\]\s*$", resolved)
            if bracket and _is_day(bracket[1], smap.days):
                day = bracket[1]
        uses.append(ColumnUse(spec, resolved, day))
    # Columns already named like a canonical field need no line.
    used_columns = {u.column for u in uses}
    used_fields = {u.spec.field for u in uses}
    if "name" in used_fields or "first_name" in used_fields:
        used_fields |= {"name", "first_name", "last_name"}
    for column in table.frame.columns:
        if (
            column in CANONICAL_FIELDS
            and column not in used_columns
            and (column not in used_fields)
        ):
            uses.append(ColumnUse(ColumnSpec(column=column, field=column), column))
    return uses, missing


def _original(table: Table, column: str, alias: str) -> str:
    for name in table.names:
        if column_key(name) == alias:
            return name
    return column


def _is_day(text: str, days: Mapping[str, str] | None) -> bool:
    try:
        parse_period_grid({text: "all day"}, {"all day": ("00:00", "24:00")}, days)
    except ParseError:
        return False
    return True


def missing_columns_error(
    missing: list[tuple[str, str]], table: Table
) -> MissingColumnsError:
    """The error listing every missing column of ``table``, with close matches."""
    lines = "\n".join(f"  - {column!r}{hint}" for column, hint in missing)
    shown = ", ".join(map(repr, table.names[:15])) + (
        ", ..." if len(table.names) > 15 else ""
    )
    issues = [
        Issue(
            message=f"the mapping names the column {column!r}, which is not in "
            "the file",
            fix=(
                f"correct the mapping{hint}"
                if hint
                else f"correct the mapping; columns found: {shown}"
            ),
            file=table.label,
            column=column,
            code="missing_column",
        )
        for column, hint in missing
    ]
    return MissingColumnsError(
        f"[mapping] names {len(missing)} column(s) that are not in {table.label}:\n"
        f"{lines}\ncolumns found: {shown}",
        issues,
        len(table.frame),
    )


class IssueLog:
    """Issues and rejected rows of one read, keyed by (file, row) like validate's.

    Attributes
    ----------
    items : list of Issue
        Problems found while mapping, in the order found.
    rejected : list of dict
        Rejected rows (``row``, ``id``, ``reason``, ``file`` and maybe ``code``).
    """

    def __init__(self) -> None:
        self.items: list[Issue] = []
        self.rejected: list[dict[str, Any]] = []

    def add(
        self,
        table: Table,
        positions: Sequence[int] | np.ndarray,
        column: str | None,
        message: str,
        fix: str,
        *,
        values: Sequence[object] | np.ndarray | None = None,
        value: object = None,
        ids: Sequence[object] | np.ndarray | None = None,
        code: str = "invalid",
        severity: str = "error",
    ) -> None:
        """Add one issue per position of ``table`` (cell: ``values`` or ``value``)."""
        for position in positions:
            cell = values[int(position)] if values is not None else value
            pid = str(ids[int(position)]) if ids is not None else ""
            self.items.append(
                Issue(
                    message=message,
                    fix=fix,
                    file=str(table.files[int(position)]),
                    row=int(table.rows[int(position)]),
                    column=column,
                    value=None if cell is None or cell == "" else short(cell),
                    person_id=pid or None,
                    severity="warning" if severity == "warning" else "error",
                    code=code,
                )
            )

    def reject(self, file: str, row: int, pid: str, reason: str, **extra: Any) -> None:
        """Record a rejected row and why (``extra``: e.g. ``name``)."""
        self.rejected.append(
            {"row": row, "id": pid, "reason": reason, "file": file, **extra}
        )

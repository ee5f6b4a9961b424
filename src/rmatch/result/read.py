"""Read a matching back: the pairs file rmatch wrote, its JSON, or a hand-made list.

HR tools store a round's pairs and hand them back for the next round;
[`read_matching()`][rmatch.result.read_matching] accepts what
[`Matching.to_csv()`][rmatch.result.Matching.to_csv] and
[`Matching.to_json()`][rmatch.result.Matching.to_json] wrote (CSV, Excel or JSON), a
hand-made table with ``mentor_id`` and ``mentee_id`` columns (``Mentor ID`` works too),
a DataFrame, records, or a [`Matching`][rmatch.result.Matching].

Examples
--------
>>> frame = read_matching(b"Mentor ID,Mentee ID,score\\nA,B,0.75\\nC,D,0.5\\n")
>>> frame.values.tolist()
[['A', 'B', 0.75], ['C', 'D', 0.5]]
"""

from __future__ import annotations

import json
import os
import re
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from rmatch.errors import DataQualityWarning, Issue, ValidationError
from rmatch.io import RawTable, Source, read_raw
from rmatch.result.export import neutralize
from rmatch.result.matching import Matching

__all__ = ["PAIR_COLUMNS", "read_matching"]

#: The two columns every pairs file needs.
PAIR_COLUMNS = ("mentor_id", "mentee_id")

_FIX = (
    "use a pairs file written by rmatch (pairs.csv or the --json file), or name the "
    "columns mentor_id and mentee_id"
)


def _key(name: str) -> str:
    """Column name for matching: ``"Mentor ID"``, ``"mentor-id"`` -> ``mentor_id``."""
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _raw(source: Any) -> tuple[RawTable, bool]:
    """Read ``source``; also say whether its text cells were neutralized (CSV/Excel)."""
    if isinstance(source, Matching):
        return read_raw(source.pairs[list(PAIR_COLUMNS)]), False
    if isinstance(source, Mapping) and isinstance(source.get("pairs"), list):
        return read_raw(source["pairs"]), False
    if isinstance(source, str | os.PathLike) and Path(source).suffix.lower() == ".json":
        raw = read_raw(source)
        path = Path(source)
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("pairs"), list):
            table = read_raw(data["pairs"])
            return RawTable(table.frame, table.headers, table.rows, raw.name), False
        return raw, False
    neutralized = isinstance(source, str | os.PathLike | bytes | bytearray)
    return read_raw(source), neutralized


def _undo_neutralize(value: str) -> str:
    """``"'=x"`` -> ``"=x"``: remove the apostrophe the CSV writer put before it."""
    if value.startswith("'") and neutralize(value[1:]) != value[1:]:
        return value[1:]
    return value


def _numeric(column: pd.Series) -> pd.Series:
    """The column as numbers when every non-blank cell is one, else unchanged."""
    filled = column[column != ""]
    numbers = pd.to_numeric(filled, errors="coerce")
    if len(filled) and not numbers.isna().any():
        return pd.to_numeric(column.replace("", None), errors="coerce")
    return column


def read_matching(
    source: Source | Matching | Mapping[str, Any], *, keep_repeats: bool = False
) -> pd.DataFrame:
    """Read a previous round's pairs.

    Parameters
    ----------
    source : path, bytes, DataFrame, records, Matching or dict
        A pairs file written by rmatch (``.csv``, ``.xlsx`` or the ``.json`` of
        [`Matching.to_json()`][rmatch.result.Matching.to_json], whose ``pairs`` are
        read), a hand-made table with the columns ``mentor_id`` and ``mentee_id`` (case,
        spaces and hyphens in the names do not matter), a DataFrame, a list of records,
        a dict with a ``pairs`` list, or a [`Matching`][rmatch.result.Matching].

    Returns
    -------
    pandas.DataFrame
        ``mentor_id`` and ``mentee_id`` (text) first, then the other columns of the
        file (numbers where every cell is one, e.g. ``score``). The apostrophe
        rmatch's CSV writer put before a cell a spreadsheet would run as a formula
        is removed. ``frame.attrs["source"]`` is the file name and
        ``frame.attrs["rows"]`` the file row of each pair (header = row 1).

    Raises
    ------
    ValidationError
        A column is missing, or a row has a blank id or pairs a person with
        themselves; every issue names the file, the row and the column.

    Warns
    -----
    DataQualityWarning
        A pair listed twice (the repeat is dropped).
    """
    raw, neutralized = _raw(source)
    frame = raw.frame
    found: dict[str, str] = {}
    for col in frame.columns:
        found.setdefault(_key(str(col)), str(col))
    missing = [c for c in PAIR_COLUMNS if c not in found]
    if missing:
        raise ValidationError(
            [
                Issue(
                    f"the pairs file needs the column {c!r} (columns: "
                    f"{', '.join(map(str, frame.columns)) or 'none'})",
                    _FIX,
                    file=raw.name,
                    column=c,
                    code="missing_column",
                )
                for c in missing
            ]
        )
    frame = frame.rename(columns={found[c]: c for c in PAIR_COLUMNS})
    if neutralized:
        frame = frame.apply(lambda col: col.map(_undo_neutralize))
    issues: list[Issue] = []
    for i, row in enumerate(raw.rows.tolist()):
        mentor = str(frame.at[i, "mentor_id"])
        mentee = str(frame.at[i, "mentee_id"])
        for c, value in (("mentor_id", mentor), ("mentee_id", mentee)):
            if value == "":
                issues.append(
                    Issue(
                        f"the {c} is blank",
                        "fill in the id or delete the row",
                        file=raw.name,
                        row=row,
                        column=found[c],
                        code="blank_id",
                    )
                )
        if mentor != "" and mentor == mentee:
            issues.append(
                Issue(
                    f"{mentor} is paired with themselves",
                    "fix the ids or delete the row",
                    file=raw.name,
                    row=row,
                    column=found["mentee_id"],
                    value=mentor,
                    person_id=mentor,
                    code="self_pair",
                )
            )
    if issues:
        raise ValidationError(issues)
    repeated = frame.duplicated(list(PAIR_COLUMNS))
    if keep_repeats:
        repeated[:] = False
    if repeated.any():
        rows = raw.rows[repeated.to_numpy()].tolist()
        warnings.warn(
            f"{raw.name}: {len(rows)} pair(s) listed twice (rows "
            f"{', '.join(map(str, rows[:5]))}); the repeats are ignored",
            DataQualityWarning,
            stacklevel=2,
        )
        frame = frame[~repeated]
    others = [c for c in frame.columns if c not in PAIR_COLUMNS]
    out = frame[[*PAIR_COLUMNS, *others]].reset_index(drop=True)
    for c in others:
        out[c] = _numeric(out[c])
    out.attrs["source"] = raw.name
    out.attrs["rows"] = raw.rows[~repeated.to_numpy()].tolist()
    return out

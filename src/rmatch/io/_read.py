"""The readers: read_raw, read_table and read_people."""

from __future__ import annotations

import io as _io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from rmatch.errors import short
from rmatch.io._tables import RawTable, fail, frame_table, parse_bytes, records_table
from rmatch.people import People
from rmatch.validate import parse_people

Source = (
    str
    | os.PathLike[str]
    | bytes
    | pd.DataFrame
    | Sequence[Mapping[str, Any]]
    | _io.IOBase
)


def _source_name(source: object) -> str:
    if isinstance(source, pd.DataFrame):
        return "<DataFrame>"
    if isinstance(source, str | os.PathLike):
        try:
            return Path(source).name or str(source)
        except (TypeError, ValueError):
            return "<path>"
    if isinstance(source, bytes | bytearray):
        return "<bytes>"
    if isinstance(source, _io.IOBase) or hasattr(source, "read"):
        label = str(getattr(source, "name", "") or "")
        return Path(label).name if label else "<stream>"
    return "<records>"


def read_raw(
    source: Source,
    *,
    sheet: str | int | None = None,
    header_rows: int = 1,
) -> RawTable:
    """Read a table as strings, with the spreadsheet row number of every data row.

    Parameters
    ----------
    source : path, bytes, binary stream, DataFrame or list of dict
        ``.csv`` / ``.txt`` / ``.tsv`` (any encoding
        [`decode_bytes()`][rmatch.io.decode_bytes] reads; the delimiter, ``,`` ``;`` or
        tab, is taken from the header line), ``.xlsx`` (needs ``pip install
        rmatch[excel]``), ``.json`` (a list of records), the bytes or an open binary
        file of one of those (the format is sniffed), a DataFrame, or records (list
        values such as slot lists become ``"a; b"``).
    sheet : str or int, optional
        Excel sheet (default: the first).
    header_rows : int, default 1
        Rows on top before the data; the first names the columns. Qualtrics
        exports have 3. Files only: DataFrames and records have no header rows.

    Returns
    -------
    RawTable

    Raises
    ------
    ValidationError
        The file is missing, empty, binary, unreadable or has rows longer than its
        header (every such row is listed). The issues name the file and row.

    Examples
    --------
    >>> raw = read_raw(b"name,role\\n\\n Ana ,mentor\\n")
    >>> raw.frame.to_dict("records"), raw.rows.tolist()
    ([{'name': 'Ana', 'role': 'mentor'}], [3])
    """
    name = _source_name(source)
    if (
        isinstance(header_rows, bool)
        or not isinstance(header_rows, int)
        or header_rows < 1
    ):
        raise fail(
            name,
            f"header_rows must be a whole number >= 1; got {header_rows!r}",
            "use header_rows = 1 (3 for Qualtrics exports)",
            "bad_option",
        )
    if isinstance(source, pd.DataFrame):
        return frame_table(source, name)
    if isinstance(source, bytes | bytearray):
        return parse_bytes(bytes(source), "", sheet, header_rows, name)
    if isinstance(source, _io.IOBase) or (
        hasattr(source, "read") and not isinstance(source, str | os.PathLike)
    ):
        try:
            data = source.read()  # type: ignore[union-attr]
        except (OSError, ValueError) as exc:
            raise fail(
                name,
                f"cannot read the stream: {short(exc, 160)}",
                "pass an open binary file or a path",
                "unreadable",
            ) from None
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not isinstance(data, bytes | bytearray):
            raise fail(
                name,
                "the stream did not return bytes",
                "open the file in binary mode ('rb')",
                "unreadable",
            )
        suffix = Path(str(getattr(source, "name", ""))).suffix.lower()
        return parse_bytes(bytes(data), suffix, sheet, header_rows, name)
    if isinstance(source, str | os.PathLike):
        try:
            path = Path(source)
            data = path.read_bytes()
        except FileNotFoundError:
            raise fail(
                name, f"file not found: {source}", "check the path", "file_not_found"
            ) from None
        except (OSError, TypeError, ValueError) as exc:
            raise fail(
                name,
                f"cannot read the file: {short(exc, 160)}",
                "check the path and the file's permissions",
                "unreadable",
            ) from None
        return parse_bytes(data, path.suffix.lower(), sheet, header_rows, name)
    if isinstance(source, Sequence):
        return records_table(list(source), name)
    raise fail(
        f"<{type(source).__name__}>",
        f"cannot read people from a {type(source).__name__}",
        "pass a file path, a DataFrame or a list of dicts",
        "bad_source",
    )


def read_table(
    source: Source,
    *,
    sheet: str | int | None = None,
    header_rows: int = 1,
) -> tuple[pd.DataFrame, str]:
    """Read a table of people as strings.

    Parameters
    ----------
    source : path, bytes, binary stream, DataFrame or list of dict
        See [`read_raw()`][rmatch.io.read_raw].
    sheet : str or int, optional
        Excel sheet (default: the first).
    header_rows : int, default 1
        Rows on top before the data; the first holds the column names.
        Qualtrics exports have 3.

    Returns
    -------
    frame : pandas.DataFrame
        Every cell a stripped string, ``""`` for missing.
    source_name : str
        The file name for messages.

    Raises
    ------
    ValidationError
        The file is missing, empty or unreadable (the message says which and why).
    """
    raw = read_raw(source, sheet=sheet, header_rows=header_rows)
    return raw.frame, raw.name


def read_people(
    source: Source,
    *,
    reference_monday: Any = None,
    sheet: str | int | None = None,
) -> People:
    """Read people from a table with the canonical columns (DESIGN.md).

    Parameters
    ----------
    source : path, DataFrame or list of dict
        See [`read_raw()`][rmatch.io.read_raw]. Required columns: ``id`` and ``role``.
    reference_monday : datetime.date, optional
        Week used to convert local availability to UTC (DST is applied as it is in that
        week). Default:
        [`rmatch.parsing.DEFAULT_REFERENCE_MONDAY`][rmatch.parsing.DEFAULT_REFERENCE_MONDAY].
    sheet : str or int, optional
        Excel sheet.

    Returns
    -------
    People

    Raises
    ------
    ValidationError
        With every problem found (file, row, column, value and how to fix it).

    Examples
    --------
    >>> import rmatch
    >>> people = rmatch.read_people([
    ...     {"id": "E1", "role": "mentor", "skills_offered": "python:4"},
    ...     {"id": "E2", "role": "mentee", "skills_wanted": "python:3"},
    ... ])
    >>> len(people), people.roles.tolist()
    (2, ['mentor', 'mentee'])
    """
    raw = read_raw(source, sheet=sheet)
    return parse_people(
        raw.frame,
        source=raw.name,
        reference_monday=reference_monday,
        rows=raw.rows,
        issues=raw.issues,
    )

"""The readers: read_raw, read_table and read_people."""

from __future__ import annotations

import io as _io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from rmatch.errors import Issue, ValidationError, short
from rmatch.io._encoding import codec_name
from rmatch.io._stack import check_file_roles, is_many, stack, with_roles
from rmatch.io._tables import RawTable, fail, frame_table, parse_bytes, records_table
from rmatch.people import People
from rmatch.validate import parse_people

Source = (
    str
    | os.PathLike[str]
    | bytes
    | pd.DataFrame
    | Sequence[Mapping[str, Any]]
    | Sequence[str | os.PathLike[str] | bytes | pd.DataFrame]
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
    encoding: str | None = None,
    file_roles: Mapping[str, str] | None = None,
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
        values such as slot lists become ``"a; b"``). A list of paths (or
        DataFrames) reads several files as one table: columns are united, every
        row keeps its file (``files`` and the column ``source_file``) and its row.
    sheet : str or int, optional
        Excel sheet (default: the first).
    header_rows : int, default 1
        Rows on top before the data; the first names the columns. Qualtrics
        exports have 3. Files only: DataFrames and records have no header rows.
    encoding : str, optional
        Text encoding of a CSV / JSON file (``"cp1252"``, ``"shift_jis"``,
        ``"gbk"`` ...). Default: UTF-8 or UTF-16 when the bytes are, else the
        encoding charset-normalizer finds most likely; when that guess is not
        certain, or bytes had to be replaced, ``issues`` has a warning
        (``uncertain_encoding``, ``replaced_characters``) naming the fix.
    file_roles : mapping of str to str, optional
        File name -> role (``{"mentors.csv": "mentor"}``): the empty role cells of
        that file (every row, when it has no role column) get this role. With
        several files, a file that has no role column and is not listed takes the
        role its name says (``mentor`` or ``mentee`` in it), with a warning
        (``role_from_file_name``).

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
    if encoding is not None and codec_name(encoding) is None:
        raise fail(
            name,
            f"unknown encoding {encoding!r}",
            "use a Python codec name such as 'utf-8', 'cp1252', 'shift_jis' or 'gbk'",
            "bad_option",
        )
    roles = check_file_roles(file_roles)
    if is_many(source):
        raws: list[RawTable] = []
        problems: list[Issue] = []
        items: list[Source] = list(source)  # type: ignore[arg-type]
        for item in items:
            try:
                raws.append(
                    read_raw(
                        item, sheet=sheet, header_rows=header_rows, encoding=encoding
                    )
                )
            except ValidationError as exc:
                problems.extend(exc.issues)
        if problems:
            raise ValidationError(problems)
        return stack(raws, roles)
    if roles:
        return with_roles(
            read_raw(source, sheet=sheet, header_rows=header_rows, encoding=encoding),
            roles,
        )
    if isinstance(source, pd.DataFrame):
        return frame_table(source, name)
    if isinstance(source, bytes | bytearray):
        return parse_bytes(bytes(source), "", sheet, header_rows, name, encoding)
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
        return parse_bytes(bytes(data), suffix, sheet, header_rows, name, encoding)
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
        return parse_bytes(
            data, path.suffix.lower(), sheet, header_rows, name, encoding
        )
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
    encoding: str | None = None,
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
    encoding : str, optional
        Text encoding (default: found; see [`read_raw()`][rmatch.io.read_raw]).

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
    raw = read_raw(source, sheet=sheet, header_rows=header_rows, encoding=encoding)
    return raw.frame, raw.name


def read_people(
    source: Source,
    *,
    reference_monday: Any = None,
    sheet: str | int | None = None,
    encoding: str | None = None,
    file_roles: Mapping[str, str] | None = None,
) -> People:
    """Read people from a table with the canonical columns (DESIGN.md).

    Parameters
    ----------
    source : path, DataFrame, list of dict, or a list of paths
        See [`read_raw()`][rmatch.io.read_raw]. Required columns: ``id`` and ``role``.
        Several files (``["mentors.csv", "mentees.csv"]``) are read as one: ids
        must be unique across them (a repeated id is reported with both files
        and rows), and ``people.table["source_file"]`` and ``people.rows`` say
        where each person came from.
    reference_monday : datetime.date, optional
        Week used to convert local availability to UTC (DST is applied as it is in that
        week). Default:
        [`rmatch.parsing.DEFAULT_REFERENCE_MONDAY`][rmatch.parsing.DEFAULT_REFERENCE_MONDAY].
    sheet : str or int, optional
        Excel sheet.
    encoding : str, optional
        Text encoding of CSV / JSON files (default: found; see
        [`read_raw()`][rmatch.io.read_raw]).
    file_roles : mapping of str to str, optional
        File name -> role, for files without a role column (see
        [`read_raw()`][rmatch.io.read_raw]).

    Returns
    -------
    People
        ``people.issues`` has the warnings, e.g. an encoding that was guessed
        without certainty.

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
    raw = read_raw(source, sheet=sheet, encoding=encoding, file_roles=file_roles)
    return parse_people(
        raw.frame,
        source=raw.name,
        reference_monday=reference_monday,
        rows=raw.rows,
        files=None if raw.files is None else raw.files.tolist(),
        issues=raw.issues,
    )

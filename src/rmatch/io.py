"""Read tables into :class:`~rmatch.people.People`.

:func:`read_raw` turns a file (CSV in the encodings real exports use, Excel, JSON),
bytes, a binary stream, a DataFrame or a list of records into a table of strings
that remembers the spreadsheet row number of every data row. :func:`read_table` is
the same without the row numbers; :func:`read_people` parses the canonical columns
(DESIGN.md) with :func:`rmatch.validate.parse_people`. Raw survey exports with other
column names go through :func:`rmatch.read_survey`.

Every failure raises :class:`~rmatch.errors.ValidationError` whose issues name the
file (and the row, when the problem is in one); no other exception escapes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import io as _io
import json
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rmatch.errors import Issue, ValidationError, short
from rmatch.people import People

__all__ = ["RawTable", "decode_bytes", "read_people", "read_raw", "read_table"]

Source = (
    str
    | os.PathLike[str]
    | bytes
    | pd.DataFrame
    | Sequence[Mapping[str, Any]]
    | _io.IOBase
)

_EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
_CSV_DELIMITERS = (",", "\t", ";")
_FIELD_LIMIT = 1 << 28  # 256 MB: the longest cell the CSV reader accepts


@dataclass(frozen=True)
class RawTable:
    """A table read from a file, every cell a string.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per data row, columns named by the first header row (blank names
        become ``column_N``, repeated names get ``.1``, ``.2`` … as in pandas). Every
        cell is a stripped string, ``""`` for an empty cell.
    headers : tuple of tuple of str
        The text of every header row, one entry per column of ``frame``
        (Qualtrics: column ids, question texts, ImportId JSON).
    rows : numpy.ndarray
        ``int64`` spreadsheet row number of each data row (the first header row is
        row 1). Blank rows are skipped, so the numbers can have gaps.
    name : str
        The file name (or ``"<DataFrame>"``, ``"<records>"``, ``"<bytes>"``) for
        messages.
    """

    frame: pd.DataFrame
    headers: tuple[tuple[str, ...], ...]
    rows: np.ndarray
    name: str


def _fail(
    name: str, message: str, fix: str, code: str, row: int | None = None
) -> ValidationError:
    return ValidationError([Issue(message, fix, file=name, row=row, code=code)])


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a text export, trying the encodings real exports use.

    UTF-8 (with or without a byte-order mark), UTF-16 with a BOM (Excel's "Unicode
    text"), UTF-16 without a BOM (detected by its NUL bytes), then cp1252 (Excel's
    "CSV" on Western Windows; the five bytes cp1252 leaves undefined become U+FFFD).

    Parameters
    ----------
    data : bytes

    Returns
    -------
    text, encoding : str, str
        The text without its byte-order mark, and the encoding that was used.

    Examples
    --------
    >>> decode_bytes("Nguyễn".encode("utf-16"))
    ('Nguyễn', 'utf-16')
    >>> decode_bytes("Müller".encode("cp1252"))
    ('Müller', 'cp1252')
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    # UTF-16 without a BOM: every other byte is NUL for Latin text (and text in
    # UTF-8 or cp1252 has no NUL bytes at all).
    if len(data) >= 4 and len(data) % 2 == 0:
        for encoding, nuls in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
            if nuls.count(0) > len(data) // 4:
                try:
                    return data.decode(encoding), encoding
                except UnicodeDecodeError:
                    continue
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    return data.decode("cp1252", errors="replace"), "cp1252"


# ----------------------------------------------------------------------- cells


def _cell_text(value: object) -> str:
    """Convert one cell to stripped text (``""`` for a missing value)."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, np.datetime64 | np.timedelta64):
        return "" if np.isnat(value) else str(value)
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        number = float(value)
        if math.isnan(number):
            return ""
        if math.isfinite(number) and number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    if isinstance(value, _dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        items = list(value.tolist()) if isinstance(value, np.ndarray) else list(value)
        if isinstance(value, set | frozenset):
            items = sorted(items, key=str)
        return "; ".join(t for t in (_cell_text(v) for v in items) if t)
    if isinstance(value, dict):
        try:
            return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        except (TypeError, ValueError):
            pass
    if isinstance(value, bytes | bytearray):
        return decode_bytes(bytes(value))[0].strip()
    try:
        return str(value).strip()
    except Exception:  # an object whose __str__ fails: name its type
        return f"<{type(value).__name__}>"


def _column_text(values: np.ndarray) -> np.ndarray:
    """Convert a column of cells to stripped text, each distinct value once."""
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        # Text with missing values: one pass of str.strip (pandas' .str is slower).
        cells = values.copy()
        cells[pd.isna(values)] = ""
        out = np.empty(cells.shape[0], dtype=object)
        out[:] = [text.strip() for text in cells.tolist()]
        return out
    out = np.empty(values.shape[0], dtype=object)
    cache: dict[Any, str] = {}
    for i, value in enumerate(values.tolist()):
        if isinstance(value, str):
            text = cache.get(value)
            if text is None:
                text = cache[value] = value.strip()
        else:
            try:
                key = (type(value), value)
                text = cache.get(key)  # type: ignore[call-overload]
                if text is None:
                    text = cache[key] = _cell_text(value)  # type: ignore[index]
            except TypeError:  # unhashable (list, dict)
                text = _cell_text(value)
        out[i] = text
    return out


def _unique_names(names: Sequence[str]) -> list[str]:
    """Name blank columns ``column_N`` and repeated ones ``name.1``, ``name.2``."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names):
        base = raw if raw else f"column_{i + 1}"
        name, k = base, 0
        while name in seen:
            k += 1
            name = f"{base}.{k}"
        seen.add(name)
        out.append(name)
    return out


def _from_grid(
    grid: list[list[str]], numbers: list[int], header_rows: int, name: str
) -> RawTable:
    """Build a :class:`RawTable` from rows of text and their spreadsheet numbers."""
    if not grid:
        raise _fail(name, "the file is empty", "export the survey again", "empty_file")
    if len(grid) < header_rows:
        raise _fail(
            name,
            f"the file has {len(grid)} row(s) but {header_rows} header rows were "
            "expected",
            "export the survey again with its header rows, or set header_rows",
            "missing_header",
        )
    width = max(len(r) for r in grid[:header_rows])
    headers = [r + [""] * (width - len(r)) for r in grid[:header_rows]]
    body = grid[header_rows:]
    body_numbers = numbers[header_rows:]
    ragged: list[Issue] = []
    cells: list[list[str]] = []
    for row, number in zip(body, body_numbers, strict=True):
        if len(row) > width:
            extra = [c for c in row[width:] if c]
            if extra:
                ragged.append(
                    Issue(
                        f"the row has {len(row)} cells but the header has {width} "
                        "columns",
                        "check the quoting of this row (a cell with a comma must be "
                        "in double quotes) or export the survey again",
                        file=name,
                        row=number,
                        value=short(extra[0]),
                        code="ragged_row",
                    )
                )
                continue
            row = row[:width]
        elif len(row) < width:
            row = row + [""] * (width - len(row))
        cells.append(row)
    if ragged:
        raise ValidationError(ragged)
    header_names = [c.strip() for c in headers[0]]
    # Drop unnamed columns that hold nothing (trailing separators in Excel exports).
    keep = [
        j
        for j in range(width)
        if header_names[j]
        or any(h[j].strip() for h in headers[1:])
        or any(r[j] for r in cells)
    ]
    names = _unique_names([header_names[j] for j in keep])
    data = {
        col: np.array([r[j] for r in cells], dtype=object)
        for col, j in zip(names, keep, strict=True)
    }
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(cells)), columns=names)
    if not names:
        frame = pd.DataFrame(index=pd.RangeIndex(len(cells)))
    headers_out = tuple(tuple(h[j].strip() for j in keep) for h in headers)
    return RawTable(
        frame=frame,
        headers=headers_out,
        rows=np.asarray(body_numbers, dtype=np.int64).reshape(len(cells)),
        name=name,
    )


def _frame_table(frame: pd.DataFrame, name: str) -> RawTable:
    """Convert a DataFrame of any types to a :class:`RawTable` (rows 2, 3, ...)."""
    names = _unique_names([_cell_text(c) for c in frame.columns])
    data = {
        col: _column_text(frame.iloc[:, j].to_numpy(dtype=object))
        for j, col in enumerate(names)
    }
    out = pd.DataFrame(data, index=pd.RangeIndex(len(frame)), columns=names)
    if not names:
        out = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    return RawTable(
        frame=out,
        headers=(tuple(names),),
        rows=np.arange(2, len(frame) + 2, dtype=np.int64),
        name=name,
    )


def _records_table(records: Sequence[object], name: str) -> RawTable:
    bad = [i for i, r in enumerate(records) if not isinstance(r, Mapping)]
    if bad:
        raise ValidationError(
            [
                Issue(
                    f"record {i + 1} is a {type(records[i]).__name__}, not an object",
                    "pass one dict / JSON object per person: [{'id': ...}, ...]",
                    file=name,
                    row=i + 2,
                    value=short(_cell_text(records[i])),
                    code="bad_records",
                )
                for i in bad[:50]
            ]
        )
    rows: list[dict[str, Any]] = []
    columns: dict[str, None] = {}
    for record in records:
        row: dict[str, Any] = {}
        for key, value in record.items():  # type: ignore[attr-defined]
            row.setdefault(_cell_text(key), value)
        columns.update(dict.fromkeys(row))
        rows.append(row)
    names = list(columns)
    data = {}
    for col in names:
        cells = np.empty(len(rows), dtype=object)  # lists stay cells, not a 2-D array
        for i, row in enumerate(rows):
            cells[i] = row.get(col)
        data[col] = _column_text(cells)
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(records)), columns=names)
    if not names:
        frame = pd.DataFrame(index=pd.RangeIndex(len(records)))
    return RawTable(
        frame=frame,
        headers=(tuple(names),),
        rows=np.arange(2, len(records) + 2, dtype=np.int64),
        name=name,
    )


# ------------------------------------------------------------------------ formats


@contextlib.contextmanager
def _field_limit() -> Iterator[None]:
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, _FIELD_LIMIT))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _sniff_delimiter(text: str, suffix: str) -> str:
    if suffix == ".tsv":
        return "\t"
    first = next(iter(text.splitlines()), "")
    best, best_count = ",", 0
    for delimiter in _CSV_DELIMITERS:
        try:
            count = len(next(csv.reader([first], delimiter=delimiter), []))
        except csv.Error:
            continue
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _csv_table(text: str, suffix: str, header_rows: int, name: str) -> RawTable:
    if "\x00" in text:
        raise _fail(
            name,
            "the file holds binary data (NUL bytes), not text",
            "export the survey as CSV (UTF-8) or Excel (.xlsx)",
            "unreadable",
        )
    if not text.strip():
        raise _fail(name, "the file is empty", "export the survey again", "empty_file")
    delimiter = _sniff_delimiter(text, suffix)
    grid: list[list[str]] = []
    numbers: list[int] = []
    reader = csv.reader(
        _io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True
    )
    record = 0
    with _field_limit():
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise _fail(
                    name,
                    f"cannot read the file: {exc}",
                    "check the quoting near this row or export the survey again",
                    "unreadable",
                    row=record + 1,
                ) from None
            record += 1
            cells = [c.strip() for c in row]
            if not any(cells):
                continue  # blank line
            grid.append(cells)
            numbers.append(record)
    return _from_grid(grid, numbers, header_rows, name)


def _excel_table(
    data: bytes, sheet: str | int | None, header_rows: int, name: str
) -> RawTable:
    try:
        import openpyxl
    except ImportError:
        raise _fail(
            name,
            "reading Excel files needs openpyxl",
            "run: pip install 'rmatch[excel]'",
            "missing_extra",
        ) from None
    try:
        book = openpyxl.load_workbook(_io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise _fail(
            name,
            f"cannot open the Excel file: {short(exc, 200)}",
            "save it again as .xlsx from Excel, or export the survey as CSV",
            "unreadable",
        ) from None
    try:
        names = list(book.sheetnames)
        if sheet is None:
            target = names[0] if names else None
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            target = names[sheet] if -len(names) <= sheet < len(names) else None
        else:
            target = str(sheet) if str(sheet) in names else None
        if target is None:
            raise _fail(
                name,
                f"there is no sheet {sheet!r} in the workbook",
                f"use one of: {', '.join(map(repr, names))}",
                "bad_sheet",
            )
        grid: list[list[str]] = []
        numbers: list[int] = []
        try:
            for number, row in enumerate(book[target].iter_rows(values_only=True), 1):
                cells = [_cell_text(v) for v in row]
                while cells and not cells[-1]:
                    cells.pop()
                if not cells:
                    continue
                grid.append(cells)
                numbers.append(number)
        except Exception as exc:  # a damaged sheet part
            raise _fail(
                name,
                f"cannot read the sheet {target!r}: {short(exc, 200)}",
                "save it again as .xlsx from Excel, or export the survey as CSV",
                "unreadable",
            ) from None
    finally:
        book.close()
    return _from_grid(grid, numbers, header_rows, name)


def _json_table(text: str, name: str) -> RawTable:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _fail(
            name,
            f"the file is not valid JSON: {short(exc, 160)}",
            'write a list of objects: [{"id": ...}, ...]',
            "bad_json",
        ) from None
    if isinstance(data, dict):
        for key in ("people", "records", "data", "responses"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            if data and all(isinstance(v, list) for v in data.values()):
                lengths = {len(v) for v in data.values()}
                if len(lengths) == 1:  # {"column": [values], ...}
                    n = lengths.pop()
                    data = [{k: v[i] for k, v in data.items()} for i in range(n)]
            if isinstance(data, dict):
                data = [data]
    if not isinstance(data, list):
        raise _fail(
            name,
            f"a JSON file must hold a list of objects (one per person), not a "
            f"{type(data).__name__}",
            'write [{"id": ...}, ...]',
            "bad_json",
        )
    return _records_table(data, name)


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


def _parse_bytes(
    data: bytes, suffix: str, sheet: str | int | None, header_rows: int, name: str
) -> RawTable:
    if suffix in _EXCEL_SUFFIXES or (not suffix and data.startswith(b"PK\x03\x04")):
        return _excel_table(data, sheet, header_rows, name)
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(
            name,
            "old Excel 97-2003 (.xls) files are not supported",
            "save the file as .xlsx or CSV (UTF-8) and read that",
            "unreadable",
        )
    text, _ = decode_bytes(data)
    if suffix == ".json" or (not suffix and text.lstrip()[:1] in ("[", "{")):
        return _json_table(text, name)
    return _csv_table(text, suffix, header_rows, name)


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
        ``.csv`` / ``.txt`` / ``.tsv`` (any encoding :func:`decode_bytes` reads; the
        delimiter, ``,`` ``;`` or tab, is taken from the header line), ``.xlsx``
        (needs ``pip install rmatch[excel]``), ``.json`` (a list of records), the
        bytes or an open binary file of one of those (the format is sniffed), a
        DataFrame, or records (list values such as slot lists become ``"a; b"``).
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
        raise _fail(
            name,
            f"header_rows must be a whole number >= 1; got {header_rows!r}",
            "use header_rows = 1 (3 for Qualtrics exports)",
            "bad_option",
        )
    if isinstance(source, pd.DataFrame):
        return _frame_table(source, name)
    if isinstance(source, bytes | bytearray):
        return _parse_bytes(bytes(source), "", sheet, header_rows, name)
    if isinstance(source, _io.IOBase) or (
        hasattr(source, "read") and not isinstance(source, str | os.PathLike)
    ):
        try:
            data = source.read()  # type: ignore[union-attr]
        except (OSError, ValueError) as exc:
            raise _fail(
                name,
                f"cannot read the stream: {short(exc, 160)}",
                "pass an open binary file or a path",
                "unreadable",
            ) from None
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not isinstance(data, bytes | bytearray):
            raise _fail(
                name,
                "the stream did not return bytes",
                "open the file in binary mode ('rb')",
                "unreadable",
            )
        suffix = Path(str(getattr(source, "name", ""))).suffix.lower()
        return _parse_bytes(bytes(data), suffix, sheet, header_rows, name)
    if isinstance(source, str | os.PathLike):
        try:
            path = Path(source)
            data = path.read_bytes()
        except FileNotFoundError:
            raise _fail(
                name, f"file not found: {source}", "check the path", "file_not_found"
            ) from None
        except (OSError, TypeError, ValueError) as exc:
            raise _fail(
                name,
                f"cannot read the file: {short(exc, 160)}",
                "check the path and the file's permissions",
                "unreadable",
            ) from None
        return _parse_bytes(data, path.suffix.lower(), sheet, header_rows, name)
    if isinstance(source, Sequence):
        return _records_table(list(source), name)
    raise _fail(
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
        See :func:`read_raw`.
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
        See :func:`read_raw`. Required columns: ``id`` and ``role``.
    reference_monday : datetime.date, optional
        Week used to convert local availability to UTC (DST is applied as it is in
        that week). Default: :data:`rmatch.parsing.DEFAULT_REFERENCE_MONDAY`.
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
    from rmatch.validate import parse_people

    raw = read_raw(source, sheet=sheet)
    return parse_people(
        raw.frame, source=raw.name, reference_monday=reference_monday, rows=raw.rows
    )

"""Tables of strings with row numbers, from rows of text, frames, records and files."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io as _io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rmatch.errors import Issue, ValidationError, short
from rmatch.io._cells import cell_text, column_text
from rmatch.io._encoding import decode, encoding_issues, utf8_bytes
from rmatch.io._fastcsv import delimiter_of, fast_csv, flat, line_count, undecoded_utf8

_EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm"})
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
    issues : tuple of Issue
        Problems of single rows that did not stop the read (CSV files): rows shorter
        than the header (warning ``short_row``; the missing cells are read as empty) and
        cells that swallowed line breaks and whole rows, most likely through a stray
        double quote (error ``broken_quote``).
        [`rmatch.validate.validate_people()`][rmatch.validate.validate_people] reports
        them with the rest. Also a guessed encoding (``uncertain_encoding``),
        replaced bytes (``replaced_characters``) and roles taken from file names
        (``role_from_file_name``), as warnings.
    files : numpy.ndarray or None
        Several files read as one table: the file name of every row (the frame
        then has a ``source_file`` column too). None for one file.
    """

    frame: pd.DataFrame
    headers: tuple[tuple[str, ...], ...]
    rows: np.ndarray
    name: str
    issues: tuple[Issue, ...] = ()
    files: np.ndarray | None = None


def fail(
    name: str, message: str, fix: str, code: str, row: int | None = None
) -> ValidationError:
    """Return the error of a whole file (or of one row of it).

    Parameters
    ----------
    name : str
        File name for the message.
    message, fix : str
        What is wrong and how to fix it.
    code : str
        Issue code.
    row : int, optional
        Spreadsheet row number.

    Returns
    -------
    ValidationError
        With one [`Issue`][rmatch.errors.Issue], to be raised by the caller.
    """
    return ValidationError([Issue(message, fix, file=name, row=row, code=code)])


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
    grid: list[list[str]],
    numbers: list[int],
    header_rows: int,
    name: str,
    *,
    short_rows: bool = False,
) -> RawTable:
    """Build a `RawTable` from rows of text and their spreadsheet numbers."""
    if not grid:
        raise fail(name, "the file is empty", "export the survey again", "empty_file")
    if len(grid) < header_rows:
        raise fail(
            name,
            f"the file has {len(grid)} row(s) but {header_rows} header rows were "
            "expected",
            "export the survey again with its header rows, or set header_rows",
            "missing_header",
        )
    width = max(len(r) for r in grid[:header_rows])
    headers = [
        [c.strip() for c in r] + [""] * (width - len(r)) for r in grid[:header_rows]
    ]
    cells = grid[header_rows:]
    body_numbers = numbers[header_rows:]
    lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    ragged: list[Issue] = []
    found: list[Issue] = []
    for i in np.flatnonzero(lengths > width).tolist():
        row = cells[i]
        extra = [c.strip() for c in row[width:] if c.strip()]
        if extra:
            ragged.append(
                Issue(
                    f"the row has {len(row)} cells but the header has {width} columns",
                    "check the quoting of this row (a cell with a comma must be "
                    "in double quotes) or export the survey again",
                    file=name,
                    row=body_numbers[i],
                    value=short(extra[0]),
                    code="ragged_row",
                )
            )
        cells[i] = row[:width]
    if ragged:
        raise ValidationError(ragged)
    for i in np.flatnonzero(lengths < width).tolist():
        row = cells[i]
        if short_rows:
            found.append(short_row(name, body_numbers[i], len(row), headers[0]))
        cells[i] = row + [""] * (width - len(row))
    # One column at a time: transposed and stripped at C speed.
    columns = [list(map(str.strip, c)) for c in zip(*cells, strict=True)]
    columns = columns or [[] for _ in range(width)]
    return finish(headers, columns, body_numbers, name, found)


def finish(
    headers: list[list[str]],
    columns: Sequence[Sequence[str] | np.ndarray],
    body_numbers: Sequence[int] | np.ndarray,
    name: str,
    found: list[Issue],
) -> RawTable:
    """The `RawTable` of header rows, stripped data columns and row numbers."""
    width = len(headers[0])
    n = len(body_numbers)
    header_names = headers[0]
    # Drop unnamed columns that hold nothing (trailing separators in Excel exports).
    keep = [
        j
        for j in range(width)
        if header_names[j] or any(h[j] for h in headers[1:]) or any(columns[j])
    ]
    names = _unique_names([header_names[j] for j in keep])
    data = {
        col: np.asarray(columns[j], dtype=object)
        for col, j in zip(names, keep, strict=True)
    }
    frame = pd.DataFrame(data, index=pd.RangeIndex(n), columns=names)
    if not names:
        frame = pd.DataFrame(index=pd.RangeIndex(n))
    headers_out = tuple(tuple(h[j] for j in keep) for h in headers)
    return RawTable(
        frame=frame,
        headers=headers_out,
        rows=np.asarray(body_numbers, dtype=np.int64).reshape(n),
        name=name,
        issues=tuple(found),
    )


def short_row(name: str, number: int, n_cells: int, header: list[str]) -> Issue:
    missing = [h.strip() or f"column {j + 1}" for j, h in enumerate(header)][n_cells:]
    return Issue(
        f"the row has {n_cells} cells but the header has {len(header)} columns; "
        f"the missing cells ({', '.join(missing[:5])}"
        f"{', ...' if len(missing) > 5 else ''}) are read as empty",
        "add the missing separators (one per empty cell) or check the quoting of "
        "the row above",
        file=name,
        row=number,
        severity="warning",
        code="short_row",
    )


def _broken_quotes(table: RawTable, delimiter: str) -> RawTable:
    """Flag cells that hold line breaks and lines that look like whole rows.

    A line inside a cell looks like a row when it splits into as many cells as the
    header has columns; in the last row (a quote never closed swallows the rest
    of the file), into two or more.
    """
    width = len(table.frame.columns)
    last = len(table.frame) - 1
    found: list[Issue] = []
    for column in table.frame.columns:
        values = table.frame[column].to_numpy(dtype=object)
        joined = "".join(values.tolist())
        if "\n" not in joined and "\r" not in joined:
            continue
        for position in np.flatnonzero([("\n" in v or "\r" in v) for v in values]):
            text = str(values[position])
            lines = text.splitlines()[1:]
            least = 2 if position == last else max(2, width)
            looks_like_rows = any(
                len(next(csv.reader([line], delimiter=delimiter), [])) >= least
                for line in lines
                if line.strip()
            )
            if not looks_like_rows:
                continue
            found.append(
                Issue(
                    f"the cell holds {len(lines) + 1} lines that look like rows: "
                    "most likely a double quote that is never closed swallowed "
                    "the rows below it",
                    'remove the stray double quote (or close it: a cell with a " '
                    'is written "like ""this""") and export the file again',
                    file=table.name,
                    row=int(table.rows[position]),
                    column=str(column),
                    value=short(text.replace("\r", " ").replace("\n", " ")),
                    code="broken_quote",
                )
            )
    if not found:
        return table
    return dataclasses.replace(table, issues=table.issues + tuple(found))


def frame_table(frame: pd.DataFrame, name: str) -> RawTable:
    """Convert a DataFrame of any types to a `RawTable` (rows 2, 3, ...).

    Parameters
    ----------
    frame : pandas.DataFrame
    name : str
        File name for messages.

    Returns
    -------
    RawTable
    """
    names = _unique_names([cell_text(c) for c in frame.columns])
    data = {
        col: column_text(frame.iloc[:, j].to_numpy(dtype=object))
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


def records_table(records: Sequence[object], name: str) -> RawTable:
    """Convert records (one mapping per person) to a [`RawTable`][rmatch.io.RawTable].

    Parameters
    ----------
    records : sequence
        Mappings of column -> cell; columns are taken in order of appearance.
    name : str
        File name for messages.

    Returns
    -------
    RawTable
        Rows numbered 2, 3, ...

    Raises
    ------
    ValidationError
        A record that is not a mapping (each such record is listed, up to 50).
    """
    bad = [i for i, r in enumerate(records) if not isinstance(r, Mapping)]
    if bad:
        raise ValidationError(
            [
                Issue(
                    f"record {i + 1} is a {type(records[i]).__name__}, not an object",
                    "pass one dict / JSON object per person: [{'id': ...}, ...]",
                    file=name,
                    row=i + 2,
                    value=short(cell_text(records[i])),
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
            row.setdefault(cell_text(key), value)
        columns.update(dict.fromkeys(row))
        rows.append(row)
    names = list(columns)
    data = {}
    for col in names:
        cells = np.empty(len(rows), dtype=object)  # lists stay cells, not a 2-D array
        for i, row in enumerate(rows):
            cells[i] = row.get(col)
        data[col] = column_text(cells)
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


def _csv_table(
    text: str, suffix: str, header_rows: int, name: str, utf8: bytes | None = None
) -> RawTable:
    if b"\x00" in utf8 if utf8 is not None else "\x00" in text:  # (bytes: faster)
        raise fail(
            name,
            "the file holds binary data (NUL bytes), not text",
            "export the survey as CSV (UTF-8) or Excel (.xlsx)",
            "unreadable",
        )
    if not text or text.isspace():  # (text.strip() would copy a large file)
        raise fail(name, "the file is empty", "export the survey again", "empty_file")
    delimiter = delimiter_of(text, suffix)
    table = fast_table(text, delimiter, header_rows, name, utf8)
    if table is not None:
        one_line = flat(table.rows, line_count(text))
        return table if one_line else _broken_quotes(table, delimiter)
    return csv_module_table(text, delimiter, header_rows, name)


def fast_table(
    text: str | None,
    delimiter: str,
    header_rows: int,
    name: str,
    utf8: bytes | None = None,
) -> RawTable | None:
    """A plain CSV text read by pandas (see `fast_csv`), or None.

    None also when a data row has more fields than the header rows, or there are
    no more records than header rows: the ``csv`` module's path reports those.
    """
    read = fast_csv(text, delimiter, utf8)
    if read is None or read[1].size <= header_rows:
        return None
    columns, counts, numbers = read
    width = int(counts[:header_rows].max())
    if int(counts.max()) > width:
        return None
    headers = [[str(c[r]) for c in columns] for r in range(header_rows)]
    body = counts[header_rows:]
    found = [
        short_row(name, int(numbers[header_rows + i]), int(body[i]), headers[0])
        for i in np.flatnonzero(body < width).tolist()
    ]
    data = [c[header_rows:] for c in columns]
    return finish(headers, data, numbers[header_rows:], name, found)


def csv_module_table(
    text: str, delimiter: str, header_rows: int, name: str
) -> RawTable:
    """Read CSV text with Python's ``csv`` module (any quoting it accepts)."""
    reader = csv.reader(
        _io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True
    )
    with _field_limit():
        try:
            records = list(reader)
        except csv.Error as exc:
            raise fail(
                name,
                f"cannot read the file: {exc}",
                "check the quoting near this row or export the survey again",
                "unreadable",
                row=reader.line_num,
            ) from None
    # Blank records (no cell with text) are skipped but keep their number.
    filled = [i for i, r in enumerate(records) if "".join(r).strip()]
    grid = [records[i] for i in filled]
    numbers = [i + 1 for i in filled]
    table = _from_grid(grid, numbers, header_rows, name, short_rows=True)
    if len(records) == line_count(text) and text.count("\r") == text.count("\r\n"):
        return table  # one record per line: no cell holds a line break
    return _broken_quotes(table, delimiter)


def _excel_table(
    data: bytes, sheet: str | int | None, header_rows: int, name: str
) -> RawTable:
    try:
        import openpyxl
    except ImportError:
        raise fail(
            name,
            "reading Excel files needs openpyxl",
            "run: pip install 'rmatch[excel]'",
            "missing_extra",
        ) from None
    try:
        book = openpyxl.load_workbook(_io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt file
        raise fail(
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
            raise fail(
                name,
                f"there is no sheet {sheet!r} in the workbook",
                f"use one of: {', '.join(map(repr, names))}",
                "bad_sheet",
            )
        grid: list[list[str]] = []
        numbers: list[int] = []
        try:
            for number, row in enumerate(book[target].iter_rows(values_only=True), 1):
                cells = [cell_text(v) for v in row]
                while cells and not cells[-1]:
                    cells.pop()
                if not cells:
                    continue
                grid.append(cells)
                numbers.append(number)
        except Exception as exc:  # a damaged sheet part
            raise fail(
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
        raise fail(
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
        raise fail(
            name,
            f"a JSON file must hold a list of objects (one per person), not a "
            f"{type(data).__name__}",
            'write [{"id": ...}, ...]',
            "bad_json",
        )
    return records_table(data, name)


def parse_bytes(
    data: bytes,
    suffix: str,
    sheet: str | int | None,
    header_rows: int,
    name: str,
    encoding: str | None = None,
) -> RawTable:
    """Read the bytes of an Excel, JSON or CSV file (sniffed when no suffix).

    Parameters
    ----------
    data : bytes
        The file's content.
    suffix : str
        Lower-case file suffix (``".csv"``), or ``""`` to sniff the format.
    sheet : str or int or None
        Excel sheet.
    header_rows : int
        Rows on top before the data.
    name : str
        File name for messages.
    encoding : str, optional
        Text encoding (default: found, see
        [`decode_bytes()`][rmatch.io.decode_bytes]).

    Returns
    -------
    RawTable
        With a warning in ``issues`` when the encoding was guessed without
        certainty (``uncertain_encoding``) or bytes had to be replaced
        (``replaced_characters``).

    Raises
    ------
    ValidationError
        The file cannot be read.
    """
    if suffix in _EXCEL_SUFFIXES or (not suffix and data.startswith(b"PK\x03\x04")):
        return _excel_table(data, sheet, header_rows, name)
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail(
            name,
            "old Excel 97-2003 (.xls) files are not supported",
            "save the file as .xlsx or CSV (UTF-8) and read that",
            "unreadable",
        )
    if encoding is None and suffix in (".csv", ".tsv", ".txt"):  # read undecoded
        utf8, delimiter, lines = undecoded_utf8(data, suffix) or (b"", ",", 0)
        fast = fast_table(None, delimiter, header_rows, name, utf8) if utf8 else None
        if fast is not None:  # UTF-8: pandas decoded every cell (strictly)
            return fast if flat(fast.rows, lines) else _broken_quotes(fast, delimiter)
    decoded = decode(data, encoding)
    text = decoded.text
    if suffix == ".json" or (not suffix and text.lstrip()[:1] in ("[", "{")):
        table = _json_table(text, name)
    else:
        table = _csv_table(text, suffix, header_rows, name, utf8_bytes(decoded, data))
    found = encoding_issues(decoded, name)
    if not found:
        return table
    return dataclasses.replace(table, issues=found + table.issues)

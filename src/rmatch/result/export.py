"""Write tables safely: CSV, Excel and JSON that never run a formula when opened.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by spreadsheets as a formula (CSV injection, OWASP). In CSV and Excel output
such text cells get a leading apostrophe, which spreadsheets display as text; numbers
are left alone. JSON is written as it is (it is read by programs, not spreadsheets).

Text is written exactly as it was read: names with diacritics (``Nguyễn Thị Hồng``,
``Şükrü Öztürk``, ``Jürgen Weiß``) come out byte for byte as they went in. Output
is deterministic in every format (same table, same bytes): Excel files carry a
fixed time stamp (1980-01-01, the earliest a zip file can hold) instead of the
time of writing.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import math
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rmatch.errors import ConfigError

__all__ = [
    "frame_records",
    "neutralize",
    "safe_frame",
    "to_json_safe",
    "write_json",
    "write_table",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters an .xlsx file cannot hold (openpyxl refuses them).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralize(value: Any) -> Any:
    """Return ``value`` with a leading ``'`` if a spreadsheet would run it.

    Parameters
    ----------
    value : object
        A cell. Only text is changed; numbers and other values are returned as
        they are.

    Returns
    -------
    object

    Examples
    --------
    >>> neutralize("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralize("Nguyễn Thị Hồng"), neutralize(-1.5), neutralize("@SUM(A1)")
    ('Nguyễn Thị Hồng', -1.5, "'@SUM(A1)")
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` with every text cell and column name neutralized.

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
    """
    out = frame.copy()
    for j in range(out.shape[1]):
        column = out.iloc[:, j]
        if column.dtype == object or pd.api.types.is_string_dtype(column):
            out.isetitem(j, column.map(neutralize).to_numpy(dtype=object))
    out.columns = pd.Index([neutralize(str(c)) for c in out.columns])
    return out


def to_json_safe(value: Any) -> Any:
    """Convert numpy scalars, NaN and containers to plain JSON-safe Python.

    Examples
    --------
    >>> to_json_safe({"a": np.float64("nan"), "b": [np.int64(2)]})
    {'a': None, 'b': [2]}
    """
    if isinstance(value, dict):
        return {str(k): to_json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_json_safe(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    return value


def _column_values(column: pd.Series) -> list[Any]:
    """One column as JSON-safe Python values (what `to_json_safe` gives per cell)."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else "O"
    if kind in "biu":  # plain numpy columns (nullable ones go the general way)
        return list(column.to_numpy().tolist())
    if kind == "f":
        values = column.to_numpy()
        out = list(values.tolist())
        for i in np.flatnonzero(~np.isfinite(values)).tolist():
            out[i] = None
        return out
    cells = column.to_numpy(dtype=object).tolist()
    return [v if type(v) is str else to_json_safe(v) for v in cells]


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """``to_json_safe(frame.to_dict(orient="records"))``, column by column.

    The same records, built without a Python call per cell for numeric columns
    (a matching's tables have a row per person: 100k rows at a million employees).

    Parameters
    ----------
    frame : pandas.DataFrame

    Returns
    -------
    list of dict
        One dict per row, column name (as text) to a JSON-safe value: NaN, NA and
        NaT as None, numpy scalars as Python numbers, dates as ISO text.

    Examples
    --------
    >>> frame_records(pd.DataFrame({"a": [1.5, np.nan], "b": ["x", None]}))
    [{'a': 1.5, 'b': 'x'}, {'a': None, 'b': None}]
    """
    names = [str(c) for c in frame.columns]
    columns = [_column_values(frame.iloc[:, j]) for j in range(frame.shape[1])]
    if not columns:
        return [{} for _ in range(len(frame))]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def write_json(records: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write JSON-safe ``records`` as the file of
    [`Matching.to_json()`][rmatch.result.Matching.to_json] (UTF-8, indent 1).

    Parameters
    ----------
    records : dict
        What [`Matching.to_records()`][rmatch.result.Matching.to_records] returns.
    path : path

    Returns
    -------
    pathlib.Path
    """
    target = Path(path)
    text = json.dumps(records, ensure_ascii=False, indent=1)
    target.write_text(text + "\n", encoding="utf-8")
    return target


def _excel_cell(value: Any) -> Any:
    """Convert one cell for openpyxl: plain Python, neutralized, legal characters."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int | _dt.datetime | _dt.date):
        return value
    text = value if isinstance(value, str) else str(value)
    return neutralize(_XLSX_ILLEGAL.sub("\ufffd", text))


def _write_xlsx(frame: pd.DataFrame, target: Path, sheet_name: str) -> None:
    try:
        from openpyxl import Workbook
    except ImportError:
        raise ConfigError(
            "writing Excel files needs openpyxl: pip install 'rmatch[excel]'"
        ) from None
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=(sheet_name or "Sheet1")[:31])
    sheet.append([_excel_cell(str(c)) for c in frame.columns])
    columns = [frame.iloc[:, j].to_numpy(dtype=object) for j in range(frame.shape[1])]
    for i in range(frame.shape[0]):
        sheet.append([_excel_cell(col[i]) for col in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    _write_reproducible_zip(buffer.getvalue(), target)


_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_CORE_TIMES = re.compile(rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*")


def _write_reproducible_zip(data: bytes, target: Path) -> None:
    """Copy an .xlsx (a zip) with fixed entry times and document dates.

    openpyxl stamps the save time into ``docProps/core.xml`` and every zip entry;
    with a fixed stamp the same table gives the same bytes.
    """
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _CORE_TIMES.sub(rb"\g<1>1980-01-01T00:00:00Z", body)
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            out.writestr(entry, body)


def write_table(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    bom: bool = False,
    float_format: str = "%.4f",
    sheet_name: str = "Sheet1",
) -> Path:
    """Write ``frame`` by the file's extension: ``.csv``, ``.xlsx`` or ``.json``.

    Parameters
    ----------
    frame : pandas.DataFrame
    path : path
        ``.json`` writes a list of records (UTF-8, NaN as ``null``); ``.xlsx`` /
        ``.xlsm`` an Excel sheet; anything else CSV (UTF-8, ``\\n`` line ends).
    bom : bool, default False
        CSV only: write UTF-8 with a byte-order mark, so that Excel shows
        diacritics when the file is double-clicked.
    float_format : str, default ``"%.4f"``
        CSV only.
    sheet_name : str, default ``"Sheet1"``
        Excel only.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    ConfigError
        An ``.xlsx`` path without openpyxl installed.

    Notes
    -----
    In CSV and Excel output every text cell (and column name) that starts with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
    ([`neutralize()`][rmatch.result.neutralize]). Characters an ``.xlsx`` file cannot
    hold (control characters other than tab and new lines) are replaced by U+FFFD.

    Examples
    --------
    >>> import tempfile
    >>> frame = pd.DataFrame({"name": ["Nguyễn Thị Hồng", "=1+1"], "score": [0.5, 1]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = write_table(frame, Path(tmp) / "pairs.csv")
    ...     path.read_text(encoding="utf-8")
    "name,score\\nNguyễn Thị Hồng,0.5000\\n'=1+1,1.0000\\n"
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix == ".json":
        records = to_json_safe(frame.to_dict(orient="records"))
        target.write_text(
            json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    elif suffix in (".xlsx", ".xlsm"):
        _write_xlsx(frame, target, sheet_name)
    else:
        text = _csv_text(safe_frame(frame), float_format)
        target.write_bytes(text.encode("utf-8-sig" if bom else "utf-8"))
    return target


def _csv_field(text: str) -> str:
    """Quote a CSV field that holds a separator, a quote or a line break (CR too)."""
    if any(c in text for c in (",", '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_cell(value: Any, float_format: str) -> str:
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return ""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return "" if math.isnan(value) else float_format % value
    return _csv_field(str(value))


def _csv_text(frame: pd.DataFrame, float_format: str) -> str:
    """CSV with ``\n`` line ends; fields with ``,`` ``"`` or a line break quoted."""
    columns = []
    for j in range(frame.shape[1]):
        values = frame.iloc[:, j].to_numpy(dtype=object)
        columns.append([_csv_cell(v, float_format) for v in values])
    lines = [",".join(_csv_field(str(c)) for c in frame.columns)]
    lines += (
        [",".join(row) for row in zip(*columns, strict=True)]
        if columns
        else ["" for _ in range(frame.shape[0])]
    )
    return "\n".join(lines) + "\n"

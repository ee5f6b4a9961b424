"""Cells to text: decoding exported bytes and converting cell values."""

from __future__ import annotations

import datetime as _dt
import json
import math
from typing import Any

import numpy as np
import pandas as pd

from rmatch.io._encoding import decode


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Decode the bytes of a text export, finding the encoding when it is not UTF-8.

    UTF-8 (with or without a byte-order mark), UTF-16 with a BOM (Excel's "Unicode
    text"), UTF-16 without a BOM (detected by its NUL bytes), then the encoding
    charset-normalizer finds most likely (cp1252 for Western Excel CSVs,
    Shift-JIS, GBK, Big5, cp1251 ...). [`read_raw()`][rmatch.io.read_raw] reports
    a guess that is not certain and bytes that had to be replaced.

    Parameters
    ----------
    data : bytes
    encoding : str, optional
        Use this encoding instead of finding one.

    Returns
    -------
    text, encoding : str, str
        The text without its byte-order mark, and the encoding that was used.

    Examples
    --------
    >>> decode_bytes("Nguyễn".encode("utf-16"))
    ('Nguyễn', 'utf-16')
    >>> decode_bytes("id,name\\nE1,Müller\\nE2,Renée\\n".encode("cp1252"))[1]
    'cp1252'
    """
    decoded = decode(data, encoding)
    return decoded.text, decoded.encoding


# ----------------------------------------------------------------------- cells


def cell_text(value: object) -> str:
    """Convert one cell to stripped text (``""`` for a missing value).

    Parameters
    ----------
    value : object
        A cell as pandas, openpyxl or JSON gives it: text, a number, a bool, a
        date, bytes, a list (items joined by ``"; "``) or a dict (as JSON).

    Returns
    -------
    str
    """
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
        return "; ".join(t for t in (cell_text(v) for v in items) if t)
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


def column_text(values: np.ndarray) -> np.ndarray:
    """Convert a column of cells to stripped text, each distinct value once.

    Parameters
    ----------
    values : numpy.ndarray
        One-dimensional ``object`` array of cells.

    Returns
    -------
    numpy.ndarray
        ``object`` array of `cell_text()` of each cell.
    """
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
                    text = cache[key] = cell_text(value)  # type: ignore[index]
            except TypeError:  # unhashable (list, dict)
                text = cell_text(value)
        out[i] = text
    return out

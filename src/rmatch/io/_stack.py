"""Several files read as one table, and roles given by files."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from rmatch.errors import ConfigError, Issue
from rmatch.io._tables import RawTable

#: Column of a table stacked from several files: the file each row came from.
SOURCE_FILE = "source_file"
_ROLES = ("mentor", "mentee", "both", "none")


def is_many(source: object) -> bool:
    """Whether ``source`` is several files / tables to stack (not records).

    Parameters
    ----------
    source : object
        What a reader was given.

    Returns
    -------
    bool
        True for a non-empty list or tuple of paths, bytes or DataFrames.
    """
    return (
        isinstance(source, list | tuple)
        and bool(source)
        and all(isinstance(s, str | os.PathLike | pd.DataFrame | bytes) for s in source)
    )


def file_role(name: str) -> str | None:
    """The role a file name says: ``mentee`` or ``mentor`` in it (not both).

    Parameters
    ----------
    name : str
        A file name or path.

    Returns
    -------
    str or None
        ``"mentor"``, ``"mentee"`` or None.

    Examples
    --------
    >>> file_role("2026 Mentors.csv"), file_role("mentees.xlsx"), file_role("all.csv")
    ('mentor', 'mentee', None)
    """
    words = set(re.findall(r"mentor|mentee", Path(str(name)).stem.casefold()))
    return words.pop() if len(words) == 1 else None


def check_file_roles(file_roles: Mapping[str, str] | None) -> dict[str, str]:
    """``file_roles`` keyed by case-folded file name; ConfigError when invalid."""
    if file_roles is None:
        return {}
    if not isinstance(file_roles, Mapping):
        raise ConfigError(
            f"file_roles must map file names to roles; got {file_roles!r}"
        )
    out: dict[str, str] = {}
    for name, role in file_roles.items():
        if role not in _ROLES:
            raise ConfigError(
                f"file_roles[{name!r}] must be one of {', '.join(_ROLES)}; got {role!r}"
            )
        out[Path(str(name)).name.casefold()] = str(role)
    return out


def _with_role(raw: RawTable, roles: Mapping[str, str]) -> RawTable:
    """Fill the empty role cells of a file whose role is given or named."""
    role = roles.get(raw.name.casefold())
    has_column = "role" in raw.frame.columns
    named = role is None and not has_column
    if named:
        role = file_role(raw.name)
    if role is None or not len(raw.frame):
        return raw
    frame = raw.frame.copy()
    if has_column:
        cells = frame["role"].to_numpy(dtype=object)
        frame["role"] = np.where(cells == "", role, cells).astype(object)
    else:
        frame["role"] = np.full(len(frame), role, dtype=object)
    issues = raw.issues
    if named:
        issues += (
            Issue(
                f"the file has no role column; its name says {role!r}, so its "
                f"{len(frame)} row(s) are read as {role}s",
                "if that is wrong, add a role column or give each file's role "
                "(read_people(..., file_roles={'mentors.csv': 'mentor'}) or "
                '[mapping.files] "mentors.csv" = { role = "mentor" })',
                file=raw.name,
                column="role",
                value=role,
                severity="warning",
                code="role_from_file_name",
            ),
        )
    return RawTable(frame, raw.headers, raw.rows, raw.name, issues, raw.files)


def stack(raws: Sequence[RawTable], roles: Mapping[str, str]) -> RawTable:
    """Read several files as one table (``files`` and ``source_file`` set).

    Columns are united (a file without a column has empty cells); every row keeps
    its file and row number.
    """
    raws = [_with_role(raw, roles) for raw in raws]
    columns = list(dict.fromkeys(c for raw in raws for c in raw.frame.columns))
    frames = [
        raw.frame.reindex(columns=columns, fill_value="").astype(object) for raw in raws
    ]
    frame = pd.concat(frames, ignore_index=True)
    files = np.concatenate(
        [np.full(len(raw.frame), raw.name, dtype=object) for raw in raws]
    )
    if SOURCE_FILE not in frame.columns:
        frame[SOURCE_FILE] = files
    return RawTable(
        frame=frame.fillna(""),
        headers=(tuple(str(c) for c in frame.columns),),
        rows=np.concatenate([raw.rows for raw in raws]).astype(np.int64),
        name=" + ".join(dict.fromkeys(raw.name for raw in raws)),
        issues=tuple(i for raw in raws for i in raw.issues),
        files=files,
    )


def with_roles(raw: RawTable, roles: Mapping[str, str]) -> RawTable:
    """One file: fill its role from ``roles`` (given explicitly only)."""
    if raw.name.casefold() not in roles:
        return raw
    return _with_role(raw, roles)

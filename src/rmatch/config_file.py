"""Program files: a small TOML writer, and relative file names made absolute.

[`dumps()`][rmatch.config_file.dumps] is a TOML writer for plain settings (``tomllib``
only reads); [`resolve_paths()`][rmatch.config_file.resolve_paths] resolves the file
names in a program config against the folder of its TOML file (no ``os.chdir``, so it is
safe in threads).

Writes the values [`rmatch.Program.to_dict()`][rmatch.program.Program.to_dict] produces:
strings (escaped), ints, floats (``inf`` and ``nan`` too), bools, dates, lists and
nested tables. ``None`` has no TOML form: a table entry that is ``None`` is left out
(the reader then uses its default), ``None`` inside a list is an error.

Examples
--------
>>> import tomllib
>>> data = {"program": {"name": 'Q3 "pilot"\\n', "seed": 0, "gap": 0.001},
...         "rules": [{"type": "history", "pairs": [["A", "B"]]}]}
>>> print(dumps(data), end="")
[program]
name = "Q3 \\"pilot\\"\\n"
seed = 0
gap = 0.001
<BLANKLINE>
[[rules]]
type = "history"
pairs = [["A", "B"]]
>>> tomllib.loads(dumps(data)) == data
True
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rmatch.errors import ConfigError

__all__ = ["dumps", "resolve_paths"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n"}
_ESCAPES |= {"\f": "\\f", "\r": "\\r"}


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(key: object) -> str:
    text = str(key)
    return text if _BARE_KEY.fullmatch(text) else _string(text)


def _value(value: Any, where: str) -> str:
    """One value in inline form (scalars, arrays and inline tables)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        items = [
            f"{_key(k)} = {_value(v, f'{where}.{k}')}"
            for k, v in value.items()
            if v is not None
        ]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, Sequence):
        if any(v is None for v in value):
            raise ConfigError(f"{where}: TOML cannot hold None in a list")
        return "[" + ", ".join(_value(v, where) for v in value) + "]"
    raise ConfigError(f"{where}: cannot write a {type(value).__name__} as TOML")


def _is_table_list(value: Any) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
    )


def _table(table: Mapping[str, Any], path: list[str], lines: list[str]) -> None:
    """Write a table: its plain entries, then its sub-tables and table lists."""
    nested = []
    for k, v in table.items():
        if v is None:
            continue
        if isinstance(v, Mapping) or _is_table_list(v):
            nested.append((k, v))
        else:
            lines.append(f"{_key(k)} = {_value(v, '.'.join([*path, str(k)]))}")
    for k, v in nested:
        sub = [*path, _key(k)]
        if isinstance(v, Mapping):
            lines += ["", f"[{'.'.join(sub)}]"]
            _table(v, sub, lines)
        else:
            for item in v:
                lines += ["", f"[[{'.'.join(sub)}]]"]
                _table(item, sub, lines)


def dumps(data: Mapping[str, Any]) -> str:
    """Return ``data`` as a TOML document that ``tomllib.loads`` reads back.

    Parameters
    ----------
    data : mapping
        String keys; values are str, int, float, bool, dates, lists and mappings.
        Entries whose value is ``None`` are left out.

    Returns
    -------
    str

    Raises
    ------
    ConfigError
        A value TOML cannot hold (``None`` in a list, an arbitrary object).
    """
    lines: list[str] = []
    _table(data, [], lines)
    return "\n".join(lines).lstrip("\n") + "\n"


#: Rule and quota kinds whose configuration may name a CSV file of pairs.
_FILE_KINDS = ("history", "required_pairs", "forbidden_pairs")


def _resolve_entry(kind: str, spec: Any, base: Path) -> Any:
    """``spec`` of one rule/quota entry with a relative file name made absolute."""
    if isinstance(spec, list):  # a list of tables, or a list of pairs (kept)
        return [
            _resolve_entry(kind, s, base) if isinstance(s, Mapping) else s for s in spec
        ]
    if isinstance(spec, Mapping):
        kind = str(spec.get("type", kind))
        if kind in _FILE_KINDS and isinstance(spec.get("pairs"), str):
            return {**spec, "pairs": str(base / spec["pairs"])}
        return spec
    if kind in _FILE_KINDS and isinstance(spec, str):
        return str(base / spec)
    return spec


def resolve_paths(config: Mapping[str, Any], base_dir: Path) -> dict[str, Any]:
    """Return ``config`` with its file names resolved against ``base_dir``.

    Parameters
    ----------
    config : mapping
        A program config (the parsed TOML).
    base_dir : pathlib.Path
        The folder of the TOML file.

    Returns
    -------
    dict
        A shallow copy; the file names are the CSVs of ``history``,
        ``forbidden_pairs`` and ``required_pairs`` (in ``[rules]`` and ``[quotas]``)
        and ``[mapping.hr] file``. Absolute names are kept.

    Examples
    --------
    >>> resolve_paths({"rules": {"history": "past.csv"}}, Path("/srv/q3"))
    {'rules': {'history': '/srv/q3/past.csv'}}
    """
    out = dict(config)
    for section in ("rules", "quotas"):
        value = out.get(section)
        if isinstance(value, Mapping):
            out[section] = {
                k: _resolve_entry(str(k), v, base_dir) for k, v in value.items()
            }
        elif isinstance(value, list):
            out[section] = [_resolve_entry("", v, base_dir) for v in value]
    for section in ("mapping", "survey"):
        value = out.get(section)
        if not isinstance(value, Mapping):
            continue
        hr = value.get("hr")
        if isinstance(hr, Mapping) and isinstance(hr.get("file"), str):
            out[section] = {**value, "hr": {**hr, "file": str(base_dir / hr["file"])}}
    return out

"""Read raw survey exports: map questions onto canonical fields, join HR data.

A sign-up survey exported from Google Forms, Microsoft Forms, Qualtrics or Excel does
not use rmatch's canonical columns (DESIGN.md). A :class:`SurveyMap` says which
question feeds which field and how to read the answers; :func:`read_survey` applies
it, removes duplicate answers, joins an HR file (manager, department, grade,
location) and returns :class:`~rmatch.people.People`. :func:`validate_survey` does
the same and returns every problem as a
:class:`~rmatch.validate.ValidationReport` instead of raising.

A mapping is a ``[mapping]`` TOML section (or the same dict, or a
:class:`SurveyMap`)::

    [mapping]
    preset = "google_forms"                  # Timestamp, Email Address, ", " lists
    "I want to be a..." = "role"
    "I can mentor someone in these areas..." = "skills_offered"
    "I want mentorship in..." = "skills_wanted"
    "Availability [*]" = "availability"       # checkbox grid, one column per day
    "Time zone" = "timezone"
    "Open to several mentees?" = { field = "capacity", values = { Yes = 2, No = 1 } }

    [mapping.hr]
    file = "hr.csv"                           # relative to the TOML file
    email = "email"
    manager = "manager_id"                    # an id, an e-mail or a name
    org = "department"

Every line other than the options below maps a column (the question text, matched
without regard to case and repeated spaces) onto a field: one of the canonical fields
``id name email role manager_id department location languages seniority
skills_offered skills_wanted interests goals availability timezone capacity
mentor_capacity mentee_capacity``, or ``first_name`` / ``last_name`` (joined into
``name``) or ``timestamp`` (decides which of two answers of one person wins). Several
columns may feed one field: sets are united, names joined, and for other fields the
first non-empty answer counts. A line can be a table with parsing options:
``field``, ``separators`` (multi-select), ``values`` (answer -> value, e.g. role
answers or ``Yes = 2``), ``order`` (ordinal answers -> 1, 2, ...: grades),
``scale`` (``"likert"`` or label -> number), ``skill`` (the column holds the level
of one skill), ``day`` (the column is one day of an availability grid) and
``custom = true`` (keep the column under a new, non-canonical name).

Options: ``preset`` (``google_forms``, ``microsoft_forms``, ``qualtrics``),
``header_rows``, ``sheet``, ``separators``, ``id_from_email``, ``timestamp``,
``timezone``, ``availability`` (a column, a list of columns, or a grid table
``{"Availability [Monday]" = "mon", ...}``), ``periods`` (grid period -> start/end),
``roles`` (answer -> role), ``likert`` (label -> number), ``duplicates``
(``latest`` or ``first``), ``unknown_manager`` (``warning`` or ``error``),
``on_error`` (``raise`` or ``reject``), ``columns`` (a table of column lines, for
columns whose names clash with an option) and ``hr`` (the HR file: ``file``,
``join`` = ``auto`` / ``id`` / ``email``, ``header_rows``, ``sheet``,
``separators``, ``id_from_email``, ``roles``, ``likert`` and column lines).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import difflib
import json
import os
import re
import tomllib
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rmatch.errors import ConfigError, DataQualityWarning, Issue, ValidationError, short
from rmatch.io import RawTable, read_raw
from rmatch.parsing import (
    SLOT_MINUTES,
    SLOTS_PER_WEEK,
    ParseError,
    is_missing,
    normalize_email,
    normalize_token,
    parse_datetime,
    parse_likert,
    parse_period_grid,
    parse_role,
    parse_yes_no,
    slots_to_text,
)
from rmatch.people import CANONICAL_FIELDS, NOT_PARTICIPATING, People
from rmatch.validate import ValidationReport, validate_people

__all__ = [
    "CANONICAL_FIELDS",
    "FIELDS",
    "PRESETS",
    "SOURCE_COLUMN",
    "ColumnSpec",
    "MissingColumnsError",
    "SurveyMap",
    "read_survey",
    "validate_survey",
]

_HELPER_FIELDS = ("first_name", "last_name", "timestamp")
#: Fields a column can be mapped onto.
FIELDS: tuple[str, ...] = CANONICAL_FIELDS + _HELPER_FIELDS
#: Column added to every survey row: the name of the file it came from, so that a
#: mapping can derive a field from it (``source_file = { field = "role", values =
#: { "mentors.csv" = "mentor", "mentees.csv" = "mentee" } }``).
SOURCE_COLUMN = "source_file"

_SET_FIELDS = frozenset({"interests", "goals", "languages"})
_SKILL_FIELDS = frozenset({"skills_offered", "skills_wanted"})
_ROLES = ("mentor", "mentee", "both", "none")
# Fields the HR file (the system of record) sets even when the survey has a value.
_HR_WINS = frozenset({"manager_id", "department", "location", "seniority", "id"})
# Fields a rejected person keeps so that they stay in the org chart.
_ORG_FIELDS = frozenset({"id", "name", "email", "manager_id", "department", "location"})
# Fields the HR file may not overwrite on a survey row.
_SURVEY_ONLY = frozenset(
    {
        "role",
        "timestamp",
        "capacity",
        "mentor_capacity",
        "mentee_capacity",
        "availability",
        "skills_offered",
        "skills_wanted",
        "interests",
        "goals",
    }
)

_OPTION_KEYS = frozenset(
    {
        "preset",
        "header_rows",
        "sheet",
        "separators",
        "id_from_email",
        "duplicates",
        "roles",
        "likert",
        "periods",
        "unknown_manager",
        "on_error",
        "hr",
        "columns",
        "timestamp",
        "timezone",
        "availability",
    }
)
_HR_OPTION_KEYS = frozenset(
    {
        "file",
        "join",
        "header_rows",
        "sheet",
        "separators",
        "id_from_email",
        "columns",
        "roles",
        "likert",
        "timezone",
    }
)
_SPEC_KEYS = frozenset(
    {"field", "separators", "values", "order", "scale", "skill", "day", "custom"}
)

#: Presets for common form tools: the options and the (optional) columns they add.
PRESETS: dict[str, dict[str, Any]] = {
    "google_forms": {
        "separators": [", "],
        "columns": {"Timestamp": "timestamp", "Email Address": "email"},
    },
    "microsoft_forms": {
        "separators": [";"],
        "columns": {"Completion time": "timestamp", "Email": "email", "Name": "name"},
    },
    "qualtrics": {
        "header_rows": 3,
        "separators": [","],
        "columns": {
            "RecordedDate": "timestamp",
            "RecipientEmail": "email",
            "RecipientFirstName": "first_name",
            "RecipientLastName": "last_name",
        },
    },
}


# ============================================================================ mapping


def _key(text: str) -> str:
    """Column-name key: case-folded, white space collapsed."""
    return " ".join(str(text).casefold().split())


def _suggest(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` with up to three close matches, or ``""``.

    Long question texts are also compared by their beginning, so that a question
    typed shorter than it was exported is still found.
    """
    key = _key(word)
    if not key:
        return ""
    scored = []
    for choice in dict.fromkeys(choices):
        other = _key(choice)
        if not other:
            continue
        ratio = difflib.SequenceMatcher(None, key, other).ratio()
        if len(other) > len(key) + 5:
            head = other[: len(key) + 5]
            ratio = max(ratio, difflib.SequenceMatcher(None, key, head).ratio() - 0.05)
        if ratio >= 0.6:
            scored.append((-ratio, choice))
    close = [c for _, c in sorted(scored)[:3]]
    return f" (did you mean {' or '.join(map(repr, close))}?)" if close else ""


def _value_text(value: object, where: str) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value.strip()
    raise ConfigError(f"{where}: values must be text or numbers; got {value!r}")


def _str_list(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) and v for v in value
    ):
        raise ConfigError(f"{where} must be a text or a list of texts; got {value!r}")
    return tuple(value)


def _table(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table; got {value!r}")
    return value


def _choice(value: object, where: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ConfigError(
            f"{where} must be one of {', '.join(map(repr, choices))}; got {value!r}"
        )
    return str(value)


def _check_field(column: str, name: object, custom: bool) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(
            f"[mapping] column {column!r}: the field must be a name; got {name!r}"
        )
    name = name.strip()
    if name in FIELDS or custom:
        return name
    hint = _suggest(name, FIELDS)
    option = _suggest(column, sorted(_OPTION_KEYS | _HR_OPTION_KEYS))
    extra = (
        f" If {column!r} is meant as an option, it is unknown{option}."
        if option
        else ""
    )
    raise ConfigError(
        f"[mapping] column {column!r} is mapped to the unknown field {name!r}{hint}. "
        f"Fields are: {', '.join(FIELDS)}; to keep a column under another name write "
        f"{{ field = {name!r}, custom = true }}.{extra}"
    )


@dataclass(frozen=True)
class ColumnSpec:
    """How one survey column feeds one field.

    Parameters
    ----------
    column : str
        The column as named in the export (question text or id; case and repeated
        spaces do not matter). ``"Prefix [*]"`` stands for every column
        ``"Prefix [X]"`` (a Google / Microsoft Forms grid); ``X`` is then the day
        (availability) or the skill (skills).
    field : str
        Target field (see :data:`FIELDS`), or any name with ``custom=True``.
    separators : tuple of str, optional
        Multi-select separators (default: the map's ``separators``).
    values : mapping of str to str, optional
        Answer -> value, compared after :func:`~rmatch.parsing.normalize_token`
        (for sets and skills: per selected option). An empty value drops it.
    order : tuple of str, optional
        Ordinal answers, lowest first; an answer becomes its position (1, 2, ...).
    scale : mapping of str to float, optional
        Rating labels -> numbers (:func:`~rmatch.parsing.parse_likert`).
    likert : bool
        Read answers with the default rating scale.
    skill : str, optional
        The column holds the level (1-5, a number or a rating label) of this skill.
    day : str, optional
        The column is one day of an availability grid (cells: ticked periods).
    custom : bool
        ``field`` is not canonical: the column is kept under that name.
    preset : bool
        Added by a preset: ignored when the export has no such column.
    """

    column: str
    field: str
    separators: tuple[str, ...] | None = None
    values: Mapping[str, str] | None = None
    order: tuple[str, ...] | None = None
    scale: Mapping[str, float] | None = None
    likert: bool = False
    skill: str | None = None
    day: str | None = None
    custom: bool = False
    preset: bool = False

    @classmethod
    def from_value(
        cls, column: str, value: object, *, preset: bool = False
    ) -> ColumnSpec:
        """Build a spec from a TOML column line (a field name or a table).

        Raises
        ------
        ConfigError
            Unknown field or option, or a badly typed option.
        """
        where = f"[mapping] column {column!r}"
        if isinstance(value, str):
            return cls(
                column=column, field=_check_field(column, value, False), preset=preset
            )
        spec = _table(value, where)
        unknown = set(spec) - _SPEC_KEYS
        if unknown:
            bad = sorted(unknown)[0]
            raise ConfigError(
                f"{where}: unknown option {bad!r}{_suggest(bad, sorted(_SPEC_KEYS))}; "
                f"options are {', '.join(sorted(_SPEC_KEYS))}"
            )
        if "field" not in spec:
            raise ConfigError(
                f"{where}: the table needs a 'field' (e.g. field = 'skills_offered')"
            )
        custom = spec.get("custom", False)
        if not isinstance(custom, bool):
            raise ConfigError(f"{where}: custom must be true or false")
        name = _check_field(column, spec["field"], custom)
        kwargs: dict[str, Any] = {"custom": custom and name not in FIELDS}
        if "separators" in spec:
            kwargs["separators"] = _str_list(spec["separators"], f"{where}: separators")
        if "values" in spec:
            kwargs["values"] = {
                normalize_token(str(k)): _value_text(v, where)
                for k, v in _table(spec["values"], f"{where}: values").items()
            }
        if "order" in spec:
            kwargs["order"] = _str_list(spec["order"], f"{where}: order")
        if "scale" in spec:
            scale = spec["scale"]
            if scale == "likert" or scale is True:
                kwargs["likert"] = True
            else:
                kwargs["scale"] = _number_table(scale, f"{where}: scale")
        if "skill" in spec:
            if name not in _SKILL_FIELDS:
                raise ConfigError(
                    f"{where}: 'skill' needs field = 'skills_offered' or "
                    "'skills_wanted'"
                )
            if not isinstance(spec["skill"], str) or not spec["skill"].strip():
                raise ConfigError(f"{where}: skill must be a skill name")
            kwargs["skill"] = spec["skill"].strip()
        if "day" in spec:
            if name != "availability":
                raise ConfigError(f"{where}: 'day' needs field = 'availability'")
            kwargs["day"] = _check_day(spec["day"], where)
        return cls(column=column, field=name, preset=preset, **kwargs)


def _number_table(value: object, where: str) -> dict[str, float]:
    table = _table(value, where)
    out: dict[str, float] = {}
    for k, v in table.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ConfigError(f"{where}: {k!r} must be a number; got {v!r}")
        out[str(k)] = float(v)
    return out


def _check_day(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{where}: a day must be text such as 'mon'; got {value!r}")
    try:
        parse_period_grid({value: "all day"}, {"all day": ("00:00", "24:00")})
    except ParseError:
        raise ConfigError(
            f"{where}: {value!r} is not a day; use mon .. sun, Monday .. Sunday, "
            "weekdays or weekends"
        ) from None
    return value


@dataclass(frozen=True)
class SurveyMap:
    """How to read a raw survey export (see the module documentation).

    Build one with :meth:`from_dict` (a ``[mapping]`` TOML section), :meth:`from_toml`
    or directly.

    Parameters
    ----------
    columns : tuple of ColumnSpec
        Column -> field lines.
    preset : str, optional
        ``google_forms``, ``microsoft_forms`` or ``qualtrics``.
    header_rows : int, default 1
        Rows above the data (Qualtrics: 3). Columns can be named by any of them.
    sheet : str or int, optional
        Excel sheet.
    separators : tuple of str, default ``(";",)``
        Multi-select separators; ``;`` and new lines always separate too.
    id_from_email : bool, default True
        When no column is mapped to ``id``: the id is the normalized e-mail.
    duplicates : {"latest", "first"}
        Which answer wins when one person (same id / e-mail) answered twice: the
        latest or the first by ``timestamp`` (ties: the later / earlier row).
    roles : mapping of str to str
        Role answer -> ``mentor`` / ``mentee`` / ``both`` / ``none``; other answers
        are read by :func:`~rmatch.parsing.parse_role`.
    likert : mapping of str to float, optional
        Rating labels -> numbers for ``scale = "likert"`` columns and skill levels.
    periods : mapping of str to (str, str), optional
        Availability grid periods (default: morning 08-12, afternoon 12-17, ...).
    unknown_manager : {"warning", "error"}
        A manager that cannot be resolved to a person: warn and leave it empty, or
        make it an error.
    on_error : {"raise", "reject"}
        ``raise``: rows with errors stop the run. ``reject``: such rows are rejected
        (with the reason) and the rest is read.
    hr : SurveyMap, optional
        The HR file's mapping (``file``, ``join`` and column lines).
    file : str, optional
        HR section only: the HR file.
    join : {"auto", "id", "email"}
        HR section only: join on the id or the normalized e-mail (``auto``: e-mail
        when both files have one).
    base_dir : str, optional
        Folder relative file names are read from (the TOML file's folder).
    """

    columns: tuple[ColumnSpec, ...] = ()
    preset: str | None = None
    header_rows: int = 1
    sheet: str | int | None = None
    separators: tuple[str, ...] = (";",)
    id_from_email: bool = True
    duplicates: str = "latest"
    roles: Mapping[str, str] = field(default_factory=dict)
    likert: Mapping[str, float] | None = None
    periods: Mapping[str, tuple[str, str]] | None = None
    unknown_manager: str = "warning"
    on_error: str = "raise"
    hr: SurveyMap | None = None
    file: str | None = None
    join: str = "auto"
    base_dir: str | None = None

    # ------------------------------------------------------------------ building
    @classmethod
    def from_dict(
        cls,
        section: Mapping[str, Any],
        *,
        base_dir: str | os.PathLike[str] | None = None,
    ) -> SurveyMap:
        """Build a map from a ``[mapping]`` section.

        Parameters
        ----------
        section : mapping
            Options and column lines (see the module documentation).
        base_dir : path, optional
            Folder that relative file names (``hr.file``) are relative to.

        Returns
        -------
        SurveyMap

        Raises
        ------
        ConfigError
            Unknown options or fields (with close matches), badly typed values.

        Examples
        --------
        >>> m = SurveyMap.from_dict({"preset": "google_forms",
        ...                          "I want to be a...": "role"})
        >>> [(c.column, c.field) for c in m.columns]
        [('I want to be a...', 'role'), ('Timestamp', 'timestamp'), \
('Email Address', 'email')]
        """
        return _parse_section(section, base_dir=base_dir, hr=False)

    @classmethod
    def from_toml(cls, path: str | os.PathLike[str]) -> SurveyMap:
        """Read the ``[mapping]`` section of a TOML file (or the whole file).

        Relative file names inside are relative to the TOML file.

        Raises
        ------
        ConfigError
            Missing or invalid file, or an invalid mapping.
        """
        target = Path(path)
        try:
            config = tomllib.loads(target.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"mapping file not found: {target}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read {target}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{target.name} is not valid TOML: {exc}") from None
        section = config.get("mapping", config.get("survey", config))
        return cls.from_dict(
            _table(section, f"[mapping] in {target.name}"),
            base_dir=target.parent.resolve(),
        )

    @classmethod
    def coerce(
        cls, mapping: SurveyMap | Mapping[str, Any] | str | os.PathLike[str] | None
    ) -> SurveyMap:
        """Return ``mapping`` as a :class:`SurveyMap` (a map, a dict, a TOML path)."""
        if mapping is None:
            return cls()
        if isinstance(mapping, SurveyMap):
            return mapping
        if isinstance(mapping, Mapping):
            return cls.from_dict(mapping)
        if isinstance(mapping, str | os.PathLike):
            return cls.from_toml(mapping)
        raise ConfigError(
            f"mapping must be a SurveyMap, a dict or the path of a TOML file; got "
            f"{type(mapping).__name__}"
        )

    def path(self, name: str) -> Path:
        """Resolve a file name relative to :attr:`base_dir`."""
        target = Path(name)
        if not target.is_absolute() and self.base_dir is not None:
            target = Path(self.base_dir) / target
        return target


def _parse_section(
    section: Mapping[str, Any], *, base_dir: str | os.PathLike[str] | None, hr: bool
) -> SurveyMap:
    where = "[mapping.hr]" if hr else "[mapping]"
    if not isinstance(section, Mapping):
        raise ConfigError(f"{where} must be a table; got {section!r}")
    allowed = _HR_OPTION_KEYS if hr else _OPTION_KEYS
    kwargs: dict[str, Any] = {}
    specs: list[ColumnSpec] = []
    preset: dict[str, Any] = {}
    if "preset" in section:
        name = section["preset"]
        if hr:
            raise ConfigError(f"{where}: presets are for survey exports, not HR files")
        if not isinstance(name, str) or name not in PRESETS:
            raise ConfigError(
                f"{where}: unknown preset {name!r}"
                f"{_suggest(str(name), list(PRESETS))}; presets are "
                f"{', '.join(PRESETS)}"
            )
        kwargs["preset"] = name
        preset = PRESETS[name]

    def column_lines(table: Mapping[str, Any]) -> None:
        for column, value in table.items():
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                raise ConfigError(
                    f"{where}: column {column!r} maps to a list; map each column on "
                    "its own line"
                )
            specs.append(ColumnSpec.from_value(str(column), value))

    for key, value in section.items():
        opt = f"{where} {key}"
        if key == "preset":
            continue
        if key not in allowed:
            if key in _OPTION_KEYS | _HR_OPTION_KEYS:
                raise ConfigError(f"{where}: the option {key!r} is not allowed here")
            if isinstance(value, str | Mapping):
                column_lines({key: value})
                continue
            if isinstance(value, list) and not _suggest(key, sorted(allowed)):
                raise ConfigError(
                    f"{where}: column {key!r} maps to a list; map each column to one "
                    "field, on its own line"
                )
            raise ConfigError(
                f"{where}: unknown option {key!r}{_suggest(key, sorted(allowed))}; "
                f"options are {', '.join(sorted(allowed))}, every other line maps a "
                "column to a field"
            )
        if key == "header_rows":
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{opt} must be a whole number >= 1; got {value!r}")
            kwargs[key] = value
        elif key == "sheet":
            if isinstance(value, bool) or not isinstance(value, str | int):
                raise ConfigError(
                    f"{opt} must be a sheet name or number; got {value!r}"
                )
            kwargs[key] = value
        elif key == "separators":
            kwargs[key] = _str_list(value, opt)
        elif key == "id_from_email":
            if not isinstance(value, bool):
                raise ConfigError(f"{opt} must be true or false; got {value!r}")
            kwargs[key] = value
        elif key == "duplicates":
            kwargs[key] = _choice(value, opt, ("latest", "first"))
        elif key == "unknown_manager":
            kwargs[key] = _choice(value, opt, ("warning", "error"))
        elif key == "on_error":
            kwargs[key] = _choice(value, opt, ("raise", "reject"))
        elif key == "join":
            kwargs[key] = _choice(value, opt, ("auto", "id", "email"))
        elif key == "file":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{opt} must be a file name; got {value!r}")
            kwargs[key] = value
        elif key == "roles":
            roles = {}
            for answer, role in _table(value, opt).items():
                roles[normalize_token(str(answer))] = _choice(
                    role, f"{opt} {answer!r}", _ROLES
                )
            kwargs[key] = roles
        elif key == "likert":
            kwargs[key] = _number_table(value, opt)
        elif key == "periods":
            periods: dict[str, tuple[str, str]] = {}
            for label, bounds in _table(value, opt).items():
                if not (
                    isinstance(bounds, list | tuple)
                    and len(bounds) == 2
                    and all(isinstance(b, str) for b in bounds)
                ):
                    raise ConfigError(
                        f"{opt} {label!r} must be [start, end], e.g. ['08:00', '12:00']"
                    )
                periods[str(label)] = (bounds[0], bounds[1])
            try:
                parse_period_grid({"Monday": ""}, periods)
            except ParseError as exc:
                raise ConfigError(f"{opt}: {exc.message}. {exc.fix}") from None
            kwargs[key] = periods
        elif key == "hr":
            kwargs[key] = _parse_section(_table(value, opt), base_dir=base_dir, hr=True)
        elif key == "columns":
            column_lines(_table(value, opt))
        elif key in ("timestamp", "timezone"):
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{opt} must be a column name; got {value!r}")
            specs.append(ColumnSpec(column=value, field=key))
        elif key == "availability":
            if isinstance(value, str):
                specs.append(ColumnSpec(column=value, field="availability"))
            elif isinstance(value, list):
                for column in _str_list(value, opt):
                    specs.append(ColumnSpec(column=column, field="availability"))
            else:
                for column, day in _table(value, opt).items():
                    specs.append(
                        ColumnSpec(
                            column=str(column),
                            field="availability",
                            day=_check_day(day, f"{opt} {column!r}"),
                        )
                    )
    # Preset options and optional columns (dropped when the user maps them).
    for key in ("header_rows", "separators"):
        if key in preset and key not in kwargs:
            value = preset[key]
            kwargs[key] = tuple(value) if isinstance(value, list) else value
    taken_columns = {_key(s.column) for s in specs}
    taken_fields = {s.field for s in specs}
    if "name" in taken_fields:
        taken_fields |= {"first_name", "last_name"}
    for column, name in preset.get("columns", {}).items():
        if _key(column) not in taken_columns and name not in taken_fields:
            specs.append(ColumnSpec.from_value(column, name, preset=True))
    if base_dir is not None:
        kwargs["base_dir"] = str(base_dir)
    return SurveyMap(columns=tuple(specs), **kwargs)


# ============================================================================ reading


@dataclass
class _Table:
    """Rows of one or more raw files, combined."""

    frame: pd.DataFrame
    files: np.ndarray
    rows: np.ndarray
    label: str
    aliases: dict[str, str]
    names: list[str]


def _is_many(source: object) -> bool:
    return (
        isinstance(source, list | tuple)
        and bool(source)
        and all(isinstance(s, str | os.PathLike | pd.DataFrame | bytes) for s in source)
    )


def _import_id(text: str) -> str | None:
    if text.startswith("{") and "importid" in text.casefold():
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if isinstance(data, dict) and isinstance(data.get("ImportId"), str):
            return str(data["ImportId"])
    return None


def _load(source: Any, smap: SurveyMap, *, add_source: bool) -> _Table:
    sources = list(source) if _is_many(source) else [source]
    raws: list[RawTable] = []
    for item in sources:
        if isinstance(item, str | os.PathLike) and smap.base_dir is not None:
            item = smap.path(str(item)) if not Path(item).exists() else item
        raw = read_raw(item, sheet=smap.sheet, header_rows=smap.header_rows)
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
                if text and _key(text) not in aliases:
                    aliases[_key(text)] = column
                    names.append(text)
        for column in raw.frame.columns:  # exact names win over other header rows
            aliases[_key(str(column))] = str(column)
    frames = []
    for raw in raws:
        frame = raw.frame.reindex(columns=list(columns), fill_value="")
        frame = frame.astype(object).where(frame.notna(), "")
        frames.append(frame)
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
        aliases.setdefault(_key(SOURCE_COLUMN), SOURCE_COLUMN)
    label = " + ".join(dict.fromkeys(r.name for r in raws))
    return _Table(
        frame=frame, files=files, rows=rows, label=label, aliases=aliases, names=names
    )


@dataclass(frozen=True)
class _Use:
    """A spec resolved to a column of the table (``sub``: text in ``[...]``)."""

    spec: ColumnSpec
    column: str
    sub: str | None = None


def _resolve(
    smap: SurveyMap, table: _Table
) -> tuple[list[_Use], list[tuple[str, str]]]:
    """Resolve column lines to columns; return uses and (column, hint) misses."""
    uses: list[_Use] = []
    missing: list[tuple[str, str]] = []
    for spec in smap.columns:
        if spec.column.rstrip().endswith("[*]"):
            prefix = _key(spec.column.rstrip()[:-3])
            found: list[_Use] = []
            for alias, column in table.aliases.items():
                match = re.fullmatch(re.escape(prefix) + r"\s*\[(.+)\]", alias)
                if match and column not in [u.column for u in found]:
                    sub = re.search(
                        r"\[([^\[\]]+)\]\s*$", _original(table, column, alias)
                    )
                    found.append(
                        _Use(spec, column, sub[1].strip() if sub else match[1])
                    )
            if not found and not spec.preset:
                missing.append((spec.column, _suggest(spec.column, table.names)))
            uses.extend(found)
            continue
        resolved = table.aliases.get(_key(spec.column))
        if resolved is None:
            if not spec.preset:
                missing.append((spec.column, _suggest(spec.column, table.names)))
            continue
        day = None
        if spec.field == "availability" and spec.day is None:
            bracket = re.search(r"\[([^\[\]]+)\]\s*$", resolved)
            if bracket and _is_day(bracket[1]):
                day = bracket[1]
        uses.append(_Use(spec, resolved, day))
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
            uses.append(_Use(ColumnSpec(column=column, field=column), column))
    return uses, missing


def _original(table: _Table, column: str, alias: str) -> str:
    for name in table.names:
        if _key(name) == alias:
            return name
    return column


def _is_day(text: str) -> bool:
    try:
        parse_period_grid({text: "all day"}, {"all day": ("00:00", "24:00")})
    except ParseError:
        return False
    return True


class MissingColumnsError(ConfigError):
    """A mapping names columns that are not in the export (all of them listed).

    Attributes
    ----------
    issues : list of Issue
        One per missing column, with close matches in the fix.
    """

    def __init__(self, message: str, issues: list[Issue], n_rows: int = 0) -> None:
        super().__init__(message)
        self.issues = issues
        self.n_rows = n_rows


def _missing_error(
    missing: list[tuple[str, str]], table: _Table
) -> MissingColumnsError:
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


class _Issues:
    """Issues found while mapping, keyed by (file, row) like validate's."""

    def __init__(self) -> None:
        self.items: list[Issue] = []

    def add(
        self,
        table: _Table,
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


# ----------------------------------------------------------------- cell transforms


_LEVEL_TEXT = re.compile(
    r"^(?P<name>.+?)\s*(?::\s*(?P<a>[^:]+)|\(\s*(?P<b>[^()]+)\s*\))$"
)
_PAREN_NUMBER = re.compile(r"\(\s*([+-]?[0-9.,]+)\s*\)\s*$")


def _level(text: str, scale: Mapping[str, float] | None) -> int:
    """Skill level 0-5 from a number or a rating label (0: not a skill)."""
    number = parse_likert(text, scale)
    if number is None:
        return 0
    level = int(np.floor(number + 0.5))
    if level < 0 or level > 5:
        raise ParseError(
            f"skill level {short(text, 40)!r} is {number:g}, outside 1-5",
            "use a 1-5 scale, or map the answers with scale = {'Expert' = 5, ...}",
        )
    return level


def _set_token(text: str) -> str:
    """A set token that the canonical parser reads back unchanged."""
    text = text.replace(":", " - ")
    text = _PAREN_NUMBER.sub(lambda m: f"[{m[1]}]", text)
    return normalize_token(text)


def _skill_token(text: str, scale: Mapping[str, float] | None) -> str:
    """``name:level`` (or ``name``) from ``Python: 4`` or ``Python (Expert)``."""
    match = _LEVEL_TEXT.match(text.strip())
    if match is not None:
        label = (match["a"] or match["b"] or "").strip()
        try:
            level = _level(label, scale)
        except ParseError:
            if re.fullmatch(r"[+-]?[0-9.,]+", label):
                raise
            level = -1  # not a level: part of the name
        if level >= 0:
            name = _set_token(match["name"])
            if not name:
                raise ParseError(
                    f"skill level {short(text, 40)!r} has no skill name",
                    "write the skill before its level, e.g. 'python:4'",
                )
            return "" if level == 0 else f"{name}:{level}"
    return _set_token(text)


def _split(text: str, separators: Sequence[str]) -> list[str]:
    stripped = text.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if isinstance(data, list):
            return [str(v).strip() for v in data if not is_missing(v)]
    seps = sorted({*separators, ";", "\n", "\r"}, key=len, reverse=True)
    return [
        p.strip()
        for p in re.split("|".join(map(re.escape, seps)), stripped)
        if p.strip()
    ]


class _Builder:
    """Apply a :class:`SurveyMap` to a table: canonical text columns."""

    def __init__(
        self, smap: SurveyMap, table: _Table, uses: list[_Use], issues: _Issues
    ) -> None:
        self.smap = smap
        self.table = table
        self.uses = uses
        self.issues = issues
        self.n = len(table.frame)
        self.out: dict[str, np.ndarray] = {}
        self.origin: dict[str, list[str]] = {}

    # -------------------------------------------------------------- per column
    def _scale(self, spec: ColumnSpec) -> Mapping[str, float] | None:
        if spec.scale is not None:
            return spec.scale
        return self.smap.likert

    def _mapped(self, spec: ColumnSpec, text: str) -> str:
        if spec.values is not None:
            found = spec.values.get(normalize_token(text))
            if found is not None:
                return found
        if spec.order is not None:
            keys = [normalize_token(o) for o in spec.order]
            key = normalize_token(text)
            if key in keys:
                return str(keys.index(key) + 1)
        return text

    def _per_unique(
        self, use: _Use, fn: Callable[[str], Any], default: Any
    ) -> tuple[np.ndarray, list[Any]]:
        """Apply ``fn`` to each distinct cell of a column; report ParseErrors."""
        values = self.table.frame[use.column].to_numpy(dtype=object)
        codes, uniques = pd.factorize(values)
        results: list[Any] = []
        failed: dict[int, ParseError] = {}
        for k, text in enumerate(uniques.tolist()):
            text = str(text)
            if not text:
                results.append(default)
                continue
            try:
                results.append(fn(text))
            except ParseError as error:
                results.append(default)
                failed[k] = error
        for k, problem in failed.items():
            self.issues.add(
                self.table,
                np.flatnonzero(codes == k),
                use.column,
                problem.message,
                problem.fix,
                value=uniques[k],
                code=f"bad_{use.spec.field}",
            )
        return codes.astype(np.int64), results

    def _text(self, use: _Use) -> np.ndarray:
        spec = use.spec
        if spec.likert or spec.scale is not None:
            scale = self._scale(spec)

            def fn(text: str) -> str:
                mapped = self._mapped(spec, text)
                number = parse_likert(mapped, scale)
                if number is None:
                    return ""
                return str(int(number)) if float(number).is_integer() else repr(number)
        else:

            def fn(text: str) -> str:
                return self._mapped(spec, text)

        if spec.field == "role":
            roles = self.smap.roles

            def fn_role(text: str) -> str:
                mapped = self._mapped(spec, text)
                role = roles.get(normalize_token(mapped))
                if role is None:
                    try:
                        role = parse_role(mapped)
                    except ParseError:
                        role = mapped  # validation reports it, on the raw column
                return role

            codes, results = self._per_unique(use, fn_role, "")
        else:
            codes, results = self._per_unique(use, fn, "")
        return (
            np.asarray(results, dtype=object)[codes]
            if results
            else np.full(self.n, "", dtype=object)
        )

    def _tokens(self, use: _Use) -> tuple[np.ndarray, list[tuple[str, ...]]]:
        spec = use.spec
        scale = self._scale(spec)
        separators = spec.separators or self.smap.separators
        skills = spec.field in _SKILL_FIELDS

        if spec.skill is not None or (skills and use.sub is not None):
            skill = spec.skill or str(use.sub)

            def grid(text: str) -> tuple[str, ...]:
                level = _level(self._mapped(spec, text), scale)
                name = _set_token(skill)
                return (f"{name}:{level}",) if level > 0 and name else ()

            return self._per_unique(use, grid, ())

        if use.sub is not None:  # a grid of sets: "Interests [Chess]" = "Yes"
            token = _set_token(use.sub)

            def ticked(text: str) -> tuple[str, ...]:
                answer = self._mapped(spec, text)
                try:
                    yes = parse_yes_no(answer)
                except ParseError:
                    yes = True  # any other answer ("Very interested") is a tick
                if yes is None or not yes:
                    return ()
                return (token,) if token else ()

            return self._per_unique(use, ticked, ())

        def fn(text: str) -> tuple[str, ...]:
            out: list[str] = []
            for part in _split(text, separators):
                mapped = self._mapped(spec, part)
                if not mapped:
                    continue
                token = _skill_token(mapped, scale) if skills else _set_token(mapped)
                if token and token not in out:
                    out.append(token)
            return tuple(out)

        return self._per_unique(use, fn, ())

    def _grid(self, use: _Use) -> tuple[np.ndarray, list[tuple[tuple[int, int], ...]]]:
        day = use.spec.day or use.sub or use.column
        periods = self.smap.periods

        def fn(text: str) -> tuple[tuple[int, int], ...]:
            return tuple(parse_period_grid({day: text}, periods))

        return self._per_unique(use, fn, ())

    def _slots_text(self, use: _Use) -> np.ndarray:
        separators = use.spec.separators or ()

        def fn(text: str) -> str:
            return "; ".join(_split(text, separators))

        codes, results = self._per_unique(use, fn, "")
        return (
            np.asarray(results, dtype=object)[codes]
            if results
            else np.full(self.n, "", dtype=object)
        )

    # -------------------------------------------------------------- combining
    def _combine(
        self,
        parts: list[tuple[np.ndarray, list[Any]]],
        join: Callable[[list[Any]], str],
    ) -> np.ndarray:
        """Combine per-column results row by row, once per distinct combination."""
        out = np.full(self.n, "", dtype=object)
        if not parts or self.n == 0:
            return out
        codes = np.stack([c for c, _ in parts], axis=1)
        combos, inverse = np.unique(codes, axis=0, return_inverse=True)
        texts = [
            join([parts[j][1][int(c)] for j, c in enumerate(combo)]) for combo in combos
        ]
        out[:] = np.asarray(texts, dtype=object)[inverse.reshape(-1)]
        return out

    def build(self) -> dict[str, np.ndarray]:
        by_field: dict[str, list[_Use]] = {}
        for use in self.uses:
            by_field.setdefault(use.spec.field, []).append(use)
        for name, uses in by_field.items():
            self.origin[name] = list(dict.fromkeys(u.column for u in uses))
            if name in _SET_FIELDS or name in _SKILL_FIELDS:
                parts = [self._tokens(u) for u in uses]

                def join_tokens(groups: list[tuple[str, ...]]) -> str:
                    return "; ".join(dict.fromkeys(t for g in groups for t in g))

                self.out[name] = self._combine(parts, join_tokens)
            elif name == "availability":
                grid = [u for u in uses if u.spec.day is not None or u.sub is not None]
                texts = [self._slots_text(u) for u in uses if u not in grid]
                pieces = self._combine([self._grid(u) for u in grid], _intervals_text)
                for text in texts:
                    pieces = _join_text(pieces, text, "; ")
                self.out[name] = pieces
            elif name in ("name", "first_name", "last_name"):
                out = np.full(self.n, "", dtype=object)
                for u in uses:
                    out = _join_text(out, self._text(u), " ")
                self.out[name] = out
            else:
                out = np.full(self.n, "", dtype=object)
                for u in uses:
                    text = self._text(u)
                    out = np.where(out == "", text, out)
                self.out[name] = out
        if "name" not in self.out and (
            "first_name" in self.out or "last_name" in self.out
        ):
            empty = np.full(self.n, "", dtype=object)
            self.out["name"] = _join_text(
                self.out.get("first_name", empty), self.out.get("last_name", empty), " "
            )
            self.origin["name"] = self.origin.get("first_name", []) + self.origin.get(
                "last_name", []
            )
        for helper in ("first_name", "last_name"):
            self.out.pop(helper, None)
        return self.out


def _join_text(a: np.ndarray, b: np.ndarray, sep: str) -> np.ndarray:
    both = (a != "") & (b != "")
    out = np.where(a == "", b, a).astype(object)
    if both.any():
        out[both] = [f"{x}{sep}{y}" for x, y in zip(a[both], b[both], strict=True)]
    return out


def _intervals_text(groups: list[tuple[tuple[int, int], ...]]) -> str:
    mask = np.zeros(SLOTS_PER_WEEK, dtype=bool)
    for group in groups:
        for start, end in group:
            mask[start // SLOT_MINUTES : -(-end // SLOT_MINUTES)] = True
    return slots_to_text(mask)


# ------------------------------------------------------------------------ pipeline


@dataclass
class _Part:
    """One file's rows after mapping: canonical text columns and their origin."""

    table: _Table
    out: dict[str, np.ndarray]
    origin: dict[str, list[str]]
    id_from_email: bool


class _Reader:
    """One run of :func:`read_survey` / :func:`validate_survey`."""

    def __init__(self, smap: SurveyMap, reference_monday: Any, on_error: str) -> None:
        self.smap = smap
        self.reference_monday = reference_monday
        self.on_error = on_error
        self.issues = _Issues()
        self.rejected: list[dict[str, Any]] = []

    # -------------------------------------------------------------- mapping
    def part(self, source: Any, smap: SurveyMap, *, survey: bool) -> _Part:
        table = _load(source, smap, add_source=survey)
        uses, missing = _resolve(smap, table)
        if missing:
            raise _missing_error(missing, table)
        builder = _Builder(smap, table, uses, self.issues)
        out = builder.build()
        derived = self._derive_id(table, out, builder.origin, smap)
        return _Part(table, out, builder.origin, derived)

    def _derive_id(
        self,
        table: _Table,
        out: dict[str, np.ndarray],
        origin: dict[str, list[str]],
        smap: SurveyMap,
    ) -> bool:
        """Set ``id`` from the normalized e-mail when no column gives one."""
        if "id" in out or not smap.id_from_email or "email" not in out:
            return False
        emails = out["email"]
        normalized = _emails(emails)
        ids = np.where(
            pd.Series(normalized, dtype=object).str.contains("@", regex=False),
            normalized,
            "",
        ).astype(object)
        bad = np.flatnonzero((ids == "") & (emails != ""))
        if bad.size:
            self.issues.add(
                table,
                bad,
                _first(origin.get("email")),
                "the e-mail is not an address, so the row has no id",
                "ask respondents to sign in to the form (anonymous answers have no "
                "e-mail) or map a column with employee ids onto 'id'",
                values=emails,
                code="empty_id",
            )
        out["id"] = ids
        origin["id"] = list(origin.get("email", []))
        return True

    def dedupe(self, part: _Part) -> np.ndarray:
        """Return the positions kept; reject the other answers of each person."""
        table, out = part.table, part.out
        n = len(table.frame)
        if "id" not in out or n == 0:
            return np.arange(n)
        ids = out["id"]
        dup = pd.Series(ids).duplicated(keep=False).to_numpy() & (ids != "")
        if not dup.any():
            return np.arange(n)
        stamps, has = self._timestamps(part)
        latest = self.smap.duplicates == "latest"
        order = pd.DataFrame(
            {
                "id": ids,
                "has": has if latest else ~has,
                "ts": stamps,
                "pos": np.arange(n),
            }
        )[dup].sort_values(["id", "has", "ts", "pos"], kind="mergesort")
        winners = (
            order.groupby("id", sort=False)["pos"]
            .agg("last" if latest else "first")
            .to_dict()
        )
        what = "same e-mail" if part.id_from_email else "same id"
        kept = "later" if latest else "earlier"
        several = len(set(table.files.tolist())) > 1
        keep = np.ones(n, dtype=bool)
        for pos, pid in zip(order["pos"].tolist(), order["id"].tolist(), strict=True):
            win = int(winners[pid])
            if pos == win:
                continue
            keep[pos] = False
            where = (
                f"{table.files[win]} row {table.rows[win]}"
                if several
                else f"row {table.rows[win]}"
            )
            reason = f"duplicate of {where} ({what}); the {kept} answer was kept"
            self.reject(str(table.files[pos]), int(table.rows[pos]), str(pid), reason)
            self.issues.add(
                table,
                [pos],
                _first(part.origin.get("id")),
                f"rejected: {reason}",
                "nothing to do if the kept answer is the right one; otherwise delete "
                "the row you do not want",
                values=ids,
                ids=ids,
                code="duplicate_answer",
                severity="warning",
            )
        return np.flatnonzero(keep)

    def _timestamps(self, part: _Part) -> tuple[np.ndarray, np.ndarray]:
        n = len(part.table.frame)
        if "timestamp" not in part.out:
            return np.zeros(n), np.zeros(n, dtype=bool)
        codes, uniques = pd.factorize(part.out["timestamp"])
        lookup = np.full(len(uniques), np.nan)
        for k, text in enumerate(uniques.tolist()):
            try:
                stamp = parse_datetime(text)
            except ParseError:
                self.issues.add(
                    part.table,
                    np.flatnonzero(codes == k),
                    _first(part.origin.get("timestamp")),
                    "cannot read the time stamp; for duplicates the row order decides",
                    "write time stamps as YYYY-MM-DD HH:MM:SS",
                    value=text,
                    code="bad_timestamp",
                    severity="warning",
                )
                continue
            if stamp is not None:
                lookup[k] = (stamp - _EPOCH).total_seconds()
        stamps = lookup[codes] if len(uniques) else np.full(n, np.nan)
        has = ~np.isnan(stamps)
        return np.where(has, stamps, 0.0), has

    def reject(self, file: str, row: int, pid: str, reason: str) -> None:
        self.rejected.append({"row": row, "id": pid, "reason": reason, "file": file})

    # ------------------------------------------------------------------ run
    def run(self, source: Any, hr: Any, hr_mapping: Any) -> ValidationReport:
        survey = self.part(source, self.smap, survey=True)
        final = _Final(survey, self.dedupe(survey))
        hr_map = self.smap.hr
        if isinstance(hr_mapping, SurveyMap):
            hr_map = hr_mapping
        elif hr_mapping is not None:
            hr_map = _parse_section(
                _table(hr_mapping, "hr_mapping"), base_dir=None, hr=True
            )
        if hr is None and hr_map is not None and hr_map.file:
            hr = hr_map.path(hr_map.file)
        if hr is not None:
            self.join_hr(
                final,
                self.part(hr, hr_map or SurveyMap(), survey=False),
                (hr_map or SurveyMap()).join,
            )
        self.resolve_managers(final)
        self.same_names(final)
        return self.validate(final)

    def join_hr(self, final: _Final, hr: _Part, join: str) -> None:
        if join == "auto":
            join = "email" if "email" in hr.out and "email" in final.cols else "id"
        for name, owner in ((hr.out, "the HR file"), (final.cols, "the survey")):
            if join not in name:
                raise ConfigError(
                    f"[mapping.hr] joins by {join} but {owner} has no column mapped to "
                    f"{join!r}"
                )
        word = "e-mail" if join == "email" else "id"

        def keys(values: np.ndarray) -> list[str]:
            if join == "id":
                return [str(v).strip() for v in values.tolist()]
            return list(_emails(values).tolist())

        index: dict[str, int] = {}
        for i, k in enumerate(keys(hr.out[join])):
            if not k:
                continue
            if k in index:
                self.issues.add(
                    hr.table,
                    [i],
                    _first(hr.origin.get(join)),
                    f"the HR file lists this {word} twice (first on row "
                    f"{hr.table.rows[index[k]]}); the first row is used",
                    "keep one row per person in the HR file",
                    value=k,
                    code="duplicate_hr_row",
                    severity="warning",
                )
                continue
            index[k] = i
        survey_keys = keys(final.cols[join])
        hr_pos = np.array(
            [index.get(k, -1) if k else -1 for k in survey_keys], dtype=np.int64
        )
        for pos in np.flatnonzero(hr_pos < 0).tolist():
            file, row, column, value = final.locate(pos, join)
            self.issues.items.append(
                Issue(
                    message=f"not found in the HR file {hr.table.label} (joined by "
                    f"{word}); their manager and department are unknown",
                    fix="check the e-mail / id in both files, or add the person to the "
                    "HR file",
                    file=file,
                    row=row,
                    column=column,
                    value=short(value) if value else None,
                    person_id=str(final.cols["id"][pos]) or None
                    if "id" in final.cols
                    else None,
                    severity="warning",
                    code="not_in_hr",
                )
            )
        final.attach_hr(hr, hr_pos, self.issues)

    def resolve_managers(self, final: _Final) -> None:
        """Turn manager ids, e-mails or names into ids; report the rest."""
        if "manager_id" not in final.cols:
            return
        n = final.n
        ids = final.cols.get("id", np.full(n, "", dtype=object))
        by_id = {str(i) for i in ids.tolist() if i}
        lookups: dict[str, dict[str, set[str]]] = {}

        def lookup(field_name: str) -> dict[str, set[str]]:
            """Normalized e-mail or name -> ids, built only when needed."""
            if field_name not in lookups:
                table: dict[str, set[str]] = {}
                if field_name in final.cols:
                    norm = _emails if field_name == "email" else _name_keys
                    keys = norm(final.cols[field_name]).tolist()
                    for pid, key in zip(ids.tolist(), keys, strict=True):
                        if pid and key:
                            table.setdefault(key, set()).add(str(pid))
                lookups[field_name] = table
            return lookups[field_name]

        values = final.cols["manager_id"]
        codes, uniques = pd.factorize(values)
        resolved: list[str] = []
        problems: dict[int, tuple[str, str, str]] = {}
        for k, raw in enumerate(uniques.tolist()):
            text = str(raw).strip()
            if not text or text in by_id:
                resolved.append(text)
                continue
            kind, found = "e-mail", lookup("email").get(normalize_email(text), set())
            if not found:
                kind = "name"
                found = lookup("name").get(normalize_token(text), set())
            if len(found) == 1:
                resolved.append(next(iter(found)))
                continue
            resolved.append("")
            if found:
                problems[k] = (
                    f"the manager {kind} matches {len(found)} people "
                    f"({', '.join(sorted(found)[:5])}); the reporting line is unknown",
                    "write the manager's id or e-mail instead",
                    "ambiguous_manager",
                )
            else:
                problems[k] = (
                    "the manager is not in the survey or the HR file; the reporting "
                    "line is unknown",
                    "add the manager to the HR file (people who do not take part are "
                    "kept with role 'none') or write the manager's id or e-mail",
                    "unknown_manager",
                )
        severity = self.smap.unknown_manager
        for k, (message, fix, code) in problems.items():
            for pos in np.flatnonzero(codes == k).tolist():
                file, row, column, value = final.locate(pos, "manager_id")
                self.issues.items.append(
                    Issue(
                        message=message,
                        fix=fix,
                        file=file,
                        row=row,
                        column=column,
                        value=short(value or uniques[k]),
                        person_id=str(ids[pos]) or None,
                        severity="error" if severity == "error" else "warning",
                        code=code,
                    )
                )
        final.cols["manager_id"] = (
            np.asarray(resolved, dtype=object)[codes]
            if resolved
            else np.full(n, "", dtype=object)
        )

    def same_names(self, final: _Final) -> None:
        """Warn about one name with two e-mails / ids (both rows are kept)."""
        if "name" not in final.cols or "id" not in final.cols:
            return
        names = final.cols["name"].tolist()
        ids = final.cols["id"].tolist()
        m = final.n_survey_rows
        keys = pd.Series(_name_keys(final.cols["name"][:m]), dtype=object)
        repeated = (keys.duplicated(keep=False) & (keys != "")).to_numpy()
        seen: dict[str, int] = {}
        for pos in np.flatnonzero(repeated).tolist():
            key = str(keys.iat[pos])
            if not ids[pos]:
                continue
            first = seen.setdefault(key, pos)
            if first == pos or ids[first] == ids[pos]:
                continue
            file, row, column, _ = final.locate(pos, "name")
            first_file, first_row, _, _ = final.locate(first, "name")
            where = (
                f"row {first_row}"
                if first_file == file
                else f"{first_file} row {first_row}"
            )
            self.issues.items.append(
                Issue(
                    message=f"same name as {where} ({ids[first]}) but a different "
                    "e-mail / id; both rows are kept",
                    fix="if one person answered twice with two addresses, delete one "
                    "row; if they are two people, ignore this warning",
                    file=file,
                    row=row,
                    column=column,
                    value=short(names[pos]),
                    person_id=str(ids[pos]),
                    severity="warning",
                    code="same_name",
                )
            )

    # -------------------------------------------------------------- validation
    def validate(self, final: _Final) -> ValidationReport:
        for attempt in range(_ATTEMPTS):
            report = validate_people(
                final.frame(),
                source=final.label,
                reference_monday=self.reference_monday,
                rows=final.rows,
                files=final.files.tolist(),
                rejected=tuple(self.rejected),
            )
            issues = self._merge(final, report.issues)
            errors = [i for i in issues if i.severity == "error"]
            if self.on_error != "reject" or not errors or attempt == _ATTEMPTS - 1:
                break
            bad = final.positions_of(errors)
            if bad is None:  # an error outside any row cannot be rejected away
                break
            for pos, found in sorted(bad.items()):
                reasons = "; ".join(
                    f"{i.column}: {i.message}" if i.column else i.message for i in found
                )
                reason = f"invalid answer ({reasons})"
                self.reject(
                    str(final.files[pos]),
                    int(final.rows[pos]),
                    final.id_of(pos),
                    reason,
                )
                self.issues.items.append(
                    Issue(
                        message=f"rejected: {reason}",
                        fix="; ".join(dict.fromkeys(i.fix for i in found if i.fix)),
                        file=str(final.files[pos]),
                        row=int(final.rows[pos]),
                        person_id=final.id_of(pos) or None,
                        severity="warning",
                        code="rejected_row",
                    )
                )
            final.demote(bad)
        out = ValidationReport(issues=final.sort(issues), n_rows=final.n_read)
        if out.ok and report.people is not None:
            self.not_participating(final)
            out.people = dataclasses.replace(
                report.people,
                issues=tuple(out.warnings),
                rejected=tuple(self.rejected),
            )
        return out

    def not_participating(self, final: _Final) -> None:
        """List respondents whose role answer is neither mentor nor mentee.

        They stay in the org chart (role ``none``) but would otherwise vanish
        from every output table; ``people.rejected`` says why they are not
        matched (``code`` ``not_participating``).
        """
        roles = final.cols.get("role")
        if roles is None:
            return
        columns = [c for c in final.origin.get("role", []) if c in final.raw.columns]
        no_role = np.flatnonzero(np.isin(roles[: final.n_survey_rows], ("none", "")))
        answers = final.raw[columns].to_numpy(dtype=object)[no_role]
        for pos, cells in zip(no_role.tolist(), answers, strict=True):
            key = (str(final.files[pos]), int(final.rows[pos]))
            if key in final.demoted:  # already rejected, with the error as reason
                continue
            answer = " ".join(str(v) for v in cells if not pd.isna(v)).strip()
            if not answer:
                what = "no role answer"
            elif columns == [SOURCE_COLUMN]:
                what = f"the role given by the file {answer!r} is 'none'"
            else:
                what = f"role answer {answer!r} is neither mentor nor mentee"
            self.rejected.append(
                {
                    "row": key[1],
                    "id": final.id_of(pos),
                    "reason": f"not a participant: {what} (kept in the org chart)",
                    "file": key[0],
                    "code": NOT_PARTICIPATING,
                }
            )

    def _merge(self, final: _Final, found: list[Issue]) -> list[Issue]:
        """Own issues first, then validate's, moved to the raw file/row/column."""
        own_empty = {(i.file, i.row) for i in self.issues.items if i.code == "empty_id"}
        out = [
            i
            if i.person_id or i.row is None
            else dataclasses.replace(
                i, person_id=final.ids_by_row.get((str(i.file), i.row)) or None
            )
            for i in self.issues.items
            if i.severity == "warning" or not final.is_rejected(i)
        ]
        for issue in found:
            if issue.code == "empty_id" and (issue.file, issue.row) in own_empty:
                continue
            out.append(final.relocate(issue))
        return out


_EPOCH = _dt.datetime(1970, 1, 1)
_ATTEMPTS = 6  # validation rounds when rejecting rows (rejecting can reveal more)
_MANAGER_CODES = frozenset({"unknown_manager", "ambiguous_manager", "manager_cycle"})


def _ids_by_row(part: _Part) -> dict[tuple[str, int], str]:
    """Id of every row of a file (before duplicates are removed)."""
    ids = part.out.get("id")
    if ids is None:
        return {}
    return {
        (str(f), int(r)): str(i)
        for f, r, i in zip(
            part.table.files.tolist(),
            part.table.rows.tolist(),
            ids.tolist(),
            strict=True,
        )
        if i
    }


def _per_distinct(values: np.ndarray, fn: Callable[[object], str]) -> np.ndarray:
    """``fn`` of every cell, computed once per distinct value."""
    series = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = np.array([fn(u) for u in uniques], dtype=object)
    out: np.ndarray = mapped[codes] if len(uniques) else np.array([], dtype=object)
    return out


def _emails(values: np.ndarray) -> np.ndarray:
    """:func:`~rmatch.parsing.normalize_email` of a whole column."""
    return _per_distinct(values, normalize_email)


def _name_keys(values: np.ndarray) -> np.ndarray:
    """:func:`~rmatch.parsing.normalize_token` of a whole column (blank: ``""``).

    Text is always a name (``"Na"`` is one); only non-text gaps are blank.
    """
    return _per_distinct(
        values,
        lambda v: (
            "" if not isinstance(v, str) and is_missing(v) else normalize_token(str(v))
        ),
    )


def _cell(frame: pd.DataFrame, i: int, columns: list[str]) -> tuple[str, str]:
    """The column (and its cell) of ``columns`` that is filled in on row ``i``."""
    filled = [c for c in columns if c in frame.columns and str(frame[c].iat[i])]
    if len(filled) == 1:
        return filled[0], str(frame[filled[0]].iat[i])
    if len(columns) == 1 and columns[0] in frame.columns:
        return columns[0], str(frame[columns[0]].iat[i])
    return " + ".join(columns), ""


def _first(values: Sequence[str] | None) -> str | None:
    return values[0] if values else None


class _Final:
    """The combined canonical table: kept survey rows first, then HR-only rows."""

    def __init__(self, survey: _Part, kept: np.ndarray) -> None:
        table = survey.table
        self.cols: dict[str, np.ndarray] = {k: v[kept] for k, v in survey.out.items()}
        self.origin = survey.origin
        self.raw = table.frame.iloc[kept].reset_index(drop=True)
        self.files = table.files[kept]
        self.rows = table.rows[kept]
        self.label = table.label
        self.n_read = len(table.frame)
        self.n_survey_rows = int(kept.size)
        self.hr: _Part | None = None
        self.hr_pos = np.full(kept.size, -1, dtype=np.int64)
        self.provider: dict[str, np.ndarray] = {}
        # Rows rejected by the dedupe step or later, by (file, row).
        self.rejected_rows: set[tuple[str, int]] = {
            (str(f), int(r))
            for f, r in zip(
                np.delete(table.files, kept).tolist(),
                np.delete(table.rows, kept).tolist(),
                strict=True,
            )
        }
        self.demoted: set[tuple[str, int]] = set()
        self.ids_by_row = _ids_by_row(survey)
        self._reindex()

    @property
    def n(self) -> int:
        return int(self.rows.shape[0])

    def _reindex(self) -> None:
        self.index: dict[tuple[str, int], int] = {}
        for i, (f, r) in enumerate(
            zip(self.files.tolist(), self.rows.tolist(), strict=True)
        ):
            self.index.setdefault((str(f), int(r)), i)
        if self.hr is not None:
            for i, h in enumerate(self.hr_pos.tolist()):
                if h >= 0:
                    key = (str(self.hr.table.files[h]), int(self.hr.table.rows[h]))
                    self.index.setdefault(key, i)

    def sort(self, issues: list[Issue]) -> list[Issue]:
        """Issues outside rows first, then by file (survey first) and row."""
        order = {f: k for k, f in enumerate(dict.fromkeys(self.files.tolist()))}
        if self.hr is not None:
            for f in self.hr.table.files.tolist():
                order.setdefault(f, len(order))
        return sorted(
            issues,
            key=lambda i: (
                i.row is not None,
                order.get(i.file, len(order)),
                i.row or 0,
            ),
        )

    def id_of(self, pos: int) -> str:
        return str(self.cols["id"][pos]) if "id" in self.cols else ""

    def attach_hr(self, hr: _Part, hr_pos: np.ndarray, issues: _Issues) -> None:
        """Fill joined rows from the HR file; append HR-only rows as role none."""
        n = self.n
        self.hr = hr
        for key, value in _ids_by_row(hr).items():
            self.ids_by_row.setdefault(key, value)
        joined = hr_pos >= 0
        explicit_id = "id" in hr.out and not hr.id_from_email
        for name, values in hr.out.items():
            if name == "timestamp" or (name == "id" and not explicit_id):
                continue
            current = self.cols.get(name)
            if current is not None and name in _SURVEY_ONLY:
                continue
            hr_values = np.full(n, "", dtype=object)
            hr_values[joined] = values[hr_pos[joined]]
            if current is None:
                take = joined & (hr_values != "")
                current = np.full(n, "", dtype=object)
            elif name in _HR_WINS:
                take = joined & (hr_values != "")
            else:
                take = joined & (hr_values != "") & (current == "")
            self.cols[name] = np.where(take, hr_values, current).astype(object)
            self.provider[name] = take
        self.hr_pos = hr_pos.astype(np.int64)
        used = set(hr_pos[joined].tolist())
        n_hr = len(hr.table.frame)
        ids = hr.out.get("id", np.full(n_hr, "", dtype=object))
        extra = [i for i in range(n_hr) if i not in used]
        keyless = [i for i in extra if not ids[i]]
        if keyless:
            issues.add(
                hr.table,
                keyless,
                _first(hr.origin.get("id") or hr.origin.get("email")),
                "this HR row has no id or e-mail, so it is left out",
                "fill in the id or e-mail",
                code="hr_row_without_id",
                severity="warning",
            )
        take_rows = np.asarray([i for i in extra if ids[i]], dtype=np.int64)
        m = int(take_rows.size)
        for name in sorted(set(self.cols) | set(hr.out)):
            current = self.cols.get(name, np.full(n, "", dtype=object))
            if name == "role":
                added = np.full(m, "none", dtype=object)
            elif name in hr.out and name not in _SURVEY_ONLY and name != "timestamp":
                added = hr.out[name][take_rows]
            else:
                added = np.full(m, "", dtype=object)
            self.cols[name] = np.concatenate([current, added]).astype(object)
            provided = self.provider.get(name, np.zeros(n, dtype=bool))
            self.provider[name] = np.concatenate(
                [provided, np.full(m, name in hr.out, dtype=bool)]
            )
        if "role" not in self.cols:
            self.cols["role"] = np.concatenate(
                [np.full(n, "", dtype=object), np.full(m, "none", dtype=object)]
            )
        self.hr_pos = np.concatenate([self.hr_pos, take_rows])
        self.files = np.concatenate([self.files, hr.table.files[take_rows]])
        self.rows = np.concatenate([self.rows, hr.table.rows[take_rows]])
        self._reindex()

    def frame(self) -> pd.DataFrame:
        """Canonical columns, then the raw survey and HR columns, as strings."""
        n = self.n
        data: dict[str, np.ndarray] = {}
        for name in CANONICAL_FIELDS:
            if name in self.cols:
                data[name] = self.cols[name]
        for name, values in self.cols.items():
            if name not in data and name != "timestamp":
                data[name] = values
        for column in self.raw.columns:
            if column not in data:
                values = np.full(n, "", dtype=object)
                values[: self.n_survey_rows] = self.raw[column].to_numpy(dtype=object)
                data[str(column)] = values
        if self.hr is not None:
            has = self.hr_pos >= 0
            for column in self.hr.table.frame.columns:
                if column not in data:
                    values = np.full(n, "", dtype=object)
                    values[has] = self.hr.table.frame[column].to_numpy(dtype=object)[
                        self.hr_pos[has]
                    ]
                    data[str(column)] = values
        return pd.DataFrame(data, index=pd.RangeIndex(n))

    def locate(self, pos: int, name: str) -> tuple[str, int, str | None, str]:
        """File, row, raw column and raw value behind field ``name`` of a row.

        When several columns feed the field and only one of them is filled in on
        this row, that column is named.
        """
        if (
            self.hr is not None
            and name in self.provider
            and bool(self.provider[name][pos])
            and self.hr_pos[pos] >= 0
        ):
            h = int(self.hr_pos[pos])
            table, columns = self.hr.table, self.hr.origin.get(name, [])
            column, value = _cell(table.frame, h, columns)
            return (str(table.files[h]), int(table.rows[h]), column or name, value)
        columns = self.origin.get(name, [])
        column, value = (
            _cell(self.raw, pos, columns)
            if pos < self.n_survey_rows
            else (" + ".join(columns), "")
        )
        return (str(self.files[pos]), int(self.rows[pos]), column or name, value)

    def relocate(self, issue: Issue) -> Issue:
        """Point an issue on the canonical table at the raw file, row and column."""
        if issue.row is None or issue.file is None or issue.column is None:
            return issue
        pos = self.index.get((issue.file, issue.row))
        if pos is None:
            return issue
        file, row, column, value = self.locate(pos, issue.column)
        single = column is not None and " + " not in column
        return dataclasses.replace(
            issue,
            file=file,
            row=row,
            column=column,
            value=short(value) if single and value else issue.value,
        )

    def is_rejected(self, issue: Issue) -> bool:
        if issue.row is None or issue.file is None:
            return False
        key = (issue.file, issue.row)
        if key in self.rejected_rows:
            return True
        pos = self.index.get(key)
        return pos is not None and (str(self.files[pos]), int(self.rows[pos])) in (
            self.demoted
        )

    def positions_of(self, errors: list[Issue]) -> dict[int, list[Issue]] | None:
        """Row positions of errors, or None if one of them is not in a row."""
        out: dict[int, list[Issue]] = {}
        for issue in errors:
            pos = (
                None
                if issue.row is None or issue.file is None
                else self.index.get((issue.file, issue.row))
            )
            if pos is None:
                return None
            out.setdefault(pos, []).append(issue)
        return out

    def demote(self, errors: Mapping[int, list[Issue]]) -> None:
        """Keep rejected people in the org chart (role none), or drop their rows.

        A row is dropped when its id is empty or repeated, or when it was demoted
        before and still has errors. A manager that caused the error is cleared.
        """
        ids = self.cols.get("id", np.full(self.n, "", dtype=object))
        counts = pd.Series(ids).value_counts()
        drop = []
        for pos in sorted(errors):
            if "manager_id" in self.cols and any(
                i.code in _MANAGER_CODES for i in errors[pos]
            ):
                self.cols["manager_id"][pos] = ""
            key = (str(self.files[pos]), int(self.rows[pos]))
            pid = str(ids[pos])
            if not pid or int(counts.get(pid, 0)) > 1 or key in self.demoted:
                drop.append(pos)
                self.rejected_rows.add(key)
                continue
            self.demoted.add(key)
            for name, values in self.cols.items():
                if name == "role":
                    values[pos] = "none"
                elif name not in _ORG_FIELDS:
                    values[pos] = ""
        if not drop:
            return
        mask = np.ones(self.n, dtype=bool)
        mask[drop] = False
        self.cols = {k: v[mask] for k, v in self.cols.items()}
        self.provider = {k: v[mask] for k, v in self.provider.items()}
        self.raw = self.raw[mask[: self.n_survey_rows]].reset_index(drop=True)
        self.n_survey_rows = len(self.raw)
        self.hr_pos = self.hr_pos[mask]
        self.files = self.files[mask]
        self.rows = self.rows[mask]
        self._reindex()


def _reader(mapping: Any, reference_monday: Any, errors: str | None) -> _Reader:
    smap = SurveyMap.coerce(mapping)
    on_error = errors if errors is not None else smap.on_error
    if on_error not in ("raise", "reject"):
        raise ConfigError(
            f"The 'errors' parameter of read_survey must be 'raise' or 'reject'. "
            f"Got {errors!r} instead."
        )
    return _Reader(smap, reference_monday, on_error)


def validate_survey(
    source: Any,
    mapping: SurveyMap | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    *,
    hr: Any = None,
    hr_mapping: SurveyMap | Mapping[str, Any] | None = None,
    reference_monday: Any = None,
    errors: str | None = None,
) -> ValidationReport:
    """Read a raw survey export and report every problem without raising.

    Parameters
    ----------
    source : path, DataFrame, records, or a list of paths / DataFrames
        See :func:`read_survey`.
    mapping : SurveyMap, dict or path of a TOML file, optional
        See :func:`read_survey`.
    hr, hr_mapping, reference_monday, errors
        See :func:`read_survey`.

    Returns
    -------
    ValidationReport
        ``issues`` (each naming the file, row, raw column, value and fix),
        ``n_rows`` (survey rows read) and ``people`` when there is no error.
        Columns the mapping names but the export lacks, and unreadable files,
        are reported as issues too.

    Raises
    ------
    ConfigError
        The mapping itself is invalid (unknown options or fields).
    """
    reader = _reader(mapping, reference_monday, errors)
    try:
        return reader.run(source, hr, hr_mapping)
    except ValidationError as exc:
        return ValidationReport(issues=list(exc.issues))
    except MissingColumnsError as exc:
        return ValidationReport(issues=list(exc.issues), n_rows=exc.n_rows)


def read_survey(
    source: Any,
    mapping: SurveyMap | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    *,
    hr: Any = None,
    hr_mapping: SurveyMap | Mapping[str, Any] | None = None,
    reference_monday: Any = None,
    errors: str | None = None,
) -> People:
    """Read a raw survey export (and an HR file) into :class:`~rmatch.people.People`.

    Parameters
    ----------
    source : path, DataFrame, records, or a list of paths / DataFrames
        CSV (UTF-8 with or without BOM, UTF-16, cp1252), Excel ``.xlsx``, JSON
        records, a DataFrame or records. Several sources (e.g. a mentors' form and
        a mentees' form) are stacked; each row remembers its file in the column
        ``source_file``, which a mapping can turn into a role.
    mapping : SurveyMap, dict or path of a TOML file, optional
        Which column feeds which field and how to read it (see the module
        documentation). A TOML path uses its ``[mapping]`` section; relative file
        names inside are relative to it. Default: the columns already have the
        canonical names.
    hr : path, DataFrame or records, optional
        HR file with managers, departments, grades, locations. Default: the
        mapping's ``[mapping.hr] file``.
    hr_mapping : SurveyMap or dict, optional
        Column lines for the HR file (default: the mapping's ``[mapping.hr]``).
    reference_monday : datetime.date, optional
        Week used to convert availability to UTC.
    errors : {"raise", "reject"}, optional
        Rows with errors: stop (``raise``, the default) or reject them with the
        reason and read the rest (``reject``). Default: the mapping's ``on_error``.

    Returns
    -------
    People
        Survey rows after removing duplicate answers, plus HR rows nobody answered
        for (role ``none``: they stay in the org chart). ``people.rejected`` lists
        every dropped row with its reason; ``people.issues`` the warnings.

    Raises
    ------
    ValidationError
        Every error found (file, row, column, value, how to fix).
    ConfigError
        An invalid mapping, or columns it names that are not in the export (all
        listed, with close matches).

    Warns
    -----
    DataQualityWarning
        Once, when rows were rejected or warnings were found; the message counts
        them and points at ``people.rejected`` / ``people.issues``.

    Examples
    --------
    >>> rows = [
    ...     {"Timestamp": "3/17/2020 8:14:08", "Email Address": " Ana@x.org ",
    ...      "I want to be a...": "Mentor (I want to provide coaching)",
    ...      "Topics": "Python, Public speaking"},
    ...     {"Timestamp": "3/18/2020 9:00:00", "Email Address": "bo@x.org",
    ...      "I want to be a...": "Mentee", "Topics": "python"},
    ... ]
    >>> people = read_survey(rows, {"preset": "google_forms",
    ...                             "I want to be a...": "role",
    ...                             "Topics": "interests"})
    >>> people.ids.tolist(), people.roles.tolist()
    (['ana@x.org', 'bo@x.org'], ['mentor', 'mentee'])
    >>> sorted(people["interests"][0])
    ['public speaking', 'python']
    """
    reader = _reader(mapping, reference_monday, errors)
    report = reader.run(source, hr, hr_mapping)
    if report.errors or report.people is None:
        raise ValidationError(report.errors + report.warnings)
    people = report.people
    rejected = [r for r in people.rejected if r.get("code") != NOT_PARTICIPATING]
    if rejected or report.warnings:
        warnings.warn(
            f"{people.source}: {len(rejected)} row(s) rejected and "
            f"{len(report.warnings)} warning(s); see people.rejected and "
            "people.issues",
            DataQualityWarning,
            stacklevel=2,
        )
    return people

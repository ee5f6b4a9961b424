"""The mapping of a survey export: `SurveyMap`, a ``[mapping]`` TOML section.

The format of the section (options and column lines) is described in
[`rmatch.survey`][rmatch.survey].
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rmatch.errors import ConfigError
from rmatch.io import codec_name
from rmatch.parsing import (
    DATE_ORDERS,
    ParseError,
    normalize_token,
    parse_period_grid,
)
from rmatch.survey._common import (
    HR_OPTION_KEYS,
    OPTION_KEYS,
    as_table,
    check_day,
    column_key,
    number_table,
    one_of,
    str_list,
    suggest,
)
from rmatch.survey.presets import PRESETS
from rmatch.survey.spec import ColumnSpec

__all__ = ["SurveyMap", "parse_section"]

_ROLES = ("mentor", "mentee", "both", "none")


@dataclass(frozen=True)
class SurveyMap:
    """How to read a raw survey export (see [`rmatch.survey`][rmatch.survey]).

    Build one with `from_dict()` (a ``[mapping]`` TOML section), `from_toml()`
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
    date_format : str, optional
        How time stamps such as ``3/10/2026`` are written: ``"day_first"``,
        ``"month_first"`` or a ``strftime`` format (``"%d/%m/%Y %H:%M:%S"``).
        Default: decided per file from the values (a first field over 12 means
        day first, a second field over 12 month first; a warning when nothing
        decides it).
    roles : mapping of str to str
        Role answer -> ``mentor`` / ``mentee`` / ``both`` / ``none``; other answers
        are read by [`parse_role()`][rmatch.parsing.parse_role].
    likert : mapping of str to float, optional
        Rating labels -> numbers for ``scale = "likert"`` columns and skill levels.
    periods : mapping of str to (str, str), optional
        Availability grid periods (default: morning 08-12, afternoon 12-17, ...).
    days : mapping of str to str, optional
        Availability grid rows -> days (``{"Dilluns": "Mon"}``), for day names the
        built-in ones (English and 13 other languages, see
        [`parse_period_grid()`][rmatch.parsing.parse_period_grid]) do not cover.
    encoding : str, optional
        Text encoding of CSV files (``"cp1252"``, ``"shift_jis"``, ``"gbk"`` ...).
        Default: UTF-8 or UTF-16 when the bytes are, else the encoding found most
        likely (a warning when that is not certain).
    files : mapping of str to mapping, optional
        Options per input file, by file name: ``role`` (every row of the file has
        this role unless its role cell says otherwise: ``{"mentors.csv": {"role":
        "mentor"}}``) and ``encoding``.
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
    date_format: str | None = None
    roles: Mapping[str, str] = field(default_factory=dict)
    likert: Mapping[str, float] | None = None
    periods: Mapping[str, tuple[str, str]] | None = None
    days: Mapping[str, str] | None = None
    encoding: str | None = None
    files: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
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
            Options and column lines (see [`rmatch.survey`][rmatch.survey]).
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
        return parse_section(section, base_dir=base_dir, hr=False)

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
            as_table(section, f"[mapping] in {target.name}"),
            base_dir=target.parent.resolve(),
        )

    @classmethod
    def coerce(
        cls, mapping: SurveyMap | Mapping[str, Any] | str | os.PathLike[str] | None
    ) -> SurveyMap:
        """Return ``mapping`` as a `SurveyMap` (a map, a dict, a TOML path)."""
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

    def file_options(self, name: str) -> Mapping[str, str]:
        """The ``[mapping.files]`` options of one file (by its name), or ``{}``."""
        return self.files.get(Path(name).name.casefold(), {})

    def path(self, name: str) -> Path:
        """Resolve a file name relative to `base_dir`."""
        target = Path(name)
        if not target.is_absolute() and self.base_dir is not None:
            target = Path(self.base_dir) / target
        return target


def _encoding(value: object, where: str) -> str:
    if not isinstance(value, str) or codec_name(value) is None:
        raise ConfigError(
            f"{where} must be a text encoding such as 'utf-8', 'cp1252', "
            f"'shift_jis' or 'gbk'; got {value!r}"
        )
    return value


def _files(value: object, where: str) -> dict[str, dict[str, str]]:
    """``[mapping.files]``: file name -> {role, encoding}."""
    out: dict[str, dict[str, str]] = {}
    for name, options in as_table(value, where).items():
        at = f"{where} {name!r}"
        if isinstance(options, str):  # "mentors.csv" = "mentor"
            options = {"role": options}
        table = as_table(options, at)
        unknown = sorted(set(table) - {"role", "encoding"})
        if unknown:
            raise ConfigError(
                f"{at}: unknown option {unknown[0]!r}; options are role, encoding"
            )
        entry: dict[str, str] = {}
        if "role" in table:
            entry["role"] = one_of(table["role"], f"{at} role", _ROLES)
        if "encoding" in table:
            entry["encoding"] = _encoding(table["encoding"], f"{at} encoding")
        out[Path(str(name)).name.casefold()] = entry
    return out


def parse_section(
    section: Mapping[str, Any], *, base_dir: str | os.PathLike[str] | None, hr: bool
) -> SurveyMap:
    """Build a `SurveyMap` from a ``[mapping]`` or ``[mapping.hr]`` section.

    Parameters
    ----------
    section : mapping
        Options and column lines.
    base_dir : path, optional
        Folder that relative file names are relative to.
    hr : bool
        The section is ``[mapping.hr]`` (HR options, no preset).

    Returns
    -------
    SurveyMap

    Raises
    ------
    ConfigError
        Unknown options or fields (with close matches), badly typed values.
    """
    where = "[mapping.hr]" if hr else "[mapping]"
    if not isinstance(section, Mapping):
        raise ConfigError(f"{where} must be a table; got {section!r}")
    allowed = HR_OPTION_KEYS if hr else OPTION_KEYS
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
                f"{suggest(str(name), list(PRESETS))}; presets are "
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
            if key in OPTION_KEYS | HR_OPTION_KEYS:
                raise ConfigError(f"{where}: the option {key!r} is not allowed here")
            if isinstance(value, str | Mapping):
                column_lines({key: value})
                continue
            if isinstance(value, list) and not suggest(key, sorted(allowed)):
                raise ConfigError(
                    f"{where}: column {key!r} maps to a list; map each column to one "
                    "field, on its own line"
                )
            raise ConfigError(
                f"{where}: unknown option {key!r}{suggest(key, sorted(allowed))}; "
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
            kwargs[key] = str_list(value, opt)
        elif key == "id_from_email":
            if not isinstance(value, bool):
                raise ConfigError(f"{opt} must be true or false; got {value!r}")
            kwargs[key] = value
        elif key == "duplicates":
            kwargs[key] = one_of(value, opt, ("latest", "first"))
        elif key == "date_format":
            if not isinstance(value, str) or (
                value not in DATE_ORDERS and "%" not in value
            ):
                raise ConfigError(
                    f"{opt} must be 'day_first', 'month_first' or a strftime format "
                    f"such as '%d/%m/%Y %H:%M:%S'; got {value!r}"
                )
            kwargs[key] = value
        elif key == "unknown_manager":
            kwargs[key] = one_of(value, opt, ("warning", "error"))
        elif key == "on_error":
            kwargs[key] = one_of(value, opt, ("raise", "reject"))
        elif key == "join":
            kwargs[key] = one_of(value, opt, ("auto", "id", "email"))
        elif key == "file":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{opt} must be a file name; got {value!r}")
            kwargs[key] = value
        elif key == "roles":
            roles = {}
            for answer, role in as_table(value, opt).items():
                roles[normalize_token(str(answer))] = one_of(
                    role, f"{opt} {answer!r}", _ROLES
                )
            kwargs[key] = roles
        elif key == "likert":
            kwargs[key] = number_table(value, opt)
        elif key == "periods":
            periods: dict[str, tuple[str, str]] = {}
            for label, bounds in as_table(value, opt).items():
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
        elif key == "encoding":
            kwargs[key] = _encoding(value, opt)
        elif key == "files":
            kwargs[key] = _files(value, opt)
        elif key == "days":
            kwargs[key] = {
                str(label): check_day(day, f"{opt} {label!r}")
                for label, day in as_table(value, opt).items()
            }
        elif key == "hr":
            kwargs[key] = parse_section(
                as_table(value, opt), base_dir=base_dir, hr=True
            )
        elif key == "columns":
            column_lines(as_table(value, opt))
        elif key in ("timestamp", "timezone"):
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{opt} must be a column name; got {value!r}")
            specs.append(ColumnSpec(column=value, field=key))
        elif key == "availability":
            if isinstance(value, str):
                specs.append(ColumnSpec(column=value, field="availability"))
            elif isinstance(value, list):
                for column in str_list(value, opt):
                    specs.append(ColumnSpec(column=column, field="availability"))
            else:
                for column, day in as_table(value, opt).items():
                    specs.append(
                        ColumnSpec(
                            column=str(column),
                            field="availability",
                            day=check_day(day, f"{opt} {column!r}"),
                        )
                    )
    # Preset options and optional columns (dropped when the user maps them).
    for key in ("header_rows", "separators"):
        if key in preset and key not in kwargs:
            value = preset[key]
            kwargs[key] = tuple(value) if isinstance(value, list) else value
    taken_columns = {column_key(s.column) for s in specs}
    taken_fields = {s.field for s in specs}
    if "name" in taken_fields:
        taken_fields |= {"first_name", "last_name"}
    for column, name in preset.get("columns", {}).items():
        if column_key(column) not in taken_columns and name not in taken_fields:
            specs.append(ColumnSpec.from_value(column, name, preset=True))
    if base_dir is not None:
        kwargs["base_dir"] = str(base_dir)
    return SurveyMap(columns=tuple(specs), **kwargs)

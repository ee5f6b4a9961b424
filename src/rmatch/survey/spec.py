"""Column lines of a mapping: which survey column feeds which field, and how.

[`ColumnSpec`][rmatch.survey.ColumnSpec] is one line of a ``[mapping]`` section
(``"Question" = "field"`` or a table with parsing options); `FIELDS` lists the fields a
column can feed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rmatch.errors import ConfigError
from rmatch.parsing import normalize_token
from rmatch.people import CANONICAL_FIELDS
from rmatch.survey._common import (
    HR_OPTION_KEYS,
    OPTION_KEYS,
    SKILL_FIELDS,
    as_table,
    check_day,
    number_table,
    str_list,
    suggest,
    value_text,
)

__all__ = ["FIELDS", "ColumnSpec"]

_HELPER_FIELDS = ("first_name", "last_name", "timestamp")
#: Fields a column can be mapped onto.
FIELDS: tuple[str, ...] = CANONICAL_FIELDS + _HELPER_FIELDS
_SPEC_KEYS = frozenset(
    {"field", "separators", "values", "order", "scale", "skill", "day", "custom"}
)


def _check_field(column: str, name: object, custom: bool) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(
            f"[mapping] column {column!r}: the field must be a name; got {name!r}"
        )
    name = name.strip()
    if name in FIELDS or custom:
        return name
    hint = suggest(name, FIELDS)
    option = suggest(column, sorted(OPTION_KEYS | HR_OPTION_KEYS))
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
        Target field (see `FIELDS`), or any name with ``custom=True``.
    separators : tuple of str, optional
        Multi-select separators (default: the map's ``separators``).
    values : mapping of str to str, optional
        Answer -> value, compared after
        [`normalize_token()`][rmatch.parsing.normalize_token] (for sets and skills: per
        selected option). An empty value drops it.
    order : tuple of str, optional
        Ordinal answers, lowest first; an answer becomes its position (1, 2, ...).
    scale : mapping of str to float, optional
        Rating labels -> numbers ([`parse_likert()`][rmatch.parsing.parse_likert]).
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
        spec = as_table(value, where)
        unknown = set(spec) - _SPEC_KEYS
        if unknown:
            bad = sorted(unknown)[0]
            raise ConfigError(
                f"{where}: unknown option {bad!r}{suggest(bad, sorted(_SPEC_KEYS))}; "
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
            kwargs["separators"] = str_list(spec["separators"], f"{where}: separators")
        if "values" in spec:
            kwargs["values"] = {
                normalize_token(str(k)): value_text(v, where)
                for k, v in as_table(spec["values"], f"{where}: values").items()
            }
        if "order" in spec:
            kwargs["order"] = str_list(spec["order"], f"{where}: order")
        if "scale" in spec:
            scale = spec["scale"]
            if scale == "likert" or scale is True:
                kwargs["likert"] = True
            else:
                kwargs["scale"] = number_table(scale, f"{where}: scale")
        if "skill" in spec:
            if name not in SKILL_FIELDS:
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
            kwargs["day"] = check_day(spec["day"], where)
        return cls(column=column, field=name, preset=preset, **kwargs)

"""Helpers shared by the survey stages: column keys, close matches, option checks.

Private to [`rmatch.survey`][rmatch.survey]; nothing here is public API.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from rmatch.errors import ConfigError
from rmatch.parsing import (
    ParseError,
    parse_period_grid,
)

#: Fields read as sets of tokens.
SET_FIELDS = frozenset({"interests", "goals", "languages"})
#: Fields read as skills with levels.
SKILL_FIELDS = frozenset({"skills_offered", "skills_wanted"})

#: Options of a ``[mapping]`` section (every other line maps a column).
OPTION_KEYS = frozenset(
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
        "date_format",
        "days",
        "encoding",
        "files",
    }
)
#: Options of a ``[mapping.hr]`` section.
HR_OPTION_KEYS = frozenset(
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
        "encoding",
    }
)


def column_key(text: str) -> str:
    """Column-name key: case-folded, white space collapsed."""
    return " ".join(str(text).casefold().split())


def suggest(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` with up to three close matches, or ``""``.

    Long question texts are also compared by their beginning, so that a question
    typed shorter than it was exported is still found.
    """
    key = column_key(word)
    if not key:
        return ""
    scored = []
    for choice in dict.fromkeys(choices):
        other = column_key(choice)
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


def value_text(value: object, where: str) -> str:
    """A ``values`` entry of a column line as text (``true`` -> ``yes``)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value.strip()
    raise ConfigError(f"{where}: values must be text or numbers; got {value!r}")


def str_list(value: object, where: str) -> tuple[str, ...]:
    """A text or a list of non-empty texts, as a tuple."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) and v for v in value
    ):
        raise ConfigError(f"{where} must be a text or a list of texts; got {value!r}")
    return tuple(value)


def as_table(value: object, where: str) -> Mapping[str, Any]:
    """``value`` if it is a table (a mapping); ``ConfigError`` otherwise."""
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a table; got {value!r}")
    return value


def one_of(value: object, where: str, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices``; ``ConfigError`` otherwise."""
    if value not in choices:
        raise ConfigError(
            f"{where} must be one of {', '.join(map(repr, choices))}; got {value!r}"
        )
    return str(value)


def number_table(value: object, where: str) -> dict[str, float]:
    """A table of label -> number, with the numbers as floats."""
    table = as_table(value, where)
    out: dict[str, float] = {}
    for k, v in table.items():
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise ConfigError(f"{where}: {k!r} must be a number; got {v!r}")
        out[str(k)] = float(v)
    return out


def check_day(value: object, where: str) -> str:
    """``value`` if it names a day (``mon``, ``Monday``, ``weekdays``...)."""
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


def first_column(values: Sequence[str] | None) -> str | None:
    """The first of ``values`` (a field's raw columns), or None."""
    return values[0] if values else None

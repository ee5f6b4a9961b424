"""Parameter checks shared by the constraints (each raises `ConfigError`)."""

from __future__ import annotations

from typing import Any

from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.rules import positive_int

__all__ = [
    "check_column",
    "check_count",
    "check_range",
    "check_share",
    "check_side",
    "param_error",
]


def param_error(owner: str, name: str, must: str, value: object) -> ConfigError:
    """The error for the parameter ``name`` of ``owner``: it must be ``must``."""
    return ConfigError(
        f"The {name!r} parameter of {owner} must be {must}. Got {value!r} instead."
    )


def check_side(owner: str, side: object) -> None:
    """Require ``"mentor"`` or ``"mentee"``."""
    if side not in ("mentor", "mentee"):
        raise param_error(owner, "side", "'mentor' or 'mentee'", side)


def check_share(owner: str, name: str, value: object) -> None:
    """Require None or a share in ``[0, 1]``."""
    if value is None:
        return
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not (0.0 <= float(value) <= 1.0)
    ):
        raise param_error(owner, name, "a share in [0, 1] (0.4 means 40%)", value)


def check_count(owner: str, name: str, value: object) -> None:
    """Require None or an int ``>= 0``."""
    if value is not None:
        positive_int(owner, name, value)


def check_column(owner: str, column: object, people: People | None) -> None:
    """Require a column name, and that ``people`` (when given) has it."""
    if not isinstance(column, str) or not column:
        raise param_error(owner, "column", "a column name", column)
    if people is not None and column not in people.columns:
        raise ConfigError(
            f"{owner} needs the column {column!r}, which is not in {people.source}; "
            f"columns are {', '.join(people.columns)}"
        )


def check_range(owner: str, at_least: Any, at_most: Any, missing: str) -> None:
    """Require a bound (``"{owner} needs {missing}"``), and ``at_least <= at_most``."""
    if at_least is None and at_most is None:
        raise ConfigError(f"{owner} needs {missing}")
    if at_least is not None and at_most is not None and at_least > at_most:
        raise ConfigError(
            f"{owner}: at_least ({at_least}) is above at_most ({at_most})"
        )

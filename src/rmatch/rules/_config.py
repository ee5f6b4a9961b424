"""Rules from configuration (TOML entries or dicts)."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

from rmatch.errors import ConfigError
from rmatch.rules._base import Rule
from rmatch.rules._pairs import ForbiddenPairs, History, NoReportingLine
from rmatch.rules._values import (
    DifferentValue,
    MaxTimezoneGap,
    MinScore,
    MinSharedHours,
    ReverseSeniority,
    SameValue,
)

BUILTIN_RULES: dict[str, type[Rule]] = {
    "no_reporting_line": NoReportingLine,
    "forbidden_pairs": ForbiddenPairs,
    "history": History,
    "min_shared_hours": MinSharedHours,
    "reverse_seniority": ReverseSeniority,
    "same": SameValue,
    "different": DifferentValue,
    "max_timezone_gap": MaxTimezoneGap,
    "min_score": MinScore,
}

# Parameter given when a TOML entry is a bare value, e.g. ``min_shared_hours = 1``.
_SCALAR_PARAM = {
    "no_reporting_line": "levels",
    "min_shared_hours": "hours",
    "reverse_seniority": "min_gap",
    "max_timezone_gap": "hours",
    "min_score": "threshold",
    "same": "column",
    "different": "column",
    "forbidden_pairs": "pairs",
    "history": "pairs",
}


def rule_from_dict(name: str, spec: Any) -> list[Rule]:
    """Build rules from one TOML/dict entry.

    ``no_reporting_line = true``, ``no_reporting_line = 2``,
    ``no_reporting_line = {levels = 2, same_manager = true}``,
    ``different = ["department", "location"]`` (one rule per column),
    ``history = "past_pairs.csv"``. ``false`` disables the rule.
    """
    kind = name
    if isinstance(spec, Mapping):
        params = dict(spec)
        kind = str(params.pop("type", name))
    else:
        params = {}
    if kind not in BUILTIN_RULES:
        raise ConfigError(
            f"unknown rule {kind!r}; built-in rules are "
            f"{', '.join(sorted(BUILTIN_RULES))}"
        )
    cls = BUILTIN_RULES[kind]
    if spec is False:
        return []
    if not isinstance(spec, Mapping) and spec is not True:
        key = _SCALAR_PARAM[kind]
        if kind in ("same", "different") and isinstance(spec, list):
            return [cls(column=str(c)) for c in spec]  # type: ignore[call-arg]
        if kind == "history" and isinstance(spec, str):
            return [History.from_csv(spec)]
        params = {key: spec}
    return [build_checked(cls, params, f"rule {name!r}")]


def build_checked(cls: type[Any], params: Mapping[str, Any], label: str) -> Any:
    """``cls(**params)``, checked; unknown parameters become a ConfigError.

    ``label`` names the entry in messages (``"rule 'same'"``). Shared by the rule
    and quota configuration readers.
    """
    try:
        made = cls(**params)
    except TypeError as exc:
        allowed = [p for p in inspect.signature(cls).parameters if p != "self"]
        raise ConfigError(
            f"{label}: {exc}. Allowed parameters: {', '.join(allowed)}"
        ) from None
    made.check()
    return made

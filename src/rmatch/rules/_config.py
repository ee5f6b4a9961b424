"""Rules from configuration (TOML entries or dicts)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from rmatch.errors import ConfigError
from rmatch.rules._base import Rule
from rmatch.rules._pairs import ForbiddenPairs, History, NoReportingLine, read_pairs
from rmatch.rules._values import (
    DifferentValue,
    MaxTimezoneGap,
    MinScore,
    MinSharedHours,
    ReverseSeniority,
    SameValue,
)
from rmatch.scoring import Registry, factory_of

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

#: The rules known by name: built-in, registered, and entry points.
RULES = Registry(
    "rule", "rmatch.rules", BUILTIN_RULES, "rmatch.register_rule(name, cls_or_factory)"
)


def register_rule(name: str, obj: Any) -> None:
    """Make a rule usable by name in a program file (``[rules] name = true``).

    Parameters
    ----------
    name : str
        The ``type`` used in TOML; [`Rule.to_dict()`][rmatch.rules.Rule.to_dict] should
        write it (a subclass sets ``name`` to it; a decorated function gets it).
    obj : Rule subclass, factory or Rule
        ``obj(**params)`` builds the rule from the TOML parameters; an object (e.g.
        from [`rule()`][rmatch.rules.rule]) is copied with the parameters.

    Examples
    --------
    >>> from rmatch.rules import Rule, register_rule, rule_from_dict
    >>> class MentorIsSenior(Rule):
    ...     name = "mentor_is_senior"
    ...     def allowed(self, block):
    ...         s = block.people.seniority
    ...         return s[block.mentors][:, None] > s[block.mentees][None, :]
    >>> register_rule("mentor_is_senior", MentorIsSenior)
    >>> rule_from_dict("mentor_is_senior", True)
    [MentorIsSenior()]
    """
    if isinstance(obj, Rule):
        obj.check()
    RULES.register(name, factory_of(obj))


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

    ``no_reporting_line = true``, ``no_reporting_line = 2``, ``no_reporting_line =
    {levels = 2, same_manager = true}``, ``different = ["department", "location"]`` (one
    rule per column), ``history = "past_pairs.csv"``. ``false`` disables the rule. A
    rule registered by name ([`register_rule()`][rmatch.rules.register_rule],
    ``@rule(name=...)`` or an entry point in the ``rmatch.rules`` group) takes ``true``
    or a table of parameters.
    """
    kind = name
    if isinstance(spec, Mapping):
        params = dict(spec)
        kind = str(params.pop("type", name))
    else:
        params = {}
    params.pop("custom", None)
    factory = RULES.get(kind)
    if factory is None:
        raise RULES.unknown(kind)
    if spec is False:
        return []
    if kind not in BUILTIN_RULES:
        if not isinstance(spec, Mapping) and spec is not True:
            raise ConfigError(
                f"rule {name!r} takes true or a table of parameters, e.g. "
                f"{name} = {{ ... }}; got {spec!r}"
            )
        made = build_checked(factory, params, f"rule {name!r}")
        if not isinstance(made, Rule):
            raise ConfigError(
                f"rule {name!r}: its factory returned {made!r}, not a Rule"
            )
        return [made]
    cls = BUILTIN_RULES[kind]
    if not isinstance(spec, Mapping) and spec is not True:
        key = _SCALAR_PARAM[kind]
        if kind in ("same", "different") and isinstance(spec, list):
            return [cls(column=str(c)) for c in spec]  # type: ignore[call-arg]
        if kind == "history" and isinstance(spec, str):
            return [History.from_csv(spec)]
        if kind == "forbidden_pairs" and isinstance(spec, str):
            return [ForbiddenPairs(read_pairs(spec))]
        params = {key: spec}
    return [build_checked(cls, params, f"rule {name!r}")]


def build_checked(
    cls: Callable[..., Any], params: Mapping[str, Any], label: str
) -> Any:
    """``cls(**params)``, checked; unknown parameters become a ConfigError.

    ``label`` names the entry in messages (``"rule 'same'"``). Shared by the rule
    and quota configuration readers.
    """
    try:
        made = cls(**params)
    except TypeError as exc:
        try:
            sig = inspect.signature(cls).parameters
        except (TypeError, ValueError):
            sig = {}  # type: ignore[assignment]
        allowed = [p for p in sig if p != "self"]
        raise ConfigError(
            f"{label}: {exc} (given: {', '.join(map(str, params)) or 'none'}). "
            f"Allowed parameters: {', '.join(allowed) or 'none'}"
        ) from None
    made.check()
    return made

"""Build rules, soft rules and constraints from a TOML/dict program section."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rmatch.constraints.base import Constraint
from rmatch.constraints.groups import GroupCoverage, GroupLimit
from rmatch.constraints.loads import Load, MenteeLoad, MentorLoad
from rmatch.constraints.pairs import RequiredPairs
from rmatch.constraints.shares import CrossShare, PairShare
from rmatch.constraints.soft import Soft
from rmatch.errors import ConfigError
from rmatch.rules import RULES, build_checked, rule_from_dict

__all__ = [
    "QUOTA_TYPES",
    "constraint_from_dict",
    "is_constraint",
    "quotas_from_config",
]


QUOTA_TYPES: dict[str, type[Constraint]] = {
    "pair_share": PairShare,
    "cross_share": CrossShare,
    "group_limit": GroupLimit,
    "group_coverage": GroupCoverage,
    "required_pairs": RequiredPairs,
    "mentor_load": MentorLoad,
    "mentee_load": MenteeLoad,
    "load": Load,
}


def _build(cls: type[Any], name: str, params: Mapping[str, Any]) -> Any:
    return build_checked(cls, params, repr(name))


def constraint_from_dict(name: str, spec: Any) -> list[Any]:
    """Build rules, soft rules or constraints from one TOML/dict entry.

    Parameters
    ----------
    name : str
        A hard rule (``no_reporting_line``, ``different``...) or a constraint
        (``cross_share``, ``group_limit``, ``group_coverage``, ``required_pairs``,
        ``mentor_load``, ``mentee_load``, ``pair_share``).
    spec : dict, list, str, number or bool
        The entry's value. A hard rule with ``weight = w`` (or ``soft = true`` and a
        weight) becomes a [`Soft`][rmatch.constraints.Soft] rule. A list of tables gives
        one object per table. ``required_pairs`` takes a list of ``[mentor, mentee]``
        pairs or a CSV path.

    Returns
    -------
    list
        [`Rule`][rmatch.rules.Rule], [`Soft`][rmatch.constraints.Soft] and
        [`Constraint`][rmatch.constraints.Constraint] objects.

    Examples
    --------
    >>> constraint_from_dict("different", {"column": "department", "weight": 0.5})
    [Soft(DifferentValue(column='department'), weight=0.5)]
    >>> constraint_from_dict("mentor_load", {"min": 1, "max": 3})
    [MentorLoad(min=1, max=3)]
    """
    kind = name
    if isinstance(spec, Mapping) and "type" in spec:
        kind = str(spec["type"])
    if kind == "required_pairs":
        if isinstance(spec, str):
            return [RequiredPairs.from_csv(spec)]
        if isinstance(spec, list | tuple):
            return [RequiredPairs(spec)]
    if (
        isinstance(spec, list | tuple)
        and spec
        and all(isinstance(s, Mapping) for s in spec)
    ):
        return [made for s in spec for made in constraint_from_dict(name, s)]
    if kind in QUOTA_TYPES:
        if spec is False:
            return []
        if not isinstance(spec, Mapping):
            raise ConfigError(
                f"{name!r} needs a table of parameters, e.g. "
                f"{name} = {{ ... }}; got {spec!r}"
            )
        params = {k: v for k, v in spec.items() if k != "type"}
        if kind == "required_pairs" and isinstance(params.get("pairs"), str):
            return [RequiredPairs.from_csv(params["pairs"])]
        return [_build(QUOTA_TYPES[kind], name, params)]
    if isinstance(spec, Mapping) and ("weight" in spec or "soft" in spec):
        params = dict(spec)
        weight = params.pop("weight", None)
        soft = params.pop("soft", True)
        label = params.pop("label", None)
        hard = rule_from_dict(name, params)
        if not soft:
            return hard
        if weight is None:
            raise ConfigError(
                f"soft rule {name!r} needs a weight, e.g. "
                f"{name} = {{ ..., weight = 0.5 }}"
            )
        made = [Soft(r, weight=weight, label=label) for r in hard]
        for s in made:
            s.check()
        return made
    if RULES.get(kind) is None:
        raise RULES.unknown(kind, extra=tuple(QUOTA_TYPES))
    return list(rule_from_dict(name, spec))


def quotas_from_config(section: Any, name: str = "quotas") -> list[Any]:
    """Build the objects of a ``[quotas]`` (or ``[rules]``) TOML section.

    The section is a table (``cross_share = { column = "department", at_least = 0.4 }``;
    a list of tables gives several of the same kind) or a list of tables with a ``type``
    each (what [`Program.to_dict()`][rmatch.program.Program.to_dict] writes).

    Examples
    --------
    >>> quotas_from_config({"cross_share": {"column": "department", "at_least": 0.4},
    ...                     "group_limit": {"column": "department", "at_most": 5}})
    [CrossShare(column='department', at_least=0.4, of='pairs'), \
GroupLimit(column='department', at_most=5, side='mentee')]
    """
    out: list[Any] = []
    if isinstance(section, Mapping):
        for name, spec in section.items():
            out += constraint_from_dict(str(name), spec)
        return out
    if isinstance(section, list | tuple):
        for spec in section:
            if not isinstance(spec, Mapping) or "type" not in spec:
                raise ConfigError(
                    f"each entry of a [[{name}]] list needs a type; got {spec!r}"
                )
            out += constraint_from_dict(str(spec["type"]), spec)
        return out
    raise ConfigError(f"[{name}] must be a table or a list of tables; got {section!r}")


def is_constraint(obj: object) -> bool:
    """Whether ``obj`` acts on the candidate graph (has ``side_constraints``)."""
    return hasattr(obj, "side_constraints")

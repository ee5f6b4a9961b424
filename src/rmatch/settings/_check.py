"""Check a program config against the declared schema: every problem at once.

[`config_problems()`][rmatch.settings.config_problems] validates the whole file with
``jsonschema`` (one schema per section and per built-in entry, see ``_schema``) and
returns one sentence per problem: the key, what it must be, what it is, and for an
unknown key the closest known one. Entries registered by name
([`register_criterion`][rmatch.scoring.register_criterion],
[`register_rule`][rmatch.rules.register_rule]) are checked by their own constructors.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
from collections.abc import Iterator, Mapping
from typing import Any

from rmatch.constraints import QUOTA_TYPES
from rmatch.rules import RULES
from rmatch.scoring import CRITERIA
from rmatch.settings._schema import CONFIG, PROGRAM
from rmatch.settings._schema import CRITERIA as CRITERION_SCHEMAS
from rmatch.settings._schema import QUOTAS as QUOTA_SCHEMAS
from rmatch.settings._schema import RULES as RULE_SCHEMAS

Schema = dict[str, Any]

__all__ = ["config_problems", "did_you_mean", "program_problems", "short"]


def short(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def did_you_mean(word: str, known: list[str] | set[str]) -> str:
    """`` (did you mean 'x'?)`` when a known word is close to ``word``, else ``""``."""
    close = difflib.get_close_matches(str(word), sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _finite(validator: Any, wanted: Any, instance: Any, _schema: Any) -> Iterator[Any]:
    from jsonschema import ValidationError

    if wanted and isinstance(instance, float) and not math.isfinite(instance):
        yield ValidationError(f"{instance!r} is not finite")


_VALIDATOR: Any = None


def _validator() -> Any:
    """The Draft 2020-12 validator class with a ``finite`` keyword (built once)."""
    global _VALIDATOR
    if _VALIDATOR is None:
        from jsonschema import Draft202012Validator, validators

        _VALIDATOR = validators.extend(Draft202012Validator, {"finite": _finite})
    return _VALIDATOR


def _plain(value: Any) -> Any:
    """A copy with TOML dates as ISO strings (the schema speaks JSON)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, _dt.date | _dt.datetime | _dt.time):
        return value.isoformat()
    return value


def _key(prefix: str, path: Any) -> str:
    out = prefix
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "the program config"


def _messages(sub: Schema, instance: Any, prefix: str) -> list[str]:
    """One sentence per schema error of ``instance`` (a part of the file)."""
    out: list[str] = []
    errors = _validator()(sub).iter_errors(instance)
    for err in sorted(errors, key=lambda e: [str(p) for p in e.absolute_path]):
        key = _key(prefix, err.absolute_path)
        if err.validator == "additionalProperties":
            known = sorted(err.schema.get("properties", {}))
            for extra in sorted(set(err.instance) - set(known)):
                where = _key(prefix, [*err.absolute_path, extra])
                out.append(
                    f"{where}: unknown key{did_you_mean(extra, known)}; the keys of "
                    f"{key} are {', '.join(k for k in known if k != 'custom')}"
                )
            continue
        if err.validator == "required":
            out.append(f"{key}: {err.message}")
            continue
        what = err.schema.get("description") or err.message
        extra = ""
        if err.validator == "enum" and isinstance(err.instance, str):
            extra = did_you_mean(err.instance, [str(o) for o in err.validator_value])
        out.append(f"{key} must be {what}; got {short(err.instance)}{extra}")
    return out


def _kind(name: str, spec: Any) -> str:
    if isinstance(spec, Mapping) and isinstance(spec.get("type"), str):
        return str(spec["type"])
    return name


def _criteria_problems(section: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for name, spec in section.items():
        key = f"criteria.{name}"
        kind = _kind(str(name), spec)
        if kind in CRITERION_SCHEMAS:
            out += _messages(CRITERION_SCHEMAS[kind], spec, key)
        elif CRITERIA.get(kind) is None:
            if isinstance(spec, Mapping) and spec.get("custom"):
                continue  # written by to_dict for a Python-only criterion
            known = CRITERIA.names()
            out.append(
                f"{key}: unknown criterion {kind!r}{did_you_mean(kind, known)}; "
                f"known criteria are {', '.join(known)} (or register yours with "
                "rmatch.register_criterion)"
            )
        elif not isinstance(spec, Mapping | bool | int | float):
            out.append(
                f"{key} must be a weight or a table of parameters; got {short(spec)}"
            )
    return out


def _entry_problems(name: str, spec: Any, key: str) -> list[str]:
    kind = _kind(name, spec)
    sub = RULE_SCHEMAS.get(kind) or QUOTA_SCHEMAS.get(kind)
    if sub is None:
        if RULES.get(kind) is not None:
            return []  # registered: its constructor checks its parameters
        known = sorted({*RULES.names(), *QUOTA_TYPES})
        return [
            f"{key}: unknown rule {kind!r}{did_you_mean(kind, known)}; known rules "
            f"are {', '.join(known)} (or register yours with rmatch.register_rule)"
        ]
    if isinstance(spec, list) and spec and all(isinstance(s, Mapping) for s in spec):
        return [p for i, s in enumerate(spec) for p in _messages(sub, s, f"{key}[{i}]")]
    if spec is False:
        return []
    return _messages(sub, spec, key)


def _rules_problems(section: Any, name: str) -> list[str]:
    out: list[str] = []
    if isinstance(section, Mapping):
        for entry, spec in section.items():
            out += _entry_problems(str(entry), spec, f"{name}.{entry}")
        return out
    for i, spec in enumerate(section):
        key = f"{name}[{i}]"
        if not isinstance(spec, Mapping) or not isinstance(spec.get("type"), str):
            out.append(
                f"{key} needs a type: it must be a table like "
                f'{{ type = "no_reporting_line", levels = 1 }}; got {short(spec)}'
            )
            continue
        out += _entry_problems(str(spec["type"]), spec, key)
    return out


def config_problems(config: Mapping[str, Any]) -> list[str]:
    """Every problem of a program config against the declared schema.

    Parameters
    ----------
    config : Mapping
        The parsed TOML (or ``Program.to_dict()`` output).

    Returns
    -------
    list of str
        One sentence per problem, naming the key (``criteria.schedule``,
        ``rules.forbidden_pairs[0]``); empty when the file has the right shape.
        Parameters of registered criteria and rules are left to their constructors.

    Examples
    --------
    >>> for problem in config_problems({"program": {"top_k": 0, "methd": "ilp"}}):
    ...     print(problem[:70])
    program.methd: unknown key (did you mean 'method'?); the keys of progr
    program.top_k must be a whole number from 1 to 2147483647; got 0
    """
    plain = _plain(config)
    out = _messages(CONFIG, plain, "")
    criteria = plain.get("criteria")
    if isinstance(criteria, Mapping):
        out += _criteria_problems(criteria)
    for name in ("rules", "quotas"):
        section = plain.get(name)
        if isinstance(section, Mapping | list):
            out += _rules_problems(section, name)
    return out


def program_problems(settings: Mapping[str, Any]) -> list[str]:
    """Problems of the ``[program]`` settings (the same bounds as the file).

    Parameters
    ----------
    settings : Mapping
        Setting names and values (``Program`` attributes); None means "not set".
    """
    given = {k: v for k, v in settings.items() if v is not None}
    return _messages(PROGRAM, _plain(given), "program")

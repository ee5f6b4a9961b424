"""Program settings as a dict or TOML file: read, check the shape, write back.

``Program.from_dict`` / ``from_toml`` call
[`read_config`][rmatch.settings.read_config], and ``to_dict`` / ``to_toml`` call
[`write_config`][rmatch.settings.write_config]; the two round-trip. The sections are
``[program]`` (solver settings), ``[criteria]``, ``[rules]``, ``[quotas]`` and
``[mapping]`` (``[survey]`` is an old name of ``[mapping]``) and ``[rounds]`` (how a
re-match treats the previous round, see
[`round_settings`][rmatch.settings.round_settings]).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rmatch.config_file import resolve_paths
from rmatch.constraints import is_constraint, quotas_from_config
from rmatch.errors import ConfigError
from rmatch.rules import NoReportingLine
from rmatch.scoring import Criterion, criterion_from_dict

__all__ = ["PROGRAM_KEYS", "ROUNDS", "read_config", "round_settings", "write_config"]

#: The settings of the ``[program]`` section.
PROGRAM_KEYS = {
    "name",
    "method",
    "objective",
    "mentor_capacity",
    "mentee_capacity",
    "top_k",
    "time_limit",
    "seed",
    "reference_monday",
    "block_cells",
    "gap_tolerance",
}

#: The settings of the ``[rounds]`` section and their defaults.
ROUNDS: dict[str, Any] = {
    "keep": "good",
    "threshold": 4,
    "bad_rating": 2,
    "repeats": False,
    "stability": 0.0,
}


def round_settings(section: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check a ``[rounds]`` section; return it with the defaults filled in.

    Parameters
    ----------
    section : Mapping or None
        ``keep`` (``"good"``: keep pairs with good feedback, ``"all"``: every pair
        not rated badly, ``"none"``), ``threshold`` (a rating at least this is good,
        1 to 5), ``bad_rating`` (a rating at most this ends the pair for good, 0 to
        5, below ``threshold``), ``repeats`` (may a pair that was not kept be
        proposed again) and ``stability`` (criterion weight >= 0 favouring previous
        pairs).

    Returns
    -------
    dict

    Raises
    ------
    ConfigError
        An unknown key or a bad value (the message names it and what is expected).

    Examples
    --------
    >>> round_settings({"keep": "all"})["threshold"]
    4
    """
    given = dict(section or {})
    bad = set(given) - set(ROUNDS)
    if bad:
        raise ConfigError(
            f"unknown setting(s) {sorted(bad)} in [rounds]; settings are "
            f"{sorted(ROUNDS)}"
        )
    out = {**ROUNDS, **given}

    def fail(key: str, expected: str) -> ConfigError:
        return ConfigError(
            f"[rounds] {key} must be {expected}; got {out[key]!r} instead"
        )

    if out["keep"] not in ("good", "all", "none"):
        raise fail("keep", "'good', 'all' or 'none'")
    for key, low in (("threshold", 1), ("bad_rating", 0)):
        v = out[key]
        if isinstance(v, bool) or not isinstance(v, int | float) or not low <= v <= 5:
            raise fail(key, f"a number from {low} to 5")
    if out["bad_rating"] >= out["threshold"]:
        raise fail("bad_rating", f"below threshold ({out['threshold']})")
    if not isinstance(out["repeats"], bool):
        raise fail("repeats", "true or false")
    v = out["stability"]
    if isinstance(v, bool) or not isinstance(v, int | float) or not v >= 0:
        raise fail("stability", "a number >= 0")
    return out


def read_config(
    config: Mapping[str, Any], *, base_dir: str | os.PathLike[str] | None = None
) -> tuple[dict[str, Any], list[Criterion] | None, list[Any] | None, dict[str, Any]]:
    """Check a program config and split it into what ``Program(...)`` takes.

    Parameters
    ----------
    config : Mapping
        The parsed TOML, or ``Program.to_dict()`` output.
    base_dir : path, optional
        Folder that relative file names in the config are read from (the TOML
        file's folder); default: the working directory.

    Returns
    -------
    settings : dict
        Keyword arguments of ``Program`` from the ``[program]`` section (and
        ``rounds``, from the ``[rounds]`` section, when given).
    criteria : list of Criterion or None
        None when the config has no ``[criteria]`` (the defaults apply).
    rules : list or None
        Rules and constraints; None when the config has neither ``[rules]`` nor
        ``[quotas]``.
    mapping : dict
        The ``[mapping]`` section (survey column mapping).

    Raises
    ------
    ConfigError
        Unknown sections or settings, a bad date, or a bad criterion or rule.
    """
    if not isinstance(config, Mapping):
        raise ConfigError(f"a program config must be a table/dict; got {config!r}")
    if base_dir is not None:
        config = resolve_paths(config, Path(base_dir))
    known = {"program", "criteria", "rules", "mapping", "survey", "quotas", "rounds"}
    unknown = set(config) - known
    if unknown:
        raise ConfigError(
            f"unknown section(s) {sorted(unknown)} in the program config; "
            f"sections are {sorted(known)}"
        )
    settings = dict(config.get("program", {}))
    bad = set(settings) - PROGRAM_KEYS
    if bad:
        raise ConfigError(
            f"unknown setting(s) {sorted(bad)} in [program]; settings are "
            f"{sorted(PROGRAM_KEYS)}"
        )
    if "reference_monday" in settings:
        value = settings["reference_monday"]
        try:
            settings["reference_monday"] = (
                value if isinstance(value, _dt.date) else _dt.date.fromisoformat(value)
            )
        except (TypeError, ValueError):
            raise ConfigError(
                f"reference_monday must be a date like 2026-01-05; got {value!r}"
            ) from None
    criteria = None
    if "criteria" in config:
        criteria = [
            criterion_from_dict(name, spec)
            for name, spec in dict(config["criteria"]).items()
            if not (isinstance(spec, Mapping) and spec.get("custom"))
        ]
    rules: list[Any] | None = None
    if "rules" in config:
        rules = quotas_from_config(config["rules"], name="rules")
    if "quotas" in config:
        rules = [
            *(rules if rules is not None else [NoReportingLine(1)]),
            *quotas_from_config(config["quotas"]),
        ]
    mapping = dict(config.get("mapping", config.get("survey", {})))
    if "rounds" in config:
        settings["rounds"] = round_settings(config["rounds"])
    return settings, criteria, rules, mapping


def write_config(prog: Any) -> dict[str, Any]:
    """Return a program's settings as a JSON/TOML-safe dict (`read_config` reads it).

    Parameters
    ----------
    prog : Program
        Any object with the attributes of ``rmatch.Program``.

    Returns
    -------
    dict
        Sections ``program``, ``criteria``, ``rules`` and, when set, ``quotas``,
        ``mapping`` and ``rounds``.
    """
    program: dict[str, Any] = {
        "method": prog.method,
        "objective": prog.objective,
        "mentor_capacity": prog.mentor_capacity,
        "mentee_capacity": prog.mentee_capacity,
        "seed": prog.seed,
    }
    for key in ("name", "top_k", "time_limit", "gap_tolerance"):
        if getattr(prog, key) is not None:
            program[key] = getattr(prog, key)
    if prog.reference_monday is not None:
        program["reference_monday"] = prog.reference_monday.isoformat()
    criteria = {}
    for c in prog.criteria:
        d = c.to_dict()
        key = str(d.pop("type"))
        if key == "set_similarity":
            d["type"] = "set_similarity"
            key = str(d["column"])
        criteria[key] = d
    rules: list[dict[str, Any]] = [
        r.to_dict() for r in prog.rules if not is_constraint(r)
    ]
    quotas = [r.to_dict() for r in prog.rules if is_constraint(r)]
    out: dict[str, Any] = {"program": program, "criteria": criteria, "rules": rules}
    if quotas:
        out["quotas"] = quotas
    if prog.mapping:
        out["mapping"] = prog.mapping
    if getattr(prog, "rounds", None):
        out["rounds"] = dict(prog.rounds)
    return out

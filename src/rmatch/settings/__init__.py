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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rmatch.config_file import resolve_paths
from rmatch.constraints import constraint_from_dict, is_constraint
from rmatch.errors import ConfigError, RmatchError
from rmatch.rules import NoReportingLine
from rmatch.scoring import Criterion, criterion_from_dict
from rmatch.settings._check import (
    config_problems,
    did_you_mean,
    program_problems,
    short,
)
from rmatch.settings._rounds import ROUNDS, round_settings
from rmatch.settings._scale import (
    AUTO_TOP_K,
    AUTO_TOP_K_CELLS,
    available_memory,
    check_memory,
    run_settings,
    run_top_k,
)

__all__ = [
    "AUTO_TOP_K",
    "AUTO_TOP_K_CELLS",
    "PROGRAM_KEYS",
    "ROUNDS",
    "available_memory",
    "check_memory",
    "config_problems",
    "did_you_mean",
    "program_problems",
    "read_config",
    "round_settings",
    "run_settings",
    "run_top_k",
    "write_config",
]

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
        raise ConfigError(f"a program config must be a table/dict; got {short(config)}")
    problems = config_problems(config)
    if base_dir is not None:
        config = resolve_paths(config, Path(base_dir))
    program = config.get("program", {})
    settings = dict(program) if isinstance(program, Mapping) else {}
    if "reference_monday" in settings:
        value = settings["reference_monday"]
        try:
            settings["reference_monday"] = (
                value if isinstance(value, _dt.date) else _dt.date.fromisoformat(value)
            )
        except (TypeError, ValueError):
            problems.append(
                f"program.reference_monday must be a date like 2026-01-05; "
                f"got {value!r}"
            )
    failed = {p.split(" ")[0].split(":")[0] for p in problems}
    criteria = None
    if isinstance(config.get("criteria"), Mapping):
        criteria = []
        for name, spec in config["criteria"].items():
            key = f"criteria.{name}"
            if _failed(key, failed) or (
                isinstance(spec, Mapping) and spec.get("custom")
            ):
                continue
            criteria += _built(problems, key, criterion_from_dict, str(name), spec)
    rules: list[Any] | None = None
    for section in ("rules", "quotas"):
        if isinstance(config.get(section), Mapping | list):
            made = _entries(config[section], section, failed, problems)
            if section == "rules":
                rules = made
            else:
                rules = [*(rules if rules is not None else [NoReportingLine(1)]), *made]
    if problems:
        raise ConfigError(
            f"the program config has {len(problems)} problem(s):\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
    mapping = dict(config.get("mapping", config.get("survey", {})))
    if "rounds" in config:
        settings["rounds"] = round_settings(config["rounds"])
    return settings, criteria, rules, mapping


def _failed(key: str, failed: set[str]) -> bool:
    """Whether the schema already reported ``key`` or a key inside it."""
    return any(f == key or f.startswith((key + ".", key + "[")) for f in failed)


def _built(
    problems: list[str], key: str, build: Callable[..., Any], *args: Any
) -> list[Any]:
    """``build(*args)`` as a list; an error becomes a problem of ``key``."""
    try:
        made = build(*args)
    except (RmatchError, TypeError, ValueError, OSError) as exc:
        problems.append(f"{key}: {exc}")
        return []
    return list(made) if isinstance(made, list) else [made]


def _entries(
    section: Any, name: str, failed: set[str], problems: list[str]
) -> list[Any]:
    """The objects of a [rules] or [quotas] section that passed the schema."""
    out: list[Any] = []
    if isinstance(section, Mapping):
        for entry, spec in section.items():
            key = f"{name}.{entry}"
            if not _failed(key, failed):
                out += _built(problems, key, constraint_from_dict, str(entry), spec)
        return out
    for i, spec in enumerate(section):
        key = f"{name}[{i}]"
        if not _failed(key, failed):
            out += _built(problems, key, constraint_from_dict, str(spec["type"]), spec)
    return out


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

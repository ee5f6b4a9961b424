"""The declared schema of a program file (JSON Schema, draft 2020-12).

One schema per section and one per built-in criterion, rule and constraint. Each value
schema has a ``description`` phrased as what the value must be ("a whole number >= 1");
error messages read ``KEY must be DESCRIPTION; got VALUE``. Numbers are bounded so
that no setting can overflow the solvers (``--top-k 9223372036854775808``) or ask for
unbounded memory.
"""

from __future__ import annotations

from typing import Any

from rmatch.solvers import METHODS, VARIANTS

#: Largest count a setting takes (capacities, ``top_k``, levels): 2**31 - 1.
MAX_COUNT = 2**31 - 1
#: Largest weight, number of hours or seconds a setting takes.
MAX_NUMBER = 1e9
#: Largest ``block_cells`` (pairs scored at once): 2**36, a few hundred GB.
MAX_BLOCK_CELLS = 2**36

Schema = dict[str, Any]

#: Keys a hard rule's table may add to make it soft (see ``rmatch.Soft``).
SOFT_KEYS = ("weight", "soft", "label")


def count(minimum: int = 0, maximum: int = MAX_COUNT) -> Schema:
    """A whole number in ``[minimum, maximum]``."""
    return {
        "type": "integer",
        "minimum": minimum,
        "maximum": maximum,
        "description": f"a whole number from {minimum} to {maximum}",
    }


def number(
    minimum: float = 0.0, maximum: float = MAX_NUMBER, *, exclusive: bool = False
) -> Schema:
    """A finite number in ``[minimum, maximum]`` (``(minimum, maximum]``)."""
    low = "exclusiveMinimum" if exclusive else "minimum"
    op = ">" if exclusive else ">="
    return {
        "type": "number",
        low: minimum,
        "maximum": maximum,
        "finite": True,
        "description": f"a number {op} {minimum:g} and <= {maximum:g}",
    }


def share() -> Schema:
    """A fraction in ``[0, 1]``."""
    return {
        "type": "number",
        "minimum": 0,
        "maximum": 1,
        "finite": True,
        "description": "a fraction from 0 to 1 (e.g. 0.4)",
    }


def text(what: str = "a column name") -> Schema:
    """A string."""
    return {"type": "string", "description": what}


def boolean() -> Schema:
    """true or false."""
    return {"type": "boolean", "description": "true or false"}


def choice(options: list[str]) -> Schema:
    """One of ``options``."""
    return {
        "enum": options,
        "description": "one of " + ", ".join(map(repr, options)),
    }


ID = {"type": ["string", "integer"], "description": "a person's id"}

PAIRS: Schema = {
    "type": "array",
    "description": 'a list of [mentor_id, mentee_id] pairs, e.g. [["E1", "E2"]]',
    "items": {
        "type": "array",
        "minItems": 2,
        "maxItems": 2,
        "items": ID,
        "description": "a pair [mentor_id, mentee_id] of two ids",
    },
}


def table(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    """A TOML table with these keys only (``type`` and ``custom`` always allowed)."""
    return {
        "type": "object",
        "properties": {"type": text("the entry's type"), "custom": {}, **properties},
        "required": list(required),
        "additionalProperties": False,
    }


def entry(
    description: str, scalar: list[str], properties: dict[str, Schema], **extra: Any
) -> Schema:
    """An entry given as a scalar of ``scalar`` types or as a table of ``properties``.

    Keywords of the scalar form (``minimum``...) go in ``extra``; they do not apply to
    tables (JSON Schema applies each keyword to its own type only).
    """
    out = table(properties)
    out["type"] = [*scalar, "object"]
    out["description"] = description
    out.update(extra)
    return out


# ------------------------------------------------------------------ [program]
def _methods() -> list[str]:
    names = list(METHODS)
    for name, variants in VARIANTS.items():
        names += [f"{name}:{v}" for v in variants]
    return names


PROGRAM: Schema = table(
    {
        "name": text("a name"),
        "method": choice(_methods()),
        "objective": choice(["total", "coverage", "fairness"]),
        "mentor_capacity": count(0),
        "mentee_capacity": count(0),
        "top_k": count(1),
        "time_limit": number(0, MAX_NUMBER, exclusive=True),
        "seed": count(-(2**63), 2**63 - 1),
        "reference_monday": {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}$",
            "description": "a date like 2026-01-05",
        },
        "block_cells": count(1, MAX_BLOCK_CELLS),
        "gap_tolerance": {
            "type": "number",
            "minimum": 0,
            "exclusiveMaximum": 1,
            "description": "a number in [0, 1), e.g. 0.001",
        },
    }
)
del PROGRAM["properties"]["type"], PROGRAM["properties"]["custom"]

# ------------------------------------------------------------------ [criteria]
WEIGHT = number(0)
MEASURE = choice(["jaccard", "overlap"])
_WEIGHT_OR_TABLE = "a weight (a number >= 0) or a table of parameters"

CRITERIA: dict[str, Schema] = {
    "skills": entry(
        _WEIGHT_OR_TABLE + " (weight, forward, backward)",
        ["number"],
        {"weight": WEIGHT, "forward": number(0), "backward": number(0)},
        minimum=0,
        maximum=MAX_NUMBER,
        finite=True,
    ),
    "schedule": entry(
        _WEIGHT_OR_TABLE + " (weight, target_hours)",
        ["number"],
        {"weight": WEIGHT, "target_hours": number(0, 168, exclusive=True)},
        minimum=0,
        maximum=MAX_NUMBER,
        finite=True,
    ),
    "interests": entry(
        _WEIGHT_OR_TABLE + " (weight, measure)",
        ["number"],
        {"weight": WEIGHT, "measure": MEASURE},
        minimum=0,
        maximum=MAX_NUMBER,
        finite=True,
    ),
    "set_similarity": entry(
        'a table { type = "set_similarity", column = ..., weight = ... }',
        [],
        {"column": text(), "weight": WEIGHT, "measure": MEASURE},
    ),
}
CRITERIA["goals"] = CRITERIA["interests"]
CRITERIA["set_similarity"]["required"] = ["column"]

# ------------------------------------------------------------------ [rules]
_SOFT = {"weight": WEIGHT, "soft": boolean(), "label": text("a label")}


def rule(
    description: str, scalar: list[str], properties: dict[str, Schema], **extra: Any
) -> Schema:
    """A hard rule entry: ``false``, a scalar shortcut, or a table (maybe soft)."""
    return entry(description, ["boolean", *scalar], {**properties, **_SOFT}, **extra)


_HOURS = number(0, 168)
RULES: dict[str, Schema] = {
    "no_reporting_line": rule(
        "true, false, a number of levels (a whole number >= 1) or a table "
        "{ levels = 2, same_manager = true }",
        ["integer"],
        {"levels": count(1), "same_manager": boolean()},
        minimum=1,
        maximum=MAX_COUNT,
    ),
    "forbidden_pairs": rule(
        "a CSV file of pairs (two people per row), "
        + PAIRS["description"]
        + " or a table { pairs = [...], symmetric = true }",
        ["string", "array"],
        {"pairs": PAIRS, "symmetric": boolean()},
        items=PAIRS["items"],
    ),
    "history": rule(
        "a CSV file of past pairs, " + PAIRS["description"] + " or a table",
        ["string", "array"],
        {"pairs": PAIRS},
        items=PAIRS["items"],
    ),
    "min_shared_hours": rule(
        "hours a week (a number from 0 to 168) or a table { hours = 1 }",
        ["number"],
        {"hours": _HOURS},
        minimum=0,
        maximum=168,
        finite=True,
    ),
    "reverse_seniority": rule(
        "true, a minimum gap (a number >= 0) or a table { min_gap = 1 }",
        ["number"],
        {"min_gap": number(0)},
        minimum=0,
        maximum=MAX_NUMBER,
        finite=True,
    ),
    "max_timezone_gap": rule(
        "hours (a number from 0 to 26) or a table { hours = 3 }",
        ["number"],
        {"hours": number(0, 26)},
        minimum=0,
        maximum=26,
        finite=True,
    ),
    "min_score": rule(
        "a score from 0 to 1 or a table { threshold = 0.2 }",
        ["number"],
        {"threshold": share()},
        minimum=0,
        maximum=1,
        finite=True,
    ),
}
RULES["same"] = rule(
    "a column name, a list of column names or a table { column = ... }",
    ["string", "array"],
    {"column": text()},
    items=text(),
)
RULES["different"] = RULES["same"]

# ------------------------------------------------------------------ [quotas]
_SIDE = choice(["mentor", "mentee"])
_OF = choice(["pairs", "mentees"])
_VALUES = {
    "type": ["string", "array"],
    "items": text("a value"),
    "description": "a value or a list of values",
}
_LOADS = {"min": count(0), "max": count(0)}
QUOTAS: dict[str, Schema] = {
    "pair_share": table(
        {
            "rule": {"type": "object", "description": "a rule table"},
            "at_least": share(),
            "at_most": share(),
            "of": _OF,
        },
        required=("rule",),
    ),
    "cross_share": table(
        {"column": text(), "at_least": share(), "at_most": share(), "of": _OF},
        required=("column",),
    ),
    "group_limit": table(
        {
            "column": text(),
            "at_most": count(0),
            "at_least": count(0),
            "side": _SIDE,
            "values": _VALUES,
        },
        required=("column",),
    ),
    "group_coverage": table(
        {"column": text(), "value": _VALUES, "at_least": share(), "side": _SIDE}
    ),
    "required_pairs": entry(
        "a CSV file, " + PAIRS["description"] + " or a table { pairs = ... }",
        ["string", "array"],
        {
            "pairs": {
                "type": ["string", "array"],
                "items": PAIRS["items"],
                "description": "a CSV file or " + PAIRS["description"],
            }
        },
        items=PAIRS["items"],
    ),
    "mentor_load": table(_LOADS),
    "mentee_load": table(_LOADS),
    "load": table({**_LOADS, "side": _SIDE}),
}
for _kind in (
    "pair_share",
    "cross_share",
    "group_limit",
    "group_coverage",
    "mentor_load",
    "mentee_load",
    "load",
):
    QUOTAS[_kind]["description"] = f"a table of {_kind} parameters"

# ------------------------------------------------------------------ the file
CONFIG: Schema = {
    "type": "object",
    "description": "a table of sections",
    "properties": {
        "program": {**PROGRAM, "description": "a table of settings ([program])"},
        "criteria": {
            "type": "object",
            "description": "a table of criteria ([criteria])",
        },
        "rules": {
            "type": ["object", "array"],
            "description": "a table ([rules]) or a list of { type = ... } tables",
        },
        "quotas": {
            "type": ["object", "array"],
            "description": "a table ([quotas]) or a list of { type = ... } tables",
        },
        "mapping": {"type": "object", "description": "a table ([mapping])"},
        "survey": {"type": "object", "description": "a table ([mapping])"},
        "rounds": {
            "type": "object",
            "description": "a table of re-match settings ([rounds])",
            "properties": {
                "keep": choice(["good", "all", "none"]),
                "threshold": number(1, 5),
                "bad_rating": number(0, 5),
                "repeats": boolean(),
                "stability": number(0),
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}

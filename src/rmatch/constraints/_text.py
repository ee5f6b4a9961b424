"""Text helpers shared by the constraints: counts, lists of ids, shares, bounds."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["MAX_NAMED", "bounds_text", "given", "names", "pct", "plural"]

#: People named at most in one message.
MAX_NAMED = 8


def plural(n: float, word: str) -> str:
    """Return ``"1 mentee"`` or ``"2 mentees"`` (``n`` printed without ``.0``)."""
    k = int(n) if float(n).is_integer() else n
    return f"{k:g} {word}" if k == 1 else f"{k:g} {word}s"


def names(ids: Sequence[str]) -> str:
    """Return the ids comma-separated: the first `MAX_NAMED`, then a count."""
    shown = ", ".join(ids[:MAX_NAMED])
    if len(ids) > MAX_NAMED:
        shown += f" and {len(ids) - MAX_NAMED} more"
    return shown


def bounds_text(at_least: Any, at_most: Any, fmt: Callable[[Any], str] = format) -> str:
    """Return ``"at least 2 and at most 5"``: the bounds given, each through ``fmt``."""
    bounds = []
    if at_least is not None:
        bounds.append(f"at least {fmt(at_least)}")
    if at_most is not None:
        bounds.append(f"at most {fmt(at_most)}")
    return " and ".join(bounds)


def given(**params: Any) -> dict[str, Any]:
    """Return the parameters that are not None, in the order given."""
    return {k: v for k, v in params.items() if v is not None}


def pct(x: float) -> str:
    """Return a share as a percentage: ``"40%"``, or ``"33.3%"`` when not whole."""
    return f"{x:.0%}" if abs(x * 100 - round(x * 100)) < 1e-9 else f"{x:.1%}"

"""The ``[rounds]`` section: how a re-match treats the previous round."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rmatch.errors import ConfigError

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

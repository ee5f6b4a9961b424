"""Earlier rounds read back: the last round's pairs and unmatched, and the history."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rmatch.io import read_raw
from rmatch.result import Matching, read_matching
from rmatch.rules import ForbiddenPairs

__all__ = ["RoundHistory", "read_history"]

Pair = tuple[str, str]


@dataclass
class RoundHistory:
    """What a new round needs to know about the earlier ones.

    Attributes
    ----------
    pairs : list of (str, str)
        The last round's ``(mentor_id, mentee_id)`` pairs, in file order.
    scores : dict
        Score of each last-round pair, when the file had one.
    unmatched : list of str or None
        Ids left unmatched in the last round; None when the source does not say
        (a pairs CSV alone).
    past : set of (str, str)
        Every pair of every earlier round (the last one included).
    never_again : set of (str, str)
        Pairs ended by feedback in an earlier round.
    round : int
        Number of the last round (1 when the source does not say).
    """

    pairs: list[Pair] = field(default_factory=list)
    scores: dict[Pair, float] = field(default_factory=dict)
    unmatched: list[str] | None = None
    past: set[Pair] = field(default_factory=set)
    never_again: set[Pair] = field(default_factory=set)
    round: int = 0


def _pairs_of(value: Any) -> list[Pair]:
    return [(str(a), str(b)) for a, b in value or []]


def _is_unmatched_table(frame: pd.DataFrame) -> bool:
    keys = {re.sub(r"[\s\-]+", "_", str(c).strip().lower()) for c in frame.columns}
    return "id" in keys and "mentor_id" not in keys


def _unmatched_ids(frame: pd.DataFrame) -> list[str]:
    cols = {re.sub(r"[\s\-]+", "_", str(c).strip().lower()): c for c in frame.columns}
    if "status" in cols:
        frame = frame[frame[cols["status"]].astype(str).str.strip() == "unmatched"]
    return [str(x) for x in frame[cols["id"]].tolist() if str(x).strip()]


def _add_round(history: RoundHistory, source: Any) -> None:
    """Read one earlier round (``source``) into ``history`` as the last round."""
    if isinstance(source, ForbiddenPairs):
        history.past |= set(source.pairs)
        return
    data: Mapping[str, Any] | None = None
    if isinstance(source, Matching):
        data = {
            "pairs": source.pairs[["mentor_id", "mentee_id", "score"]].to_dict(
                orient="records"
            ),
            "unmatched": source.unmatched[["id"]].to_dict(orient="records"),
            "rounds": getattr(source, "rounds", None) or {},
        }
    elif isinstance(source, Mapping):
        data = source
    elif isinstance(source, str | os.PathLike) and str(source).lower().endswith(
        ".json"
    ):
        loaded = json.loads(Path(source).read_text(encoding="utf-8"))
        if isinstance(loaded, Mapping):
            data = loaded
    if data is None and not isinstance(source, Matching):
        raw = read_raw(source)  # type: ignore[arg-type]
        if _is_unmatched_table(raw.frame):
            history.unmatched = _unmatched_ids(raw.frame)
            return
    if data is not None and data.get("pairs") == []:
        frame = pd.DataFrame({"mentor_id": [], "mentee_id": []})
    else:
        frame = read_matching(data if data is not None else source)
    pairs = list(zip(frame["mentor_id"], frame["mentee_id"], strict=True))
    history.pairs = [(str(a), str(b)) for a, b in pairs]
    history.scores = {}
    if "score" in frame.columns:
        for p, s in zip(history.pairs, frame["score"].tolist(), strict=True):
            if isinstance(s, int | float):
                history.scores[p] = float(s)
    history.past |= set(history.pairs)
    history.unmatched = None
    history.round += 1
    if data is not None:
        if isinstance(data.get("unmatched"), list):
            history.unmatched = [
                str(r["id"]) for r in data["unmatched"] if isinstance(r, Mapping)
            ]
        rounds = data.get("rounds")
        if isinstance(rounds, Mapping):
            history.past |= set(_pairs_of(rounds.get("past_pairs")))
            history.never_again |= set(_pairs_of(rounds.get("never_again")))
            if isinstance(rounds.get("round"), int):
                history.round = max(history.round, int(rounds["round"]))


def read_history(previous: Any) -> RoundHistory:
    """Read earlier rounds, oldest first; the last one is the round being followed.

    Parameters
    ----------
    previous : source or list of sources
        Anything [`read_matching()`][rmatch.result.read_matching] reads (a pairs
        CSV/Excel file, the JSON of
        [`Matching.to_json()`][rmatch.result.Matching.to_json], a DataFrame,
        records, a list of ``(mentor_id, mentee_id)`` tuples, a
        [`Matching`][rmatch.result.Matching]); an unmatched
        table (``--unmatched`` output: an ``id`` column) naming who was left out
        of the last round; a [`History`][rmatch.rules.History] of older pairs. The
        JSON and the Matching of a round that was itself a re-match also carry the
        pairs ended by feedback and every older pair (its ``rounds`` section).

    Returns
    -------
    RoundHistory
    """
    history = RoundHistory()
    sources: Iterable[Any]
    if isinstance(previous, Sequence) and not isinstance(previous, str | bytes):
        items = list(previous)
        if (
            items
            and all(isinstance(x, Mapping) for x in items)
            and not any("pairs" in x for x in items)
        ):
            sources = [items]  # records of one pairs table
        elif items and all(isinstance(x, tuple) and len(x) == 2 for x in items):
            sources = [{"pairs": [{"mentor_id": a, "mentee_id": b} for a, b in items]}]
        else:
            sources = items
    else:
        sources = [previous]
    for source in sources:
        _add_round(history, source)
    return history

"""A re-match: keep the pairs that work, end the others, priority to the left-out.

[`prepare_round()`][rmatch.feedback.prepare_round] turns the previous round and its
feedback into a program for the new round (required pairs, forbidden pairs, the
priority solve hook); [`finish_round()`][rmatch.feedback.finish_round] writes the
changelog onto the new [`Matching`][rmatch.result.Matching].
"""

from __future__ import annotations

import copy
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rmatch.constraints import RequiredPairs
from rmatch.errors import DataQualityWarning
from rmatch.feedback._history import RoundHistory, read_history
from rmatch.feedback._priority import PrioritySolve
from rmatch.feedback._read import read_feedback
from rmatch.feedback._rules import NeverAgain, Stability
from rmatch.people import People
from rmatch.result import Matching
from rmatch.rules import History, Rule
from rmatch.scoring import Block
from rmatch.settings import round_settings

__all__ = ["CHANGE_COLUMNS", "RoundSetup", "finish_round", "prepare_round", "rematch"]

Pair = tuple[str, str]

#: Columns of ``Matching.changes``.
CHANGE_COLUMNS = ("mentor_id", "mentee_id", "status", "reason")

LEFT = "left the program"
ROTATION = "not repeated (rotation)"
REPLACED = "replaced by a better pair"


@dataclass
class RoundSetup:
    """A new round, prepared from the previous one and its feedback.

    Attributes
    ----------
    program : Program
        A copy of the program with the round's rules added: the kept pairs as
        [`RequiredPairs`][rmatch.constraints.RequiredPairs], the pairs ended by
        feedback as [`NeverAgain`][rmatch.feedback.NeverAgain], the other earlier
        pairs as [`History`][rmatch.rules.History] (unless ``repeats``), a
        [`Stability`][rmatch.feedback.Stability] criterion (``stability > 0``),
        and the priority solve hook.
    history : RoundHistory
    settings : dict
        The ``[rounds]`` settings used.
    kept : dict
        Kept pair -> reason.
    ended : dict
        Pair of the previous round that ends whatever the solver does -> reason.
    never_again : set of (str, str)
        Every pair ended by feedback so far.
    priority : list of str
        Ids left unmatched in the previous round who take part now.
    hook : PrioritySolve or None
    """

    program: Any
    history: RoundHistory
    settings: dict[str, Any]
    kept: dict[Pair, str] = field(default_factory=dict)
    ended: dict[Pair, str] = field(default_factory=dict)
    never_again: set[Pair] = field(default_factory=set)
    priority: list[str] = field(default_factory=list)
    hook: PrioritySolve | None = None


def _feedback_table(
    feedback: Any, people: People, pairs: set[Pair], mapping: Any
) -> pd.DataFrame:
    if feedback is None or (isinstance(feedback, list) and not feedback):
        return pd.DataFrame(columns=["mentor_id", "mentee_id", "rating", "status"])
    if isinstance(feedback, pd.DataFrame) and feedback.attrs.get("feedback"):
        return feedback
    if isinstance(feedback, list) and feedback and not isinstance(feedback[0], dict):
        parts = [_feedback_table(f, people, pairs, mapping) for f in feedback]
        return pd.concat(parts, ignore_index=True).drop_duplicates(
            ["mentor_id", "mentee_id"], keep="last"
        )
    return read_feedback(feedback, mapping, people=people, pairs=pairs)


def _verdict(rating: float, status: str, settings: dict[str, Any]) -> tuple[str, str]:
    """``("bad" | "good" | "so-so" | "none", reason)`` of one pair's feedback."""
    if status in ("end", "not a fit"):
        return "bad", f"feedback: {status}"
    if status == "continue":
        return "good", "feedback: continue"
    if np.isnan(rating):
        return "none", "no feedback"
    text = f"feedback: rating {rating:g}"
    if rating <= settings["bad_rating"]:
        return "bad", text
    if rating >= settings["threshold"]:
        return "good", text
    return "so-so", text


def _forbidding_rule(people: People, rules: list[Rule], pm: int, pe: int) -> str | None:
    """Title of the first hard rule that forbids the pair now (None: allowed)."""
    block = Block(people, np.array([pm], np.int64), np.array([pe], np.int64))
    for rule in rules:
        if rule.needs_score:
            continue
        if not bool(np.asarray(rule.allowed(block))[0, 0]):
            return rule.title()
    return None


def _capacity(people: People, program: Any, pos: int, side: str) -> int:
    own = int(getattr(people, f"{side}_capacity")[pos])
    return own if own >= 0 else int(getattr(program, f"{side}_capacity"))


def prepare_round(
    program: Any,
    people: People,
    previous: Any,
    feedback: Any = None,
    *,
    mapping: Any = None,
) -> RoundSetup:
    """Classify the previous round's pairs and build the new round's program.

    Parameters
    ----------
    program : Program
        Its ``rounds`` settings (the ``[rounds]`` section) say what to keep.
    people : People
        This round's sign-ups.
    previous : source or list of sources, optional
        See [`read_history()`][rmatch.feedback.read_history].
    feedback : source, DataFrame or list, optional
        See [`read_feedback()`][rmatch.feedback.read_feedback].
    mapping : dict, optional
        Column mapping of the feedback file.

    Returns
    -------
    RoundSetup
    """
    settings = round_settings(getattr(program, "rounds", None))
    history = read_history(previous) if previous is not None else RoundHistory()
    known = set(history.past) | set(history.pairs)
    table = _feedback_table(feedback, people, known, mapping)
    verdicts: dict[Pair, tuple[str, str]] = {}
    strength: dict[Pair, float] = {}  # who keeps a lowered capacity: best rated
    for a, b, r, s in zip(
        table["mentor_id"],
        table["mentee_id"],
        table["rating"].astype(float),
        table["status"],
        strict=True,
    ):
        verdicts[(str(a), str(b))] = _verdict(float(r), str(s), settings)
        strength[(str(a), str(b))] = (
            6.0 if str(s) == "continue" else 0.0 if np.isnan(r) else float(r)
        )
    setup = RoundSetup(program, history, settings)
    setup.never_again = set(history.never_again) | {
        p for p, (kind, _) in verdicts.items() if kind == "bad"
    }
    rules = [r for r in program.rules if isinstance(r, Rule)]
    roles = people.roles
    candidates: dict[Pair, str] = {}
    for pair in history.pairs:
        pm, pe = (int(x) for x in people.positions(list(pair)))
        kind, why = verdicts.get(pair, ("none", "no feedback"))
        if (
            pm < 0
            or pe < 0
            or roles[pm] not in ("mentor", "both")
            or roles[pe] not in ("mentee", "both")
        ):
            setup.ended[pair] = LEFT
        elif kind == "bad":
            setup.ended[pair] = why
        elif (title := _forbidding_rule(people, rules, pm, pe)) is not None:
            setup.ended[pair] = f"now forbidden by {title!r}"
        elif settings["keep"] == "all" or (
            settings["keep"] == "good" and kind == "good"
        ):
            candidates[pair] = why if kind != "none" else "kept (keep = 'all')"
        elif not settings["repeats"]:
            setup.ended[pair] = ROTATION
    _trim_to_capacity(setup, people, program, candidates, strength)
    _add_priority(setup, people, program)
    setup.program = _round_program(setup, program, people)
    return setup


def _trim_to_capacity(
    setup: RoundSetup,
    people: People,
    program: Any,
    candidates: dict[Pair, str],
    strength: dict[Pair, float],
) -> None:
    """Keep at most each person's capacity of pairs, the best rated first.

    ``strength``: ``continue`` 6, else the rating (0 without feedback).
    """

    def rank(pair: Pair) -> tuple[float, str, str]:
        return (-strength.get(pair, 0.0), pair[0], pair[1])

    kept = dict(candidates)
    for side, index in (("mentor", 0), ("mentee", 1)):
        groups: dict[str, list[Pair]] = defaultdict(list)
        for pair in kept:
            groups[pair[index]].append(pair)
        for pid, group in groups.items():
            pos = int(people.positions([pid])[0])
            cap = _capacity(people, program, pos, side)
            for pair in sorted(group, key=rank)[cap:]:
                kept.pop(pair)
                setup.ended[pair] = f"{side} capacity lowered"
    setup.kept = kept


def _add_priority(setup: RoundSetup, people: People, program: Any) -> None:
    if not setup.history.unmatched:
        return
    pos = people.positions(setup.history.unmatched)
    pos = np.unique(pos[pos >= 0])
    pos = pos[people.roles[pos] != "none"]
    setup.priority = sorted(people.ids[pos].astype(str).tolist())
    if not setup.priority:
        return
    method = str(program.method).partition(":")[0]
    if program.objective != "total" or method in ("stable", "greedy"):
        warnings.warn(
            "the priority for people left unmatched in the previous round needs "
            "objective = 'total' and an exact method; it is not applied with "
            f"objective {program.objective!r} and method {program.method!r}",
            DataQualityWarning,
            stacklevel=4,
        )
        return
    mask = np.zeros(len(people), dtype=bool)
    mask[pos] = True
    setup.hook = PrioritySolve(mask)


def _round_program(setup: RoundSetup, program: Any, people: People) -> Any:
    out = copy.copy(program)
    rules = list(program.rules)

    def present(pairs: set[Pair]) -> list[Pair]:
        """The pairs whose two people take part (the others need no rule)."""
        ordered = sorted(pairs)
        pos = people.positions([x for p in ordered for x in p]).reshape(-1, 2)
        ok: list[bool] = np.asarray((pos >= 0).all(axis=1), dtype=bool).tolist()
        return [p for p, keep in zip(ordered, ok, strict=True) if keep]

    never = present(setup.never_again)
    if never:
        rules.append(NeverAgain(never))
    if not setup.settings["repeats"]:
        older = present(set(setup.history.past) - set(setup.kept))
        if older:
            rules.append(History(older))
        # a kept pair is not repeated the other way round (role "both")
        flipped = present({(b, a) for a, b in setup.kept} - set(setup.kept))
        if flipped:
            reverse = History(flipped)
            reverse.symmetric = False
            rules.append(reverse)
    if setup.kept:
        rules.append(RequiredPairs(sorted(setup.kept)))
    out.rules = rules
    if setup.settings["stability"] > 0 and setup.history.pairs:
        out.criteria = [
            *program.criteria,
            Stability(setup.history.pairs, weight=setup.settings["stability"]),
        ]
    out.rounds = {}
    out.solve_hook = setup.hook
    return out


def finish_round(setup: RoundSetup, result: Matching) -> Matching:
    """Attach the changelog (``result.changes``) and the round's history.

    ``result.rounds`` (also in ``to_records()`` / the JSON) holds ``round``, the
    pairs ended by feedback (``never_again``), every pair so far (``past_pairs``),
    the counts of kept, ended and new pairs, and the priority report. Handing that
    JSON to the next round as ``previous`` carries the history on.
    """
    chosen = list(
        zip(result.pairs["mentor_id"], result.pairs["mentee_id"], strict=True)
    )
    chosen_set = set(chosen)
    rows: list[tuple[str, str, str, str]] = []
    ended: dict[str, list[str]] = defaultdict(list)
    for pair in setup.history.pairs:
        if pair in setup.kept:
            rows.append((*pair, "kept", setup.kept[pair]))
            continue
        if pair in setup.ended:
            reason = setup.ended[pair]
        elif pair in chosen_set:
            rows.append((*pair, "kept", "chosen again (repeats allowed)"))
            continue
        else:
            reason = REPLACED
        rows.append((*pair, "ended", reason))
        ended[pair[0]].append(f"{pair[0]}'s pair with {pair[1]} ended: {reason}")
        ended[pair[1]].append(f"{pair[1]}'s pair with {pair[0]} ended: {reason}")
    previous = set(setup.history.pairs)
    priority = set(setup.priority)
    for pair in sorted(chosen_set - previous):
        why = [*ended.get(pair[0], []), *ended.get(pair[1], [])]
        if not why:
            why = [
                f"{x} was unmatched in the previous round"
                for x in pair
                if x in priority
            ]
        rows.append((*pair, "new", "; ".join(why)))
    changes = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    changes = changes.sort_values(
        ["mentor_id", "mentee_id"], kind="mergesort"
    ).reset_index(drop=True)
    result.changes = changes
    counts = changes["status"].value_counts()
    report = setup.hook.report if setup.hook is not None else {}
    unmatched_now = set(result.unmatched["id"].astype(str))
    result.rounds = {
        "round": setup.history.round + 1,
        "settings": dict(setup.settings),
        "kept": int(counts.get("kept", 0)),
        "ended": int(counts.get("ended", 0)),
        "new": int(counts.get("new", 0)),
        "previously_unmatched": {
            "people": len(setup.priority),
            "matched": len([x for x in setup.priority if x not in unmatched_now]),
            "possible": report.get("possible", None if setup.priority else 0),
            "exact": report.get("exact", None if setup.priority else True),
        },
        "never_again": [list(p) for p in sorted(setup.never_again)],
        "past_pairs": [list(p) for p in sorted(set(setup.history.past) | chosen_set)],
    }
    return result


def rematch(
    program: Any,
    people: People,
    *,
    previous: Any = None,
    feedback: Any = None,
    **options: Any,
) -> Matching:
    """Match a new round after ``previous`` (see `prepare_round`), with a changelog.

    ``options`` go to ``Program.match`` (``progress``, ``engine``, ``client``).
    """
    setup = prepare_round(program, people, previous, feedback)
    result = finish_round(setup, setup.program.match(people, **options))
    result.program = {**program.to_dict(), "rounds": dict(setup.settings)}
    return result

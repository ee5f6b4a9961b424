"""A program in rounds: feedback, re-matching, the changelog.

* [`read_feedback()`][rmatch.feedback.read_feedback] reads a feedback file
  (``mentor_id, mentee_id`` with a ``rating`` 1–5 and/or a ``status``: ``continue``,
  ``end``, ``not a fit``), with the same clear errors as sign-ups;
* [`read_history()`][rmatch.feedback.read_history] reads earlier rounds (pairs
  files, JSON results, matchings);
* [`rematch()`][rmatch.feedback.rematch] (what ``Program.match(people,
  previous=..., feedback=...)`` calls) keeps the pairs that work, never proposes a
  pair ended by feedback again, does not repeat other pairs (unless ``repeats``),
  matches the people left unmatched last time first (a lexicographic objective,
  `PrioritySolve`) and writes the changelog ``result.changes``.

The settings are the ``[rounds]`` section of the program file
([`round_settings()`][rmatch.settings.round_settings]). This layer sits below
[`rmatch.program`][rmatch.program] and above [`rmatch.result`][rmatch.result].

Examples
--------
>>> import rmatch
>>> people = rmatch.read_people([
...     {"id": "A", "role": "mentor", "skills_offered": "genai:5"},
...     {"id": "B", "role": "mentor", "skills_offered": "genai:4"},
...     {"id": "C", "role": "mentee", "skills_wanted": "genai:3"},
...     {"id": "D", "role": "mentee", "skills_wanted": "genai:2"},
... ])
>>> program = rmatch.Program(criteria=[rmatch.Skills()])
>>> round1 = [("A", "C"), ("B", "D")]
>>> fb = [{"mentor_id": "A", "mentee_id": "C", "rating": 5},
...       {"mentor_id": "B", "mentee_id": "D", "status": "not a fit"}]
>>> result = program.match(people, previous=round1, feedback=fb)
>>> result.changes.values.tolist()
[['A', 'C', 'kept', 'feedback: rating 5'], ['B', 'D', 'ended', 'feedback: not a fit']]
"""

from rmatch.feedback._history import RoundHistory, read_history
from rmatch.feedback._priority import PrioritySolve
from rmatch.feedback._read import FEEDBACK_COLUMNS, STATUSES, read_feedback
from rmatch.feedback._round import (
    CHANGE_COLUMNS,
    RoundSetup,
    finish_round,
    prepare_round,
    rematch,
)
from rmatch.feedback._rules import NeverAgain, Stability

__all__ = [
    "CHANGE_COLUMNS",
    "FEEDBACK_COLUMNS",
    "STATUSES",
    "NeverAgain",
    "PrioritySolve",
    "RoundHistory",
    "RoundSetup",
    "Stability",
    "finish_round",
    "prepare_round",
    "read_feedback",
    "read_history",
    "rematch",
]

"""Choices: people rank their shortlist; the pairs follow the stated preferences.

[`read_choices()`][rmatch.choices.read_choices] reads a choices file (``person_id,
candidate_id, rank``, from mentees, mentors or both) and checks it against the
sign-ups; ``Program.match(people, choices=...)`` then matches on those preferences:

* ``method="stable"``: deferred acceptance with capacities (hospitals/residents),
  mentee-optimal; ``"stable:mentor"`` is mentor-optimal. No blocking pair.
* any other method (``"auto"``, ``"flow"``, ``"ilp"``...): the matching with the best
  **rank utility**, ties broken by score. A pair is worth ``K + 1 - rank`` to each
  end that ranked the other (``K`` = the longest list in the file), 0 to an end
  that did not.

The rules (documented in ``docs/shortlists.md``): a person who ranked someone
accepts only the people they ranked; a person who ranked nobody accepts every
allowed partner, in order of score (ties by id). Hard rules always hold: a chosen
pair a rule forbids is dropped with a warning naming the rule.

Examples
--------
>>> import rmatch
>>> people = rmatch.read_people([
...     {"id": "M1", "role": "mentor", "skills_offered": "genai:5"},
...     {"id": "M2", "role": "mentor", "skills_offered": "genai:3"},
...     {"id": "E1", "role": "mentee", "skills_wanted": "genai:4"},
...     {"id": "E2", "role": "mentee", "skills_wanted": "genai:4"},
... ])
>>> choices = rmatch.read_choices([
...     {"person_id": "E1", "candidate_id": "M1", "rank": 1},
...     {"person_id": "E2", "candidate_id": "M1", "rank": 1},
...     {"person_id": "E2", "candidate_id": "M2", "rank": 2},
... ], people)
>>> program = rmatch.Program(criteria=[rmatch.Skills()], method="stable")
>>> result = program.match(people, choices=choices)
>>> result.pairs[["mentor_id", "mentee_id", "mentee_choice"]].values.tolist()
[['M1', 'E1', 1.0], ['M2', 'E2', 2.0]]
>>> result.blocking_pairs
0
"""

from rmatch.choices._plan import Preferences, preferences
from rmatch.choices._read import CHOICE_COLUMNS, SIDES, Choices, read_choices
from rmatch.choices._solve import (
    ChoiceMatch,
    SolverSettings,
    match_choices,
    rank_weights,
)

__all__ = [
    "CHOICE_COLUMNS",
    "SIDES",
    "ChoiceMatch",
    "Choices",
    "Preferences",
    "SolverSettings",
    "match_choices",
    "preferences",
    "rank_weights",
    "read_choices",
]

"""Shortlists: ranked suggestions per person, spread across candidates.

Each person (mentees by default, or mentors with ``side="mentor"``) gets up to
``k`` allowed candidates; each candidate appears on at most ``max_exposure``
lists. The lists are an exact b-matching solved by the flow solver: the most
suggestions first, then the best total score. See ``docs/shortlists.md``.

Examples
--------
>>> import rmatch
>>> people = rmatch.read_people([
...     {"id": "A", "role": "mentor", "skills_offered": "genai:5"},
...     {"id": "B", "role": "mentor", "skills_offered": "genai:3"},
...     {"id": "C", "role": "mentee", "skills_wanted": "genai:4", "manager_id": "A"},
...     {"id": "D", "role": "mentee", "skills_wanted": "genai:4"},
... ])
>>> program = rmatch.Program(criteria=[rmatch.Skills()])
>>> lists = program.shortlist(people, k=2)
>>> lists.table[["person_id", "rank", "candidate_id"]].values.tolist()
[['C', 1, 'B'], ['D', 1, 'A'], ['D', 2, 'B']]
"""

from rmatch.shortlist._make import (
    ALL_PAIRS_MAX_CELLS,
    Shortlist,
    ShortlistOptions,
    ShortlistSource,
    for_program,
    shortlist,
    shortlist_top_k,
)
from rmatch.shortlist._spread import SIDES, gini

__all__ = [
    "ALL_PAIRS_MAX_CELLS",
    "SIDES",
    "Shortlist",
    "ShortlistOptions",
    "ShortlistSource",
    "for_program",
    "gini",
    "shortlist",
    "shortlist_top_k",
]

"""Scoring criteria: how well a mentor fits a mentee, block by block.

A criterion scores a [`Block`][rmatch.scoring.Block] of pairs (a set of mentor positions
× a set of mentee positions) at once and returns a ``float`` array of shape
``(n_mentors, n_mentees)`` with values in ``[0, 1]``; ``NaN`` means "no data to judge"
(a missing answer never counts as agreement). The total score of a pair is the weighted
mean of the criteria that have data.

Built-in criteria are vectorized: set overlap is a sparse matrix product, schedule
overlap is a product of UTC slot rows. To add your own, subclass
[`Criterion`][rmatch.scoring.Criterion] (vectorized) or decorate a function with
[`criterion()`][rmatch.scoring.criterion] (a vectorized ``fn(block)``, or a per-pair
``fn(mentor_value, mentee_value)``: simple, slower).
[`register_criterion()`][rmatch.scoring.register_criterion] (or
``@criterion(name=...)``, or an entry point in the ``rmatch.criteria`` group) makes a
criterion usable by name in a program file.

Each built-in criterion hands the candidate builder an exact float32 block kernel
through [`Criterion.kernel()`][rmatch.scoring.Criterion.kernel]; the kernel protocol
([`Kernel`][rmatch.scoring.Kernel]), the block view it reads
([`BlockView`][rmatch.scoring.BlockView]) and the per-run
[`ScoringContext`][rmatch.scoring.ScoringContext] are defined here too.

Examples
--------
>>> import numpy as np
>>> from rmatch.scoring import Criterion
>>> class SameLocation(Criterion):
...     name = "location"
...     columns = ("location",)
...     def score(self, block):
...         loc = block.people["location"]
...         a, b = loc[block.mentors], loc[block.mentees]
...         return (a[:, None] == b[None, :]).astype(float)
"""

from rmatch.scoring._block import Block
from rmatch.scoring._criterion import Criterion, criterion_label
from rmatch.scoring._custom import (
    check_arity,
    criterion,
    criterion_from_dict,
    default_criteria,
)
from rmatch.scoring._features import csr32, dense_u8
from rmatch.scoring._kernel import (
    BlockView,
    Kernel,
    Presence,
    ScoringContext,
    presence_outer,
    simplify_presence,
)
from rmatch.scoring._registry import (
    BUILTIN_CRITERIA,
    CRITERIA,
    Registry,
    factory_of,
    register_criterion,
)
from rmatch.scoring._schedule import Schedule, ScheduleKernel
from rmatch.scoring._sets import Goals, Interests, SetKernel, SetSimilarity
from rmatch.scoring._skills import Skills, SkillsKernel
from rmatch.scoring._slots import SLOTS_PER_BUCKET, SlotBuckets
from rmatch.scoring._text import TextKernel, TextSimilarity

__all__ = [
    "BUILTIN_CRITERIA",
    "CRITERIA",
    "SLOTS_PER_BUCKET",
    "Block",
    "BlockView",
    "Criterion",
    "Goals",
    "Interests",
    "Kernel",
    "Presence",
    "Registry",
    "Schedule",
    "ScheduleKernel",
    "ScoringContext",
    "SetKernel",
    "SetSimilarity",
    "Skills",
    "SkillsKernel",
    "SlotBuckets",
    "TextKernel",
    "TextSimilarity",
    "check_arity",
    "criterion",
    "criterion_from_dict",
    "criterion_label",
    "csr32",
    "default_criteria",
    "dense_u8",
    "factory_of",
    "presence_outer",
    "register_criterion",
    "simplify_presence",
]

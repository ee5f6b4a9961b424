"""`Criterion.details()`: the batch of `detail()`, on the edge cases of the data."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.sparse as sp

import rmatch
from rmatch.people import SetField
from rmatch.scoring import Criterion, Interests, Skills

RECORDS = [
    {
        "id": "A",
        "role": "mentor",
        "interests": "chess; music; running",
        "skills_offered": "python:4; sql:2",
        "skills_wanted": "strategy:3",
    },
    {
        "id": "B",
        "role": "mentee",
        "interests": "running; chess",
        "skills_offered": "strategy:5",
        "skills_wanted": "sql:3; python:5",
    },
    {"id": "C", "role": "mentee", "interests": "cooking"},
]


@pytest.fixture
def people() -> rmatch.People:
    return rmatch.read_people(RECORDS)


def _pairs() -> tuple[np.ndarray, np.ndarray]:
    return np.array([0, 0, 1, 2, 0]), np.array([1, 2, 0, 2, 1])


def _per_pair(crit: Criterion, people: rmatch.People) -> list[str]:
    m, e = _pairs()
    return [
        crit.detail(people, a, b) for a, b in zip(m.tolist(), e.tolist(), strict=True)
    ]


def test_skills_details_read_both_directions(people) -> None:
    m, e = _pairs()
    out = Skills().details(people, m, e)
    assert out[0] == (
        "mentor teaches: python (4/5), sql (2/3); mentee teaches: strategy (5/3)"
    )
    assert out == _per_pair(Skills(), people)


def test_unsorted_vocabulary_keeps_the_text_order(people) -> None:
    """Tokens are listed by text even when the columns are not in text order."""
    field = people.sets["interests"]
    perm = np.arange(len(field.vocabulary))[::-1].copy()
    vocabulary = tuple(field.vocabulary[i] for i in perm)
    inverse = np.argsort(perm)
    m = field.matrix.tocoo()
    matrix = sp.csr_matrix(
        (m.data, (m.row, inverse[m.col])), shape=field.matrix.shape, dtype=np.float32
    )
    shuffled = dataclasses.replace(
        people,
        sets={**people.sets, "interests": SetField(vocabulary, matrix, field.present)},
    )
    assert vocabulary != tuple(sorted(vocabulary))
    m_, e_ = _pairs()
    out = Interests().details(shuffled, m_, e_)
    assert out[0] == "shared interests: chess, running"
    assert out == _per_pair(Interests(), shuffled)


def test_duplicate_entries_fall_back_to_detail(people) -> None:
    """A matrix with a repeated token in a row is read as ``tokens()`` reads it."""
    field = people.sets["interests"]
    m = field.matrix
    matrix = sp.csr_matrix(
        (
            np.concatenate([m.data[:1], m.data]),
            np.concatenate([m.indices[:1], m.indices]),
            np.concatenate([[0], m.indptr[1:] + 1]),
        ),
        shape=m.shape,
    )
    assert not matrix.has_canonical_format
    odd = dataclasses.replace(
        people,
        sets={
            **people.sets,
            "interests": SetField(field.vocabulary, matrix, field.present),
        },
    )
    m_, e_ = _pairs()
    assert Interests().details(odd, m_, e_) == _per_pair(Interests(), odd)


def test_unequal_lengths_are_refused(people) -> None:
    with pytest.raises(ValueError, match="as many mentors as mentees"):
        Skills().details(people, np.array([0, 1]), np.array([1]))


def test_no_pairs_no_details(people) -> None:
    empty = np.array([], dtype=np.int64)
    for crit in (Skills(), Interests(), rmatch.Schedule(), Criterion()):
        assert crit.details(people, empty, empty) == []

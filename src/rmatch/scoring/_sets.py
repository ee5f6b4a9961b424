"""Set similarity (Jaccard or overlap) of set fields, with its float32 kernel."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.scoring._block import Block
from rmatch.scoring._criterion import Criterion, criterion_label
from rmatch.scoring._details import join_by_pair, pair_positions, shared, usable
from rmatch.scoring._features import csr32, dense_u8
from rmatch.scoring._kernel import (
    BlockView,
    Kernel,
    Presence,
    ScoringContext,
    simplify_presence,
)


def _binary(matrix: sp.csr_matrix) -> sp.csr_matrix:
    out = matrix.copy()
    out.data = np.ones_like(out.data)
    return out


class SetSimilarity(Criterion):
    """Similarity of a set-valued field (Jaccard by default).

    Parameters
    ----------
    column : str
        A set field (``interests``, ``goals``, ``languages`` or a custom one parsed as
        a set).
    weight : float, default 1.0
    measure : {"jaccard", "overlap"}
        ``jaccard`` = shared / union; ``overlap`` = shared / size of the smaller set.
    """

    name = "set_similarity"

    def __init__(
        self, column: str, *, weight: float = 1.0, measure: str = "jaccard"
    ) -> None:
        super().__init__(weight=weight)
        self.column = column
        self.measure = measure

    @property
    def label(self) -> str:
        """Column name used in outputs."""
        return self.column

    def check(self) -> None:
        """Validate the parameters."""
        super().check()
        if self.measure not in ("jaccard", "overlap"):
            raise ConfigError(
                f"The 'measure' parameter of {type(self).__name__} must be 'jaccard' "
                f"or 'overlap'. Got {self.measure!r} instead."
            )

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"column": self.column, "weight": self.weight, "measure": self.measure}

    def nothing_found(self, people: People) -> str:
        """Name the data that is missing (see `Criterion.nothing_found`)."""
        if self.column not in people.sets or not people.sets[self.column].matrix.nnz:
            return f"{self.label}: the column {self.column} is missing or empty"
        return f"{self.label}: no mentor and mentee share any {self.column}"

    def score(self, block: Block) -> np.ndarray:
        """Score the block."""
        people = block.people
        if self.column not in people.sets:
            return np.full(block.shape, np.nan)
        field = people.sets[self.column]
        a = _binary(field.matrix[block.mentors])
        b = _binary(field.matrix[block.mentees])
        shared = (a @ b.T).toarray().astype(np.float64)
        size_a = np.diff(a.indptr).astype(np.float64)[:, None]
        size_b = np.diff(b.indptr).astype(np.float64)[None, :]
        if self.measure == "jaccard":
            denom = size_a + size_b - shared
        else:
            denom = np.minimum(size_a, size_b) + np.zeros_like(shared)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = np.where(denom > 0, shared / np.where(denom > 0, denom, 1), np.nan)
        missing = (size_a == 0) | (size_b == 0)
        out[np.broadcast_to(missing, out.shape)] = np.nan
        result: np.ndarray = out
        return result

    def kernel(self, context: ScoringContext) -> Kernel | None:
        """The exact float32 kernel (a set column, ``score`` not overridden)."""
        if (
            type(self).score is SetSimilarity.score
            and self.column in context.people.sets
            and self.measure in ("jaccard", "overlap")
        ):
            return SetKernel(self, context.people, context.mentors, context.mentees)
        return None

    def describe(self, value: float) -> str:
        """Describe a similarity."""
        if np.isnan(value):
            return f"no {self.column} data"
        return f"{value:.0%} {self.column} in common"

    def detail(self, people: People, mentor: int, mentee: int) -> str:
        """List the shared tokens."""
        if self.column not in people.sets:
            return ""
        field = people.sets[self.column]
        shared = sorted(set(field.tokens(mentor)) & set(field.tokens(mentee)))
        return f"shared {self.column}: {', '.join(shared)}" if shared else ""

    def details(
        self, people: People, mentors: np.ndarray, mentees: np.ndarray
    ) -> list[str]:
        """`detail()` of many pairs at once (one sparse intersection)."""
        left, right = pair_positions(mentors, mentees)
        if type(self).detail is not SetSimilarity.detail:
            return super().details(people, left, right)
        if self.column not in people.sets:
            return [""] * left.size
        field = people.sets[self.column]
        if not usable(field):
            return super().details(people, left, right)
        both = shared(field, field, left, right)
        vocabulary = np.asarray(field.vocabulary, dtype=object)
        joined = join_by_pair(
            both.pair, vocabulary[both.token].tolist(), left.size, ", "
        )
        head = f"shared {self.column}: "
        return [head + text if text else "" for text in joined]


class Interests(SetSimilarity):
    """Jaccard similarity of ``interests``."""

    name = "interests"

    def __init__(self, *, weight: float = 1.0, measure: str = "jaccard") -> None:
        super().__init__("interests", weight=weight, measure=measure)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"weight": self.weight, "measure": self.measure}


class Goals(SetSimilarity):
    """Jaccard similarity of ``goals``."""

    name = "goals"

    def __init__(self, *, weight: float = 1.0, measure: str = "jaccard") -> None:
        super().__init__("goals", weight=weight, measure=measure)

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {"weight": self.weight, "measure": self.measure}


class SetKernel(Kernel):
    """Exact float32 kernel of [`SetSimilarity`][rmatch.scoring.SetSimilarity]."""

    def __init__(
        self,
        crit: SetSimilarity,
        people: People,
        mentors: np.ndarray,
        mentees: np.ndarray,
    ) -> None:
        self.label = criterion_label(crit)
        self.weight = float(crit.weight)
        self.jaccard = crit.measure == "jaccard"
        matrix = people.sets[crit.column].matrix.copy()
        matrix.data = np.ones_like(matrix.data)
        a = matrix[mentors]
        b = matrix[mentees]
        keep = np.flatnonzero(
            (np.diff(a.tocsc().indptr) > 0) & (np.diff(b.tocsc().indptr) > 0)
        )
        self.left = csr32(a[:, keep])
        self.right = dense_u8(b[:, keep])
        self.size_left = np.diff(a.indptr).astype(np.float32)
        self.size_right = np.diff(b.indptr).astype(np.float32)

    def evaluate(self, bd: BlockView) -> tuple[np.ndarray, Presence]:
        """Score the block."""
        shared = bd.product(("set", id(self)), self.left, self.right)
        sa = bd.rows_of(self.size_left)
        sb = bd.cols_of(self.size_right)
        # an empty set shares nothing: its score is 0 over any denominator >= 1,
        # so sizes 0 count as 1 and the denominator needs no clamping pass
        one = np.float32(1.0)
        if self.jaccard:  # union = |a| + |b| - shared >= max(|a|, |b|)
            den = np.add.outer(np.maximum(sa, one), sb)
            den -= shared
        else:
            den = np.minimum.outer(np.maximum(sa, one), np.maximum(sb, one))
        np.divide(shared, den, out=shared)
        return shared, simplify_presence((sa > 0, sb > 0))

"""Skills: how well what one side offers covers what the other wants to learn.

The criterion and its exact float32 block kernel live together: the kernel computes
exactly what [`Skills.score()`][rmatch.scoring.Skills.score] computes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.scoring._block import Block
from rmatch.scoring._criterion import Criterion, criterion_label, finite_number
from rmatch.scoring._details import (
    Shared,
    join_by_pair,
    pair_positions,
    shared,
    texts_of,
    usable,
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

#: Skill levels are 1..5; ``60 * min(o, w) / w`` is then a whole number.
LEVEL_LCM = 60


class Skills(Criterion):
    """How well what one side offers covers what the other wants to learn.

    For a mentee who wants skill *s* at level *w* and a mentor who offers it at level
    *o* (0 if not offered), the skill is covered ``min(o, w) / w``; the direction's
    score is the mean over the skills wanted. Both directions count: the mentor
    teaching the mentee (``forward``) and the mentee teaching the mentor
    (``backward``, the heart of reverse mentoring). The score is the weighted mean of
    the directions that have data.

    A direction has data when its learner wants at least one skill; then a teacher
    who offers nothing (an empty answer) covers nothing and the direction scores 0.
    A learner who wants nothing leaves that direction out. So offering nothing never
    ties or beats offering what the other side wants.

    Parameters
    ----------
    weight : float, default 3.0
    forward : float, default 1.0
        Weight of the mentor teaching the mentee.
    backward : float, default 0.5
        Weight of the mentee teaching the mentor.
    """

    name = "skills"
    columns = ("skills_offered", "skills_wanted")

    def __init__(
        self, *, weight: float = 3.0, forward: float = 1.0, backward: float = 0.5
    ) -> None:
        super().__init__(weight=weight)
        self.forward = forward
        self.backward = backward

    def check(self) -> None:
        """Validate the parameters."""
        super().check()
        for key in ("forward", "backward"):
            value = getattr(self, key)
            if not finite_number(value):
                raise ConfigError(
                    f"The {key!r} parameter of Skills must be a finite number >= 0. "
                    f"Got {value!r} instead."
                )
        if self.forward == 0 and self.backward == 0:
            raise ConfigError(
                "Skills needs forward > 0 or backward > 0; both are 0. "
                "Remove the criterion instead."
            )

    def params(self) -> dict[str, Any]:
        """Parameters."""
        return {
            "weight": self.weight,
            "forward": self.forward,
            "backward": self.backward,
        }

    @staticmethod
    def coverage(
        offered: sp.csr_matrix, wanted: sp.csr_matrix, wanted_present: np.ndarray
    ) -> np.ndarray:
        """Coverage of each row of ``wanted`` by each row of ``offered``.

        Uses ``min(o, w) / w = sum_{t=1..5} [o >= t][w >= t] / w`` so the whole block
        is five sparse products. An empty row of ``offered`` covers nothing (0).

        Returns
        -------
        numpy.ndarray
            ``(n_offered, n_wanted)``; NaN in the columns of learners who want
            nothing (no data).
        """
        n_wants = np.diff(wanted.indptr).astype(np.float64)
        inv_count = np.divide(
            1.0, n_wants, out=np.zeros_like(n_wants), where=n_wants > 0
        )
        total = np.zeros((offered.shape[0], wanted.shape[0]), dtype=np.float64)
        for t in range(1, 6):
            o = offered.copy()
            o.data = (o.data >= t).astype(np.float32)
            o.eliminate_zeros()
            if o.nnz == 0:
                break
            w = wanted.copy()
            w.data = ((w.data >= t) / np.maximum(w.data, 1)).astype(np.float32)
            w.eliminate_zeros()
            if w.nnz == 0:
                break
            total += (o @ w.T).toarray()
        total *= inv_count[None, :]
        total[:, ~(wanted_present & (n_wants > 0))] = np.nan
        return np.clip(total, 0.0, 1.0)

    def _direction(
        self, people: People, teachers: np.ndarray, learners: np.ndarray
    ) -> np.ndarray | None:
        if "skills_offered" not in people.sets or "skills_wanted" not in people.sets:
            return None
        off = people.sets["skills_offered"]
        want = people.sets["skills_wanted"]
        return self.coverage(
            off.matrix[teachers], want.matrix[learners], want.present[learners]
        )

    def score(self, block: Block) -> np.ndarray:
        """Score the block (see the class docstring)."""
        people = block.people
        num = np.zeros(block.shape)
        den = np.zeros(block.shape)
        if self.forward > 0:
            fwd = self._direction(people, block.mentors, block.mentees)
            if fwd is not None:
                ok = ~np.isnan(fwd)
                num += np.where(ok, fwd, 0.0) * self.forward
                den += ok * self.forward
        if self.backward > 0:
            bwd = self._direction(people, block.mentees, block.mentors)
            if bwd is not None:
                bwd = bwd.T
                ok = ~np.isnan(bwd)
                num += np.where(ok, bwd, 0.0) * self.backward
                den += ok * self.backward
        with np.errstate(invalid="ignore", divide="ignore"):
            out: np.ndarray = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
        return out

    def kernel(self, context: ScoringContext) -> Kernel | None:
        """The exact float32 kernel (skill levels 1..5, ``score`` not overridden)."""
        people = context.people
        if (
            type(self).score is Skills.score
            and "skills_offered" in people.sets
            and "skills_wanted" in people.sets
            and _levels_supported(people)
        ):
            return SkillsKernel(self, people, context.mentors, context.mentees)
        return None

    def describe(self, value: float) -> str:
        """Describe a skills score."""
        if np.isnan(value):
            return "no skills data"
        return f"{value:.0%} of the skills wanted are covered"

    def nothing_found(self, people: People) -> str:
        """Name the skills data that is missing (see `Criterion.nothing_found`)."""
        label = criterion_label(self)
        empty = [
            c
            for c in self.columns
            if c not in people.sets or not people.sets[c].matrix.nnz
        ]
        if empty:
            return (
                f"{label}: the column(s) {', '.join(empty)} are missing or empty, so "
                "no skill can be matched"
            )
        ways = []
        if self.forward > 0:
            ways.append("no mentor offers any skill a mentee wants")
        if self.backward > 0:
            ways.append("no mentee offers any skill a mentor wants")
        return f"{label}: {' and '.join(ways)} (check skills_offered and skills_wanted)"

    def detail(self, people: People, mentor: int, mentee: int) -> str:
        """List the wanted skills each side covers for the other."""
        if "skills_offered" not in people.sets or "skills_wanted" not in people.sets:
            return ""
        off = people.sets["skills_offered"]
        want = people.sets["skills_wanted"]
        parts = []
        for teacher, learner, label in (
            (mentor, mentee, "mentor teaches"),
            (mentee, mentor, "mentee teaches"),
        ):
            o = off.tokens(teacher)
            hits = [
                f"{s} ({o[s]}/{w})"
                for s, w in sorted(want.tokens(learner).items())
                if s in o
            ]
            if hits:
                parts.append(f"{label}: {', '.join(hits)}")
        return "; ".join(parts)

    def details(
        self, people: People, mentors: np.ndarray, mentees: np.ndarray
    ) -> list[str]:
        """`detail()` of many pairs at once (one sparse intersection a direction)."""
        left, right = pair_positions(mentors, mentees)
        if type(self).detail is not Skills.detail:
            return super().details(people, left, right)
        if "skills_offered" not in people.sets or "skills_wanted" not in people.sets:
            return [""] * left.size
        off = people.sets["skills_offered"]
        want = people.sets["skills_wanted"]
        if off.vocabulary != want.vocabulary or not usable(off, want):
            return super().details(people, left, right)
        vocabulary = off.vocabulary
        directions = []
        for teacher, learner, label in (
            (left, right, "mentor teaches"),
            (right, left, "mentee teaches"),
        ):
            hit = shared(off, want, teacher, learner)
            joined = join_by_pair(
                hit.pair, _hit_texts(vocabulary, hit), left.size, ", "
            )
            head = f"{label}: "
            directions.append([head + t if t else "" for t in joined])
        return [
            f"{f}; {b}" if f and b else f or b
            for f, b in zip(directions[0], directions[1], strict=True)
        ]


def _hit_texts(vocabulary: tuple[str, ...], hit: Shared) -> list[str]:
    """``"skill (offered/wanted)"`` of each entry, formatted once per distinct one."""
    low = min(int(hit.left.min(initial=0)), int(hit.right.min(initial=0)))
    span = max(int(hit.left.max(initial=0)), int(hit.right.max(initial=0))) - low + 1
    if span * span * max(len(vocabulary), 1) >= 2**62:  # huge levels: no key
        return [
            f"{vocabulary[t]} ({o}/{w})"
            for t, o, w in zip(
                hit.token.tolist(), hit.left.tolist(), hit.right.tolist(), strict=True
            )
        ]
    keys = (hit.token * span + (hit.left - low)) * span + (hit.right - low)

    def text(key: int) -> str:
        rest, w = divmod(key, span)
        token, o = divmod(rest, span)
        return f"{vocabulary[token]} ({o + low}/{w + low})"

    return texts_of(keys, text)


def _level_one_hot(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """One column per (token, level), ``token * 5 + level - 1``: 1 at each entry.

    The sparse side of a direction's product: one stored entry per skill (not one
    per level up to it), so a block costs a multiply-add per skill and column.
    """
    coo = matrix.tocoo()
    level = np.rint(coo.data).astype(np.int64)
    out = sp.csr_matrix(
        (np.ones(level.size, np.float32), (coo.row, coo.col * 5 + level - 1)),
        shape=(matrix.shape[0], matrix.shape[1] * 5),
    )
    return out


def _level_cover(matrix: sp.csr_matrix, *, teacher: bool) -> sp.csr_matrix:
    """The partner side of `_level_one_hot`: for each skill of a row, one column
    per level ``p`` of the other person, valued ``60 * min(o, w) / w``.

    ``teacher``: the rows offer the skill at ``o`` and ``p`` is the level wanted
    ``w``; else the rows want it at ``w`` and ``p`` is the level offered ``o``.
    Every value is a whole number (``60`` is a multiple of every level), so the
    product with the one-hot side is ``60 * sum min(o, w) / w``, exact in float32.
    """
    coo = matrix.tocoo()
    level = np.repeat(np.rint(coo.data).astype(np.int64), 5)
    partner = np.tile(np.arange(1, 6, dtype=np.int64), coo.nnz)
    o, w = (level, partner) if teacher else (partner, level)
    values = LEVEL_LCM * np.minimum(o, w) // w
    out = sp.csr_matrix(
        (
            values.astype(np.float32),
            (np.repeat(coo.row, 5), np.repeat(coo.col, 5) * 5 + partner - 1),
        ),
        shape=(matrix.shape[0], matrix.shape[1] * 5),
    )
    return out


class _Coverage:
    """Exact features of one direction of [`Skills`][rmatch.scoring.Skills]."""

    def __init__(
        self,
        people: People,
        teachers: np.ndarray,
        learners: np.ndarray,
        *,
        teachers_left: bool,
    ) -> None:
        off = people.sets["skills_offered"]
        want = people.sets["skills_wanted"]
        o = off.matrix[teachers]
        w = want.matrix[learners]
        # the mentor side (rows of a block) is sparse: one entry per skill at its
        # level; the mentee side dense: what it gives with each level of the mentor
        if teachers_left:
            left, right = _level_one_hot(o), _level_cover(w, teacher=False)
        else:
            left, right = _level_one_hot(w), _level_cover(o, teacher=True)
        keep = np.flatnonzero(
            (np.diff(left.tocsc().indptr) > 0) & (np.diff(right.tocsc().indptr) > 0)
        )
        self.left: sp.csr_matrix = csr32(left[:, keep])
        self.right: np.ndarray = dense_u8(right[:, keep])
        n_wants = np.diff(w.indptr).astype(np.float64)
        # a teacher who offers nothing covers nothing: 0, not "no data"
        self.teach_present = np.ones(teachers.size, dtype=bool)
        self.learn_ok = np.asarray(want.present[learners], dtype=bool) & (n_wants > 0)
        inv = np.zeros(n_wants.size, dtype=np.float64)
        np.divide(1.0, LEVEL_LCM * n_wants, out=inv, where=n_wants > 0)
        self.inv = inv.astype(np.float32)
        self._scaled: dict[float, np.ndarray] = {}

    def inv_scaled(self, weight: np.float32) -> np.ndarray:
        """``inv * weight`` per learner (float32, computed once)."""
        out = self._scaled.get(float(weight))
        if out is None:
            out = self._scaled[float(weight)] = self.inv * weight
        return out


def _levels_supported(people: People) -> bool:
    for name in ("skills_offered", "skills_wanted"):
        data = people.sets[name].matrix.data
        if data.size and not np.all(np.isin(data, (1, 2, 3, 4, 5))):
            return False
    return True


class SkillsKernel(Kernel):
    """Exact float32 kernel of [`Skills`][rmatch.scoring.Skills] (both directions)."""

    def __init__(
        self, crit: Skills, people: People, mentors: np.ndarray, mentees: np.ndarray
    ) -> None:
        self.label = criterion_label(crit)
        self.weight = float(crit.weight)
        self.f = float(crit.forward)
        self.b = float(crit.backward)
        self.fwd = (
            _Coverage(people, mentors, mentees, teachers_left=True)
            if self.f > 0
            else None
        )
        self.bwd = (
            _Coverage(people, mentees, mentors, teachers_left=False)
            if self.b > 0
            else None
        )

    def evaluate(self, bd: BlockView) -> tuple[np.ndarray, Presence]:
        """Score the block."""
        both = self.fwd is not None and self.bwd is not None
        # the direction weight is folded into the per-mentee / per-mentor scale,
        # so a pair sees the same float32 operations in every block
        wf = np.float32(self.f) if both else np.float32(1.0)
        wb = np.float32(self.b) if both else np.float32(1.0)
        val: np.ndarray | None = None
        pres: list[tuple[np.ndarray, np.ndarray]] = []
        if self.fwd is not None:
            c = self.fwd
            val = bd.product(("sk_f", id(self)), c.left, c.right)
            val *= bd.cols_of(c.inv_scaled(wf))[None, :]
            pres.append((bd.rows_of(c.teach_present), bd.cols_of(c.learn_ok)))
        if self.bwd is not None:
            c = self.bwd
            back = bd.product(("sk_b", id(self)), c.left, c.right)
            back *= bd.rows_of(c.inv_scaled(wb))[:, None]
            pres.append((bd.rows_of(c.learn_ok), bd.cols_of(c.teach_present)))
            if val is None:
                val = back
            else:
                val += back
        assert val is not None
        if not both:
            return val, simplify_presence(pres[0])
        fp, bp = pres
        if simplify_presence(fp) is None and simplify_presence(bp) is None:
            val /= np.float32(wf + wb)
            return val, None
        den = presence_outer(fp) * wf
        den += presence_outer(bp) * wb
        has = den > 0
        np.divide(val, den, out=val, where=has)
        val[~has] = 0
        return val, has

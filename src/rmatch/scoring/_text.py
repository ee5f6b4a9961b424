"""Text similarity of free-text answers: TF-IDF on words and character n-grams.

Free-text answers ("What do you hope to learn?", "What can you offer?") are turned
into TF-IDF vectors by scikit-learn's ``TfidfVectorizer`` (the ``text`` extra:
``pip install 'rmatch[text]'``). Two vectorizers are fitted on the documents of every
participant of a run:

* **words** and word pairs (unigrams and bigrams), lower-cased, accents kept, so that
  ``học`` and ``hóc`` stay two Vietnamese words;
* **character n-grams** (3 to 5 characters inside word boundaries) of the text with
  its accents stripped, so that a typo (``machne lerning``) or an answer typed
  without diacritics (``hoc may``) still shares most of its n-grams with the
  correct spelling (``học máy``).

A person's vector is the two parts side by side, normalized to unit length; the score
of a pair is the cosine of the mentor's and the mentee's vectors, one sparse matrix
product per block. Scores are in ``[0, 1]`` (TF-IDF weights are never negative); an
empty answer is "no data" (NaN), never agreement.
"""

from __future__ import annotations

import unicodedata
import weakref
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from rmatch.errors import ConfigError
from rmatch.people import People
from rmatch.scoring._block import Block
from rmatch.scoring._criterion import Criterion, criterion_label
from rmatch.scoring._kernel import (
    BlockView,
    Kernel,
    Presence,
    ScoringContext,
    simplify_presence,
)

__all__ = ["TextKernel", "TextSimilarity"]

_INSTALL = "pip install 'rmatch[text]'"


def _vectorizer_class() -> Any:
    """scikit-learn's ``TfidfVectorizer``, or a ConfigError saying what to install."""
    try:
        from sklearn.feature_extraction.text import TfidfVectorizer
    except ImportError:
        raise ConfigError(
            "the text criterion needs scikit-learn, which is not installed: "
            f"{_INSTALL} (or pip install scikit-learn)"
        ) from None
    return TfidfVectorizer


def _words(text: str) -> str:
    """Lower-case, composed Unicode (an NFD export and an NFC one give one word)."""
    return unicodedata.normalize("NFC", text).lower()


def _letters(text: str) -> str:
    """Lower-case without accents (``Học Máy`` -> ``hoc may``), for n-grams."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("đ", "d")


def _string_list(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) and v for v in value
    ):
        raise ConfigError(
            f"The {key!r} parameter of TextSimilarity must be a list of column "
            f"names. Got {value!r} instead."
        )
    return tuple(value)


def _unit_rows(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Rows scaled to unit length (zero rows stay zero), float32, sorted indices."""
    m = sp.csr_matrix(matrix, dtype=np.float32)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1), dtype=np.float64)).ravel()
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    out = sp.csr_matrix(sp.diags(scale.astype(np.float32)) @ m)
    out.eliminate_zeros()
    out.sort_indices()
    return out


def _scatter_indptr(indptr: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """``indptr`` of a CSR whose row ``rows[k]`` holds row ``k`` (others empty)."""
    counts = np.zeros(n, dtype=np.int64)
    counts[rows] = np.diff(indptr)
    out = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=out[1:])
    return out


class _Features:
    """Unit TF-IDF rows of every person as mentor and as mentee (one run)."""

    def __init__(self, crit: TextSimilarity, people: People) -> None:
        n = len(people)
        mentor_docs = crit.documents(people, crit.mentor_side)
        mentee_docs = crit.documents(people, crit.mentee_side)
        mentor_docs = np.where(people.is_mentor, mentor_docs, "")
        mentee_docs = np.where(people.is_mentee, mentee_docs, "")
        docs = np.concatenate([mentor_docs, mentee_docs])
        written = np.flatnonzero(docs != "")
        self.has_mentor = np.zeros(n, dtype=bool)
        self.has_mentee = np.zeros(n, dtype=bool)
        empty = sp.csr_matrix((n, 0), dtype=np.float32)
        self.mentor: sp.csr_matrix = empty
        self.mentee: sp.csr_matrix = empty
        if written.size == 0:
            return
        tfidf = _vectorizer_class()
        common = {"dtype": np.float32, "sublinear_tf": True, "norm": "l2"}
        parts = [
            tfidf(
                analyzer="word",
                preprocessor=_words,
                token_pattern=r"(?u)\b\w+\b",
                ngram_range=(1, 2),
                **common,
            ),
            tfidf(
                analyzer="char_wb",
                preprocessor=_letters,
                ngram_range=(3, 5),
                **common,
            ),
        ]
        corpus = docs[written].tolist()
        blocks = []
        for vectorizer in parts:
            try:
                blocks.append(vectorizer.fit_transform(corpus))
            except ValueError:  # no token at all (e.g. only punctuation)
                continue
        if not blocks:
            return
        rows = _unit_rows(sp.hstack(blocks, format="csr"))
        # scatter the written documents back: mentor rows, then mentee rows
        full = sp.csr_matrix(
            (rows.data, rows.indices, _scatter_indptr(rows.indptr, written, 2 * n)),
            shape=(2 * n, rows.shape[1]),
        )
        self.mentor = full[:n]
        self.mentee = full[n:]
        self.has_mentor = np.diff(self.mentor.indptr) > 0
        self.has_mentee = np.diff(self.mentee.indptr) > 0

    def scores(
        self, mentors: np.ndarray, mentees: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``float32`` cosines of the positions, and who has text on each side."""
        a = self.mentor[mentors]
        b = self.mentee[mentees]
        out = np.asarray((a @ b.T).toarray(), dtype=np.float32)
        np.clip(out, 0.0, 1.0, out=out)
        return out, self.has_mentor[mentors], self.has_mentee[mentees]


class TextSimilarity(Criterion):
    """Cosine similarity of free-text answers (TF-IDF on words and n-grams).

    Needs scikit-learn (``pip install 'rmatch[text]'``). In a program file::

        [criteria]
        text = { columns = ["hopes"], weight = 2 }
        # or what mentees hope to learn against what mentors offer:
        text = { mentee_columns = ["hopes"], mentor_columns = ["offer"] }

    Parameters
    ----------
    columns : list of str, optional
        Free-text columns read on both sides (several columns are joined into one
        document per person).
    weight : float, default 1.0
    mentor_columns, mentee_columns : list of str, optional
        The columns read for the mentor and for the mentee, when they differ
        (default: ``columns``).

    Notes
    -----
    The vectorizers are fitted on the documents of every participant of the run (a
    word used by everyone weighs little), so a pair's score depends on the people
    matched together, not on the block it is scored in. An empty answer on either
    side is NaN ("no data").

    Examples
    --------
    >>> import rmatch
    >>> from rmatch.scoring import Block, TextSimilarity
    >>> people = rmatch.read_people([
    ...     {"id": "M1", "role": "mentor", "hopes": "machine learning, Python"},
    ...     {"id": "M2", "role": "mentor", "hopes": "golf and wine"},
    ...     {"id": "E1", "role": "mentee", "hopes": "learn machne lerning"},
    ...     {"id": "E2", "role": "mentee", "hopes": ""},
    ... ])
    >>> text = TextSimilarity(["hopes"])
    >>> scores = text.score(Block(people, [0, 1], [2, 3]))
    >>> bool(scores[0, 0] > scores[1, 0]), bool(np.isnan(scores[0, 1]))
    (True, True)
    """

    name = "text"

    def __init__(
        self,
        columns: Sequence[str] | None = None,
        *,
        weight: float = 1.0,
        mentor_columns: Sequence[str] | None = None,
        mentee_columns: Sequence[str] | None = None,
    ) -> None:
        super().__init__(weight=weight)
        self.text_columns = columns
        self.mentor_columns = mentor_columns
        self.mentee_columns = mentee_columns
        self._cache: weakref.WeakKeyDictionary[People, _Features] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def mentor_side(self) -> tuple[str, ...]:
        """Columns read for the mentor."""
        chosen = self.mentor_columns if self.mentor_columns else self.text_columns
        return _string_list(chosen or [], "mentor_columns")

    @property
    def mentee_side(self) -> tuple[str, ...]:
        """Columns read for the mentee."""
        chosen = self.mentee_columns if self.mentee_columns else self.text_columns
        return _string_list(chosen or [], "mentee_columns")

    def check(self) -> None:
        """Validate the parameters; say what to install without scikit-learn."""
        super().check()
        for key in ("columns", "mentor_columns", "mentee_columns"):
            value = getattr(self, "text_columns" if key == "columns" else key)
            if value is not None:
                _string_list(value, key)
        if not (self.mentor_side and self.mentee_side):
            raise ConfigError(
                "TextSimilarity needs the free-text columns to compare: columns = "
                '["hopes"] (the same on both sides), or mentor_columns and '
                "mentee_columns"
            )
        _vectorizer_class()

    def params(self) -> dict[str, Any]:
        """Parameters (the ones given)."""
        out: dict[str, Any] = {}
        if self.text_columns is not None:
            out["columns"] = list(_string_list(self.text_columns, "columns"))
        out["weight"] = self.weight
        for key in ("mentor_columns", "mentee_columns"):
            value = getattr(self, key)
            if value is not None:
                out[key] = list(_string_list(value, key))
        return out

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_cache"] = None  # fitted per run; not shipped to workers
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cache = weakref.WeakKeyDictionary()

    def documents(self, people: People, columns: Sequence[str]) -> np.ndarray:
        """Each person's text: the cells of ``columns`` joined by line breaks."""
        missing = [c for c in columns if c not in people.table.columns]
        if missing:
            raise ConfigError(
                f"the text criterion reads column(s) {missing} but {people.source} "
                f"has none; its columns are {sorted(map(str, people.table.columns))}. "
                "Fix the column names in [criteria] text or in the file."
            )
        texts = [
            people.table[c].fillna("").astype(str).to_numpy(dtype=object)
            for c in columns
        ]
        out: np.ndarray = np.array(
            ["\n".join(cells).strip() for cells in zip(*texts, strict=True)]
            if texts and len(people)
            else [""] * len(people),
            dtype=object,
        )
        return out

    def features(self, people: People) -> _Features:
        """The fitted TF-IDF rows of ``people`` (computed once per People)."""
        found = self._cache.get(people)
        if found is None:
            found = self._cache[people] = _Features(self, people)
        return found

    def score(self, block: Block) -> np.ndarray:
        """Cosine of the mentor's and the mentee's text (NaN without text)."""
        feats = self.features(block.people)
        values, left, right = feats.scores(block.mentors, block.mentees)
        out = values.astype(np.float64)
        out[~np.logical_and.outer(left, right)] = np.nan
        return out

    def kernel(self, context: ScoringContext) -> Kernel | None:
        """The float32 kernel (``score`` not overridden)."""
        if type(self).score is not TextSimilarity.score:
            return None
        return TextKernel(self, context)

    def describe(self, value: float) -> str:
        """Describe a similarity."""
        if np.isnan(value):
            return "no free-text answer to compare"
        return f"{value:.0%} similar free-text answers"

    def detail(self, people: People, mentor: int, mentee: int) -> str:
        """The words both answers use."""
        pair = (
            "\n".join(people.value(mentor, c) for c in self.mentor_side),
            "\n".join(people.value(mentee, c) for c in self.mentee_side),
        )
        a, b = ({w.strip(".,;:!?()\"'") for w in _words(d).split()} for d in pair)
        shared = sorted(w for w in a & b if len(w) > 2)
        return f"shared words: {', '.join(shared[:8])}" if shared else ""


class TextKernel(Kernel):
    """Float32 kernel of [`TextSimilarity`][rmatch.scoring.TextSimilarity].

    The same sparse products as ``score()``, on the run's mentors and mentees.
    """

    def __init__(self, crit: TextSimilarity, context: ScoringContext) -> None:
        self.label = criterion_label(crit)
        self.weight = float(crit.weight)
        feats = crit.features(context.people)
        self.left = feats.mentor[context.mentors]
        self.right = feats.mentee[context.mentees]
        self.has_left = feats.has_mentor[context.mentors]
        self.has_right = feats.has_mentee[context.mentees]

    def evaluate(self, view: BlockView) -> tuple[np.ndarray, Presence]:
        """Score the block."""
        a = self.left[view.rows]
        b = self.right[view.cols]
        out = np.asarray((a @ b.T).toarray(), dtype=np.float32)
        np.clip(out, 0.0, 1.0, out=out)
        pres = (view.rows_of(self.has_left), view.cols_of(self.has_right))
        return out, simplify_presence(pres)

"""Set and skill columns: each distinct cell split once, each distinct item parsed once.

The result is what parsing every cell with
[`SkillsParser`][rmatch.parsing.SkillsParser] and building the fields with
[`build_coded_set_fields()`][rmatch.people.build_coded_set_fields] gives, laid out
as sparse matrices directly. A caller that already split a column (the survey
reader joins the canonical text from its tokens) hands the split down in a
`Prepared`, and the column is neither factorized nor split again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from rmatch.parsing import SkillRows, SkillsParser
from rmatch.people import SET_FAMILIES, SetField
from rmatch.validate._collector import Collector


@dataclass(frozen=True)
class SplitColumn:
    """A column given as its cells and their items (set, skill or availability).

    Attributes
    ----------
    codes : numpy.ndarray
        Per row of the frame, its cell in ``texts``: ``texts[codes[i]]`` is the
        row's text.
    texts : sequence of str
        The cells (they need not be distinct).
    items : (numpy.ndarray, numpy.ndarray, sequence of str)
        ``(owner, codes, distinct)``: the ``k``-th item is ``distinct[codes[k]]``
        of cell ``owner[k]``, in text order; what splitting each cell gives (see
        [`SkillsParser.many()`][rmatch.parsing.SkillsParser.many] and
        [`AvailabilityMasks.many()`][rmatch.parsing.AvailabilityMasks.many]).
    """

    codes: np.ndarray
    texts: Sequence[str]
    items: tuple[np.ndarray, np.ndarray, Sequence[str]]


@dataclass(frozen=True)
class Prepared:
    """Work on the frame that the caller has already done, not done again.

    Each entry must be exactly what validation would compute from the frame
    (the result is then the same, only faster); leave out what is not known.

    Attributes
    ----------
    split : dict of str to SplitColumn
        Set, skill and ``availability`` columns, split into their items.
    email_keys : numpy.ndarray or None
        [`email_keys()`][rmatch.parsing.email_keys] of the ``email`` column.
    """

    split: Mapping[str, SplitColumn] = field(default_factory=dict)
    email_keys: np.ndarray | None = None

    def checked(self, frame: pd.DataFrame) -> Prepared:
        """The entries that fit ``frame``; validation does the rest itself.

        A split column is kept when it has one code per row and its cells are the
        frame's cells (a blank cell may be ``""``); e-mail keys when there is one
        per row. What cannot be compared cheaply is trusted: the items of each
        cell and the values of the keys.
        """
        n = len(frame)
        split = {}
        for name, column in self.split.items():
            codes = np.asarray(column.codes)
            if name not in frame.columns or codes.shape != (n,):
                continue
            if not np.issubdtype(codes.dtype, np.integer):
                continue
            if n and (int(codes.min()) < 0 or int(codes.max()) >= len(column.texts)):
                continue
            cells = np.asarray(column.texts, dtype=object)[codes]
            values = frame[name].to_numpy(dtype=object)
            if _same_cells(cells, values):
                split[name] = column
        keys = self.email_keys
        if keys is not None and np.asarray(keys).shape != (n,):
            keys = None
        return Prepared(split=split, email_keys=keys)


def _same_cells(cells: np.ndarray, values: np.ndarray) -> bool:
    """Whether every value is its cell, or missing where the cell is ``""``."""
    try:
        if bool((cells == values).all()):  # text everywhere (pd.NA raises)
            return True
    except TypeError:
        pass
    missing = pd.isna(values)  # NaN, None, pd.NA: a blank cell
    known = np.where(missing, "", values)
    return bool(((cells == known) & (~missing | (cells == ""))).all())


def restricted(
    split: SplitColumn, participant: np.ndarray
) -> tuple[np.ndarray, list[str], tuple[np.ndarray, np.ndarray, Sequence[str]]]:
    """Codes, cells and items of a split column, participants' cells only.

    What ``Collector.distinct`` gives (up to the order of the cells): the cells
    no participant has are left out, so that parsing the rest finds only the
    participants' names; the other rows read as ``""``.
    """
    texts = [*split.texts, ""]
    codes = np.where(participant, np.asarray(split.codes), len(texts) - 1)
    present = np.flatnonzero(np.bincount(codes, minlength=len(texts)))
    at = np.full(len(texts), -1, dtype=np.int64)
    at[present] = np.arange(present.size)
    codes = at[codes]
    owner, item_codes, distinct = split.items
    owner = at[np.asarray(owner, dtype=np.int64)]
    read = owner >= 0
    cells = [texts[k] for k in present.tolist()]
    items = (owner[read], np.asarray(item_codes)[read], distinct)
    return codes.reshape(-1).astype(np.int64), cells, items


def parse_sets(
    c: Collector, participant: np.ndarray, prepared: Prepared | None = None
) -> dict[str, SetField]:
    """Every set field of the frame (participants' cells only), errors reported."""
    families: dict[str, dict[str, tuple[np.ndarray, SkillRows]]] = {}
    skills = SkillsParser()
    known = prepared.split if prepared is not None else {}
    for column, family in SET_FAMILIES.items():
        if column not in c.frame.columns:
            continue
        if column in known:
            codes, uniques, items = restricted(known[column], participant)
            rows = skills.many(uniques, items)
        else:
            codes, uniques = c.distinct(column, mask=participant)
            rows = skills.many(uniques)
        c.report(column, codes, uniques, rows.errors)
        if not column.startswith("skills"):
            rows = rows._replace(levels=np.ones_like(rows.levels))
        families.setdefault(family, {})[column] = (codes, rows)
    out: dict[str, SetField] = {}
    for fields in families.values():
        vocabulary = sorted(
            {name for _, rows in fields.values() for name in rows.names}
        )
        column_of = {name: j for j, name in enumerate(vocabulary)}
        for column, (codes, rows) in fields.items():
            remap = np.array([column_of[n] for n in rows.names], dtype=np.int64)
            distinct = sp.csr_matrix(
                (
                    rows.levels.astype(np.float32),
                    remap[rows.columns] if rows.columns.size else rows.columns,
                    rows.indptr,
                ),
                shape=(rows.indptr.size - 1, len(vocabulary)),
                dtype=np.float32,
            )
            distinct.sort_indices()
            answered = np.diff(rows.indptr) > 0
            out[column] = SetField(tuple(vocabulary), distinct[codes], answered[codes])
    return out

"""Set and skill columns: each distinct cell split once, each distinct item parsed once.

The result is what parsing every cell with
[`SkillsParser`][rmatch.parsing.SkillsParser] and building the fields with
[`build_coded_set_fields()`][rmatch.people.build_coded_set_fields] gives, laid out
as sparse matrices directly.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from rmatch.parsing import SkillRows, SkillsParser
from rmatch.people import SET_FAMILIES, SetField
from rmatch.validate._collector import Collector


def parse_sets(c: Collector, participant: np.ndarray) -> dict[str, SetField]:
    """Every set field of the frame (participants' cells only), errors reported."""
    families: dict[str, dict[str, tuple[np.ndarray, SkillRows]]] = {}
    skills = SkillsParser()
    for column, family in SET_FAMILIES.items():
        if column not in c.frame.columns:
            continue
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

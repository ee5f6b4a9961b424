"""Views of the candidate graph and of the people data shared by the constraints.

Per-side views of the graph (endpoints, persons, capacities, minimum loads), group
membership of a column, and the wording of a node's candidates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
import scipy.sparse as sp

from rmatch.candidates import CandidateSet
from rmatch.constraints._text import plural
from rmatch.people import People
from rmatch.rules import Rule
from rmatch.scoring import Block

__all__ = [
    "EPS",
    "BoolArray",
    "FloatArray",
    "IntArray",
    "Side",
    "allows",
    "as_values",
    "binary",
    "candidates_text",
    "capped_degree",
    "clean_cell",
    "membership",
    "normalized_cells",
    "other_side",
    "pair_block",
    "removed_by",
    "select_groups",
    "side_min",
    "side_view",
    "tolerant_ceil",
    "tolerant_floor",
    "usable_edges",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Side = Literal["mentor", "mentee"]

#: Tolerance when a share times a count is turned into a whole number of pairs.
EPS = 1e-9


def tolerant_ceil(x: float) -> int:
    """Smallest whole number >= ``x`` (tolerant to float noise: 0.7 * 10 -> 7).

    Examples
    --------
    >>> 0.14 * 50 > 7  # the float product is slightly above 7
    True
    >>> tolerant_ceil(0.14 * 50), tolerant_ceil(0.5 * 3), tolerant_ceil(0.0)
    (7, 2, 0)
    """
    return math.ceil(x - EPS)


def tolerant_floor(x: float) -> int:
    """Largest whole number <= ``x`` (tolerant to float noise)."""
    return math.floor(x + EPS)


def other_side(side: Side) -> Side:
    """The other side: ``"mentee"`` for ``"mentor"`` and the reverse."""
    return "mentee" if side == "mentor" else "mentor"


def side_view(cs: CandidateSet, side: Side) -> tuple[IntArray, IntArray, IntArray]:
    """Return ``(edge endpoint on side, person of each node, capacity per node)``."""
    g = cs.graph
    if side == "mentor":
        return g.left, np.asarray(cs.mentors, dtype=np.int64), g.left_capacity
    return g.right, np.asarray(cs.mentees, dtype=np.int64), g.right_capacity


def side_min(cs: CandidateSet, side: Side) -> IntArray:
    """Minimum load per node of ``side`` (zeros when none is set)."""
    g = cs.graph
    out: IntArray = g.left_min_or_zero() if side == "mentor" else g.right_min_or_zero()
    return out


def usable_edges(cs: CandidateSet) -> BoolArray:
    """Edges whose two endpoints both have room (capacity > 0)."""
    g = cs.graph
    out: BoolArray = (g.left_capacity[g.left] > 0) & (g.right_capacity[g.right] > 0)
    return out


def capped_degree(cs: CandidateSet, side: Side, mask: BoolArray) -> IntArray:
    """Per node of ``side``: ``min(capacity, usable edges in mask)``."""
    nodes, persons, cap = side_view(cs, side)
    deg = np.bincount(nodes[mask & usable_edges(cs)], minlength=persons.size)
    out: IntArray = np.minimum(cap, deg).astype(np.int64)
    return out


def clean_cell(value: object) -> str:
    """Collapse the white space of a cell: ``"  R&D   Team "`` -> ``"R&D Team"``."""
    return " ".join(str(value).split())


def normalized_cells(values: Iterable[object]) -> npt.NDArray[np.object_]:
    """Strip and case-fold cells; missing cells become ``""``."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append("")
        else:
            out.append(clean_cell(v).casefold())
    return np.asarray(out, dtype=object)


def binary(matrix: Any) -> sp.csr_matrix:
    """Return a float64 CSR copy of ``matrix`` with every stored value set to 1."""
    out = sp.csr_matrix(matrix, dtype=np.float64, copy=True)
    out.data[:] = 1.0
    return out


def membership(people: People, column: str) -> tuple[sp.csr_matrix, list[str]]:
    """Return ``(people × groups)`` 0/1 membership and the group labels.

    A plain column puts each person in at most one group (empty cells in none); a
    set column (``languages``...) puts a person in one group per token.
    """
    n = len(people)
    if column in people.sets:
        field = people.sets[column]
        return binary(field.matrix), [str(v) for v in field.vocabulary]
    raw = people.table[column].to_numpy(dtype=object)
    keys = normalized_cells(raw)
    codes, uniques = pd.factorize(keys)
    first: dict[int, str] = {}
    for i, c in enumerate(codes.tolist()):
        if c >= 0 and c not in first:
            first[c] = clean_cell(raw[i])
    labels = [first[c] for c in range(len(uniques))]
    rows = np.flatnonzero(keys != "")
    # Empty cells were factorized too (as the key ""): drop that group.
    empty = [c for c, u in enumerate(uniques) if u == ""]
    keep_cols = [c for c in range(len(uniques)) if c not in empty]
    remap = np.full(len(uniques), -1, dtype=np.int64)
    remap[keep_cols] = np.arange(len(keep_cols))
    cols = remap[codes[rows]]
    matrix = sp.csr_matrix(
        (np.ones(rows.size), (rows, cols)), shape=(n, len(keep_cols)), dtype=np.float64
    )
    return matrix, [labels[c] for c in keep_cols]


def select_groups(labels: list[str], values: Sequence[str] | None) -> list[int]:
    """Indices of the groups named by ``values`` (all when None)."""
    if values is None:
        return list(range(len(labels)))
    wanted = {clean_cell(v).casefold() for v in values}
    return [i for i, lab in enumerate(labels) if lab.casefold() in wanted]


def as_values(value: str | Sequence[str] | None) -> list[str] | None:
    """Return ``value`` as a list of strings (a string gives one; None stays)."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def removed_by(cs: CandidateSet, side: Side, nodes: IntArray) -> str:
    """``"'no reporting line' 12, 'different department' 3"``: who removed pairs."""
    removed = cs.removed_left if side == "mentor" else cs.removed_right
    if nodes.size == 0 or removed.shape[0] == 0:
        return ""
    counts = removed[:, nodes].sum(axis=1)
    parts = [
        f"{int(c)} by '{rule.title()}'"
        for rule, c in zip(cs.rules, counts.tolist(), strict=True)
        if c
    ]
    return ", ".join(parts)


def pair_block(people: People, mentor: int, mentee: int) -> Block:
    """The block of the single pair ``(mentor, mentee)`` (person positions)."""
    return Block(
        people, np.array([mentor], dtype=np.int64), np.array([mentee], dtype=np.int64)
    )


def allows(rule: Rule, block: Block) -> bool:
    """Whether ``rule`` allows the first pair of ``block``."""
    return bool(np.asarray(rule.allowed(block))[0, 0])


def candidates_text(cs: CandidateSet, side: Side, node: int) -> str:
    """Describe the candidates of one node: how many, and what removed the others.

    Parameters
    ----------
    cs : CandidateSet
    side : {"mentor", "mentee"}
    node : int
        Node position on that side.

    Returns
    -------
    str
        e.g. ``"1 allowed candidate (3 removed by 'no reporting line')"``.
    """
    nodes, _, _ = side_view(cs, side)
    usable = usable_edges(cs)
    k = int(np.count_nonzero((nodes == node) & usable))
    text = plural(k, "allowed candidate")
    removed = removed_by(cs, side, np.array([node], dtype=np.int64))
    possible = int((cs.possible_left if side == "mentor" else cs.possible_right)[node])
    extra = []
    if removed:
        extra.append(f"{removed.replace(' by ', ' removed by ', 1)}")
    n_edges = int(np.count_nonzero(nodes == node))
    if k < n_edges:
        extra.append(f"{n_edges - k} with no room left")
    if cs.top_k is not None and possible:
        extra.append(f"candidates pruned to the best {cs.top_k}")
    return text + (f" ({'; '.join(extra)})" if extra else "")

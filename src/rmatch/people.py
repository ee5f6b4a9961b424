"""People: the immutable, columnar set of participants a program matches.

A [`People`][rmatch.people.People] holds everyone in the input file, participants and
the rest of the org chart (``role == "none"``), in arrays indexed by position:

* ``ids``, ``roles``, ``mentor_capacity``, ``mentee_capacity``, ``seniority``;
* ``manager``: position of each person's manager (``-1`` for none), from which the
  org chart (networkx) and the chain of ancestors are derived;
* set-valued fields (skills, interests, goals, languages) as sparse multi-hot rows
  (``scipy.sparse.csr_matrix``) over a shared vocabulary per family, with skill levels
  1–5 as the stored values;
* weekly availability as UTC slot rows packed into bits (``np.packbits``);
* the original table, so custom criteria and rules can read any column.

Build one with [`rmatch.read_people()`][rmatch.io.read_people] or
[`rmatch.validate.parse_people()`][rmatch.validate.parse_people].
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from rmatch.parsing import (
    SLOTS_PER_WEEK,
    email_keys,
    name_keys,
    normalize_email,
    normalize_token,
)

if TYPE_CHECKING:
    import networkx as nx
    import pandas as pd

__all__ = [
    "CANONICAL_FIELDS",
    "NOT_PARTICIPATING",
    "ROLES",
    "SET_FAMILIES",
    "People",
    "SetField",
    "build_coded_set_fields",
    "build_set_field",
]

#: ``code`` in `People.rejected` of survey respondents who signed up as
#: neither mentor nor mentee (they stay in the table with role ``none``).
NOT_PARTICIPATING = "not_participating"

ROLES = ("mentor", "mentee", "both", "none")

#: Canonical person fields (DESIGN.md), in output order. The last two override
#: ``capacity`` for people with role ``both``.
CANONICAL_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "email",
    "role",
    "manager_id",
    "department",
    "location",
    "languages",
    "seniority",
    "skills_offered",
    "skills_wanted",
    "interests",
    "goals",
    "availability",
    "timezone",
    "capacity",
    "mentor_capacity",
    "mentee_capacity",
)

#: Set-valued canonical fields and the vocabulary family they share. Fields in one
#: family can be compared with each other (what one person offers against what the
#: other wants).
SET_FAMILIES: dict[str, str] = {
    "skills_offered": "skills",
    "skills_wanted": "skills",
    "interests": "interests",
    "goals": "goals",
    "languages": "languages",
}


@dataclass(frozen=True, eq=False)
class SetField:
    """A set-valued field as a sparse ``(n_people, n_tokens)`` matrix.

    Attributes
    ----------
    vocabulary : tuple of str
        Token of each matrix column, sorted; shared by the fields of one family.
    matrix : scipy.sparse.csr_matrix
        ``float32`` values: the level (1–5) for skills, ``1.0`` for plain sets.
    present : numpy.ndarray
        ``bool`` per person: the person answered (an empty answer is "no data").
    """

    vocabulary: tuple[str, ...]
    matrix: sp.csr_matrix
    present: np.ndarray

    def tokens(self, position: int) -> dict[str, int]:
        """Return ``{token: level}`` for one person."""
        m = self.matrix  # the row's slice of the CSR arrays (getrow builds a matrix)
        start, end = int(m.indptr[position]), int(m.indptr[position + 1])
        return {
            self.vocabulary[c]: int(v)
            for c, v in zip(
                m.indices[start:end].tolist(), m.data[start:end].tolist(), strict=True
            )
        }


@dataclass(frozen=True, eq=False)
class People:
    """Immutable columnar participants (and the rest of the org chart).

    Do not build it by hand: use [`rmatch.read_people()`][rmatch.io.read_people],
    [`rmatch.read_survey()`][rmatch.survey.read_survey] or
    [`rmatch.validate.parse_people()`][rmatch.validate.parse_people] (a DataFrame).

    Attributes
    ----------
    ids : numpy.ndarray
        ``object`` array of unique string ids.
    roles : numpy.ndarray
        ``object`` array with ``"mentor"``, ``"mentee"``, ``"both"`` or ``"none"``.
    mentor_capacity, mentee_capacity : numpy.ndarray
        ``int64``: how many mentees a person takes as mentor, and how many mentors a
        person wants as mentee. ``-1`` means "use the program default".
    seniority : numpy.ndarray
        ``float64``, NaN when unknown.
    manager : numpy.ndarray
        ``int64`` position of the manager, ``-1`` for none.
    sets : dict of str to SetField
        Parsed set-valued fields present in the input.
    availability : numpy.ndarray or None
        ``uint8`` ``(n, 84)``: UTC 15-minute slots of the week packed into bits.
    has_availability : numpy.ndarray
        ``bool`` per person.
    utc_offset_hours : numpy.ndarray
        ``float64`` UTC offset on the reference week, NaN when unknown.
    table : pandas.DataFrame
        The input table (original values as strings), one row per person, in order.
    source : str
        File name or ``"<DataFrame>"`` for messages.
    rows : numpy.ndarray
        Spreadsheet row number of each person in the source (header = row 1).
    files : numpy.ndarray or None
        File of each person when the input came from several files (a survey and
        an HR file); ``None`` when every row is from ``source``. See `file_of`.
    rejected : tuple of dict
        Input rows that were dropped, each with ``row``, ``id`` and ``reason``
        (and ``file``). Survey respondents who signed up as neither mentor nor
        mentee are listed too, with ``code`` ``"not_participating"``: they stay
        in the table with role ``none``.
    issues : tuple of Issue
        Warnings found while reading (errors are raised instead).
    """

    ids: np.ndarray
    roles: np.ndarray
    mentor_capacity: np.ndarray
    mentee_capacity: np.ndarray
    seniority: np.ndarray
    manager: np.ndarray
    sets: Mapping[str, SetField]
    availability: np.ndarray | None
    has_availability: np.ndarray
    utc_offset_hours: np.ndarray
    table: pd.DataFrame
    source: str = "<records>"
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    rejected: tuple[dict[str, Any], ...] = ()
    issues: tuple[Any, ...] = ()
    files: np.ndarray | None = None

    # ------------------------------------------------------------------ basics
    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids.tolist())

    def __repr__(self) -> str:
        counts = {r: int(np.count_nonzero(self.roles == r)) for r in ROLES}
        parts = ", ".join(f"{k}={v}" for k, v in counts.items() if v)
        return f"People(n={len(self)}, {parts}, source={self.source!r})"

    @cached_property
    def _index(self) -> dict[str, int]:
        return dict(zip(self.ids.tolist(), range(len(self)), strict=True))

    def position(self, person_id: str) -> int:
        """Return the position of ``person_id``.

        Raises
        ------
        KeyError
            With a message naming the id, when it is not in the input.
        """
        try:
            return self._index[str(person_id)]
        except KeyError:
            raise KeyError(
                f"no person with id {person_id!r} in {self.source}"
            ) from None

    def positions(self, person_ids: Any) -> np.ndarray:
        """Return positions of many ids (``-1`` for unknown ids)."""
        index = self._index
        # a plain list first: iterating a pandas text column goes cell by cell
        listed = hasattr(person_ids, "tolist") and getattr(person_ids, "ndim", 1) >= 1
        values = person_ids.tolist() if listed else person_ids
        return np.fromiter((index.get(str(p), -1) for p in values), dtype=np.int64)

    @cached_property
    def _lookups(self) -> dict[str, dict[str, list[int]]]:
        """Normalized e-mail / name -> positions (for `resolve`)."""
        out: dict[str, dict[str, list[int]]] = {}
        for column, keys in (("email", email_keys), ("name", name_keys)):
            table: dict[str, list[int]] = {}
            if column in self.table.columns:
                values = self.table[column].to_numpy(dtype=object)
                for position, key in enumerate(keys(values).tolist()):
                    if key:
                        table.setdefault(key, []).append(position)
            out[column] = table
        return out

    def resolve(self, references: Any) -> tuple[np.ndarray, dict[str, str]]:
        """Return the positions of people named by id, e-mail or name.

        A reference is looked up as an id, then as an e-mail (case and spaces do not
        matter), then as a name (case, spaces; diacritics count). Lists such as
        forbidden pairs, history and required pairs use it, so they can name people
        the way HR writes them.

        Parameters
        ----------
        references : iterable of str

        Returns
        -------
        positions : numpy.ndarray
            ``int64`` position of each reference, ``-1`` when it names nobody or
            more than one person.
        problems : dict of str to str
            For each reference that names nobody or several people, why (the ids
            it matches, when ambiguous).

        Examples
        --------
        >>> import rmatch
        >>> people = rmatch.read_people([
        ...     {"id": "E1", "name": "Ana Silva", "email": "a@x.org", "role": "mentor"},
        ...     {"id": "E2", "name": "Bo Chen", "email": "", "role": "mentee"},
        ...     {"id": "E3", "name": "Bo Chen", "email": "", "role": "mentee"},
        ... ])
        >>> positions, problems = people.resolve(["E1", "A@x.org", "bo chen", "Cy"])
        >>> positions.tolist()
        [0, 0, -1, -1]
        >>> problems["bo chen"]
        "the name 'bo chen' matches 2 people (E2, E3): write the id or the e-mail"
        """
        index = self._index
        refs = [str(r) for r in references]
        positions = np.full(len(refs), -1, dtype=np.int64)
        problems: dict[str, str] = {}
        for k, ref in enumerate(refs):
            found = index.get(ref, index.get(ref.strip(), -1))
            if found >= 0:
                positions[k] = found
                continue
            for kind, key in (
                ("e-mail", normalize_email(ref)),
                ("name", normalize_token(ref)),
            ):
                hits = self._lookups["email" if kind == "e-mail" else "name"].get(
                    key, []
                )
                if len(hits) == 1:
                    positions[k] = hits[0]
                    break
                if hits:
                    ids = ", ".join(str(self.ids[h]) for h in hits[:5])
                    more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
                    problems[ref] = (
                        f"the {kind} {ref!r} matches {len(hits)} people ({ids}{more})"
                        ": write the id or the e-mail"
                    )
                    break
            else:
                problems[ref] = (
                    f"no person with id, e-mail or name {ref!r} in {self.source}"
                )
        return positions, problems

    def __contains__(self, person_id: object) -> bool:
        return str(person_id) in self._index

    def __getitem__(self, column: str) -> Any:
        """Return the values of ``column``: parsed for canonical fields.

        Set fields give a list of ``frozenset`` (skills: ``dict`` token -> level),
        numbers give arrays, other columns give the original strings as an array.
        """
        if column in self.sets:
            s = self.sets[column]
            if column.startswith("skills"):
                return [s.tokens(i) for i in range(len(self))]
            return [frozenset(s.tokens(i)) for i in range(len(self))]
        if column == "seniority":
            return self.seniority
        if column == "id":
            return self.ids
        if column == "role":
            return self.roles
        if column in self.table.columns:
            return self.table[column].to_numpy(dtype=object)
        raise KeyError(
            f"no column {column!r} in {self.source}; columns are "
            f"{sorted(self.table.columns)}"
        )

    @property
    def columns(self) -> list[str]:
        """Columns of the input table."""
        return [str(c) for c in self.table.columns]

    # ------------------------------------------------------------------ roles
    @property
    def is_mentor(self) -> np.ndarray:
        """``bool``: role is mentor or both."""
        out: np.ndarray = (self.roles == "mentor") | (self.roles == "both")
        return out

    @property
    def is_mentee(self) -> np.ndarray:
        """``bool``: role is mentee or both."""
        out: np.ndarray = (self.roles == "mentee") | (self.roles == "both")
        return out

    @property
    def is_participant(self) -> np.ndarray:
        """``bool``: role is not ``none``."""
        out: np.ndarray = self.roles != "none"
        return out

    # ------------------------------------------------------------------ schedule
    def slots(self, positions: np.ndarray) -> np.ndarray:
        """Return unpacked UTC availability ``(len(positions), 672)`` as ``float32``."""
        if self.availability is None:
            return np.zeros((len(positions), SLOTS_PER_WEEK), dtype=np.float32)
        bits = np.unpackbits(self.availability[positions], axis=1)
        return bits[:, :SLOTS_PER_WEEK].astype(np.float32)

    # ------------------------------------------------------------------ org chart
    def ancestors(self, levels: int) -> np.ndarray:
        """Return ``(n, levels)`` positions of each person's managers up the chain.

        Column 0 is the direct manager, column 1 the manager's manager, and so on;
        ``-1`` past the top. Computed by repeated indexing (vectorized).
        """
        n = len(self)
        out = np.full((n, max(levels, 0)), -1, dtype=np.int64)
        if levels <= 0 or n == 0:
            return out
        current = self.manager.copy()
        for level in range(levels):
            out[:, level] = current
            valid = current >= 0
            nxt = np.full(n, -1, dtype=np.int64)
            nxt[valid] = self.manager[current[valid]]
            current = nxt
        return out

    def org_chart(self) -> nx.DiGraph:
        """Return the org chart as a networkx ``DiGraph`` (manager -> report), by id."""
        import networkx as nx

        graph = nx.DiGraph()
        graph.add_nodes_from(self.ids.tolist())
        has = np.flatnonzero(self.manager >= 0)
        graph.add_edges_from(
            zip(
                self.ids[self.manager[has]].tolist(),
                self.ids[has].tolist(),
                strict=True,
            )
        )
        return graph

    def reporting_distance(self, a: int, b: int, max_levels: int = 64) -> int | None:
        """Return k if ``b`` is ``a``'s k-th manager (or the reverse), else ``None``."""
        for x, y in ((a, b), (b, a)):
            current = int(self.manager[x])
            for level in range(1, max_levels + 1):
                if current < 0:
                    break
                if current == y:
                    return level
                current = int(self.manager[current])
        return None

    # ------------------------------------------------------------------ display
    @cached_property
    def _names(self) -> np.ndarray | None:
        if "name" not in self.table.columns:
            return None
        out: np.ndarray = self.table["name"].to_numpy(dtype=object)
        return out

    def name_of(self, position: int) -> str:
        """Return the person's name, or their id when no name is given."""
        return self.names_of([position])[0]

    def names_of(self, positions: Any) -> list[str]:
        """`name_of` for many positions at once.

        Parameters
        ----------
        positions : array-like of int
            Positions in this table.

        Returns
        -------
        list of str
            Each person's name (stripped), or their id when the name is blank.
        """
        at = np.asarray(positions, dtype=np.int64)
        ids = self.ids[at].astype(str).tolist()
        if self._names is None:
            return list(ids)
        names = self._names[at].tolist()
        return [
            v.strip() if isinstance(v, str) and v.strip() else pid
            for v, pid in zip(names, ids, strict=True)
        ]

    def file_of(self, position: int) -> str:
        """Return the file the person's row was read from."""
        return self.source if self.files is None else str(self.files[position])

    def row_of(self, position: int) -> int | None:
        """Return the spreadsheet row of the person (``None`` when unknown)."""
        return int(self.rows[position]) if self.rows.size else None

    def value(self, position: int, column: str) -> str:
        """Return the original cell of ``column`` for one person (``""`` if absent)."""
        if column not in self.table.columns:
            return ""
        value = self.table[column].iat[position]
        return (
            ""
            if value is None or (isinstance(value, float) and np.isnan(value))
            else str(value)
        )

    def subset(self, mask: np.ndarray) -> People:
        """Return the people selected by a boolean mask (managers outside become -1)."""
        keep = np.flatnonzero(mask)
        remap = np.full(len(self), -1, dtype=np.int64)
        remap[keep] = np.arange(keep.size)
        manager = self.manager[keep]
        manager = np.where(manager >= 0, remap[np.maximum(manager, 0)], -1)
        sets = {
            name: SetField(s.vocabulary, s.matrix[keep], s.present[keep])
            for name, s in self.sets.items()
        }
        return People(
            ids=self.ids[keep],
            roles=self.roles[keep],
            mentor_capacity=self.mentor_capacity[keep],
            mentee_capacity=self.mentee_capacity[keep],
            seniority=self.seniority[keep],
            manager=manager,
            sets=sets,
            availability=None if self.availability is None else self.availability[keep],
            has_availability=self.has_availability[keep],
            utc_offset_hours=self.utc_offset_hours[keep],
            table=self.table.iloc[keep].reset_index(drop=True),
            source=self.source,
            rows=self.rows[keep] if self.rows.size else self.rows,
            rejected=self.rejected,
            issues=self.issues,
            files=None if self.files is None else self.files[keep],
        )


def build_set_field(
    family_rows: Mapping[str, list[dict[str, int]]],
    present: Mapping[str, np.ndarray],
) -> dict[str, SetField]:
    """Build `SetField` s sharing one vocabulary from parsed rows.

    Parameters
    ----------
    family_rows : mapping of field name to list of ``{token: level}``
        Parsed values of the fields of one family, one dict per person.
    present : mapping of field name to bool array
        Whether each person answered the field.
    """
    vocabulary = sorted(
        {tok for rows in family_rows.values() for r in rows for tok in r}
    )
    column_of = {tok: i for i, tok in enumerate(vocabulary)}
    out: dict[str, SetField] = {}
    for name, rows in family_rows.items():
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(r) for r in rows], out=indptr[1:])
        cols = np.fromiter(
            (column_of[t] for r in rows for t in sorted(r)),
            dtype=np.int64,
            count=int(indptr[-1]),
        )
        vals = np.fromiter(
            (r[t] for r in rows for t in sorted(r)),
            dtype=np.float32,
            count=int(indptr[-1]),
        )
        matrix = sp.csr_matrix(
            (vals, cols, indptr), shape=(len(rows), len(vocabulary)), dtype=np.float32
        )
        out[name] = SetField(
            tuple(vocabulary), matrix, np.asarray(present[name], dtype=bool)
        )
    return out


def build_coded_set_fields(
    family: Mapping[str, tuple[np.ndarray, list[dict[str, int]]]],
) -> dict[str, SetField]:
    """Build `SetField` s of one family from distinct values and row codes.

    Same result as [`build_set_field()`][rmatch.people.build_set_field] on ``[values[c]
    for c in codes]``, but each distinct answer is laid out once and the rows are
    gathered from it, so a million rows with repeated answers stay fast.

    Parameters
    ----------
    family : mapping of field name to ``(codes, values)``
        ``values`` are the parsed distinct answers (``{token: level}``), ``codes``
        give the answer of each person.

    Returns
    -------
    dict of str to SetField
        One field per name, over the family's shared, sorted vocabulary.
    """
    vocabulary = sorted(
        {tok for _, values in family.values() for v in values for tok in v}
    )
    column_of = {tok: i for i, tok in enumerate(vocabulary)}
    out: dict[str, SetField] = {}
    for name, (codes, values) in family.items():
        distinct = build_set_field({name: values}, {name: np.zeros(len(values), bool)})
        local = distinct[name]
        remap = np.array([column_of[t] for t in local.vocabulary], dtype=np.int64)
        m = local.matrix
        unique_matrix = sp.csr_matrix(
            (m.data, remap[m.indices] if m.nnz else m.indices, m.indptr),
            shape=(len(values), len(vocabulary)),
            dtype=np.float32,
        )
        unique_matrix.sort_indices()
        answered = np.array([bool(v) for v in values], dtype=bool)
        codes = np.asarray(codes, dtype=np.int64)
        out[name] = SetField(tuple(vocabulary), unique_matrix[codes], answered[codes])
    return out

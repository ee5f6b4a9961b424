"""Checks across rows: ids, one person on two rows, empty roles, the org chart."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rmatch.parsing import email_keys, name_keys, repeats
from rmatch.validate._collector import Collector


def check_ids(c: Collector) -> None:
    """Report empty and repeated ids (``empty_id``, ``duplicate_id``)."""
    ids = c.ids
    for position in np.flatnonzero(ids == ""):
        c.add(
            int(position),
            "id",
            "the id is empty",
            "give every person a unique id (employee id or e-mail)",
            code="empty_id",
        )
    series = pd.Series(ids)
    dup = series.duplicated(keep=False) & (series != "")
    if dup.any():
        first: dict[str, int] = {}
        for position in np.flatnonzero(dup.to_numpy()):
            pid = str(ids[position])
            if pid in first:
                c.add(
                    int(position),
                    "id",
                    "duplicate id: the same id is on "
                    f"{_where(c, int(position), first[pid])}",
                    "keep one row per person or give each row its own id",
                    value=pid,
                    code="duplicate_id",
                )
            else:
                first[pid] = int(position)


def _where(c: Collector, position: int, other: int) -> str:
    """``row N`` of ``other`` (with its file when it is not ``position``'s)."""
    if c.files is not None and c.files[other] != c.files[position]:
        return f"{c.files[other]} row {c.rows[other]}"
    return f"row {c.rows[other]}"


#: Same-name warnings listed one by one; the rest are counted in one warning (in a
#: large organization many people share a name, and 100,000 warnings help nobody).
MAX_SAME_NAME = 20


def check_people(
    c: Collector, *, names: bool, keys: np.ndarray | None = None
) -> np.ndarray | None:
    """One person on two rows: same e-mail (error), same name (warning).

    Returns the normalized e-mails (``None`` without an e-mail column), so the
    caller stores them without normalizing twice; ``keys``, when given, are those
    normalized e-mails, computed already by the caller of validation.
    """
    if "email" not in c.frame.columns:
        keys = None
    else:
        emails = c.frame["email"].to_numpy(dtype=object)
        keys = email_keys(emails) if keys is None else keys
        firsts, positions = repeats(keys)
        other_id = c.ids[firsts] != c.ids[positions]  # same id twice: duplicate_id
        for first, position in zip(
            firsts[other_id].tolist(), positions[other_id].tolist(), strict=True
        ):
            c.add(
                position,
                "email",
                f"duplicate e-mail: the same address is on {_where(c, position, first)}"
                f" (id {c.ids[first]}); one person under two ids would be matched "
                "twice",
                "keep one row per person (delete one of the two rows) or correct "
                "the e-mail",
                value=emails[position],
                code="duplicate_email",
            )
    if not names or "name" not in c.frame.columns:
        return keys
    values = c.frame["name"].to_numpy(dtype=object)
    firsts, positions = repeats(name_keys(values))
    ids = np.asarray(c.ids, dtype=object)
    keep = (ids[firsts] != ids[positions]) & (ids[positions] != "")
    firsts, positions = firsts[keep], positions[keep]
    more = max(0, int(firsts.size) - MAX_SAME_NAME)
    for first, position in zip(
        firsts[:MAX_SAME_NAME].tolist(), positions[:MAX_SAME_NAME].tolist(), strict=True
    ):
        c.add(
            position,
            "name",
            f"same name as {_where(c, position, first)} ({c.ids[first]}) but a "
            "different id; both rows are kept",
            "if one person signed up twice, delete one row; if they are two "
            "people, ignore this warning",
            value=values[position],
            code="same_name",
            severity="warning",
        )
    if more:
        c.add(
            None,
            "name",
            f"{more} more rows have the same name as an earlier row but a different "
            f"id (only the first {MAX_SAME_NAME} are listed); all rows are kept",
            "check for people who signed up twice under two ids (rmatch validate "
            "lists the first ones); two people may share a name",
            code="same_name",
            severity="warning",
        )
    return keys


def check_blank_roles(c: Collector) -> None:
    """Report empty role cells of a canonical file (``empty_role``)."""
    if "role" not in c.frame.columns:
        return
    values = c.frame["role"].to_numpy(dtype=object)
    for position in np.flatnonzero([not str(v).strip() for v in values]):
        c.add(
            int(position),
            "role",
            "the role is empty, so the person would take no part without a word",
            "write mentor, mentee or both (none for someone who is only in the "
            "org chart)",
            value=values[position],
            code="empty_role",
        )


def managers(c: Collector) -> np.ndarray:
    """Return each row's manager position (``-1`` for none); report bad ones.

    Unknown managers (``unknown_manager``) and cycles (``manager_cycle``) are
    reported; a repeated id stands for the row of its first occurrence.
    """
    n = len(c.frame)
    manager = np.full(n, -1, dtype=np.int64)
    if "manager_id" not in c.frame.columns:
        return manager
    values = c.frame["manager_id"].to_numpy(dtype=object)
    # A repeated id names the row of its first occurrence (the repeat is an
    # error of its own): look managers up among first occurrences, and map the
    # positions found back to rows of the frame.
    index = pd.Index(c.ids)
    first = ~index.duplicated(keep="first")
    first_rows = np.flatnonzero(first)
    has = values != ""
    found = index[first].get_indexer(values[has])
    positions = np.flatnonzero(has)
    for position in positions[found < 0]:
        c.add(
            int(position),
            "manager_id",
            "the manager id is not an id in the file",
            "add a row for the manager (role 'none' if they do not take part) "
            "or leave the cell empty",
            value=values[position],
            code="unknown_manager",
        )
    manager[positions] = np.where(
        found >= 0, first_rows[np.maximum(found, 0)] if first_rows.size else -1, -1
    )
    _check_cycles(c, manager)
    return manager


def _check_cycles(c: Collector, manager: np.ndarray) -> None:
    """Detect manager cycles by pointer doubling, then name them with networkx."""
    n = manager.shape[0]
    if n == 0:
        return
    pointer = manager.copy()
    for _ in range(int(np.ceil(np.log2(n + 1))) + 1):
        valid = pointer >= 0
        nxt = np.full(n, -1, dtype=np.int64)
        nxt[valid] = pointer[pointer[valid]]
        pointer = nxt
    on_cycle_path = np.flatnonzero(pointer >= 0)
    if on_cycle_path.size == 0:
        return
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_edges_from(
        (int(i), int(manager[i])) for i in on_cycle_path if manager[i] >= 0
    )
    reported: set[int] = set()
    for cycle in sorted(nx.simple_cycles(graph), key=min):
        members = sorted(cycle)
        if reported.intersection(members):
            continue
        reported.update(members)
        chain = " -> ".join(str(c.ids[m]) for m in [*cycle, cycle[0]])
        c.add(
            members[0],
            "manager_id",
            f"managers form a cycle: {chain}",
            "fix the manager_id of one person in the cycle so the chain reaches "
            "the top of the organization",
            value=c.frame["manager_id"].iat[members[0]],
            code="manager_cycle",
        )

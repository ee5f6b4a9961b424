"""Parse and validate a canonical table into [`People`][rmatch.people.People].

Every problem is collected first (file, row, column, value, how to fix), then raised
once as a [`ValidationError`][rmatch.errors.ValidationError]. Each distinct cell value
is parsed once (``pandas.factorize``), so a million rows with repeated answers stay
fast.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from rmatch.errors import Issue, ValidationError, short
from rmatch.parsing import (
    DEFAULT_REFERENCE_MONDAY,
    SLOTS_PER_WEEK,
    AvailabilityMasks,
    ParseError,
    SkillsParser,
    offset_slots,
    parse_float,
    parse_int,
    parse_role,
    parse_timezone,
)
from rmatch.people import SET_FAMILIES, People, SetField, build_coded_set_fields

__all__ = ["REQUIRED_COLUMNS", "ValidationReport", "parse_people", "validate_people"]

REQUIRED_COLUMNS = ("id", "role")
_MAX_CAPACITY = 1_000_000

T = TypeVar("T")


@dataclass
class ValidationReport:
    """Every problem found in an input, as structured data.

    Attributes
    ----------
    issues : list of Issue
        Errors and warnings in input order.
    n_rows : int
        Data rows read.
    people : People or None
        The parsed people when there are no errors.
    """

    issues: list[Issue] = field(default_factory=list)
    n_rows: int = 0
    people: People | None = None

    @property
    def errors(self) -> list[Issue]:
        """Issues with severity ``"error"``."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Issues with severity ``"warning"``."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def to_records(self) -> list[dict[str, Any]]:
        """Return the issues as JSON-safe dicts."""
        return [i.to_dict() for i in self.issues]

    def summary(self) -> str:
        """Return a one-paragraph human summary."""
        roles = ""
        if self.people is not None:
            r = self.people.roles
            roles = (
                f"; {int(np.count_nonzero(r == 'mentor'))} mentors, "
                f"{int(np.count_nonzero(r == 'mentee'))} mentees, "
                f"{int(np.count_nonzero(r == 'both'))} both"
            )
        return (
            f"{self.n_rows} rows read{roles}; {len(self.errors)} errors, "
            f"{len(self.warnings)} warnings"
        )

    def raise_if_errors(self) -> None:
        """Raise `ValidationError` listing every issue if there is an error."""
        if self.errors:
            raise ValidationError(self.errors + self.warnings)


class _Collector:
    def __init__(
        self,
        frame: pd.DataFrame,
        source: str,
        rows: np.ndarray,
        files: Sequence[str] | None = None,
    ) -> None:
        self.frame = frame
        self.source = source
        self.rows = rows
        self.files = files
        self.issues: list[Issue] = []
        self.ids = (
            frame["id"].to_numpy(dtype=object)
            if "id" in frame.columns
            else np.array([""] * len(frame), dtype=object)
        )

    def add(
        self,
        position: int | None,
        column: str | None,
        message: str,
        fix: str,
        *,
        value: object = None,
        code: str = "invalid",
        severity: str = "error",
    ) -> None:
        self.issues.append(
            Issue(
                message=message,
                fix=fix,
                file=(
                    self.source
                    if position is None or self.files is None
                    else str(self.files[position])
                ),
                row=None if position is None else int(self.rows[position]),
                column=column,
                value=None if value is None else short(value),
                person_id=(
                    None
                    if position is None or not self.ids[position]
                    else str(self.ids[position])
                ),
                severity="warning" if severity == "warning" else "error",
                code=code,
            )
        )

    def parse_codes(
        self,
        column: str,
        parser: Callable[[str], T],
        default: T,
        mask: np.ndarray | None = None,
    ) -> tuple[np.ndarray, list[T]]:
        """Parse each distinct value of ``column`` once; collect ParseErrors.

        Returns
        -------
        codes : numpy.ndarray
            Per row, the index of its value in ``parsed``.
        parsed : list
            The parsed distinct values (``default`` for empty or bad cells).
        """
        n = len(self.frame)
        if column not in self.frame.columns:
            return np.zeros(n, dtype=np.int64), [default]
        values = self.frame[column].to_numpy(dtype=object)
        if mask is not None:
            values = np.where(mask, values, "")
        codes, uniques = pd.factorize(values)
        codes = np.where(codes < 0, len(uniques), codes).astype(np.int64)
        uniques = np.append(np.asarray(uniques, dtype=object), "")
        parsed: list[T] = []
        failed: dict[int, ParseError] = {}
        for k, text in enumerate(uniques):
            if not str(text).strip():
                parsed.append(default)
                continue
            try:
                parsed.append(parser(str(text)))
            except ParseError as exc:
                parsed.append(default)
                failed[k] = exc
        if failed:
            for position in np.flatnonzero(np.isin(codes, list(failed))):
                problem = failed[int(codes[position])]
                self.add(
                    int(position),
                    column,
                    problem.message,
                    problem.fix,
                    value=uniques[codes[position]],
                    code=f"bad_{column}",
                )
        return codes, parsed


def _check_ids(c: _Collector) -> None:
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
                    f"duplicate id: the same id is on row {c.rows[first[pid]]}",
                    "keep one row per person or give each row its own id",
                    value=pid,
                    code="duplicate_id",
                )
            else:
                first[pid] = int(position)


def _managers(c: _Collector) -> np.ndarray:
    n = len(c.frame)
    manager = np.full(n, -1, dtype=np.int64)
    if "manager_id" not in c.frame.columns:
        return manager
    values = c.frame["manager_id"].to_numpy(dtype=object)
    index = pd.Index(c.ids)
    if index.has_duplicates:
        index = index.drop_duplicates(keep="first")
    has = values != ""
    found = index.get_indexer(values[has])
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
    manager[positions] = np.where(found >= 0, found, -1)
    # A manager's id may point at a later duplicate row; map by first occurrence.
    _check_cycles(c, manager)
    return manager


def _check_cycles(c: _Collector, manager: np.ndarray) -> None:
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


def _roles(c: _Collector) -> np.ndarray:
    if "role" not in c.frame.columns:
        return np.array(["none"] * len(c.frame), dtype=object)

    def parser(text: str) -> str:
        return parse_role(text) if text.strip().lower() != "none" else "none"

    codes, roles = c.parse_codes("role", parser, "none")
    out: np.ndarray = np.asarray(roles, dtype=object)[codes]
    return out


def _capacities(c: _Collector, roles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(c.frame)

    def parse_capacity(column: str, text: str) -> int:
        value = int(parse_int(text, name=column, minimum=0) or 0)
        if value > _MAX_CAPACITY:  # would not fit the int64 arrays
            raise ParseError(
                f"{column} {value} is too large",
                f"write {column} as a whole number up to {_MAX_CAPACITY}",
            )
        return value

    def cap(column: str) -> np.ndarray:
        codes, parsed = c.parse_codes(
            column, lambda text: parse_capacity(column, text), -1
        )
        out: np.ndarray = np.asarray(parsed, dtype=np.int64)[codes].reshape(n)
        return out

    generic = cap("capacity")
    mentor = cap("mentor_capacity")
    mentee = cap("mentee_capacity")
    is_mentor = (roles == "mentor") | (roles == "both")
    is_mentee = roles == "mentee"
    mentor_capacity = np.where(mentor >= 0, mentor, np.where(is_mentor, generic, -1))
    mentee_capacity = np.where(mentee >= 0, mentee, np.where(is_mentee, generic, -1))
    mentor_capacity = np.where(is_mentor, mentor_capacity, 0)
    mentee_capacity = np.where(is_mentee | (roles == "both"), mentee_capacity, 0)
    return mentor_capacity.astype(np.int64), mentee_capacity.astype(np.int64)


def _sets(c: _Collector, participant: np.ndarray) -> dict[str, SetField]:
    families: dict[str, dict[str, tuple[np.ndarray, list[dict[str, int]]]]] = {}
    skills = SkillsParser()
    for column, family in SET_FAMILIES.items():
        if column not in c.frame.columns:
            continue
        empty: dict[str, int] = {}
        codes, parsed = c.parse_codes(column, skills, empty, mask=participant)
        if not column.startswith("skills"):
            parsed = [{k: 1 for k in p} for p in parsed]
        families.setdefault(family, {})[column] = (codes, parsed)
    out: dict[str, SetField] = {}
    for fields in families.values():
        out.update(build_coded_set_fields(fields))
    return out


def _schedule(
    c: _Collector, participant: np.ndarray, reference: _dt.date
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    n = len(c.frame)
    has = np.zeros(n, dtype=bool)
    zone_codes, zones = c.parse_codes(
        "timezone", parse_timezone, None, mask=participant
    )
    noon = _dt.datetime.combine(reference, _dt.time(12))
    zone_offset = np.full(len(zones), np.nan)
    for k, tz in enumerate(zones):
        if tz is not None:
            delta = noon.replace(tzinfo=tz).utcoffset()
            zone_offset[k] = (delta.total_seconds() / 3600) if delta else 0.0
    offsets = zone_offset[zone_codes]
    if "availability" not in c.frame.columns:
        return None, has, offsets
    parser = AvailabilityMasks()
    avail_codes, local = c.parse_codes(
        "availability", parser, parser.empty, mask=participant
    )
    local_masks = np.stack(local) if local else np.zeros((0, SLOTS_PER_WEEK), bool)
    free: np.ndarray = np.asarray(local_masks.any(axis=1))[avail_codes]
    has[:] = free
    if not free.any():
        return np.zeros((n, SLOTS_PER_WEEK // 8), dtype=np.uint8), has, offsets
    rows = np.flatnonzero(free)
    no_zone = np.array([tz is None for tz in zones], dtype=bool)[zone_codes[rows]]
    if no_zone.any() and "timezone" in c.frame.columns:
        c.add(
            int(rows[np.argmax(no_zone)]),
            "timezone",
            "availability is given without a time zone; UTC is assumed",
            "fill in the time zone (e.g. Europe/Berlin or UTC+1)",
            code="missing_timezone",
            severity="warning",
        )
    # one UTC mask per distinct (availability, time zone) pair
    pair = avail_codes[rows] * np.int64(len(zones) + 1) + zone_codes[rows]
    uniq, inverse = np.unique(pair, return_inverse=True)
    u_avail = uniq // (len(zones) + 1)
    u_zone = uniq % (len(zones) + 1)
    utc = np.zeros((uniq.size, SLOTS_PER_WEEK), dtype=bool)
    day_slots = np.arange(SLOTS_PER_WEEK // 7)
    for z in np.unique(u_zone):
        zone = zones[int(z)]
        utc_zone: _dt.tzinfo = zone if zone is not None else _dt.UTC
        sel = np.flatnonzero(u_zone == z)
        src = local_masks[u_avail[sel]]
        out = np.zeros((sel.size, SLOTS_PER_WEEK), dtype=bool)
        for day in range(7):
            date = reference + _dt.timedelta(days=day)
            shift = offset_slots(utc_zone, date)
            target = (day * day_slots.size + day_slots - shift) % SLOTS_PER_WEEK
            out[:, target] |= src[:, day * day_slots.size : (day + 1) * day_slots.size]
        utc[sel] = out
    packed = np.zeros((n, SLOTS_PER_WEEK // 8), dtype=np.uint8)
    packed[rows] = np.packbits(utc, axis=1)[inverse.ravel()]
    return packed, has, offsets


def _seniority(c: _Collector) -> np.ndarray:
    codes, values = c.parse_codes(
        "seniority",
        lambda t: float(parse_float(t, name="seniority") or 0.0),
        float("nan"),
    )
    out: np.ndarray = np.asarray(values, dtype=np.float64)[codes]
    return out.reshape(len(c.frame))


def validate_people(
    frame: pd.DataFrame,
    *,
    source: str = "<DataFrame>",
    reference_monday: _dt.date | None = None,
    rows: Sequence[int] | np.ndarray | None = None,
    rejected: Sequence[dict[str, Any]] = (),
    files: Sequence[str] | None = None,
) -> ValidationReport:
    """Parse a canonical table and report every problem without raising.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical columns as strings (see
        [`rmatch.io.read_table()`][rmatch.io.read_table]).
    source : str
        File name for messages.
    reference_monday : datetime.date, optional
        Week used for time-zone conversion.
    rows : sequence of int, optional
        Spreadsheet row number of each frame row (default: ``2, 3, ...``).
    rejected : sequence of dict
        Rows an earlier step dropped (kept on the result, so nothing is lost).
    files : sequence of str, optional
        File name of each frame row, for input combined from several files
        (default: ``source`` for every row).

    Returns
    -------
    ValidationReport
        ``report.people`` is set when there are no errors.
    """
    frame = frame.reset_index(drop=True)
    n = len(frame)
    row_numbers = (
        np.arange(2, n + 2, dtype=np.int64) if rows is None else np.asarray(rows)
    )
    c = _Collector(frame, source, row_numbers, files)
    report = ValidationReport(n_rows=n)
    missing = [col for col in REQUIRED_COLUMNS if col not in frame.columns]
    for col in missing:
        c.add(
            None,
            col,
            f"required column {col!r} is missing",
            f"add a column named {col!r} or map a survey question onto it "
            f"(columns found: {', '.join(map(str, frame.columns[:12]))})",
            code="missing_column",
        )
    if n == 0:
        c.add(
            None,
            None,
            "the file has no data rows",
            "export the survey again",
            code="no_rows",
        )
    if "id" in frame.columns:
        _check_ids(c)
    roles = _roles(c)
    participant = roles != "none"
    manager = _managers(c)
    mentor_capacity, mentee_capacity = _capacities(c, roles)
    seniority = _seniority(c)
    sets = _sets(c, participant)
    availability, has_availability, offsets = _schedule(
        c, participant, reference_monday or DEFAULT_REFERENCE_MONDAY
    )
    report.issues = sorted(c.issues, key=lambda i: (i.row is not None, i.row or 0))
    if report.errors:
        return report
    report.people = People(
        ids=np.asarray(c.ids, dtype=object),
        roles=roles,
        mentor_capacity=mentor_capacity,
        mentee_capacity=mentee_capacity,
        seniority=seniority,
        manager=manager,
        sets=sets,
        availability=availability,
        has_availability=has_availability,
        utc_offset_hours=offsets,
        table=frame,
        source=source,
        rows=row_numbers,
        rejected=tuple(rejected),
        issues=tuple(report.warnings),
    )
    return report


def parse_people(
    frame: pd.DataFrame,
    *,
    source: str = "<DataFrame>",
    reference_monday: _dt.date | None = None,
    rows: Sequence[int] | np.ndarray | None = None,
    rejected: Sequence[dict[str, Any]] = (),
    files: Sequence[str] | None = None,
) -> People:
    """Parse a canonical table; raise `ValidationError` listing every error.

    See [`validate_people()`][rmatch.validate.validate_people] for the parameters.
    """
    report = validate_people(
        frame,
        source=source,
        reference_monday=reference_monday,
        rows=rows,
        rejected=rejected,
        files=files,
    )
    report.raise_if_errors()
    assert report.people is not None
    return report.people

"""Parse and validate a canonical table into [`People`][rmatch.people.People].

Every problem is collected first (file, row, column, value, how to fix), then raised
once as a [`ValidationError`][rmatch.errors.ValidationError]. The checks across rows
(ids, one person on two rows, empty roles, the org chart) live in ``_rows``; the issue
collector in ``_collector``. Each distinct cell value is parsed once
(``pandas.factorize``), so a million rows with repeated answers stay fast.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rmatch.errors import Issue, ValidationError
from rmatch.parsing import (
    DEFAULT_REFERENCE_MONDAY,
    SLOTS_PER_WEEK,
    AvailabilityMasks,
    ParseError,
    offset_slots,
    parse_float,
    parse_int,
    parse_role,
    parse_timezone,
)
from rmatch.people import People
from rmatch.validate._collector import Collector
from rmatch.validate._rows import (
    check_blank_roles,
    check_ids,
    check_people,
    managers,
)
from rmatch.validate._sets import Prepared, SplitColumn, parse_sets, restricted

__all__ = [
    "REQUIRED_COLUMNS",
    "Prepared",
    "SplitColumn",
    "ValidationReport",
    "parse_people",
    "validate_people",
]

REQUIRED_COLUMNS = ("id", "role")
_MAX_CAPACITY = 1_000_000


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


def _roles(c: Collector) -> np.ndarray:
    if "role" not in c.frame.columns:
        return np.array(["none"] * len(c.frame), dtype=object)

    def parser(text: str) -> str:
        return parse_role(text) if text.strip().lower() != "none" else "none"

    codes, roles = c.parse_codes("role", parser, "none")
    out: np.ndarray = np.asarray(roles, dtype=object)[codes]
    return out


def _capacities(c: Collector, roles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _schedule(
    c: Collector,
    participant: np.ndarray,
    reference: _dt.date,
    prepared: Prepared | None = None,
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
    split = None if prepared is None else prepared.split.get("availability")
    items = None
    if split is None:
        avail_codes, texts = c.distinct("availability", mask=participant)
    else:
        avail_codes, texts, items = restricted(split, participant)
    local_bits, failed = AvailabilityMasks().many(texts, packed=True, items=items)
    c.report("availability", avail_codes, texts, failed)
    free: np.ndarray = np.asarray(local_bits.any(axis=1))[avail_codes]
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
    utc = np.zeros((uniq.size, SLOTS_PER_WEEK // 8), dtype=np.uint8)
    day_slots = np.arange(SLOTS_PER_WEEK // 7)
    for z in np.unique(u_zone):
        zone = zones[int(z)]
        utc_zone: _dt.tzinfo = zone if zone is not None else _dt.UTC
        sel = np.flatnonzero(u_zone == z)
        src_bits = local_bits[u_avail[sel]]
        shifts = {
            offset_slots(utc_zone, reference + _dt.timedelta(days=day))
            for day in range(7)
        }
        if len(shifts) == 1:  # one offset all week: the mask is rotated
            utc[sel] = _rotated(src_bits, shifts.pop())
            continue
        # the offset changes within the week: day by day (days may overlap)
        src = np.unpackbits(src_bits, axis=1, count=SLOTS_PER_WEEK).astype(bool)
        out = np.zeros((sel.size, SLOTS_PER_WEEK), dtype=bool)
        for day in range(7):
            shift = offset_slots(utc_zone, reference + _dt.timedelta(days=day))
            target = (day * day_slots.size + day_slots - shift) % SLOTS_PER_WEEK
            block = slice(day * day_slots.size, (day + 1) * day_slots.size)
            out[:, target] |= src[:, block]
        utc[sel] = np.packbits(out, axis=1)
    packed = np.zeros((n, SLOTS_PER_WEEK // 8), dtype=np.uint8)
    packed[rows] = utc[inverse.ravel()]
    return packed, has, offsets


def _rotated(bits: np.ndarray, shift: int) -> np.ndarray:
    """Packed masks (first slot in the high bit) with slot ``i`` moved to
    ``i - shift`` (modulo the week)."""
    whole, part = divmod(shift % SLOTS_PER_WEEK, 8)
    low = np.roll(bits, -whole, axis=1)
    if part == 0:
        return low
    high = np.roll(bits, -(whole + 1), axis=1)
    out: np.ndarray = (low << part) | (high >> (8 - part))
    return out


def _seniority(c: Collector) -> np.ndarray:
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
    issues: Sequence[Issue] = (),
    canonical: bool = True,
    prepared: Prepared | None = None,
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
    issues : sequence of Issue
        Problems found while reading the file
        ([`rmatch.io.RawTable.issues`][rmatch.io.RawTable.issues]: short rows, broken
        quotes), reported with the rest.
    canonical : bool, default True
        The frame is a file with the canonical columns: an empty role is an error, and
        two rows with one name are pointed out (warning ``same_name``).
        [`rmatch.read_survey()`][rmatch.survey.read_survey] passes False: there an empty
        role means "not participating" and the names are compared earlier. Either way a
        repeated e-mail under two ids is an error (``duplicate_email``), and the stored
        ``email`` is normalized
        ([`rmatch.parsing.normalize_email()`][rmatch.parsing.normalize_email]).
    prepared : Prepared, optional
        Work on ``frame`` the caller has already done (set, skill and
        availability columns split into items, normalized e-mails), used instead
        of doing it again: the result is the same. Entries that do not fit the
        frame are left out ([`Prepared.checked()`][rmatch.validate.Prepared.checked]).
        [`rmatch.read_survey()`][rmatch.survey.read_survey] passes it.

    Returns
    -------
    ValidationReport
        ``report.people`` is set when there are no errors.
    """
    frame = frame.reset_index(drop=True)
    if prepared is not None:  # only what fits the frame (a public hook: checked)
        prepared = prepared.checked(frame)
    n = len(frame)
    row_numbers = (
        np.arange(2, n + 2, dtype=np.int64) if rows is None else np.asarray(rows)
    )
    c = Collector(frame, source, row_numbers, files)
    c.issues.extend(issues)
    report = ValidationReport(n_rows=n)
    missing = [col for col in REQUIRED_COLUMNS if col not in frame.columns]
    several = files is not None and len(set(files)) > 1
    for col in missing:
        c.add(
            None,
            col,
            f"required column {col!r} is missing",
            f"add a column named {col!r} or map a survey question onto it "
            f"(columns found: {', '.join(map(str, frame.columns[:12]))})"
            + (
                "; or give each file's role: file_roles={'mentors.csv': 'mentor'} "
                'or [mapping.files] "mentors.csv" = { role = "mentor" }'
                if several and col == "role"
                else ""
            ),
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
        check_ids(c)
    emails = check_people(
        c, names=canonical, keys=None if prepared is None else prepared.email_keys
    )
    if canonical:
        check_blank_roles(c)
    roles = _roles(c)
    participant = roles != "none"
    manager = managers(c)
    mentor_capacity, mentee_capacity = _capacities(c, roles)
    seniority = _seniority(c)
    sets = parse_sets(c, participant, prepared)
    availability, has_availability, offsets = _schedule(
        c, participant, reference_monday or DEFAULT_REFERENCE_MONDAY, prepared
    )
    report.issues = sorted(c.issues, key=lambda i: (i.row is not None, i.row or 0))
    if report.errors:
        return report
    if emails is not None:
        frame["email"] = emails
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
        files=None if files is None else np.asarray(files, dtype=object),
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
    issues: Sequence[Issue] = (),
    canonical: bool = True,
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
        issues=issues,
        canonical=canonical,
    )
    report.raise_if_errors()
    assert report.people is not None
    return report.people

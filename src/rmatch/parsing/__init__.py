"""Cell parsers: turn one spreadsheet / survey cell into a typed value.

Every function here is pure and accepts the values pandas produces for a cell (``str``,
``float`` NaN, ``None``, ``int``, ``float``, lists for JSON records). Every failure
raises [`ParseError`][rmatch.parsing.ParseError], whose ``message`` says what is wrong
and whose ``fix`` says how to write the value instead; readers turn it into an
[`rmatch.errors.Issue`][rmatch.errors.Issue] with the file, row and column. No other
exception escapes a public function, whatever the input.

Time is measured on a week of ``SLOTS_PER_WEEK`` slots of ``SLOT_MINUTES`` minutes; slot
0 is Monday 00:00-00:15 UTC. Availability is parsed into *local* minute-of-week
intervals and converted to UTC slots by [`to_utc_slots()`][rmatch.parsing.to_utc_slots].

One private module per kind of value: ``_text`` (missing values, tokens, e-mails),
``_sets`` (sets and skills), ``_numbers`` (numbers and rating scales), ``_answers``
(roles and yes / no), ``_timezones``, ``_availability`` (weekly availability text),
``_grid`` (checkbox grids of periods), ``_batch`` (splitting many cells at
once), ``_keys`` (comparison keys of e-mail and name columns), ``_slots`` (UTC
slot masks), ``_dates`` (one time stamp) and ``_timestamps`` (a column of time
stamps); ``_week`` holds the week's constants.
"""

from __future__ import annotations

from rmatch.parsing._answers import parse_role, parse_yes_no
from rmatch.parsing._availability import parse_availability
from rmatch.parsing._batch import equal_rows, join_groups, split_cells
from rmatch.parsing._dates import parse_datetime
from rmatch.parsing._grid import parse_period_grid
from rmatch.parsing._keys import email_keys, name_keys, repeats
from rmatch.parsing._numbers import parse_float, parse_int, parse_likert
from rmatch.parsing._sets import SkillRows, SkillsParser, parse_set, parse_skills
from rmatch.parsing._slots import (
    AvailabilityMasks,
    slots_to_items,
    slots_to_text,
    slots_to_texts,
    to_utc_slots,
)
from rmatch.parsing._text import (
    ParseError,
    is_missing,
    normalize_email,
    normalize_token,
)
from rmatch.parsing._timestamps import (
    DATE_ORDERS,
    Timestamps,
    date_order,
    parse_timestamps,
)
from rmatch.parsing._timezones import offset_slots, parse_timezone
from rmatch.parsing._week import (
    DAYS,
    DEFAULT_REFERENCE_MONDAY,
    SLOT_MINUTES,
    SLOTS_PER_WEEK,
)

__all__ = [
    "DATE_ORDERS",
    "DAYS",
    "DEFAULT_REFERENCE_MONDAY",
    "SLOTS_PER_WEEK",
    "SLOT_MINUTES",
    "AvailabilityMasks",
    "ParseError",
    "SkillRows",
    "SkillsParser",
    "Timestamps",
    "date_order",
    "email_keys",
    "equal_rows",
    "is_missing",
    "join_groups",
    "name_keys",
    "normalize_email",
    "normalize_token",
    "offset_slots",
    "parse_availability",
    "parse_datetime",
    "parse_float",
    "parse_int",
    "parse_likert",
    "parse_period_grid",
    "parse_role",
    "parse_set",
    "parse_skills",
    "parse_timestamps",
    "parse_timezone",
    "parse_yes_no",
    "repeats",
    "slots_to_items",
    "slots_to_text",
    "slots_to_texts",
    "split_cells",
    "to_utc_slots",
]

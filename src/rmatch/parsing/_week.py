"""The week of slots every availability is measured on."""

from __future__ import annotations

import datetime as _dt

SLOT_MINUTES = 15
"""Minutes in one availability slot."""
SLOTS_PER_WEEK = 672  # 7 * 24 * 4; slot 0 = Monday 00:00-00:15 UTC
"""Slots in a week; slot 0 is Monday 00:00-00:15 UTC."""
DEFAULT_REFERENCE_MONDAY = _dt.date(2026, 1, 5)
"""Monday of the week whose UTC offsets convert local availability (DST included)."""
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Day names in week order, Monday first."""
DAY_MINUTES = 24 * 60
"""Minutes in a day."""

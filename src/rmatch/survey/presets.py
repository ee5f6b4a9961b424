"""Presets for common form tools: Google Forms, Microsoft Forms, Qualtrics.

A preset (``preset = "google_forms"`` in a ``[mapping]`` section) sets options such as
the multi-select separators and header rows, and adds optional column lines for the
columns the tool always exports (time stamp, e-mail, name). Lines the user writes win.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PRESETS"]

#: Presets for common form tools: the options and the (optional) columns they add.
PRESETS: dict[str, dict[str, Any]] = {
    "google_forms": {
        "separators": [", "],
        "columns": {"Timestamp": "timestamp", "Email Address": "email"},
    },
    "microsoft_forms": {
        "separators": [";"],
        "columns": {"Completion time": "timestamp", "Email": "email", "Name": "name"},
    },
    "qualtrics": {
        "header_rows": 3,
        "separators": [","],
        "columns": {
            "RecordedDate": "timestamp",
            "RecipientEmail": "email",
            "RecipientFirstName": "first_name",
            "RecipientLastName": "last_name",
        },
    },
}


# ============================================================================ mapping

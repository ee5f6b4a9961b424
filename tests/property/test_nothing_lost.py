"""Nothing lost: every survey row ends matched, unmatched (with a reason) or rejected.

Generated Google Forms-style exports mix duplicate answers (same e-mail in other case
and spacing, equal or unreadable time stamps), invalid answers, an optional HR file
and managers given by name or e-mail. The survey is read with ``errors="reject"`` and
matched; each input row must be accounted for exactly once.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import rmatch
from rmatch.errors import DataQualityWarning
from rmatch.survey import read_survey

# random organizations often have no data to score: Program.match then warns that
# every pair scores 0 (issue 16, point 11), which is not what these tests are about
pytestmark = pytest.mark.filterwarnings("ignore:every candidate pair scores 0")

EMAILS = [f"p{i}@corp.example" for i in range(8)]
ROLES = [
    "Mentor (I want to provide coaching)",
    "Mentee",
    "Both",
    "mentor",
    "Teacher",
    "Neither",
]
SKILLS = ["Python", "GenAI, TikTok", "Python: Expert", "SQL (9)", ""]
STAMPS = ["3/17/2020 8:14:08", "3/18/2020 9:00:00", "2020-03-17 08:14:08", "", "soon"]
CAPACITY = ["", "1", "2", "many"]
NAMES = ["Nguyễn Thị Hồng", "Şükrü Öztürk", "Jürgen Weiß", "", "Ana"]

MAPPING = {
    "preset": "google_forms",
    "Role": "role",
    "Teach": "skills_offered",
    "Learn": "skills_wanted",
    "Cap": "capacity",
    "Name": "name",
    "on_error": "reject",
    "hr": {"boss": "manager_id", "org": "department"},
}


def _spell(email: str, variant: int) -> str:
    return [email, email.upper(), f"  {email} ", email.title()][variant]


@st.composite
def exports(
    draw: st.DrawFn,
) -> tuple[list[dict[str, str]], list[dict[str, str]] | None]:
    n = draw(st.integers(1, 12))
    rows = []
    for _ in range(n):
        rows.append(
            {
                "Timestamp": draw(st.sampled_from(STAMPS)),
                "Email Address": _spell(
                    draw(st.sampled_from(EMAILS)), draw(st.integers(0, 3))
                ),
                "Role": draw(st.sampled_from(ROLES)),
                "Teach": draw(st.sampled_from(SKILLS)),
                "Learn": draw(st.sampled_from(SKILLS)),
                "Cap": draw(st.sampled_from(CAPACITY)),
                "Name": draw(st.sampled_from(NAMES)),
            }
        )
    if not draw(st.booleans()):
        return rows, None
    hr = []
    for email in draw(
        st.lists(
            st.sampled_from([*EMAILS, "boss@corp.example"]),
            unique=True,
            min_size=1,
            max_size=9,
        )
    ):
        boss = draw(
            st.sampled_from(
                ["", "boss@corp.example", "Big Boss", "Nobody", *EMAILS[:3]]
            )
        )
        hr.append(
            {
                "email": email,
                "name": "Big Boss" if email.startswith("boss") else "",
                "boss": "" if boss == email else boss,
                "org": draw(st.sampled_from(["", "IT", "Ops"])),
            }
        )
    return rows, hr


def _read(rows: list[dict[str, str]], hr: Any) -> rmatch.People:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return read_survey(rows, MAPPING, hr=hr)


@given(exports())
def test_every_row_is_matched_unmatched_or_rejected(
    export: tuple[list[dict[str, str]], list[dict[str, str]] | None],
) -> None:
    rows, hr = export
    people = _read(rows, hr)
    input_rows = set(range(2, len(rows) + 2))

    rejected = {r["row"]: r for r in people.rejected if r["file"] == "<records>"}
    assert all(r["reason"] for r in people.rejected)
    survey = [
        (int(r), str(pid), str(role))
        for r, f, pid, role in zip(
            people.rows.tolist(),
            _files(people),
            people.ids.tolist(),
            people.roles.tolist(),
            strict=True,
        )
        if f == "survey"
    ]
    participants = {r: pid for r, pid, role in survey if role != "none"}
    # A rejected person may stay in the org chart (role none), never as a participant.
    assert not set(participants) & set(rejected)
    assert set(participants) | set(rejected) == input_rows

    if not any(people.is_participant):
        return
    program = rmatch.Program(
        criteria=[rmatch.Skills()], rules=[rmatch.NoReportingLine()], mentor_capacity=2
    )
    result = program.match(people)
    placed = set(result.pairs["mentor_id"]) | set(result.pairs["mentee_id"])
    reasons = dict(zip(result.unmatched["id"], result.unmatched["reason"], strict=True))
    for row, pid in participants.items():
        assert pid in placed or reasons.get(pid), (row, pid)
    assert not placed & {
        pid
        for pid, role in zip(people.ids, people.roles, strict=True)
        if role == "none"
    }
    assert sorted(result.rejected["row"].tolist()) == sorted(
        r["row"] for r in people.rejected
    )
    # no person is counted twice: one kept row per e-mail
    emails = [str(r["Email Address"]).strip().casefold() for r in rows]
    assert len(participants) + len(rejected) == len(emails)


def _files(people: rmatch.People) -> list[str]:
    """'survey' for rows of the survey, 'hr' for HR-only rows (role none)."""
    hr_rows = people.table["source_file"].to_numpy(dtype=object) == ""
    return ["hr" if h else "survey" for h in hr_rows.tolist()]

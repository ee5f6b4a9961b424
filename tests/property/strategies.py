"""Hypothesis strategies for small random organizations (canonical records)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

SKILLS = ["python", "genai", "tiktok", "strategy", "negotiation", "sql"]
INTERESTS = ["chess", "running", "cooking", "music", "travel"]
SLOTS = [
    "Mon 09:00-10:00",
    "Mon 10:00-12:00",
    "Tue 14:00-15:30",
    "Wed 08:00-09:00",
    "Thu 17:00-18:00",
    "",
]
ZONES = ["UTC", "Europe/Berlin", "Asia/Ho_Chi_Minh", "America/New_York"]


@st.composite
def organizations(
    draw: st.DrawFn, max_mentors: int = 7, max_mentees: int = 7, max_capacity: int = 2
) -> list[dict[str, Any]]:
    """A random org: a manager tree, mentors, mentees, a few 'both' and 'none'."""
    n_mentors = draw(st.integers(1, max_mentors))
    n_mentees = draw(st.integers(1, max_mentees))
    n_both = draw(st.integers(0, 2))
    n_none = draw(st.integers(0, 2))
    roles = (
        ["mentor"] * n_mentors
        + ["mentee"] * n_mentees
        + ["both"] * n_both
        + ["none"] * n_none
    )
    roles = draw(st.permutations(roles))
    records = []
    for i, role in enumerate(roles):
        manager = draw(st.one_of(st.none(), st.integers(0, max(i - 1, 0))))
        skills_o = draw(
            st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=3)
        )
        skills_w = draw(
            st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 5), max_size=3)
        )
        records.append(
            {
                "id": f"P{i:02d}",
                "role": role,
                "manager_id": "" if manager is None or i == 0 else f"P{manager:02d}",
                "seniority": str(draw(st.integers(1, 6))),
                "capacity": str(
                    draw(st.integers(0 if role == "mentor" else 1, max_capacity))
                ),
                "skills_offered": "; ".join(f"{k}:{v}" for k, v in skills_o.items()),
                "skills_wanted": "; ".join(f"{k}:{v}" for k, v in skills_w.items()),
                "interests": "; ".join(
                    draw(st.lists(st.sampled_from(INTERESTS), max_size=3, unique=True))
                ),
                "availability": draw(st.sampled_from(SLOTS)),
                "timezone": draw(st.sampled_from(ZONES)),
                "department": draw(st.sampled_from(["A", "B", ""])),
            }
        )
    return records

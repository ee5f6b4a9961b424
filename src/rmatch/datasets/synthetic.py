"""Synthetic organizations for demos, tests and benchmarks.

[`synthetic_org()`][rmatch.datasets.synthetic_org] builds a realistic company in the
canonical person format of ``docs/architecture.md``: an org chart with spans of control
of 3–12, departments and locations assigned top-down, seniority that follows the level,
and — for the people who sign up — skills, interests, goals, availability and capacity
shaped by seniority, so that a reverse-mentoring program has juniors offering digital
skills to leaders who want them, and leaders offering career topics back.

Everything is vectorized with numpy; strings are assembled from small precomputed
pools, so a million employees take a few seconds and well under 2 GiB.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from rmatch.datasets._org import (
    assign_departments,
    assign_locations,
    build_tree,
    draw_roles,
    draw_seniority,
    leadership,
)
from rmatch.datasets._people_attrs import (
    draw_availability,
    draw_capacity,
    draw_goals,
    draw_interests,
    draw_languages,
    draw_names,
    draw_skills,
)
from rmatch.datasets.vocabulary import (
    DEPARTMENTS,
    EXECUTIVE_DEPARTMENT,
    LOCATIONS,
    Location,
)
from rmatch.people import CANONICAL_FIELDS

__all__ = ["COLUMNS", "DEMO_KWARGS", "synthetic_org"]

ObjArray = NDArray[np.object_]

#: Canonical columns of the returned frame, in order.
COLUMNS: Final[tuple[str, ...]] = CANONICAL_FIELDS[
    : CANONICAL_FIELDS.index("capacity") + 1
]

#: Arguments of `synthetic_org()` that produce the bundled demo organization
#: (``rmatch/datasets/data/demo_org.csv``, written by ``scripts/make_demo_data.py``).
DEMO_KWARGS: Final[Mapping[str, Any]] = {
    "n_employees": 150,
    "seed": 7,
    "mentor_rate": 0.24,
    "mentee_rate": 0.22,
    "both_rate": 0.04,
    "reverse": True,
    "n_departments": 6,
    "timezones": ("Europe/Berlin", "Asia/Ho_Chi_Minh", "America/New_York"),
    "capacity": (1, 3),
}


# ---------------------------------------------------------------------------
# Public function
# ---------------------------------------------------------------------------


def synthetic_org(
    n_employees: int,
    *,
    seed: int = 0,
    mentor_rate: float = 0.07,
    mentee_rate: float = 0.03,
    both_rate: float = 0.0,
    reverse: bool = True,
    n_departments: int | None = None,
    timezones: Sequence[str] | None = None,
    capacity: int | tuple[int, int] = (1, 3),
) -> pd.DataFrame:
    """Generate a realistic synthetic organization with mentoring sign-ups.

    Every employee is a row (the org chart needs everyone); the people who signed up
    have ``role`` ``mentor``, ``mentee`` or ``both`` and fill in the survey fields,
    the others have ``role`` ``none`` and empty survey fields.

    Parameters
    ----------
    n_employees : int
        Number of employees (rows), at least 1.
    seed : int, default 0
        Seed of the random generator. The same arguments give an identical frame;
        the org chart, departments, locations and names do not depend on the rates.
    mentor_rate, mentee_rate, both_rate : float, default 0.07, 0.03, 0.0
        Share of employees signing up as mentor, mentee or both. Exactly
        ``round(rate * n_employees)`` people get each role.
    reverse : bool, default True
        Reverse mentoring: mentors are drawn mostly from juniors (low seniority),
        mentees mostly from leaders (high seniority). ``False`` gives classic
        mentoring (senior mentors, junior mentees). ``both`` is drawn from the
        middle of the seniority range either way.
    n_departments : int, optional
        Number of functional departments (1–16). By default it grows with the size
        of the organization (5 for 150 employees, 10 for 10,000, 15 for 1,000,000).
        The chief executive sits in an extra ``"Executive"`` department.
    timezones : sequence of str, optional
        Restrict offices to these time zones (IANA names or offsets such as
        ``"UTC+7"``). A zone without a built-in office gets one named after it.
        By default offices span 12 zones from ``America/Mexico_City`` to
        ``Asia/Singapore``.
    capacity : int or (int, int), default (1, 3)
        Capacity of mentors (and ``both``): a fixed number or an inclusive range
        drawn uniformly. Mentees always want 1 mentor.

    Returns
    -------
    pandas.DataFrame
        One row per employee with the string columns `COLUMNS` in the
        canonical cell formats of ``docs/architecture.md``; a missing value is the
        empty string.

    Raises
    ------
    ValueError
        If an argument is out of range or the rates add up to more than everyone.

    Notes
    -----
    *Org chart*: one chief executive (levels grow downwards from 0); each manager
    has 3–12 direct reports (fewer only when the whole company has fewer than 4
    people); depth grows like the logarithm of the size (4 levels for 150 people,
    9 for a million). Departments are set at the executive level and inherited by
    most reports; offices are inherited by most reports too.

    *Seniority* is a grade 1–10: 10 for the chief executive, decreasing with the
    level; individual contributors sit up to 2 grades below managers of their level.

    *Survey fields* (participants only) depend on seniority: juniors offer digital
    skills (``genai``, ``tiktok``, ...) at high levels and want career topics;
    leaders offer career topics (``negotiation``, ``strategy``, ...) and want
    digital skills; about 15% of tokens are department skills or noise. What
    people offer and want (and their goals) also reflects why they signed up: in
    reverse mode a mentee leans towards wanting digital skills and a mentor towards
    wanting career advice, whatever their grade (half role, half seniority).
    Interests and goals come mostly from one latent cluster per person.
    Availability lists 2–4 weekly slots in local time: leaders early morning or
    late afternoon, juniors at lunch or after work.

    Examples
    --------
    >>> from rmatch.datasets import synthetic_org
    >>> df = synthetic_org(1000, seed=1)
    >>> df.shape
    (1000, 16)
    >>> df["role"].value_counts().to_dict()
    {'none': 900, 'mentor': 70, 'mentee': 30}
    >>> df.loc[0, ["id", "manager_id", "seniority"]].tolist()
    ['E000001', '', '10']
    """
    n, counts, cap_lo, cap_hi, n_dept, locations = _check_args(
        n_employees,
        seed,
        (mentor_rate, mentee_rate, both_rate),
        n_departments,
        timezones,
        capacity,
    )
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(12)]
    g_tree, g_dept, g_loc, g_name, g_lang, g_sen, g_role = streams[:7]
    g_skill, g_int, g_goal, g_avail, g_cap = streams[7:]

    # --- org chart -----------------------------------------------------------
    parent, level = build_tree(n, n_dept, g_tree)
    starts = np.searchsorted(level, np.arange(int(level[-1]) + 2))
    dept = assign_departments(parent, level, starts, n_dept, g_dept)
    loc = assign_locations(parent, starts, locations, g_loc)
    seniority = draw_seniority(parent, level, g_sen)

    # --- roles ---------------------------------------------------------------
    role = draw_roles(seniority, counts, reverse, g_role)
    part = np.flatnonzero(role > 0)
    sen_p = seniority[part]
    lead_p = leadership(sen_p)
    # why people signed up shapes what they ask for: in reverse mode mentees come to
    # learn digital skills, mentors to get career advice (classic mode: the reverse)
    senior_role = 2 if reverse else 1
    anchor = np.where(role[part] == senior_role, 1.0, 0.0)
    anchor = np.where(role[part] == 3, lead_p, anchor)
    motive = 0.5 * lead_p + 0.5 * anchor

    # --- string columns ------------------------------------------------------
    width = max(6, len(str(n)))
    ids = np.array([f"E{i:0{width}d}" for i in range(1, n + 1)], dtype=object)
    manager_ids = np.append(ids, "")[parent]
    names, emails = draw_names(loc, locations, g_name)
    dept_pool = np.array(
        [d[0] for d in DEPARTMENTS[:n_dept]] + [EXECUTIVE_DEPARTMENT], dtype=object
    )
    dept_col = dept_pool[np.where(dept < 0, n_dept, dept)]
    loc_col = np.array([x.name for x in locations], dtype=object)[loc]
    tz_col = np.array([x.timezone for x in locations], dtype=object)[loc]
    lang_col = draw_languages(loc, locations, g_lang)
    sen_col = np.array([str(i) for i in range(11)], dtype=object)[seniority]
    role_col = np.array(["none", "mentor", "mentee", "both"], dtype=object)[role]

    empty = np.full(n, "", dtype=object)
    survey: dict[str, ObjArray] = {}
    offered, wanted = draw_skills(sen_p, lead_p, motive, dept[part], n_dept, g_skill)
    survey["skills_offered"] = offered
    survey["skills_wanted"] = wanted
    survey["interests"] = draw_interests(lead_p, g_int)
    survey["goals"] = draw_goals(motive, g_goal)
    survey["availability"] = draw_availability(lead_p, g_avail)
    survey["capacity"] = draw_capacity(role[part], cap_lo, cap_hi, g_cap)
    for key, values in survey.items():
        col = empty.copy()
        col[part] = values
        survey[key] = col

    data: dict[str, ObjArray] = {
        "id": ids,
        "name": names,
        "email": emails,
        "role": role_col,
        "manager_id": manager_ids,
        "department": dept_col,
        "location": loc_col,
        "languages": lang_col,
        "seniority": sen_col,
        **survey,
        "timezone": tz_col,
    }
    return pd.DataFrame({c: data[c] for c in COLUMNS}, dtype="str")


# ---------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------


def _check_args(
    n_employees: int,
    seed: int,
    rates: tuple[float, float, float],
    n_departments: int | None,
    timezones: Sequence[str] | None,
    capacity: int | tuple[int, int],
) -> tuple[int, tuple[int, int, int], int, int, int, tuple[Location, ...]]:
    if isinstance(n_employees, bool) or not isinstance(n_employees, int | np.integer):
        raise ValueError(f"n_employees must be an integer, got {n_employees!r}")
    n = int(n_employees)
    if n < 1:
        raise ValueError(f"n_employees must be at least 1, got {n}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    names = ("mentor_rate", "mentee_rate", "both_rate")
    for name, rate in zip(names, rates, strict=True):
        if not 0.0 <= float(rate) <= 1.0:
            raise ValueError(f"{name} must be in [0, 1], got {rate!r}")
    mentors, mentees, both = (round(float(r) * n) for r in rates)
    if mentors + mentees + both > n:
        raise ValueError(
            f"mentor_rate + mentee_rate + both_rate ask for {mentors + mentees + both}"
            f" participants but there are only {n} employees"
        )
    if n_departments is None:
        n_dept = int(np.clip(round(2.5 * np.log10(max(n, 1))), 3, 15))
    else:
        n_dept = int(n_departments)
        if not 1 <= n_dept <= len(DEPARTMENTS):
            raise ValueError(
                f"n_departments must be in [1, {len(DEPARTMENTS)}], got {n_departments}"
            )
    if isinstance(capacity, int | np.integer) and not isinstance(capacity, bool):
        cap_lo = cap_hi = int(capacity)
    elif isinstance(capacity, tuple) and len(capacity) == 2:
        cap_lo, cap_hi = int(capacity[0]), int(capacity[1])
    else:
        raise ValueError(f"capacity must be an int or (low, high), got {capacity!r}")
    if not 1 <= cap_lo <= cap_hi:
        raise ValueError(f"capacity must satisfy 1 <= low <= high, got {capacity!r}")
    locations = _select_locations(timezones)
    # counts in drawing order: mentor, mentee, both
    return n, (mentors, mentees, both), cap_lo, cap_hi, n_dept, locations


def _select_locations(timezones: Sequence[str] | None) -> tuple[Location, ...]:
    if timezones is None:
        return LOCATIONS
    if isinstance(timezones, str):
        raise ValueError("timezones must be a sequence of strings, not one string")
    wanted = [str(tz).strip() for tz in timezones]
    if not wanted or any(not tz for tz in wanted):
        raise ValueError(f"timezones must be non-empty strings, got {timezones!r}")
    known = {loc.timezone for loc in LOCATIONS}
    result = [loc for loc in LOCATIONS if loc.timezone in set(wanted)]
    for tz in dict.fromkeys(wanted):
        if tz not in known:
            city = tz.rsplit("/", 1)[-1].replace("_", " ")
            result.append(Location(city, tz, "english", ("english",), 1.0, "", 0.05))
    return tuple(result)

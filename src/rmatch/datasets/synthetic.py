"""Synthetic organizations for demos, tests and benchmarks.

:func:`synthetic_org` builds a realistic company in the canonical person format of
``docs/architecture.md``: an org chart with spans of control of 3–12, departments and
locations assigned top-down, seniority that follows the level, and — for the people who
sign up — skills, interests, goals, availability and capacity shaped by seniority, so
that a reverse-mentoring program has juniors offering digital skills to leaders who
want them, and leaders offering career topics back.

Everything is vectorized with numpy; strings are assembled from small precomputed
pools, so a million employees take a few seconds and well under 2 GiB.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from rmatch.people import CANONICAL_FIELDS

__all__ = ["COLUMNS", "DEMO_KWARGS", "synthetic_org"]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
ObjArray = NDArray[np.object_]

#: Canonical columns of the returned frame, in order.
COLUMNS: Final[tuple[str, ...]] = CANONICAL_FIELDS[
    : CANONICAL_FIELDS.index("capacity") + 1
]

#: Arguments of :func:`synthetic_org` that produce the bundled demo organization
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
# Vocabularies
# ---------------------------------------------------------------------------

#: Digital skills, most popular first (juniors offer them, leaders want them).
DIGITAL_SKILLS: Final[tuple[str, ...]] = (
    "genai",
    "python",
    "social media",
    "tiktok",
    "data visualization",
    "prompt engineering",
    "excel automation",
    "no-code",
    "cybersecurity basics",
    "instagram",
    "linkedin branding",
    "content creation",
    "sql",
    "video editing",
    "power bi",
    "cloud basics",
    "machine learning",
    "web analytics",
    "figma",
    "digital marketing",
    "seo",
    "remote collaboration",
    "automation",
    "chatbots",
    "podcasting",
    "e-commerce",
    "mobile apps",
    "tableau",
    "agile tools",
    "blockchain basics",
)

#: Career topics, most popular first (leaders offer them, juniors want them).
CAREER_SKILLS: Final[tuple[str, ...]] = (
    "strategy",
    "leadership",
    "career planning",
    "negotiation",
    "public speaking",
    "stakeholder management",
    "budgeting",
    "executive presence",
    "people management",
    "decision making",
    "change management",
    "networking",
    "conflict resolution",
    "business acumen",
    "storytelling",
    "coaching",
    "influencing",
    "hiring",
    "giving feedback",
    "time management",
    "organizational design",
    "crisis management",
    "board communication",
    "p&l ownership",
)

#: Functional departments, in the order they appear as the organization grows,
#: with their relative size and a few domain skills each.
DEPARTMENTS: Final[tuple[tuple[str, float, tuple[str, ...]], ...]] = (
    ("Engineering", 0.22, ("system design", "devops", "code review")),
    ("Sales", 0.14, ("account management", "pipeline management")),
    ("Marketing", 0.08, ("brand management", "market research")),
    ("Operations", 0.10, ("supply chain", "lean")),
    ("Finance", 0.06, ("financial modeling", "forecasting")),
    ("HR", 0.04, ("talent development", "labor law")),
    ("Product", 0.06, ("product discovery", "roadmapping")),
    ("Data", 0.05, ("statistics", "data engineering")),
    ("Legal", 0.02, ("contract law", "compliance")),
    ("Design", 0.03, ("ux research", "visual design")),
    ("Customer Success", 0.07, ("customer onboarding", "churn analysis")),
    ("IT", 0.05, ("it service management", "network administration")),
    ("Procurement", 0.02, ("vendor management", "sourcing")),
    ("Communications", 0.02, ("press relations", "internal communications")),
    ("Research", 0.03, ("experimental design", "patent writing")),
    ("Strategy", 0.01, ("market analysis", "scenario planning")),
)

#: Department of the chief executive (not counted in ``n_departments``).
EXECUTIVE_DEPARTMENT: Final[str] = "Executive"

#: Interests: 8 clusters of 5 tokens.
INTEREST_CLUSTERS: Final[tuple[tuple[str, ...], ...]] = (
    ("hiking", "running", "cycling", "climbing", "camping"),
    ("photography", "painting", "music", "theatre", "creative writing"),
    ("gaming", "robotics", "3d printing", "open source", "gadgets"),
    ("cooking", "baking", "coffee", "wine", "street food"),
    ("football", "yoga", "swimming", "tennis", "badminton"),
    ("travel", "foreign languages", "history", "reading", "podcasts"),
    ("volunteering", "sustainability", "diversity", "community building", "parenting"),
    ("chess", "meditation", "board games", "puzzles", "investing"),
)
_INTEREST_P_JUNIOR: Final = (0.12, 0.14, 0.22, 0.10, 0.14, 0.12, 0.10, 0.06)
_INTEREST_P_LEADER: Final = (0.16, 0.10, 0.04, 0.14, 0.10, 0.18, 0.12, 0.16)

#: Goals: 5 clusters of 3 tokens.
GOAL_CLUSTERS: Final[tuple[tuple[str, ...], ...]] = (
    ("understand genai", "use social media professionally", "data-driven decisions"),
    ("understand the next generation", "lead hybrid teams", "foster innovation"),
    ("get promoted", "plan my career", "build leadership skills"),
    ("grow my network", "visibility with leadership", "cross-department exposure"),
    ("work-life balance", "confidence", "learn something new"),
)
_GOAL_P_JUNIOR: Final = (0.05, 0.08, 0.42, 0.30, 0.15)
_GOAL_P_LEADER: Final = (0.45, 0.30, 0.03, 0.07, 0.15)

_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri")


def _hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _slots(*spans: str) -> tuple[tuple[int, int], ...]:
    return tuple((_hm(s.split("-")[0]), _hm(s.split("-")[1])) for s in spans)


# Weekly slot templates in local time: leaders early morning / late afternoon,
# juniors lunch / after work, everyone sometimes office hours.
_LEADER_SLOTS: Final = _slots(
    "07:00-08:00",
    "07:30-08:30",
    "07:00-08:30",
    "08:00-09:00",
    "17:00-18:00",
    "17:30-18:30",
    "16:30-18:00",
    "18:00-19:00",
)
_JUNIOR_SLOTS: Final = _slots(
    "12:00-13:00",
    "12:30-13:30",
    "12:00-13:30",
    "13:00-14:00",
    "17:00-18:00",
    "17:30-18:30",
    "18:00-19:00",
    "18:00-19:30",
)
_OFFICE_SLOTS: Final = _slots(
    "09:00-10:00", "10:00-11:00", "10:30-12:00", "14:00-15:00", "15:00-16:30"
)

# Span of control 3..12, mode around 6-7 (mean ~7).
_SPAN_VALUES: Final = np.arange(3, 13, dtype=np.int64)
_SPAN_P: Final = np.array([6, 10, 13, 14, 14, 12, 10, 8, 7, 6], dtype=np.float64) / 100


@dataclass(frozen=True)
class _Culture:
    given: tuple[str, ...]
    family: tuple[str, ...]
    family_first: bool = False
    email_given_last_word: bool = False  # Vietnamese: "Thị Hồng" -> "hong"
    weight: float = 1.0


_CULTURES: Final[dict[str, _Culture]] = {
    "english": _Culture(
        given=(
            "James", "Olivia", "Emily", "Michael", "Sarah", "David", "Jessica",
            "Daniel", "Aisha", "Ethan", "Grace", "Noah", "Chloe", "Liam", "Zoë",
            "Marcus",
        ),
        family=(
            "Smith", "Johnson", "Williams", "Brown", "Jones", "Taylor", "Davies",
            "Wilson", "Evans", "Thomas", "Roberts", "O'Connor", "Walker", "Wright",
            "Clarke", "Murphy",
        ),
        weight=3.0,
    ),
    "german": _Culture(
        given=(
            "Lena", "Jonas", "Sophie", "Lukas", "Anna", "Maximilian", "Marie", "Felix",
            "Jürgen", "Jörg", "Hannah", "Paul", "Ute", "Björn", "Lea", "Käthe",
        ),
        family=(
            "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
            "Becker", "Schäfer", "Koch", "Bauer", "Richter", "Groß", "Wolf",
            "Köhler", "Hoffmann",
        ),
        weight=2.0,
    ),
    "vietnamese": _Culture(
        given=(
            "Thị Hồng", "Văn Minh", "Minh Anh", "Thị Lan", "Quốc Bảo", "Ngọc Trâm",
            "Đức Thắng", "Thu Hà", "Hoàng Long", "Thanh Hương", "Gia Huy",
            "Bảo Ngọc", "Tuấn Kiệt", "Phương Linh", "Quang Vinh", "Mai Anh",
        ),
        family=(
            "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
            "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
        ),
        family_first=True,
        email_given_last_word=True,
        weight=1.5,
    ),
    "turkish": _Culture(
        given=(
            "Ayşe", "Mehmet", "Elif", "Mustafa", "Zeynep", "Emre", "Büşra", "Çağlar",
            "Gökhan", "Şule", "İbrahim", "Özge", "Barış", "Ece", "Oğuz", "Yağmur",
        ),
        family=(
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın",
            "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Koç", "Kurt",
        ),
        weight=1.0,
    ),
    "portuguese": _Culture(
        given=(
            "João", "Ana", "Gonçalo", "Maria", "Beatriz", "Tiago", "Inês",
            "Conceição", "Sebastião", "Lúcia", "Thiago", "Camila", "Letícia",
            "Rafael", "Fernanda", "Luís",
        ),
        family=(
            "Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues",
            "Almeida", "Nascimento", "Lima", "Araújo", "Fernandes", "Gonçalves",
            "Magalhães", "Brandão",
        ),
        weight=1.5,
    ),
    "indian": _Culture(
        given=(
            "Aarav", "Priya", "Ananya", "Rohan", "Vikram", "Diya", "Arjun", "Kavya",
            "Rahul", "Sneha", "Aditya", "Meera", "Ishaan", "Pooja", "Siddharth",
            "Lakshmi",
        ),
        family=(
            "Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Singh", "Kumar",
            "Rao", "Menon", "Das", "Joshi", "Mehta", "Chatterjee", "Krishnan",
        ),
        weight=2.0,
    ),
    "chinese": _Culture(
        given=(
            "Wei Ling", "Jun Jie", "Hui Min", "Zhi Hao", "Xin Yi", "Kai Wen",
            "Mei Ling", "Jia Hui", "Yong Sheng", "Shu Fen",
        ),
        family=(
            "Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Chan", "Koh",
            "Teo",
        ),
        family_first=True,
        weight=1.0,
    ),
    "french": _Culture(
        given=(
            "Élodie", "Théo", "Chloé", "Léa", "Hélène", "François", "Mathéo",
            "Camille", "Noémie", "Gaël", "Amélie", "Étienne", "Manon", "Hugo",
            "Jérôme", "Anaïs",
        ),
        family=(
            "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
            "Durand", "Leroy", "Moreau", "Lefèvre", "Girard", "Bonnet", "Rousseau",
            "Lambert",
        ),
        weight=1.0,
    ),
    "spanish": _Culture(
        given=(
            "Sofía", "Mateo", "Valentina", "Santiago", "Camila", "Diego", "Lucía",
            "José", "Ximena", "Andrés", "María José", "Nicolás", "Ángel", "Renata",
            "Iñaki", "Paula",
        ),
        family=(
            "García", "Hernández", "López", "Martínez", "González", "Pérez",
            "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz",
            "Cruz", "Núñez",
        ),
        weight=1.5,
    ),
}  # fmt: skip


@dataclass(frozen=True)
class _Location:
    name: str
    timezone: str
    culture: str
    languages: tuple[str, ...]  # always spoken
    p_english: float  # probability of english when not already listed
    extra: str  # second foreign language some people speak
    weight: float


# office|time zone|name culture|languages|P(english)|extra language|weight
_LOCATION_TABLE: Final = """
Berlin          |Europe/Berlin      |german    |german           |0.90|french    |0.16
New York        |America/New_York   |english   |english          |1.00|spanish   |0.12
Ho Chi Minh City|Asia/Ho_Chi_Minh   |vietnamese|vietnamese       |0.80|japanese  |0.10
London          |Europe/London      |english   |english          |1.00|french    |0.09
Bengaluru       |Asia/Kolkata       |indian    |english; hindi   |1.00|kannada   |0.10
São Paulo       |America/Sao_Paulo  |portuguese|portuguese       |0.70|spanish   |0.08
Singapore       |Asia/Singapore     |chinese   |english; mandarin|1.00|malay     |0.07
Munich          |Europe/Berlin      |german    |german           |0.90|italian   |0.05
Istanbul        |Europe/Istanbul    |turkish   |turkish          |0.75|german    |0.06
Hanoi           |Asia/Ho_Chi_Minh   |vietnamese|vietnamese       |0.75|french    |0.05
Lisbon          |Europe/Lisbon      |portuguese|portuguese       |0.85|spanish   |0.04
Paris           |Europe/Paris       |french    |french           |0.80|german    |0.04
Mexico City     |America/Mexico_City|spanish   |spanish          |0.70|portuguese|0.03
Toronto         |America/Toronto    |english   |english; french  |1.00|mandarin  |0.03
"""


def _parse_locations(table: str) -> tuple[_Location, ...]:
    rows = []
    for line in table.strip().splitlines():
        name, tz, culture, langs, p_en, extra, weight = (
            c.strip() for c in line.split("|")
        )
        languages = tuple(x.strip() for x in langs.split(";"))
        rows.append(
            _Location(name, tz, culture, languages, float(p_en), extra, float(weight))
        )
    return tuple(rows)


#: Office locations (the first allowed one is headquarters).
LOCATIONS: Final[tuple[_Location, ...]] = _parse_locations(_LOCATION_TABLE)


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
        One row per employee with the string columns :data:`COLUMNS` in the
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
    parent, level = _build_tree(n, n_dept, g_tree)
    starts = np.searchsorted(level, np.arange(int(level[-1]) + 2))
    dept = _assign_departments(parent, level, starts, n_dept, g_dept)
    loc = _assign_locations(parent, starts, locations, g_loc)
    seniority = _seniority(parent, level, g_sen)

    # --- roles ---------------------------------------------------------------
    role = _draw_roles(seniority, counts, reverse, g_role)
    part = np.flatnonzero(role > 0)
    sen_p = seniority[part]
    lead_p = _leadership(sen_p)
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
    names, emails = _names(loc, locations, g_name)
    dept_pool = np.array(
        [d[0] for d in DEPARTMENTS[:n_dept]] + [EXECUTIVE_DEPARTMENT], dtype=object
    )
    dept_col = dept_pool[np.where(dept < 0, n_dept, dept)]
    loc_col = np.array([x.name for x in locations], dtype=object)[loc]
    tz_col = np.array([x.timezone for x in locations], dtype=object)[loc]
    lang_col = _languages(loc, locations, g_lang)
    sen_col = np.array([str(i) for i in range(11)], dtype=object)[seniority]
    role_col = np.array(["none", "mentor", "mentee", "both"], dtype=object)[role]

    empty = np.full(n, "", dtype=object)
    survey: dict[str, ObjArray] = {}
    offered, wanted = _skills(sen_p, lead_p, motive, dept[part], n_dept, g_skill)
    survey["skills_offered"] = offered
    survey["skills_wanted"] = wanted
    survey["interests"] = _clustered(
        lead_p,
        INTEREST_CLUSTERS,
        (_INTEREST_P_JUNIOR, _INTEREST_P_LEADER),
        counts=(0.15, 0.35, 0.3, 0.2),
        p_in_cluster=0.8,
        rng=g_int,
    )
    survey["goals"] = _clustered(
        motive,
        GOAL_CLUSTERS,
        (_GOAL_P_JUNIOR, _GOAL_P_LEADER),
        counts=(0.35, 0.45, 0.2),
        p_in_cluster=0.8,
        rng=g_goal,
    )
    survey["availability"] = _availability(lead_p, g_avail)
    survey["capacity"] = _capacity(role[part], cap_lo, cap_hi, g_cap)
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
) -> tuple[int, tuple[int, int, int], int, int, int, tuple[_Location, ...]]:
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


def _select_locations(timezones: Sequence[str] | None) -> tuple[_Location, ...]:
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
            result.append(_Location(city, tz, "english", ("english",), 1.0, "", 0.05))
    return tuple(result)


# ---------------------------------------------------------------------------
# Org chart
# ---------------------------------------------------------------------------


def _build_tree(
    n: int, n_dept: int, rng: np.random.Generator
) -> tuple[IntArray, IntArray]:
    """Return ``parent`` (-1 for the root) and ``level`` arrays, ids in BFS order."""
    parent = np.full(n, -1, dtype=np.int64)
    level = np.zeros(n, dtype=np.int64)
    frontier = np.zeros(1, dtype=np.int64)
    next_id, lvl = 1, 0
    while next_id < n:
        remaining = n - next_id
        size = frontier.size
        if lvl == 0:
            flags = np.ones(1, dtype=np.bool_)
            ceo = min(12, max(3, n_dept + int(rng.integers(0, 3))))
            spans = np.array([ceo], dtype=np.int64)
        else:
            p_manager = 1.0 if lvl == 1 else (0.85 if lvl == 2 else 0.7)
            flags = rng.random(size) < p_manager
            if not flags.any():
                flags[int(rng.integers(0, size))] = True
            spans = rng.choice(_SPAN_VALUES, size=size, p=_SPAN_P)
        # managers first, in random order, then the others (possible extra managers)
        order = rng.permutation(size)
        order = order[np.argsort(~flags[order], kind="stable")]
        spans = spans[order]
        n_flagged = int(flags.sum())
        total = int(spans[:n_flagged].sum())
        if remaining < 3:  # tiny company: the chief executive takes everyone
            chosen, spans = frontier[:1], np.array([remaining], dtype=np.int64)
        elif total >= remaining - 2 and 12 * size >= remaining:
            # last level: distribute exactly ``remaining`` people
            cum = np.cumsum(spans)
            m = int(np.searchsorted(cum, remaining)) + 1
            m = min(max(m, -(-remaining // 12)), size, remaining // 3)
            spans = _fit_spans(spans[:m], remaining, rng)
            chosen = frontier[order[:m]]
        else:
            chosen = frontier[order[:n_flagged]]
            spans = spans[:n_flagged]
            # leave at least 3 people for the next level
            spans = _fit_spans(spans, min(total, remaining - 3), rng)
        sort = np.argsort(chosen, kind="stable")
        chosen, spans = chosen[sort], spans[sort]
        count = int(spans.sum())
        parent[next_id : next_id + count] = np.repeat(chosen, spans)
        level[next_id : next_id + count] = lvl + 1
        frontier = np.arange(next_id, next_id + count, dtype=np.int64)
        next_id += count
        lvl += 1
    return parent, level


def _fit_spans(spans: IntArray, target: int, rng: np.random.Generator) -> IntArray:
    """Clip spans to 3..12 and move them by ±1 until they sum to ``target``."""
    spans = np.clip(spans, 3, 12).astype(np.int64)
    diff = target - int(spans.sum())
    while diff != 0:
        room = 12 - spans if diff > 0 else spans - 3
        idx = np.flatnonzero(room > 0)
        if idx.size == 0:  # cannot reach the target within 3..12
            break
        idx = rng.permutation(idx)[: abs(diff)]
        spans[idx] += 1 if diff > 0 else -1
        diff -= idx.size if diff > 0 else -idx.size
    return spans


def _assign_departments(
    parent: IntArray,
    level: IntArray,
    starts: IntArray,
    n_dept: int,
    rng: np.random.Generator,
) -> IntArray:
    """Department index per person (-1 for the chief executive)."""
    n = parent.size
    dept = np.full(n, -1, dtype=np.int64)
    weights = np.array([d[1] for d in DEPARTMENTS[:n_dept]], dtype=np.float64)
    weights /= weights.sum()
    n_levels = starts.size - 1
    for lvl in range(1, n_levels):
        lo, hi = int(starts[lvl]), int(starts[lvl + 1])
        if lvl == 1:
            # executives: one per department, the biggest department to the biggest
            # organization; extra executives share a random department
            k = hi - lo
            own = np.argsort(-weights, kind="stable")[: min(k, n_dept)]
            extra = rng.choice(n_dept, size=max(0, k - n_dept), p=weights)
            by_size = np.argsort(-_subtree_sizes(parent, starts)[lo:hi], kind="stable")
            dept[lo + by_size] = np.concatenate([own, rng.permutation(extra)])
            continue
        inherit = rng.random(hi - lo) < 0.93
        random_dept = rng.choice(n_dept, size=hi - lo, p=weights)
        dept[lo:hi] = np.where(inherit, dept[parent[lo:hi]], random_dept)
        if lvl == 2:  # departments without an executive report to one
            missing = np.setdiff1d(np.arange(n_dept), dept[lo:hi])
            if missing.size:
                is_manager = np.zeros(hi - lo, dtype=np.bool_)
                if lvl + 1 < n_levels:
                    is_manager[
                        np.unique(parent[starts[lvl + 1] : starts[lvl + 2]]) - lo
                    ] = True
                pool = np.flatnonzero(is_manager)
                if pool.size < missing.size:
                    pool = np.arange(hi - lo)
                picks = rng.permutation(pool)[: missing.size]
                dept[lo + picks] = missing[: picks.size]
    return dept


def _subtree_sizes(parent: IntArray, starts: IntArray) -> IntArray:
    """Number of people in each person's subtree (themselves included)."""
    size = np.ones(parent.size, dtype=np.int64)
    for lvl in range(starts.size - 2, 0, -1):
        lo, hi = int(starts[lvl]), int(starts[lvl + 1])
        up = int(starts[lvl - 1])
        size[up:lo] += np.bincount(
            parent[lo:hi] - up, weights=size[lo:hi], minlength=lo - up
        ).astype(np.int64)
    return size


def _assign_locations(
    parent: IntArray,
    starts: IntArray,
    locations: tuple[_Location, ...],
    rng: np.random.Generator,
) -> IntArray:
    """Office index per person: headquarters at the top, teams mostly co-located."""
    loc = np.zeros(parent.size, dtype=np.int64)
    weights = np.array([x.weight for x in locations], dtype=np.float64)
    weights /= weights.sum()
    for lvl in range(1, starts.size - 1):
        lo, hi = int(starts[lvl]), int(starts[lvl + 1])
        p_stay = 0.6 if lvl == 1 else 0.8
        stay = rng.random(hi - lo) < p_stay
        other = rng.choice(len(locations), size=hi - lo, p=weights)
        loc[lo:hi] = np.where(stay, loc[parent[lo:hi]], other)
    return loc


def _seniority(parent: IntArray, level: IntArray, rng: np.random.Generator) -> IntArray:
    """Grade 1–10 following the level; individual contributors up to 2 below."""
    n = parent.size
    depth = max(int(level[-1]), 1)
    base = np.rint(10.0 - 7.0 * level / depth).astype(np.int64)
    is_manager = np.zeros(n, dtype=np.bool_)
    is_manager[parent[parent >= 0]] = True
    drop = rng.integers(0, 3, size=n)
    grade = np.where(is_manager, base, base - drop)
    grade[0] = 10
    return np.clip(grade, 1, 10)


def _leadership(seniority: IntArray) -> FloatArray:
    """Smooth 0..1 'leader-ness' of a grade (0.01 at 1, 0.35 at 4, 0.65 at 5).

    Grades 4–5 are where the first line of managers sits in most organizations.
    """
    return 1.0 / (1.0 + np.exp(-1.3 * (seniority.astype(np.float64) - 4.5)))


# ---------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------


def _draw_roles(
    seniority: IntArray,
    counts: tuple[int, int, int],
    reverse: bool,
    rng: np.random.Generator,
) -> IntArray:
    """Role code per person: 0 none, 1 mentor, 2 mentee, 3 both."""
    n = seniority.size
    role = np.zeros(n, dtype=np.int8)
    s = seniority.astype(np.float64)
    senior_w = np.exp(1.2 * (s - 5.5))
    junior_w = np.exp(-1.2 * (s - 5.5))
    middle_w = np.exp(-0.5 * np.abs(s - 5.5))
    n_mentor, n_mentee, n_both = counts
    if reverse:  # leaders are mentees, juniors mentors
        plan = ((2, n_mentee, senior_w), (1, n_mentor, junior_w), (3, n_both, middle_w))
    else:
        plan = ((1, n_mentor, senior_w), (2, n_mentee, junior_w), (3, n_both, middle_w))
    for code, k, weights in plan:
        # weighted sampling without replacement (exponential keys, k smallest)
        keys = rng.exponential(size=n) / weights
        keys[role > 0] = np.inf
        if k > 0:
            role[np.argpartition(keys, k - 1)[:k]] = code
    return role.astype(np.int64)


# ---------------------------------------------------------------------------
# String columns
# ---------------------------------------------------------------------------


def _fold(text: str) -> str:
    """ASCII-fold a name part for an e-mail address (``Đặng`` -> ``dang``)."""
    special = {"đ": "d", "ß": "ss", "ı": "i", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe"}
    text = "".join(special.get(ch, ch) for ch in text.lower())
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


def _name_pools() -> tuple[list[str], list[str], IntArray, IntArray]:
    """All full names and e-mail prefixes, with per-culture offsets and sizes."""
    names: list[str] = []
    prefixes: list[str] = []
    offsets, sizes = [], []
    for culture in _CULTURES.values():
        offsets.append(len(names))
        for given in culture.given:
            first = given.split()[-1] if culture.email_given_last_word else given
            for family in culture.family:
                full = (
                    f"{family} {given}" if culture.family_first else f"{given} {family}"
                )
                names.append(full)
                prefixes.append(f"{_fold(first)}.{_fold(family)}")
        sizes.append(len(names) - offsets[-1])
    return names, prefixes, np.array(offsets, np.int64), np.array(sizes, np.int64)


def _names(
    loc: IntArray, locations: tuple[_Location, ...], rng: np.random.Generator
) -> tuple[ObjArray, ObjArray]:
    """Full names (mostly the office's culture) and unique ASCII e-mail addresses."""
    n = loc.size
    names, prefixes, offsets, sizes = _name_pools()
    cultures = list(_CULTURES)
    loc_culture = np.array([cultures.index(x.culture) for x in locations], np.int64)
    weights = np.array([c.weight for c in _CULTURES.values()], dtype=np.float64)
    local = rng.random(n) < 0.8
    culture = np.where(
        local,
        loc_culture[loc],
        rng.choice(len(cultures), size=n, p=weights / weights.sum()),
    )
    idx = offsets[culture] + (rng.random(n) * sizes[culture]).astype(np.int64)
    name_col = np.array(names, dtype=object)[idx]
    prefix = np.array(prefixes, dtype=object)[idx].tolist()
    emails = np.array(
        [f"{p}{i}@example.com" for p, i in zip(prefix, range(1, n + 1), strict=True)],
        dtype=object,
    )
    return name_col, emails


def _languages(
    loc: IntArray, locations: tuple[_Location, ...], rng: np.random.Generator
) -> ObjArray:
    """Office languages, English for most, a second foreign language for some."""
    pool: list[str] = []
    p_en = np.empty(len(locations))
    for i, x in enumerate(locations):
        base = list(x.languages)
        eng = base if "english" in base else [*base, "english"]
        extra = [x.extra] if x.extra and x.extra not in eng else []
        pool += ["; ".join(base), "; ".join(eng), "; ".join(base + extra)]
        pool.append("; ".join(eng + extra))
        p_en[i] = 1.0 if "english" in base else x.p_english
    n = loc.size
    speaks_en = rng.random(n) < p_en[loc]
    speaks_extra = rng.random(n) < 0.12
    code = 4 * loc + speaks_en.astype(np.int64) + 2 * speaks_extra.astype(np.int64)
    result: ObjArray = np.array(pool, dtype=object)[code]
    return result


def _dedupe_rows(tokens: IntArray, keep: BoolArray) -> BoolArray:
    """Drop repeated tokens within a row (keep the first occurrence)."""
    keep = keep.copy()
    for j in range(1, tokens.shape[1]):
        dup = (tokens[:, :j] == tokens[:, j : j + 1]) & keep[:, :j]
        keep[:, j] &= ~dup.any(axis=1)
    return keep


def _join_rows(codes: IntArray, keep: BoolArray, pool: Sequence[str]) -> ObjArray:
    """Join ``pool[code]`` over the kept cells of each row with ``"; "``.

    Works column-wise on groups of rows with the same count, so the Python work is
    a ``zip`` over object arrays instead of a loop over cells.
    """
    m = codes.shape[0]
    order = np.argsort(~keep, axis=1, kind="stable")  # kept cells first, in order
    codes = np.take_along_axis(codes, order, axis=1)
    count = keep.sum(axis=1)
    pool_arr = np.array(list(pool), dtype=object)
    out = np.full(m, "", dtype=object)
    for k in range(1, codes.shape[1] + 1):
        rows = np.flatnonzero(count == k)
        if rows.size == 0:
            continue
        parts = [pool_arr[codes[rows, j]] for j in range(k)]
        if k == 1:
            out[rows] = parts[0]
        else:
            out[rows] = list(map("; ".join, zip(*parts, strict=True)))
    return out


def _pick_counts(
    rng: np.random.Generator, m: int, probs: Sequence[float], width: int
) -> BoolArray:
    """Boolean (m, width) mask with a random count per row (probs for 1, 2, ...)."""
    p = np.zeros(width)
    p[: len(probs)] = probs
    k = rng.choice(np.arange(1, width + 1), size=m, p=p / p.sum())
    return np.arange(width)[None, :] < k[:, None]


def _skill_codes(
    rng: np.random.Generator,
    p_digital: FloatArray,
    p_career: FloatArray,
    dept: IntArray,
    n_dept: int,
    width: int,
) -> tuple[IntArray, IntArray]:
    """Token ids and pool (0 digital, 1 career, 2 domain) for ``width`` slots/row."""
    m = p_digital.size
    nd, nc = len(DIGITAL_SKILLS), len(CAREER_SKILLS)
    zipf_d = 1.0 / np.arange(1, nd + 1) ** 0.6
    zipf_c = 1.0 / np.arange(1, nc + 1) ** 0.6
    dom_len = np.array([len(d[2]) for d in DEPARTMENTS], dtype=np.int64)
    dom_start = nd + nc + np.concatenate([[0], np.cumsum(dom_len)[:-1]])
    # the chief executive (-1) draws domain skills of a random department
    dept = np.where(dept < 0, rng.integers(0, n_dept, size=m), dept)
    u = rng.random((m, width))
    kind = np.where(
        u < p_digital[:, None], 0, np.where(u < (p_digital + p_career)[:, None], 1, 2)
    )
    digital = rng.choice(nd, size=(m, width), p=zipf_d / zipf_d.sum())
    career = nd + rng.choice(nc, size=(m, width), p=zipf_c / zipf_c.sum())
    domain = dom_start[dept][:, None] + (
        rng.random((m, width)) * dom_len[dept][:, None]
    ).astype(np.int64)
    token = np.choose(kind, [digital, career, domain])
    return token.astype(np.int64), kind.astype(np.int64)


def _skills(
    seniority: IntArray,
    lead: FloatArray,
    motive: FloatArray,
    dept: IntArray,
    n_dept: int,
    rng: np.random.Generator,
) -> tuple[ObjArray, ObjArray]:
    """``skills_offered`` and ``skills_wanted`` cells (``token:level``).

    ``lead`` (from seniority) sets how good people are at a topic; ``motive``
    (seniority blended with the role they signed up for) decides whether they offer
    or want digital skills or career topics.
    """
    m = seniority.size
    vocab = list(DIGITAL_SKILLS) + list(CAREER_SKILLS)
    vocab += [s for d in DEPARTMENTS for s in d[2]]
    pool = [f"{tok}:{lvl}" for tok in vocab for lvl in range(1, 6)]
    width = 5
    junior = 1.0 - lead

    # offered: juniors digital, leaders career, a little domain expertise
    p_dig = 0.85 * (0.05 + 0.9 * (1.0 - motive))
    p_car = 0.85 - p_dig
    token, kind = _skill_codes(rng, p_dig, p_car, dept, n_dept, width)
    base = np.choose(
        kind,
        [
            (1.5 + 3.5 * junior)[:, None],
            (1.5 + 3.5 * lead)[:, None],
            (2.5 + 1.5 * (seniority - 1) / 9.0)[:, None],
        ],
    )
    level = np.clip(np.rint(base + rng.normal(0.0, 0.8, (m, width))), 1, 5)
    keep = _dedupe_rows(token, _pick_counts(rng, m, (0.0, 0.3, 0.35, 0.2, 0.15), width))
    offered = _join_rows(token * 5 + level.astype(np.int64) - 1, keep, pool)

    # wanted: the other way round, target level 2-4 mostly
    p_dig = 0.9 * (0.05 + 0.9 * motive)
    p_car = 0.9 - p_dig
    token, _ = _skill_codes(rng, p_dig, p_car, dept, n_dept, width)
    level = np.clip(np.rint(3.0 + rng.normal(0.0, 0.9, (m, width))), 1, 5)
    keep = _dedupe_rows(token, _pick_counts(rng, m, (0.25, 0.35, 0.25, 0.15), width))
    wanted = _join_rows(token * 5 + level.astype(np.int64) - 1, keep, pool)
    return offered, wanted


def _clustered(
    lead: FloatArray,
    clusters: tuple[tuple[str, ...], ...],
    cluster_p: tuple[Sequence[float], Sequence[float]],
    *,
    counts: Sequence[float],
    p_in_cluster: float,
    rng: np.random.Generator,
) -> ObjArray:
    """Set cells drawn mostly from one latent cluster per person.

    The cluster is drawn from ``cluster_p[1]`` with probability ``lead`` (leaders)
    and from ``cluster_p[0]`` otherwise; ``counts`` are the probabilities of 1, 2, ...
    tokens; each token comes from the person's cluster with ``p_in_cluster``.
    """
    p_junior, p_leader = cluster_p
    m = lead.size
    n_clusters, size = len(clusters), len(clusters[0])
    vocab = [tok for c in clusters for tok in c]
    width = len(counts)
    pj = np.asarray(p_junior, dtype=np.float64)
    pl = np.asarray(p_leader, dtype=np.float64)
    as_leader = rng.random(m) < lead
    cluster = np.where(
        as_leader,
        rng.choice(n_clusters, size=m, p=pl / pl.sum()),
        rng.choice(n_clusters, size=m, p=pj / pj.sum()),
    )
    inside = cluster[:, None] * size + rng.integers(0, size, size=(m, width))
    anywhere = rng.integers(0, len(vocab), size=(m, width))
    token = np.where(rng.random((m, width)) < p_in_cluster, inside, anywhere)
    keep = _dedupe_rows(token, _pick_counts(rng, m, counts, width))
    return _join_rows(token, keep, vocab)


def _availability(lead: FloatArray, rng: np.random.Generator) -> ObjArray:
    """2–4 weekly slots on distinct weekdays, local time, shaped by seniority."""
    m = lead.size
    groups = (_LEADER_SLOTS, _JUNIOR_SLOTS, _OFFICE_SLOTS)
    templates = [t for g in groups for t in g]
    offsets = np.cumsum([0] + [len(g) for g in groups])
    n_t = len(templates)

    def fmt(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    pool = [f"{day} {fmt(a)}-{fmt(b)}" for day in _DAYS for a, b in templates]
    width = 4
    days = np.sort(np.argsort(rng.random((m, len(_DAYS))), axis=1)[:, :width], axis=1)
    keep_any = _pick_counts(rng, m, (0.0, 0.45, 0.35, 0.2), width)
    # which days to keep: a random subset of the sorted candidate days
    pick = np.argsort(rng.random((m, width)), axis=1)
    keep = np.take_along_axis(keep_any, np.argsort(pick, axis=1), axis=1)
    own = np.where(rng.random(m) < lead, 0, 1)
    office = rng.random((m, width)) < 0.25
    group = np.where(office, 2, own[:, None])
    size = np.array([len(g) for g in groups], dtype=np.int64)
    template = offsets[group] + (rng.random((m, width)) * size[group]).astype(np.int64)
    return _join_rows(days * n_t + template, keep, pool)


def _capacity(role: IntArray, lo: int, hi: int, rng: np.random.Generator) -> ObjArray:
    """Mentors and ``both``: ``lo``..``hi``; mentees: 1."""
    cap = rng.integers(lo, hi + 1, size=role.size)
    cap = np.where(role == 2, 1, cap)
    return np.array([str(i) for i in range(hi + 1)], dtype=object)[cap]

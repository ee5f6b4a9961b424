"""Tests of rmatch.datasets: synthetic organizations and the bundled demo."""

from __future__ import annotations

import hashlib
import math
import re
import subprocess
import sys
import zoneinfo
from collections import Counter
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmatch.datasets import (
    COLUMNS,
    DEMO_KWARGS,
    demo_path,
    demo_program_path,
    load_demo,
    synthetic_org,
)
from rmatch.datasets.vocabulary import (
    CAREER_SKILLS,
    DIGITAL_SKILLS,
    GOAL_CLUSTERS,
    INTEREST_CLUSTERS,
)

AVAILABILITY = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d-\d\d:\d\d"
    r"(; (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d\d:\d\d-\d\d:\d\d)*$"
)
SKILL = re.compile(r"^([^:;]+):([1-5])$")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DIGITAL = set(DIGITAL_SKILLS)
CAREER = set(CAREER_SKILLS)


@pytest.fixture(scope="module")
def org() -> pd.DataFrame:
    return synthetic_org(20_000, seed=3)


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return load_demo()


# --- helpers -----------------------------------------------------------------


def tokens(cell: str) -> list[str]:
    return [t.strip() for t in cell.split(";")] if cell else []


def skills(cell: str) -> dict[str, int]:
    result = {}
    for token in tokens(cell):
        match = SKILL.match(token)
        assert match, f"bad skill token {token!r} in {cell!r}"
        result[match.group(1)] = int(match.group(2))
    return result


def chart(df: pd.DataFrame) -> nx.DiGraph:
    """Org chart as a directed graph manager -> report."""
    reports = df[df["manager_id"] != ""]
    graph = nx.DiGraph()
    graph.add_nodes_from(df["id"])
    graph.add_edges_from(zip(reports["manager_id"], reports["id"], strict=True))
    return graph


def levels(df: pd.DataFrame) -> pd.Series:
    """Depth of each person in the org chart (0 for the root)."""
    graph = chart(df)
    root = df.loc[df["manager_id"] == "", "id"].item()
    depth = nx.single_source_shortest_path_length(graph, root)
    return df["id"].map(depth)


def spans(df: pd.DataFrame) -> pd.Series:
    return df.loc[df["manager_id"] != "", "manager_id"].value_counts()


def digital_share(cells: pd.Series) -> float:
    """Share of digital skills among digital + career tokens of the cells."""
    counts = Counter(
        "digital" if t in DIGITAL else "career" if t in CAREER else "other"
        for cell in cells
        for t in skills(cell)
    )
    return counts["digital"] / (counts["digital"] + counts["career"])


# --- shape and formats -------------------------------------------------------


def test_columns_are_canonical_strings(org: pd.DataFrame) -> None:
    assert tuple(org.columns) == COLUMNS
    assert len(org) == 20_000
    for column in org.columns:
        assert pd.api.types.is_string_dtype(org[column]), column
        assert not org[column].isna().any(), column
    assert org["id"].is_unique
    assert org["id"].str.fullmatch(r"E\d{6}").all()
    assert org["email"].is_unique
    assert org["email"].str.fullmatch(r"[a-z0-9]+\.[a-z0-9]+\d+@example\.com").all()
    # names keep their diacritics: Vietnamese, Turkish, German, Portuguese, ...
    assert not org["name"].map(str.isascii).all()
    assert org["name"].str.contains("[ễứđĐăơư]").any()
    assert org["name"].str.contains("[şğıİç]").any()


def test_every_cell_parses_in_the_canonical_format(org: pd.DataFrame) -> None:
    assert set(org["role"]) == {"mentor", "mentee", "none"}
    assert org["seniority"].astype(int).between(1, 10).all()
    participants = org[org["role"] != "none"]
    others = org[org["role"] == "none"]
    survey = ["skills_offered", "skills_wanted", "interests", "goals"]
    survey += ["availability", "capacity"]
    assert (others[survey] == "").all().all()
    for column in ("skills_offered", "skills_wanted"):
        assert (participants[column] != "").all()
        for cell in participants[column]:
            parsed = skills(cell)
            assert len(parsed) == len(tokens(cell)), f"duplicate skill in {cell!r}"
    for column in ("interests", "goals", "languages"):
        cells = org[column] if column == "languages" else participants[column]
        for cell in cells:
            toks = tokens(cell)
            assert toks, column
            assert len(set(toks)) == len(toks)
            assert all(t == " ".join(t.casefold().split()) for t in toks), cell
    for cell in participants["availability"]:
        assert AVAILABILITY.match(cell), cell
        days = []
        for item in cell.split("; "):
            day, span = item.split(" ")
            start, end = (int(t[:2]) * 60 + int(t[3:]) for t in span.split("-"))
            assert 0 <= start < end <= 24 * 60
            assert start % 15 == 0
            assert end % 15 == 0
            days.append(DAYS.index(day))
        assert days == sorted(set(days)), cell
    capacity = participants["capacity"].astype(int)
    assert (capacity[participants["role"] == "mentee"] == 1).all()
    assert capacity[participants["role"] == "mentor"].between(1, 3).all()
    assert set(capacity[participants["role"] == "mentor"]) == {1, 2, 3}
    for tz in org["timezone"].unique():
        zoneinfo.ZoneInfo(tz)


# --- org chart ---------------------------------------------------------------


def test_org_chart_is_one_tree(org: pd.DataFrame) -> None:
    assert (org["manager_id"] == "").sum() == 1
    assert set(org["manager_id"]) - {""} <= set(org["id"])
    graph = chart(org)
    assert graph.number_of_nodes() == len(org)
    assert nx.is_directed_acyclic_graph(graph)
    assert nx.is_weakly_connected(graph)
    assert nx.is_arborescence(graph)


@pytest.mark.parametrize("n", [4, 5, 7, 13, 14, 15, 16, 150, 1_001, 20_000])
@pytest.mark.parametrize("seed", [0, 1])
def test_spans_of_control_are_3_to_12(n: int, seed: int) -> None:
    df = synthetic_org(n, seed=seed)
    counts = spans(df)
    assert counts.sum() == n - 1
    assert counts.between(3, 12).all(), counts.describe()


@settings(max_examples=40, deadline=None)
@given(n=st.integers(4, 3_000), seed=st.integers(0, 2**32), n_dept=st.integers(1, 16))
def test_any_size_gives_a_tree_with_spans_3_to_12(
    n: int, seed: int, n_dept: int
) -> None:
    df = synthetic_org(n, seed=seed, n_departments=n_dept)
    assert nx.is_arborescence(chart(df))
    assert spans(df).between(3, 12).all()


@pytest.mark.parametrize("n", [1, 2, 3])
def test_tiny_companies(n: int) -> None:
    df = synthetic_org(n)
    assert len(df) == n
    assert (df["manager_id"] == "").sum() == 1
    assert (df["manager_id"].iloc[1:] == df["id"].iloc[0]).all()


def test_depth_grows_like_log_n() -> None:
    depth = {n: int(levels(synthetic_org(n, seed=2)).max()) + 1 for n in (150, 20_000)}
    assert depth[150] >= 4
    assert depth[20_000] > depth[150]
    for n, d in depth.items():
        assert d <= 2 + math.log(n) / math.log(3)


def test_seniority_follows_the_level(org: pd.DataFrame) -> None:
    seniority = org["seniority"].astype(int)
    level = levels(org)
    assert seniority.iloc[0] == 10
    by_level = seniority.groupby(level).mean()
    assert by_level.is_monotonic_decreasing
    assert by_level.iloc[-1] <= 3
    # a manager is never junior to a report
    boss = org.set_index("id")["seniority"].astype(int)
    reports = org[org["manager_id"] != ""]
    assert (boss[reports["manager_id"]].to_numpy() >= seniority[reports.index]).all()


def test_departments_are_assigned_top_down(org: pd.DataFrame) -> None:
    level = levels(org)
    dept = org.set_index("id")["department"]
    below = org[level >= 2]
    same = dept[below["manager_id"]].to_numpy() == below["department"].to_numpy()
    assert 0.85 <= same.mean() < 1.0
    assert org["department"].nunique() >= 8
    assert (org["department"] == "Executive").sum() == 1
    assert org["department"].value_counts().index[0] == "Engineering"
    df = synthetic_org(2_000, n_departments=3)
    assert set(df["department"]) == {"Engineering", "Sales", "Marketing", "Executive"}


def test_locations_time_zones_and_languages(org: pd.DataFrame) -> None:
    assert org["timezone"].nunique() >= 5
    assert synthetic_org(150)["timezone"].nunique() >= 2
    # one office, one zone
    assert (org.groupby("location")["timezone"].nunique() == 1).all()
    local = {
        "Berlin": "german",
        "Ho Chi Minh City": "vietnamese",
        "Istanbul": "turkish",
    }
    for office, language in local.items():
        speaks = org.loc[org["location"] == office, "languages"].map(tokens)
        assert speaks.map(lambda t, lang=language: lang in t).all()
    english = org["languages"].map(lambda cell: "english" in tokens(cell)).mean()
    assert english > 0.8
    # teams mostly sit together
    office = org.set_index("id")["location"]
    reports = org[org["manager_id"] != ""]
    assert (
        office[reports["manager_id"]].to_numpy() == reports["location"]
    ).mean() > 0.7


def test_timezones_argument_restricts_offices() -> None:
    df = synthetic_org(3_000, timezones=["Asia/Singapore", "Europe/Istanbul"])
    assert set(df["timezone"]) == {"Asia/Singapore", "Europe/Istanbul"}
    df = synthetic_org(500, timezones=["Australia/Sydney", "UTC+7"])
    assert set(df["timezone"]) == {"Australia/Sydney", "UTC+7"}
    assert set(df["location"]) == {"Sydney", "UTC+7"}


# --- participants ------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "mentor", "mentee", "both"),
    [(20_000, 0.07, 0.03, 0.0), (150, 0.24, 0.22, 0.04), (999, 0.105, 0.0315, 0.013)],
)
def test_role_counts_match_rates(
    n: int, mentor: float, mentee: float, both: float
) -> None:
    df = synthetic_org(n, mentor_rate=mentor, mentee_rate=mentee, both_rate=both)
    counts = df["role"].value_counts()
    assert counts.get("mentor", 0) == round(mentor * n)
    assert counts.get("mentee", 0) == round(mentee * n)
    assert counts.get("both", 0) == round(both * n)
    assert counts.get("none", 0) == n - round(mentor * n) - round(mentee * n) - round(
        both * n
    )


def test_everyone_can_sign_up() -> None:
    df = synthetic_org(1_000, mentor_rate=0.6, mentee_rate=0.3, both_rate=0.1)
    assert "none" not in set(df["role"])
    assert (df["skills_offered"] != "").all()


def test_reverse_mode_puts_juniors_as_mentors(org: pd.DataFrame) -> None:
    seniority = org["seniority"].astype(int)
    mean = seniority.groupby(org["role"]).mean()
    assert mean["mentor"] + 2 < mean["mentee"]
    # mostly: most mentees are above the median grade, most mentors below it
    median = seniority.median()
    assert (seniority[org["role"] == "mentee"] > median).mean() > 0.75
    assert (seniority[org["role"] == "mentor"] <= median).mean() > 0.9
    classic = synthetic_org(20_000, seed=3, reverse=False)
    mean = classic["seniority"].astype(int).groupby(classic["role"]).mean()
    assert mean["mentor"] > mean["mentee"] + 2


def test_skills_complement_each_other(org: pd.DataFrame) -> None:
    seniority = org["seniority"].astype(int)
    juniors = org[(org["role"] != "none") & (seniority <= 3)]
    leaders = org[(org["role"] != "none") & (seniority >= 6)]
    assert len(juniors) > 100
    assert len(leaders) > 100
    assert digital_share(juniors["skills_offered"]) > 0.7
    assert digital_share(juniors["skills_wanted"]) < 0.3
    assert digital_share(leaders["skills_offered"]) < 0.3
    assert digital_share(leaders["skills_wanted"]) > 0.7
    # juniors are strong in their digital skills, leaders in career topics
    junior_levels = [
        lvl
        for cell in juniors["skills_offered"]
        for tok, lvl in skills(cell).items()
        if tok in DIGITAL
    ]
    leader_levels = [
        lvl
        for cell in leaders["skills_offered"]
        for tok, lvl in skills(cell).items()
        if tok in CAREER
    ]
    assert np.mean(junior_levels) > 4
    assert np.mean(leader_levels) > 3.8
    cells = pd.concat([org["skills_offered"], org["skills_wanted"]])
    vocab = {t for cell in cells for t in skills(cell)}
    assert 30 <= len(vocab) <= 80


@pytest.mark.parametrize(
    ("column", "clusters"), [("interests", INTEREST_CLUSTERS), ("goals", GOAL_CLUSTERS)]
)
def test_interests_and_goals_are_clustered(
    org: pd.DataFrame, column: str, clusters: tuple[tuple[str, ...], ...]
) -> None:
    cluster_of = {tok: i for i, c in enumerate(clusters) for tok in c}
    cells = org.loc[org["role"] != "none", column].map(tokens)
    several = cells[cells.map(len) >= 2]
    share = several.map(
        lambda t: Counter(cluster_of[x] for x in t).most_common(1)[0][1] / len(t)
    )
    # with tokens drawn uniformly the dominant cluster would hold far less
    assert share.mean() > 0.75
    assert set(cluster_of) == {t for ts in cells for t in ts}


def test_availability_is_shaped_by_role(org: pd.DataFrame) -> None:
    seniority = org["seniority"].astype(int)

    def starts(cells: pd.Series) -> np.ndarray:
        return np.array([int(item[4:6]) for cell in cells for item in cell.split("; ")])

    juniors = starts(
        org.loc[(org["role"] != "none") & (seniority <= 3), "availability"]
    )
    leaders = starts(
        org.loc[(org["role"] != "none") & (seniority >= 6), "availability"]
    )
    assert np.isin(leaders, [7, 8, 16, 17, 18]).mean() > 0.6
    assert np.isin(juniors, [12, 13, 17, 18]).mean() > 0.6
    assert (leaders < 9).mean() > 0.25 > (juniors < 9).mean()


# --- determinism -------------------------------------------------------------


def test_same_seed_same_frame() -> None:
    pd.testing.assert_frame_equal(
        synthetic_org(3_000, seed=5), synthetic_org(3_000, seed=5)
    )


@pytest.mark.parametrize(
    ("kwargs", "sha256"),
    [
        (
            {"n_employees": 300, "seed": 3},
            "00ec5323fa0e6e8580886df2b86b11bb97ee994ebdb81a9b3f9e95e23310e04f",
        ),
        (
            {
                "n_employees": 500,
                "seed": 11,
                "mentor_rate": 0.1,
                "mentee_rate": 0.1,
                "both_rate": 0.05,
                "reverse": False,
                "n_departments": 4,
                "timezones": ("UTC+7", "Europe/Berlin"),
                "capacity": 2,
            },
            "7f53ec7f6a13978bf51f597533aa86fd37cb196c27f4893c8ad776b2cd7f4b81",
        ),
        (
            {"n_employees": 3, "seed": 0, "mentor_rate": 0.34, "mentee_rate": 0.34},
            "7557a04e3846cfca1f87054265de7a08077cbca9b5061a94a7e3cc6039420dbd",
        ),
    ],
)
def test_output_is_byte_identical_across_versions(
    kwargs: dict[str, Any], sha256: str
) -> None:
    # hashes recorded before synthetic.py was split into modules: a refactoring
    # must not change a single byte for the same seed (update only on purpose)
    csv = synthetic_org(**kwargs).to_csv(index=False, lineterminator="\n")
    assert hashlib.sha256(csv.encode("utf-8")).hexdigest() == sha256


def test_different_seeds_differ() -> None:
    a, b = synthetic_org(3_000, seed=5), synthetic_org(3_000, seed=6)
    for column in ("name", "manager_id", "role", "skills_offered", "availability"):
        assert (a[column] != b[column]).any(), column


def test_org_chart_does_not_depend_on_rates() -> None:
    a = synthetic_org(3_000, seed=5)
    b = synthetic_org(3_000, seed=5, mentor_rate=0.2, mentee_rate=0.1, reverse=False)
    same = ["id", "name", "email", "manager_id", "department", "location", "seniority"]
    pd.testing.assert_frame_equal(a[same], b[same])
    assert (a["role"] != b["role"]).any()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_employees": 0},
        {"n_employees": 2.5},
        {"n_employees": 10, "seed": -1},
        {"n_employees": 10, "mentor_rate": 1.5},
        {"n_employees": 10, "mentor_rate": 0.6, "mentee_rate": 0.6},
        {"n_employees": 10, "n_departments": 0},
        {"n_employees": 10, "n_departments": 17},
        {"n_employees": 10, "timezones": []},
        {"n_employees": 10, "timezones": "Europe/Berlin"},
        {"n_employees": 10, "capacity": 0},
        {"n_employees": 10, "capacity": (3, 1)},
    ],
)
def test_bad_arguments_raise(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        synthetic_org(**kwargs)  # type: ignore[arg-type]


# --- bundled demo ------------------------------------------------------------


def test_demo_csv_is_the_generator_output(demo: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(demo, synthetic_org(**DEMO_KWARGS))


def test_demo_files_are_bundled() -> None:
    assert demo_path().is_file()
    assert demo_program_path().is_file()
    text = demo_path().read_bytes()
    assert b"\r\n" not in text
    assert text.decode("utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_demo_tells_the_reverse_mentoring_story(demo: pd.DataFrame) -> None:
    roles = demo["role"].value_counts()
    assert len(demo) == 150
    assert 30 <= roles["mentor"] <= 40
    assert 30 <= roles["mentee"] <= 40
    assert 1 <= roles["both"] <= 10
    assert levels(demo).max() + 1 >= 4
    assert demo["department"].nunique() >= 4
    assert demo["timezone"].nunique() >= 2
    mentors = demo[demo["role"] == "mentor"]
    mentees = demo[demo["role"] == "mentee"]
    assert (
        mentors["seniority"].astype(int).mean() + 2
        < mentees["seniority"].astype(int).mean()
    )
    # juniors offer digital skills that leaders want, and the other way round
    assert digital_share(mentors["skills_offered"]) > 0.6
    assert digital_share(mentees["skills_wanted"]) > 0.6
    assert digital_share(mentees["skills_offered"]) < 0.4
    assert digital_share(mentors["skills_wanted"]) < 0.4
    offered = {t for c in mentors["skills_offered"] for t in skills(c)} & DIGITAL
    wanted = {t for c in mentees["skills_wanted"] for t in skills(c)} & DIGITAL
    assert len(offered & wanted) >= 5


# --- scale -------------------------------------------------------------------

SCALE_PROBE = """
import resource, sys, time
from rmatch.datasets import synthetic_org
start = time.perf_counter()
df = synthetic_org(1_000_000, seed=1)
seconds = time.perf_counter() - start
assert len(df) == 1_000_000 and (df["role"] != "none").sum() == 100_000
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(seconds, peak)
"""


@pytest.mark.slow
def test_a_million_employees_is_fast_and_small() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCALE_PROBE], capture_output=True, text=True, check=True
    )
    seconds, peak_mib = map(float, out.stdout.split())
    assert seconds < 30
    assert peak_mib < 2048

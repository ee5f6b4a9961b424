"""The peer ``mentor-match`` package's production rules: rmatch next to a scipy script.

The peer (jonodrew/mentor-match, the UK Civil Service mentoring tool) matches in
three rounds with these rules (our own reading of its documented behaviour):

* never the same organisation; the mentor one or two grades above the mentee;
  never the same pair twice;
* points: 12 for a gap of two grades, 9 for one; 10 when the mentor's profession is
  the mentee's; 6 when the identity the mentee asked for is one of the mentor's
  characteristics.

Data: ``n`` mentors and ``n`` mentees drawn with replacement from the peer's public
sample (``tests/data/jonodrew_mentor_match_ogl``, Open Government Licence v3.0; see its
LICENSE), each with their own e-mail.

``run_peer`` times, in the same process and interleaved, ``rmatch.plan_rounds``
(three rounds planned jointly, through the public API: a vectorized criterion, two
rules, ``read_survey`` with the example mapping) and :func:`script_rounds`, a plain
numpy + scipy script (``linear_sum_assignment`` per round, then the round's pairs
forbidden), and returns both times and both three-round totals in points.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "jonodrew_mentor_match_ogl"
MAPPING = ROOT / "examples" / "jonodrew_mentor_match_ogl" / "program.toml"
GRADES = ["AA", "AO", "EO", "HEO", "SEO", "Grade 7", "Grade 6"]
GRADES += ["SCS1", "SCS2", "SCS3", "SCS4"]
#: Most points one pair can get (12 + 10 + 6); rmatch's scores are points / MAX.
MAX_POINTS = 28
ROUNDS = 3


def peer_frames(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` mentors and ``n`` mentees resampled from the peer's public sample."""
    rng = np.random.default_rng(seed)
    out = []
    for role in ("mentor", "mentee"):
        sample = pd.read_csv(SAMPLE / f"{role}s.csv", dtype=str, keep_default_na=False)
        frame = sample.iloc[rng.integers(0, len(sample), n)].reset_index(drop=True)
        digits = len(str(n - 1))
        frame["last name"] = [str(i).zfill(digits) for i in range(n)]
        frame["email address"] = [f"{role}.{i:0{digits}d}@gov.uk" for i in range(n)]
        out.append(frame)
    return out[0], out[1]


# ---------------------------------------------------------------- the scipy script
def script_rounds(mentors: pd.DataFrame, mentees: pd.DataFrame) -> dict[str, Any]:
    """The rules in numpy + scipy: one assignment per round, no pair repeated."""
    from scipy.optimize import linear_sum_assignment

    rank = {g: i for i, g in enumerate(GRADES)}
    gap = (
        mentors["grade"].map(rank).to_numpy()[:, None]
        - mentees["grade"].map(rank).to_numpy()[None, :]
    )
    org = mentors["organisation"].to_numpy()[:, None]
    allowed = (org != mentees["organisation"].to_numpy()[None, :]) & (gap > 0)
    allowed &= gap <= 2
    points = np.where(gap == 2, 12, 0) + np.where(gap == 1, 9, 0)
    same = mentors["profession"].to_numpy()[:, None] == mentees["profession"].to_numpy()
    points += 10 * same
    traits = mentors["characteristics"].str.split(", ")
    wanted = mentees["identity to match"].to_numpy()
    for value in pd.unique(wanted[wanted != ""]):
        has = traits.map(lambda t, v=value: v in t).to_numpy()
        points += 6 * (has[:, None] & (wanted == value)[None, :])
    totals = []
    for _ in range(ROUNDS):
        gain = np.where(allowed, points + 1, 0)  # +1: a 0-point pair beats none
        rows, cols = linear_sum_assignment(gain, maximize=True)
        ok = allowed[rows, cols]
        rows, cols = rows[ok], cols[ok]
        totals.append(int(points[rows, cols].sum()))
        allowed[rows, cols] = False  # never the same pair twice
    return {"totals": totals, "total": sum(totals)}


# ---------------------------------------------------------------- rmatch
def rmatch_program(people: Any) -> Any:
    """The peer's rules as an rmatch program (public API only)."""
    import rmatch
    from rmatch.rules import DifferentValue, rule
    from rmatch.scoring import criterion

    seniority = people.seniority
    # one profession per person: the column of its token (-1: none)
    prof = people.sets["interests"].matrix.tocsr()
    profession = np.full(len(people), -1, dtype=np.int64)
    rows = np.repeat(np.arange(prof.shape[0]), np.diff(prof.indptr))
    profession[rows] = prof.indices
    # identities as bits; a mentor's characteristics arrive as one answer
    # "gay, lesbian": split it
    field = people.sets["goals"]
    vocab_in = field.vocabulary
    vocab = sorted({t for v in field.vocabulary for t in v.split(", ")})
    token_bits = np.array(
        [sum(1 << vocab.index(t) for t in set(v.split(", "))) for v in vocab_in],
        dtype=np.int64,
    )
    goals = field.matrix.tocsr()
    bits = np.zeros(len(people), dtype=np.int64)
    rows = np.repeat(np.arange(goals.shape[0]), np.diff(goals.indptr))
    np.bitwise_or.at(bits, rows, token_bits[goals.indices])
    is_mentee = people.is_mentee

    @criterion(name=None)
    def peer_points(block: Any) -> np.ndarray:
        gap = seniority[block.mentors][:, None] - seniority[block.mentees][None, :]
        pts = np.where(gap == 2, 12.0, 0.0) + np.where(gap == 1, 9.0, 0.0)
        pts += 10.0 * (profession[block.mentors][:, None] == profession[block.mentees])
        # a mentee lists one identity; it must be among the mentor's characteristics
        wanted = np.where(is_mentee[block.mentees], bits[block.mentees], 0)
        pts += 6.0 * ((bits[block.mentors][:, None] & wanted[None, :]) != 0)
        return pts / MAX_POINTS

    @rule(no_candidate_reason="no {other} is one or two grades apart")
    def grade_gap(block: Any) -> np.ndarray:
        gap = seniority[block.mentors][:, None] - seniority[block.mentees][None, :]
        return (gap > 0) & (gap <= 2)

    return rmatch.Program(
        criteria=[peer_points], rules=[DifferentValue("department"), grade_gap]
    )


def read_people(mentors: pd.DataFrame, mentees: pd.DataFrame) -> Any:
    """The two lists through ``rmatch.read_survey`` and the example mapping."""
    import rmatch

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, frame in (("mentors.csv", mentors), ("mentees.csv", mentees)):
            path = Path(tmp) / name
            frame.to_csv(path, index=False)
            paths.append(str(path))
        return rmatch.read_survey(paths, mapping=str(MAPPING))


def rmatch_rounds(people: Any) -> dict[str, Any]:
    """Three rounds planned jointly by ``rmatch.plan_rounds``; totals in points."""
    import rmatch

    plan = rmatch.plan_rounds(rmatch_program(people), people, ROUNDS, compare=False)
    totals = [round(r.total_score * MAX_POINTS) for r in plan.rounds]
    return {"totals": totals, "total": sum(totals)}


def run_peer(n: int = 1000, repeat: int = 3, seed: int = 0) -> dict[str, Any]:
    """Time both, interleaved in this process; medians of ``repeat``."""
    mentors, mentees = peer_frames(n, seed)
    t = time.perf_counter()
    people = read_people(mentors, mentees)
    read_seconds = time.perf_counter() - t
    ours, theirs = [], []
    for _ in range(max(1, repeat)):
        t = time.perf_counter()
        mine = rmatch_rounds(people)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        script = script_rounds(mentors, mentees)
        theirs.append(time.perf_counter() - t)
    rm, sc = statistics.median(ours), statistics.median(theirs)
    return {
        "per_side": n,
        "rounds": ROUNDS,
        "seconds_rmatch": rm,
        "seconds_script": sc,
        "seconds_read": read_seconds,
        "ratio": rm / max(sc, 1e-9),
        "rmatch_totals": mine["totals"],
        "rmatch_total": mine["total"],
        "script_totals": script["totals"],
        "script_total": script["total"],
    }


def print_peer(res: dict[str, Any]) -> None:
    n = res["per_side"]
    head = (
        f"\npeer mentor-match production rules, {n:,} mentors × {n:,} mentees, "
        f"{res['rounds']} rounds"
    )
    print(head)
    print("-" * len(head.strip()))
    print(
        f"  {'rmatch plan_rounds':<22} {res['seconds_rmatch']:9.3f} s   "
        f"joint total {res['rmatch_total']:,} points {res['rmatch_totals']}"
    )
    print(
        f"  {'numpy + scipy script':<22} {res['seconds_script']:9.3f} s   "
        f"round by round {res['script_total']:,} points {res['script_totals']}"
    )
    print(
        f"  {'rmatch / script':<22} {res['ratio']:9.2f} ×   (issue #12 target: <= 1.5x)"
    )
    print(f"  {'(read_survey, once)':<22} {res['seconds_read']:9.3f} s")

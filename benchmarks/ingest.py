"""Reading a survey export: ``read_survey`` against ``pandas.read_csv`` of one file.

Usage::

    python benchmarks/ingest.py                  # 100,000 rows, median of 3 runs
    python benchmarks/ingest.py --rows 20000 --repeat 5
    python benchmarks/run.py --ingest 100000     # the same row in the main runner

A Google-Forms-like export is generated from ``rmatch.datasets.synthetic_org``
(everyone signs up): a time stamp (``M/D/YYYY H:MM:SS``), the e-mail, the name, a
role question, multi-selects joined by ``", "`` (skills offered and wanted,
interests, goals, languages), an availability grid of five day columns with
ticked periods, the time zone, a grade and a capacity; 2% of the respondents
answer twice. The CSV is written to a temporary file; ``read_survey`` (mapping,
duplicates, validation: everything up to ``People``) and ``pandas.read_csv`` of
the same file are timed in this process, one after the other in each run, and the
median of the runs' ratios is printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rmatch.datasets import synthetic_org
from rmatch.survey import read_survey

ROLE_Q = "I want to be a..."
MENTOR = "Mentor (I want to provide coaching and support)"
MENTEE = "Mentee (I want to receive coaching and support)"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
PERIODS = ("Morning", "Afternoon", "Evening")

#: The ``[mapping]`` of the generated export.
MAPPING: dict[str, Any] = {
    "preset": "google_forms",
    "Full name": "name",
    ROLE_Q: "role",
    "Department": "department",
    "Which skills can you share?": "skills_offered",
    "Which skills do you want to learn?": "skills_wanted",
    "Interests": "interests",
    "What do you hope to get out of it?": "goals",
    "Languages you speak": "languages",
    "Availability [*]": "availability",
    "Time zone": "timezone",
    "Grade": "seniority",
    "How many people can you mentor?": "capacity",
}


def _names(cells: pd.Series) -> pd.Series:
    """``"python:4; sql:3"`` -> ``"Python, Sql"`` (levels dropped, as a checkbox)."""
    return (
        cells.str.replace(r":[0-9]+", "", regex=True)
        .str.split("; ")
        .map(lambda items: ", ".join(i.title() for i in items if i))
    )


def google_forms_export(rows: int, seed: int = 0) -> pd.DataFrame:
    """A Google-Forms-like sign-up export of about ``rows`` rows.

    Parameters
    ----------
    rows : int
        Rows of the export (respondents plus 2% repeated answers).
    seed : int
        Random seed.

    Returns
    -------
    pandas.DataFrame
        Every cell a string, columns as Google Forms names them.
    """
    rng = np.random.default_rng(seed)
    people = round(rows / 1.02)
    org = synthetic_org(people, seed=seed, mentor_rate=0.6, mentee_rate=0.4)
    org = org[org["role"] != "none"].reset_index(drop=True)
    extra = rng.choice(len(org), size=max(0, rows - len(org)), replace=False)
    org = pd.concat([org, org.iloc[extra]], ignore_index=True)
    n = len(org)
    start = pd.Timestamp("2026-09-01 08:00:00")
    stamps = start + pd.to_timedelta(rng.integers(0, 42 * 86400, n), unit="s")
    ticked = rng.random((n, len(DAYS), len(PERIODS))) < 0.3
    out = pd.DataFrame(
        {
            "Timestamp": [
                f"{t.month}/{t.day}/{t.year} {t.hour}:{t.minute:02d}:{t.second:02d}"
                for t in stamps
            ],
            "Email Address": org["email"],
            "Full name": org["name"],
            ROLE_Q: np.where(org["role"] == "mentor", MENTOR, MENTEE),
            "Department": org["department"],
            "Which skills can you share?": _names(org["skills_offered"]),
            "Which skills do you want to learn?": _names(org["skills_wanted"]),
            "Interests": org["interests"].str.replace("; ", ", "),
            "What do you hope to get out of it?": org["goals"].str.replace("; ", ", "),
            "Languages you speak": org["languages"].str.title().str.replace("; ", ", "),
        }
    )
    for d, day in enumerate(DAYS):
        out[f"Availability [{day}]"] = [
            ", ".join(p for p, on in zip(PERIODS, cell, strict=True) if on)
            for cell in ticked[:, d, :]
        ]
    out["Time zone"] = org["timezone"]
    out["Grade"] = org["seniority"].astype(str)
    out["How many people can you mentor?"] = org["capacity"].astype(str)
    return out


def _seconds(fn: Any) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def run_ingest(rows: int, repeat: int = 3, seed: int = 0) -> dict[str, Any]:
    """Time ``read_survey`` and ``pandas.read_csv`` on one generated export.

    Returns
    -------
    dict
        ``rows``, ``megabytes``, ``people``, ``seconds_read_survey``,
        ``seconds_read_csv`` (medians) and ``ratio`` (read_survey / read_csv).
    """
    export = google_forms_export(rows, seed)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        export.to_csv(path, index=False)
        people: list[int] = []

        def survey() -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the repeated answers
                people.append(len(read_survey(path, MAPPING)))

        # Interleaved, so that a busy machine slows both alike.
        pairs = [
            (_seconds(lambda: pd.read_csv(path)), _seconds(survey))
            for _ in range(repeat)
        ]
        size = path.stat().st_size / 1e6
    return {
        "rows": len(export),
        "megabytes": round(size, 1),
        "people": people[-1],
        "seconds_read_survey": statistics.median(s for _, s in pairs),
        "seconds_read_csv": statistics.median(c for c, _ in pairs),
        "ratio": statistics.median(s / c for c, s in pairs),
    }


def print_ingest(res: dict[str, Any]) -> None:
    """One table row: read_survey, read_csv and their ratio."""
    print(
        f"\ningest: read_survey of a {res['rows']:,}-row Google Forms export "
        f"({res['megabytes']} MB, {res['people']:,} people after duplicates)\n"
        f"  read_survey      {res['seconds_read_survey']:8.3f} s\n"
        f"  pandas.read_csv  {res['seconds_read_csv']:8.3f} s\n"
        f"  ratio            {res['ratio']:8.1f}x"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print_ingest(run_ingest(args.rows, args.repeat, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())

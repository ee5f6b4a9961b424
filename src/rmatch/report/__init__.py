"""The program owner's report: tables, charts and one shareable HTML page.

The last stage of the flow. [`Matching.report()`][rmatch.result.Matching.report]
gathers a matching's plain data and calls
[`build_report()`][rmatch.report.build_report]; this package never sees a
[`Matching`][rmatch.result.Matching], only DataFrames and numbers, so a report can also
be rebuilt from the JSON an HR tool stored
([`report_from_records()`][rmatch.report.report_from_records]).

A [`Report`][rmatch.report.Report] holds every part as a DataFrame (coverage by
group, score distribution, criteria, mix, skills, reasons of the unmatched, capacity
use, the certificate; the price of each rule and another matching side by side when
asked). Charts are pygal SVG (``pip install 'rmatch[report]'``);
[`Report.to_html()`][rmatch.report.Report.to_html] writes one self-contained page.

Examples
--------
>>> import pandas as pd
>>> pairs = pd.DataFrame(
...     {"mentor_id": ["A"], "mentee_id": ["B"], "score": [0.8], "skills": [0.8]}
... )
>>> participants = pd.DataFrame(
...     {"id": ["A", "B", "C"], "role": ["mentor", "mentee", "mentee"],
...      "department": ["IT", "Sales", "IT"]}
... )
>>> unmatched = pd.DataFrame(
...     {"id": ["C"], "name": ["C"], "role": ["mentee"],
...      "reason": ["no one else signed up as a mentor"],
...      "reason_code": ["no_partners"]}
... )
>>> rejected = pd.DataFrame(columns=["file", "row", "id", "reason", "reason_code"])
>>> report = build_report(
...     pairs, unmatched, rejected, participants,
...     weights={"skills": 1.0}, summary={"objective": 0.8, "gap": 0.0},
... )
>>> for row in report.coverage[["by", "group", "participants", "matched"]].values:
...     print(*row)
all all 3 2
role mentee 2 1
role mentor 1 1
department IT 2 1
department Sales 1 1
seniority (unknown) 3 2
location (blank) 3 2
>>> print(report.mix[["measure", "pairs", "known", "share"]].to_string(index=False))
         measure  pairs  known  share
cross-department      1      1    1.0
  cross-location      0      0    NaN
"""

from __future__ import annotations

from rmatch.report._report import (
    CHARTS_HINT,
    Comparison,
    Report,
    build_report,
    report_from_records,
)
from rmatch.report._tables import (
    capacity_use,
    coverage,
    criterion_contributions,
    mix,
    people_status,
    reasons,
    score_distribution,
    seniority_bands,
    skills_covered,
)

__all__ = [
    "CHARTS_HINT",
    "Comparison",
    "Report",
    "build_report",
    "capacity_use",
    "coverage",
    "criterion_contributions",
    "mix",
    "people_status",
    "reasons",
    "report_from_records",
    "score_distribution",
    "seniority_bands",
    "skills_covered",
]

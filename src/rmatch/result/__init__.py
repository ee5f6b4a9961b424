"""The result of a program run: pairs, unmatched reasons, explanations and exports.

Modules, from the top of the flow down:

* `matching`: [`Matching`][rmatch.result.Matching], the tables a program returns;
* `summary`: [`Summary`][rmatch.result.Summary] and the certified quality;
* `reasons`: why a person is unmatched;
  [`explain_person()`][rmatch.result.explain_person];
* `explanation`: [`Explanation`][rmatch.result.Explanation] (data and text);
* `export`: CSV, Excel and JSON that never run a formula.
* `read`: [`read_matching()`][rmatch.result.read_matching], a previous round's pairs
  back.
* `reporting`: what [`Matching.report()`][rmatch.result.Matching.report] hands to
  [`rmatch.report`][rmatch.report]: [`report_inputs()`][rmatch.result.report_inputs].
"""

from __future__ import annotations

from rmatch.result.explanation import Explanation, ordinal
from rmatch.result.export import (
    frame_records,
    neutralize,
    safe_frame,
    to_json_safe,
    write_json,
    write_table,
)
from rmatch.result.matching import SCHEMA_VERSION, Matching, schema_path
from rmatch.result.read import PAIR_COLUMNS, read_matching
from rmatch.result.reasons import (
    REASON_LABELS,
    explain_person,
    reason_label,
    unmatched_reasons,
    unmatched_table,
)
from rmatch.result.reporting import (
    pair_explanations,
    participants_frame,
    report_inputs,
    report_section,
)
from rmatch.result.summary import Summary, quality, summary

__all__ = [
    "PAIR_COLUMNS",
    "REASON_LABELS",
    "SCHEMA_VERSION",
    "Explanation",
    "Matching",
    "Summary",
    "explain_person",
    "frame_records",
    "neutralize",
    "ordinal",
    "pair_explanations",
    "participants_frame",
    "quality",
    "read_matching",
    "reason_label",
    "report_inputs",
    "report_section",
    "safe_frame",
    "schema_path",
    "summary",
    "to_json_safe",
    "unmatched_reasons",
    "unmatched_table",
    "write_json",
    "write_table",
]

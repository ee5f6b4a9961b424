"""The report as one self-contained HTML page (inline CSS, SVG and script).

Safety: every value is escaped (``html.escape``) where it is written into the page;
the pairs and unmatched tables travel as JSON inside ``<script
type="application/json">`` with ``<``, ``>``, ``&``, U+2028 and U+2029 escaped, and
the script writes cells with ``textContent`` only. A Content-Security-Policy allows
no request at all and only the page's own script (by its hash), so even a value that
slipped through could neither load nor run anything.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: A [`Report`][rmatch.report.Report] (not imported: its module imports this one).
Report = Any

#: Columns shown as percentages.
PERCENT = {"coverage", "mentee_coverage", "share", "use", "answered"}
#: Rows (``measure`` / ``field``) shown as percentages.
PERCENT_ROWS = {"coverage", "mentee coverage", "gap"}
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}

_STATIC = Path(__file__).parent / "static"
#: The page's styles and script (inlined: the page loads nothing).
CSS = (_STATIC / "report.css").read_text(encoding="utf-8")
SCRIPT = (_STATIC / "report.js").read_text(encoding="utf-8")

#: What each section says about its table.
NOTES = {
    "coverage": "Share of participants with at least one partner, overall and by group "
    "(blank values are grouped as “(blank)”). Mentee coverage counts people on the "
    "mentee side who got a mentor.",
    "scores": "How good the pairs are: the number of pairs per score band (0 = no fit, "
    "1 = perfect on every criterion with data).",
    "criteria": "Each criterion's weight, its mean value over the pairs (where both "
    "answered) and its mean contribution to a pair's score; the contributions add up "
    "to the mean score.",
    "mix": "Pairs across departments and locations; in reverse mentoring, the pairs "
    "where the mentor is the junior one. Share of the pairs where both values are "
    "known.",
    "skills": "For each skill: mentees who want it, those of them with a mentor, and "
    "those whose mentor offers it.",
    "reasons": "Why people are left out, counted by reason (the per-person reasons are "
    "in the table of the unmatched below).",
    "capacity": "Slots offered (capacities) and used (pairs) on each side; full = at "
    "capacity, idle = has room and no pair.",
    "certificate": "The objective, the proven upper bound and the gap between them: "
    "gap 0 means no matching under these rules scores higher.",
    "rules": "Candidate pairs each rule removed (hard rules: those pairs were never "
    "allowed).",
    "prices": "What each rule costs: the program re-solved without it (price = score "
    "gained without the rule).",
    "comparison": "This matching and the other one, side by side, under the same "
    "program.",
    "findings": "What the other matching breaks: rules, capacities and constraints.",
}
TITLES = {
    "coverage": "Coverage",
    "scores": "Score distribution",
    "criteria": "Criteria",
    "mix": "Mix",
    "skills": "Skills wanted and covered",
    "reasons": "Reasons of the unmatched",
    "capacity": "Capacity use",
    "certificate": "Certificate",
    "rules": "Rules",
    "prices": "Price of each rule",
    "comparison": "Comparison",
    "findings": "Findings in the other matching",
}
CAPTIONS = {
    "coverage_department": "Coverage by department",
    "coverage_seniority": "Coverage by seniority",
    "coverage_location": "Coverage by location",
    "scores": "Pairs per score band",
    "criteria": "Mean contribution of each criterion",
    "skills": "Skills wanted and covered",
    "reasons": "Why people are unmatched",
    "comparison": "Side by side",
}
CHARTS_OF = {
    "coverage": ("coverage_department", "coverage_seniority", "coverage_location"),
    "scores": ("scores",),
    "criteria": ("criteria",),
    "skills": ("skills",),
    "reasons": ("reasons",),
    "comparison": ("comparison",),
}


def cell(value: Any, column: str = "") -> str:
    """Format one value as plain text (not yet escaped)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if column in PERCENT:
            return f"{value:.1%}"
        return (
            f"{value:,.0f}"
            if value.is_integer() and abs(value) >= 1000
            else f"{value:.4g}"
        )
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)


def _is_number(series: pd.Series) -> bool:
    return bool(
        pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    )


def _percent_row(label: str) -> bool:
    return label in PERCENT_ROWS or label.endswith(" share")


def table(frame: pd.DataFrame, *, table_id: str = "") -> str:
    """An escaped HTML table of ``frame``.

    In a table of ``measure`` / ``field`` rows, the rows of shares (coverage, gap,
    ``... share``) are shown as percentages.
    """
    numeric = [_is_number(frame[c]) for c in frame.columns]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    columns = [str(c) for c in frame.columns]
    label_at = next(
        (i for i, c in enumerate(columns) if c in ("measure", "field")), None
    )
    for row in frame.itertuples(index=False):
        percent = label_at is not None and _percent_row(str(row[label_at]))
        tds = []
        for j, (v, c, num) in enumerate(zip(row, columns, numeric, strict=True)):
            is_num = num or (isinstance(v, float | int) and not isinstance(v, bool))
            text = html.escape(cell(v, "share" if percent and j != label_at else c))
            tds.append(f"<td class=num>{text}</td>" if is_num else f"<td>{text}</td>")
        body.append(f"<tr>{''.join(tds)}</tr>")
    attr = f' id="{html.escape(table_id)}"' if table_id else ""
    return (
        f'<div class="scroll"><table{attr}><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def script_json(value: Any) -> str:
    """JSON safe to put inside ``<script>``: ``<``, ``>``, ``&``, U+2028/9 escaped.

    Examples
    --------
    >>> script_json({"name": "</script><b>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in _JSON_ESCAPES.items():
        text = text.replace(char, escaped)
    return text


def _person(ids: pd.Series, names: pd.Series | None) -> list[str]:
    id_text = [str(i) for i in ids.tolist()]
    if names is None:
        return id_text
    out = []
    for i, name in zip(id_text, names.fillna("").tolist(), strict=True):
        text = str(name).strip()
        out.append(i if text in ("", i) else f"{text} ({i})")
    return out


def _rows(frame: pd.DataFrame, columns: dict[str, Any]) -> dict[str, Any]:
    """``{"columns", "numeric", "rows"}`` of text cells for the page's script."""
    texts = []
    numeric = []
    for values in columns.values():
        if isinstance(values, list):
            texts.append(values)
            numeric.append(False)
        else:
            series = frame[values]
            numeric.append(_is_number(series))
            if _is_number(series):
                arr = series.to_numpy(dtype=np.float64)
                texts.append(
                    ["–" if math.isnan(v) else f"{v:.3f}" for v in arr.tolist()]
                )
            else:
                texts.append(series.fillna("").astype(str).tolist())
    rows = [list(r) for r in zip(*texts, strict=True)] if texts else []
    return {"columns": list(columns), "numeric": numeric, "rows": rows}


def _pairs_data(report: Report, names: bool) -> dict[str, Any]:
    pairs = report.pairs

    def name(col: str) -> pd.Series | None:
        return pairs[col] if names and col in pairs else None

    columns: dict[str, Any] = {
        "mentor": _person(pairs["mentor_id"], name("mentor_name")),
        "mentee": _person(pairs["mentee_id"], name("mentee_name")),
        "score": "score",
    }
    for criterion in report.criteria["criterion"]:
        if criterion in pairs:
            columns[str(criterion)] = str(criterion)
    if "explanation" in pairs:
        columns["explanation"] = "explanation"
    return _rows(pairs, columns)


def _unmatched_data(report: Report, names: bool) -> dict[str, Any]:
    u, r = report.unmatched, report.rejected
    status_r = np.where(
        r["reason_code"].astype(str) == "not_participating",
        "not participating",
        "rejected",
    )
    frame = pd.DataFrame(
        {
            "person": _person(u["id"], u["name"] if names and "name" in u else None)
            + r["id"].astype(str).tolist(),
            "role": pd.concat(
                [u["role"].astype(str), pd.Series([""] * len(r))], ignore_index=True
            ),
            "status": ["unmatched"] * len(u) + status_r.tolist(),
            "reason": pd.concat(
                [u["reason"].astype(str), r["reason"].astype(str)], ignore_index=True
            ),
        }
    )
    return _rows(frame, {c: c for c in frame.columns})


def _cards(report: Report) -> str:
    figures = report.overview.set_index("measure")["value"]
    shown = [
        "participants",
        "pairs",
        "coverage",
        "mentee coverage",
        "unmatched",
        "mean score",
        "gap",
        "status",
    ]
    out = []
    for key in shown:
        if key in figures.index:
            column = "coverage" if key in ("coverage", "mentee coverage", "gap") else ""
            value = html.escape(cell(figures[key], column))
            out.append(
                f"<div class=card><b>{value}</b><span>{html.escape(key)}</span></div>"
            )
    return f'<div class="cards">{"".join(out)}</div>'


def _section(name: str, frame: pd.DataFrame, charts: dict[str, str]) -> str:
    svgs = [(c, charts[c]) for c in CHARTS_OF.get(name, ()) if c in charts]
    figure = (
        '<div class="charts">'
        + "".join(
            f'<figure class="chart"><figcaption>{html.escape(CAPTIONS[c])}'
            f"</figcaption>{s}</figure>"
            for c, s in svgs
        )
        + "</div>"
        if svgs
        else ""
    )
    body = table(frame) if len(frame) else "<p class=note>Nothing to show.</p>"
    return (
        f'<section id="{name}"><h2>{html.escape(TITLES[name])}</h2>'
        f'<p class="note">{html.escape(NOTES[name])}</p>{figure}{body}</section>'
    )


def _searchable(key: str, title: str, note: str, columns: list[str]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    return (
        f'<section id="{key}"><h2>{html.escape(title)}</h2>'
        f'<p class="note">{html.escape(note)}</p>'
        f'<input type="search" id="{key}-filter" '
        'placeholder="Filter: type a name, an id or a word" '
        f'aria-label="Filter the {key}" autocomplete="off">'
        f'<p class="note" id="{key}-count"></p>'
        f'<div class="scroll"><table id="{key}-table"><thead><tr>{head}</tr></thead>'
        "<tbody></tbody></table></div>"
        "<noscript><p class=note>The table needs JavaScript.</p></noscript></section>"
    )


def render(report: Report, *, names: bool = True) -> str:
    """Return the page of ``report`` as text."""
    charts = report.charts
    pairs = _pairs_data(report, names)
    unmatched = _unmatched_data(report, names)
    tables = report.tables()
    sections = [
        _section(name, frame, charts)
        for name, frame in tables.items()
        if name in TITLES
    ]
    nav_names = [n for n in tables if n in TITLES] + ["pairs", "unmatched"]
    nav = "".join(
        f'<a href="#{n}">{html.escape(TITLES.get(n, n.capitalize()))}</a>'
        for n in nav_names
    )
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode(
        "ascii"
    )
    csp = (
        "default-src 'none'; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; img-src data:"
    )
    note = report.charts_note
    title = html.escape(report.title)
    chart_note = f'<p class="note">{html.escape(note)}</p>' if note else ""
    privacy = (
        ""
        if names
        else '<p class="note">Names are left out: people are shown by id.</p>'
    )
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
            f"<title>{title}</title><style>{CSS}</style></head><body>",
            f"<header><h1>{title}</h1>{privacy}{chart_note}<nav>{nav}</nav></header>",
            f'<main><section id="overview">{_cards(report)}',
            "<details><summary>All figures</summary>",
            f"{table(report.overview)}</details>",
            "</section>",
            *sections,
            _searchable(
                "pairs",
                "Pairs",
                "Every pair, best first, with the reasons for it.",
                pairs["columns"],
            ),
            _searchable(
                "unmatched",
                "Unmatched",
                "Everyone without a partner, and why; rows of the input that were not "
                "used.",
                unmatched["columns"],
            ),
            "</main><footer>Made by rmatch. This page loads nothing from the "
            "network.</footer>",
            '<script type="application/json" id="report-data">',
            script_json({"pairs": pairs, "unmatched": unmatched}),
            f"</script><script>{SCRIPT}</script></body></html>\n",
        ]
    )

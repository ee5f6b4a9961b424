"""Charts of the report: pygal charts rendered as inline SVG text.

pygal is optional (``pip install 'rmatch[report]'``); without it
[`make_charts()`][rmatch.report._charts.make_charts] raises `ChartsUnavailable` and the
report keeps its tables. pygal was chosen over matplotlib for speed: it imports in
about 0.05 s and draws a bar chart in about 0.01 s (matplotlib: 0.5 s and 0.04 s),
which keeps the report a small part of a match (``benchmarks/run.py``, owner's report).

Output is deterministic (each chart's id is fixed by its name, pygal's dated comments
are dropped), the SVG loads nothing (no script, no font, no link) and every label is
XML-escaped by pygal, so a department called ``<img onerror=...>`` stays text.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import numpy as np

#: A [`Report`][rmatch.report.Report] (not imported: its module imports this one).
Report = Any

#: At most this many bars in a chart; the rest of the groups stay in the tables.
MAX_BARS = 15
#: Width of a chart in SVG units (pixels at 100 %; the page scales it to its column).
WIDTH = 600
_COLORS = ("#2f6db5", "#e08a2e", "#9aa5b1")
#: pygal's dated comments, its config script (for its tooltips, which need a script
#: the page does not load; the page's CSP would block it anyway), its "Pygal" title
#: and the positions it gives axis labels as titles (a hover showing "0.5").
_DROP = re.compile(
    r"<!--.*?-->|<script\b.*?</script>|<title>(?:Pygal|-?[0-9.e+-]+)</title>",
    re.DOTALL,
)
#: Characters XML cannot hold (C0 controls but tab, newline, carriage return).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: pygal's own ids for legend entries, the same in every chart.
_LEGEND_ID = re.compile(r'\bid="(activate-serie-\d+)"')

#: A chart: its pygal class name, its options and its series (name, values).
Plan = tuple[str, dict[str, Any], list[tuple[str, list[Any]]]]


class ChartsUnavailable(ImportError):
    """pygal is not installed."""


def _short(label: Any, limit: int = 28) -> str:
    """``label`` as one short line of legal XML text (no control characters)."""
    text = _CONTROL.sub("\ufffd", str(label))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _array(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=float)


def _numbers(values: Any) -> list[float | None]:
    """Plain floats for pygal (NaN → ``None``: no bar)."""
    return [None if np.isnan(v) else float(v) for v in _array(values).tolist()]


def _ticks(top: float, most: int = 6) -> list[float]:
    """At most ``most`` round values from 0 to ``top`` (steps 1, 2, 2.5, 5 × 10^k)."""
    if not np.isfinite(top) or top <= 0:
        return [0.0, 1.0]
    raw = top / (most - 1)
    power = 10.0 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    count = int(np.ceil(top / step - 1e-9))
    return [round(k * step, 12) for k in range(count + 1)]


def _bars(
    labels: list[Any], series: dict[str, Any], title: str, **options: Any
) -> Plan:
    """Horizontal bars, first label on top; one bar per series and label."""
    # pygal draws the first label at the bottom: reverse labels and values
    shown = [_short(s) for s in labels][::-1]
    height = 70 + 26 * len(labels) * (1 + 0.4 * (len(series) - 1))
    options = {
        "x_labels": shown,
        "x_title": title,
        "height": int(height + (30 * len(series) if len(series) > 1 else 0)),
        "show_legend": len(series) > 1,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 1,
        "y_labels": _ticks(
            max(np.nanmax(v, initial=0) for v in map(_array, series.values()))
        ),
        **options,
    }
    return (
        "HorizontalBar",
        options,
        [(name, _numbers(values)[::-1]) for name, values in series.items()],
    )


def _coverage(report: Report, by: str) -> Plan | None:
    rows = report.coverage[report.coverage["by"] == by].head(MAX_BARS)
    if len(rows) < 2:
        return None
    return _bars(
        rows["group"].tolist(),
        {"coverage": rows["coverage"].to_numpy() * 100},
        "% matched",
        range=(0, 100),
        y_labels=_ticks(100),
    )


def _scores(report: Report) -> Plan | None:
    table = report.scores
    if int(table["pairs"].sum()) == 0:
        return None
    bins = [
        (int(n), float(lo), float(hi))
        for n, lo, hi in zip(table["pairs"], table["low"], table["high"], strict=True)
    ]
    options = {
        "x_title": "pair score",
        "y_title": "pairs",
        "height": 260,
        "show_legend": False,
        "y_labels": _ticks(max(n for n, _, _ in bins)),
    }
    return "Histogram", options, [("pairs", bins)]


def _criteria(report: Report) -> Plan | None:
    table = report.criteria
    if table.empty or table["contribution"].isna().all():
        return None
    return _bars(
        table["criterion"].tolist(),
        {"contribution": table["contribution"].to_numpy()},
        "mean contribution to the score",
    )


def _skills(report: Report) -> Plan | None:
    table = report.skills.head(MAX_BARS)
    if table.empty:
        return None
    return _bars(
        table["skill"].tolist(),
        {
            "wanted (matched mentees)": table["wanted_matched"].to_numpy(),
            "covered by their mentor": table["covered"].to_numpy(),
        },
        "mentees",
    )


def _reasons(report: Report) -> Plan | None:
    table = report.reasons[report.reasons["status"] == "unmatched"].head(MAX_BARS)
    if table.empty:
        return None
    return _bars(table["reason"].tolist(), {"people": table["people"]}, "people")


def _comparison(report: Report) -> Plan | None:
    table = report.comparison
    if table is None:
        return None
    rows = table[table["measure"].isin(["pairs", "mentees matched", "pairs in both"])]
    names = [c for c in table.columns if c != "measure"]
    return _bars(
        rows["measure"].tolist(), {str(n): rows[n].to_numpy() for n in names}, ""
    )


def plans(report: Report) -> dict[str, Plan]:
    """What each chart shows (pygal not needed): chart name → plan."""
    made: dict[str, Plan | None] = {
        "coverage_department": _coverage(report, "department"),
        "coverage_seniority": _coverage(report, "seniority"),
        "coverage_location": _coverage(report, "location"),
        "scores": _scores(report),
        "criteria": _criteria(report),
        "skills": _skills(report),
        "reasons": _reasons(report),
        "comparison": _comparison(report),
    }
    return {name: plan for name, plan in made.items() if plan is not None}


def _style() -> Any:
    from pygal.style import Style

    return Style(
        background="white",
        plot_background="white",
        foreground="#333",
        foreground_strong="#111",
        foreground_subtle="#e3e6ea",
        colors=_COLORS,
        opacity="0.9",
        opacity_hover="0.9",
        guide_stroke_color="#e3e6ea",
        major_guide_stroke_color="#e3e6ea",
        guide_stroke_dasharray="0",
        major_guide_stroke_dasharray="0",
        font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=14,
        value_font_size=11,
        title_font_size=14,
        transition="0s",
    )


def _forget_map_plugins() -> None:
    """Take pygal's map-plugin import hook off ``sys.meta_path``.

    Importing pygal appends a finder without ``find_spec`` (for ``pygal.maps.*``,
    which rmatch does not use); on Python 3.11 every failed import after it warns
    (``ImportWarning``), an error under ``-W error``.
    """
    sys.meta_path[:] = [
        finder
        for finder in sys.meta_path
        if not (type(finder).__module__ == "pygal" and not hasattr(finder, "find_spec"))
    ]


def make_charts(report: Report) -> dict[str, str]:
    """Draw the report's charts; return SVG text by name.

    Raises
    ------
    ChartsUnavailable
        pygal is not installed.
    """
    try:
        import pygal
        from pygal.etree import etree
    except ImportError as exc:
        raise ChartsUnavailable(str(exc)) from None
    _forget_map_plugins()
    etree.to_etree()  # the standard library's serializer: the same bytes with lxml
    style = _style()
    out: dict[str, str] = {}
    for name, (kind, options, series) in plans(report).items():
        chart = getattr(pygal, kind)(
            style=style,
            js=[],  # no script: the page's CSP allows none but its own
            disable_xml_declaration=True,
            width=WIDTH,
            margin=8,
            print_values=False,
            truncate_label=-1,  # labels are shortened here, by character
            truncate_legend=-1,
            **options,
        )
        chart.uuid = f"rmatch-{name}"  # a fixed id instead of a random uuid4
        for label, values in series:
            chart.add(label, values)
        svg = _DROP.sub("", chart.render(is_unicode=True)).strip()
        out[name] = _LEGEND_ID.sub(rf'id="{name}-\1"', svg)  # unique on one page
    return out

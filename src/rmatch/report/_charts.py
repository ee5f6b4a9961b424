"""Charts of the report: matplotlib figures rendered as inline SVG text.

matplotlib is optional (``pip install 'rmatch[report]'``); without it
[`make_charts()`][rmatch.report._charts.make_charts] raises `ChartsUnavailable` and the
report keeps its tables. Output is deterministic (fixed SVG ids, no date), text stays
text (``svg.fonttype = none``, escaped by matplotlib) and ``$`` in a label is not read
as mathematics.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import numpy as np

#: A [`Report`][rmatch.report.Report] (not imported: its module imports this one).
Report = Any

#: At most this many bars in a chart; the rest of the groups stay in the tables.
MAX_BARS = 15
#: Width of a chart in inches.
WIDTH = 6.0
_COLORS = ("#2f6db5", "#e08a2e", "#9aa5b1")
FONT_SIZE = 11
#: Points between the axis and a bar's label (a tick's length and padding).
_LABEL_PAD = 7.0
_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "rmatch",
    "text.parse_math": False,
    "font.size": FONT_SIZE,
    "font.family": "sans-serif",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "figure.dpi": 72,
}
_HEADER = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->|<metadata>.*?</metadata>", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')


class ChartsUnavailable(ImportError):
    """matplotlib is not installed."""


def _locator(**kwargs: Any) -> Any:
    """A tick locator with few ticks (tick objects are most of a chart's cost)."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(**kwargs)


def _short(label: Any, limit: int = 28) -> str:
    text = str(label)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(fig: Any, prefix: str) -> str:
    """The figure as ``<svg>`` text, ids prefixed so several charts share a page."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = _COMMENT.sub("", _HEADER.sub("", buffer.getvalue(), count=1))
    for name in sorted(set(_ID.findall(text)), key=len, reverse=True):
        text = text.replace(f'id="{name}"', f'id="{prefix}-{name}"')
        text = text.replace(f"#{name})", f"#{prefix}-{name})")
        text = text.replace(f'#{name}"', f'#{prefix}-{name}"')
    return text.strip()


def offset_copy(transform: Any, fig: Any, x: float) -> Any:
    """``transform`` moved ``x`` points to the right (matplotlib imported here)."""
    from matplotlib.transforms import offset_copy as move

    return move(transform, fig=fig, x=x, y=0, units="points")


def _barh(
    ax: Any, labels: list[str], series: dict[str, np.ndarray], xlabel: str
) -> None:
    """Horizontal bars, first label on top; one bar per series and label."""
    y = np.arange(len(labels))[::-1]
    height = 0.8 / max(len(series), 1)
    for k, (name, values) in enumerate(series.items()):
        ax.barh(
            y + (len(series) - 1 - 2 * k) * height / 2,
            values,
            height=height,
            color=_COLORS[k % len(_COLORS)],
            label=name,
        )
    shown = [_short(s) for s in labels]
    # the labels as plain text where tick labels would be: a tick is five artists
    # (two marks, two labels, a grid line), most of a bar chart's drawing time
    ax.set_yticks([])
    place = offset_copy(ax.get_yaxis_transform(), fig=ax.figure, x=-_LABEL_PAD)
    for at, text in zip(y.tolist(), shown, strict=True):
        ax.text(0, at, text, transform=place, ha="right", va="center_baseline")
    height = 0.9 + 0.28 * len(labels) * (1 + 0.4 * (len(series) - 1))
    ax.figure.set_size_inches(WIDTH, height)
    # room for the longest label (about 0.6 em per character) instead of a tight
    # bounding box, which would draw the figure twice
    left = min(0.55, 0.04 + 0.6 * FONT_SIZE / 72 * max(map(len, shown)) / WIDTH)
    ax.figure.subplots_adjust(
        left=left, right=0.97, top=1 - 0.15 / height, bottom=0.55 / height
    )
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_locator(_locator(nbins=4))  # few ticks: they cost most
    if len(series) > 1:
        ax.legend(frameon=False, loc="lower right")


def _coverage(report: Report, by: str) -> Callable[[Any], None] | None:
    rows = report.coverage[report.coverage["by"] == by].head(MAX_BARS)
    if len(rows) < 2:
        return None

    def draw(ax: Any) -> None:
        _barh(
            ax,
            rows["group"].tolist(),
            {"coverage": rows["coverage"].to_numpy() * 100},
            "% matched",
        )
        ax.set_xlim(0, 100)

    return draw


def _scores(report: Report) -> Callable[[Any], None] | None:
    table = report.scores
    if int(table["pairs"].sum()) == 0:
        return None

    def draw(ax: Any) -> None:
        ax.bar(
            table["low"],
            table["pairs"],
            width=table["high"] - table["low"],
            align="edge",
            color=_COLORS[0],
            edgecolor="white",
        )
        ax.xaxis.set_major_locator(_locator(nbins=5))
        ax.yaxis.set_major_locator(_locator(nbins=4, integer=True))
        ax.set_xlabel("pair score")
        ax.set_ylabel("pairs")

    return draw


def _criteria(report: Report) -> Callable[[Any], None] | None:
    table = report.criteria
    if table.empty or table["contribution"].isna().all():
        return None

    def draw(ax: Any) -> None:
        _barh(
            ax,
            table["criterion"].tolist(),
            {"contribution": table["contribution"].to_numpy()},
            "mean contribution to the score",
        )

    return draw


def _skills(report: Report) -> Callable[[Any], None] | None:
    table = report.skills.head(MAX_BARS)
    if table.empty:
        return None

    def draw(ax: Any) -> None:
        _barh(
            ax,
            table["skill"].tolist(),
            {
                "wanted (matched mentees)": table["wanted_matched"].to_numpy(),
                "covered by their mentor": table["covered"].to_numpy(),
            },
            "mentees",
        )

    return draw


def _reasons(report: Report) -> Callable[[Any], None] | None:
    table = report.reasons[report.reasons["status"] == "unmatched"].head(MAX_BARS)
    if table.empty:
        return None

    def draw(ax: Any) -> None:
        _barh(
            ax,
            table["reason"].tolist(),
            {"people": table["people"].to_numpy()},
            "people",
        )

    return draw


def _comparison(report: Report) -> Callable[[Any], None] | None:
    table = report.comparison
    if table is None:
        return None
    rows = table[table["measure"].isin(["pairs", "mentees matched", "pairs in both"])]

    def draw(ax: Any) -> None:
        names = [c for c in table.columns if c != "measure"]
        _barh(
            ax,
            rows["measure"].tolist(),
            {str(n): rows[n].to_numpy(dtype=float) for n in names},
            "",
        )

    return draw


def make_charts(report: Report) -> dict[str, str]:
    """Draw the report's charts; return SVG text by name.

    Raises
    ------
    ChartsUnavailable
        matplotlib is not installed.
    """
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ChartsUnavailable(str(exc)) from None
    plans: dict[str, Callable[[Any], None] | None] = {
        "coverage_department": _coverage(report, "department"),
        "coverage_seniority": _coverage(report, "seniority"),
        "coverage_location": _coverage(report, "location"),
        "scores": _scores(report),
        "criteria": _criteria(report),
        "skills": _skills(report),
        "reasons": _reasons(report),
        "comparison": _comparison(report),
    }
    out: dict[str, str] = {}
    with matplotlib.rc_context(rc=_RC):  # type: ignore[arg-type]
        for name, draw in plans.items():
            if draw is None:
                continue
            fig = Figure(figsize=(WIDTH, 2.6))
            fig.subplots_adjust(left=0.12, right=0.97, top=0.95, bottom=0.2)
            ax = fig.add_subplot()
            draw(ax)
            out[name] = _svg(fig, f"chart-{name}")
    return out

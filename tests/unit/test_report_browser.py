"""The report page in a real browser (headless Chromium through playwright).

Checks what a reader sees: every chart drawn with a size, no console error, no
network request (the page loads nothing), the pairs table filters by a typed name,
a name made of HTML stays text (no dialog, no injected element), and the page fits a
phone's width. It also takes the screenshot of ``docs/reports.md``: written to
``docs/img/report.png`` when that file is missing or ``RMATCH_UPDATE_SCREENSHOT=1``.

Needs Debian's ``chromium`` (``apt-get install chromium``; ``.ci/run`` installs it) and
``pip install playwright`` (in the dev extra; ``playwright install`` is not needed).
Without them the tests are skipped with that message.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import rmatch

from .test_report import DEMO, DEMO_PROGRAM, EVIL, evil_matching

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "img" / "report.png"
CHROMIUM = os.environ.get("RMATCH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HOW = (
    "a browser is needed: apt-get install chromium (Debian) and pip install "
    "playwright (in rmatch[dev]); set RMATCH_CHROMIUM to another Chromium binary"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip(f"playwright is not installed: {HOW}")
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(f"no Chromium at {CHROMIUM}: {HOW}")
    with sync_playwright() as pw:
        try:
            chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Error as exc:  # pragma: no cover - a broken install
            pytest.skip(f"Chromium at {CHROMIUM} does not start ({exc}): {HOW}")
        yield chromium
        chromium.close()


class Visit:
    """A page opened from a file, with what it logged and requested."""

    def __init__(self, browser: Any, path: Path, width: int = 1000) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": 900})
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on(
            "console",
            lambda m: self.errors.append(m.text) if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def rows(self, table: str) -> list[str]:
        rows: list[str] = self.page.locator(
            f"#{table}-table tbody tr"
        ).all_inner_texts()
        return rows

    def close(self) -> None:
        self.page.close()


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    if importlib.util.find_spec("pygal") is None:  # not imported: see _charts.py
        pytest.skip("charts need pygal: pip install 'rmatch[report]'")
    people = rmatch.read_people(DEMO)
    result = rmatch.Program.from_toml(DEMO_PROGRAM).match(people)
    report = result.report()
    path = report.to_html(tmp_path_factory.mktemp("report") / "report.html")
    return path, report


def test_page_renders_offline_with_every_chart(browser, demo_page) -> None:
    path, report = demo_page
    visit = Visit(browser, path)
    charts = visit.page.locator("figure.chart svg, img")
    assert charts.count() == len(report.charts) > 5
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 50 and box["height"] > 30, i
    assert visit.errors == []
    assert visit.requests == [visit.url]  # only the page itself, nothing else
    visit.close()


def test_pairs_table_filters_by_a_typed_name(browser, demo_page) -> None:
    path, report = demo_page
    visit = Visit(browser, path)
    assert len(visit.rows("pairs")) == len(report.pairs)
    name = str(report.pairs["mentee_name"].iloc[3])
    visit.page.fill("#pairs-filter", name)
    rows = visit.rows("pairs")
    expected = report.pairs[
        (report.pairs["mentee_name"] == name) | (report.pairs["mentor_name"] == name)
    ]
    assert 1 <= len(rows) == len(expected) < len(report.pairs)
    assert all(name in row for row in rows)
    assert f"{len(rows)} of {len(report.pairs)}" in visit.page.inner_text(
        "#pairs-count"
    )
    visit.page.fill("#pairs-filter", "")
    assert len(visit.rows("pairs")) == len(report.pairs)
    visit.page.fill("#unmatched-filter", str(report.unmatched["id"].iloc[0]))
    assert len(visit.rows("unmatched")) == 1
    assert visit.errors == [] and visit.requests == [visit.url]
    visit.close()


def test_a_name_made_of_html_stays_text(browser, tmp_path) -> None:
    path = evil_matching().report().to_html(tmp_path / "evil.html")
    visit = Visit(browser, path)
    visit.page.fill("#pairs-filter", "onerror")
    rows = visit.rows("pairs") + visit.rows("unmatched")
    assert rows and all(EVIL in row for row in visit.rows("pairs"))
    visit.page.fill("#unmatched-filter", "")
    visit.page.wait_for_timeout(200)  # an injected handler would have fired by now
    assert visit.page.locator("img").count() == 0
    assert visit.page.locator("main script, td *, [onerror]").count() == 0
    assert visit.dialogs == []
    assert visit.errors == [] and visit.requests == [visit.url]
    visit.close()


def test_page_fits_a_phone(browser, demo_page) -> None:
    path, _ = demo_page
    visit = Visit(browser, path, width=390)
    overflow = visit.page.evaluate(
        "document.documentElement.scrollWidth - window.innerWidth"
    )
    assert overflow <= 1
    width = visit.page.locator("figure.chart svg").first.bounding_box()["width"]
    assert 200 < width <= 390
    visit.close()


def test_screenshot_for_the_docs(browser, demo_page, tmp_path) -> None:
    path, _ = demo_page
    visit = Visit(browser, path)
    shot = tmp_path / "report.png"
    visit.page.screenshot(
        path=str(shot), clip={"x": 0, "y": 0, "width": 1000, "height": 1100}
    )
    visit.close()
    assert shot.stat().st_size > 10_000  # something was drawn
    if not SCREENSHOT.exists() or os.environ.get("RMATCH_UPDATE_SCREENSHOT") == "1":
        try:  # a palette keeps the committed file small
            from PIL import Image

            Image.open(shot).convert("RGB").quantize(colors=64).save(
                SCREENSHOT, optimize=True
            )
        except ImportError:  # pragma: no cover - Pillow is in the dev extra
            shutil.copy(shot, SCREENSHOT)

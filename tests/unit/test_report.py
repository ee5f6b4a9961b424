"""The program owner's report: tables, JSON round trip, escaping, names, CLI."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rmatch
from rmatch.cli import main
from rmatch.report import CHARTS_HINT, Comparison, Report, report_from_records

DEMO = Path(rmatch.datasets.demo_path())
DEMO_PROGRAM = Path(rmatch.datasets.demo_program_path())
EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def demo() -> rmatch.Matching:
    people = rmatch.read_people(DEMO)
    return rmatch.Program.from_toml(DEMO_PROGRAM).match(people)


@pytest.fixture(scope="module")
def demo_report(demo: rmatch.Matching) -> Report:
    return demo.report()


def evil_people() -> rmatch.People:
    """A small org whose sign-ups carry HTML, script-closing text and U+2028."""
    rows = [
        ("M1", EVIL, "mentor", "<b>Sales</b>", "1", "python", ""),
        (
            "M2",
            "Ana </script><script>alert(2)</script>",
            "mentor",
            "IT",
            "2",
            "sql",
            "",
        ),
        ("E1", "Zoë \u2028 & Co", "mentee", "IT & Ops", "5", "", "python"),
        ("E2", "$x^2$ O'Brien", "mentee", EVIL, "6", "", "sql; python"),
        ("E3", "Lone", "mentee", "HR", "0", "", "genai"),
    ]
    return rmatch.read_people(
        [
            {
                "id": i,
                "name": n,
                "role": r,
                "department": d,
                "seniority": s,
                "skills_offered": o,
                "skills_wanted": w,
            }
            for i, n, r, d, s, o, w in rows
        ]
    )


def evil_matching() -> rmatch.Matching:
    program = rmatch.Program(
        criteria=[rmatch.Skills()], rules=[rmatch.ReverseSeniority(min_gap=1)]
    )
    return program.match(evil_people())


def test_every_part_is_a_dataframe(demo_report: Report) -> None:
    tables = demo_report.tables()
    assert list(tables)[:10] == list(Report.TABLES[:10])
    assert all(isinstance(v, pd.DataFrame) and len(v) for v in tables.values())
    assert "prices" not in tables and "comparison" not in tables


def test_tables_agree_with_the_matching(demo: rmatch.Matching, demo_report: Report):
    s = demo.summary()
    cov = demo_report.coverage
    everyone = cov[cov["by"] == "all"].iloc[0]
    assert everyone["participants"] == s.participants
    assert everyone["unmatched"] == s.unmatched
    assert everyone["mentees_matched"] == s.mentees_matched
    assert everyone["mentee_coverage"] == pytest.approx(s.coverage)
    for by in ("role", "department", "seniority", "location"):
        part = cov[cov["by"] == by]
        assert part["participants"].sum() == s.participants, by
        assert part["matched"].sum() == everyone["matched"], by
    assert demo_report.scores["pairs"].sum() == s.pairs
    assert demo_report.criteria["contribution"].sum() == pytest.approx(s.mean_score)
    assert demo_report.reasons["people"].sum() == s.unmatched
    capacity = demo_report.capacity.set_index("side")
    assert capacity.loc["mentor", "used"] == capacity.loc["mentee", "used"] == s.pairs
    assert capacity.loc["mentee", "slots"] >= s.mentees_matched
    # reverse mode (the demo program): every pair has the junior as mentor
    mix = demo_report.mix.set_index("measure")
    assert mix.loc["mentor junior", "share"] == 1.0
    certificate = demo_report.certificate.set_index("field")["value"]
    assert certificate["objective value"] == pytest.approx(s.objective)
    assert certificate["solver"] == s.method
    assert len(demo_report.pairs) == s.pairs
    assert demo_report.pairs["explanation"].str.contains("weight").all()


def test_skills_covered_counts_each_wanted_skill_once() -> None:
    pairs = pd.DataFrame({"mentor_id": ["A", "C"], "mentee_id": ["B", "B"]})
    people = pd.DataFrame(
        {"id": ["A", "B", "C", "D"], "role": ["mentor", "mentee", "mentor", "mentee"]}
    )
    status = rmatch.report.people_status(pairs, people)
    skills = pd.DataFrame(
        {
            "id": ["A", "C", "B", "B", "D"],
            "kind": ["offered", "offered", "wanted", "wanted", "wanted"],
            "skill": ["python", "python", "python", "sql", "python"],
        }
    )
    table = rmatch.report.skills_covered(pairs, status, skills).set_index("skill")
    assert table.loc["python", ["wanted", "wanted_matched", "covered"]].tolist() == [
        2,
        1,
        1,
    ]
    assert table.loc["sql", ["wanted", "wanted_matched", "covered"]].tolist() == [
        1,
        1,
        0,
    ]


def test_report_from_the_json_equals_the_report(demo, demo_report, tmp_path):
    path = demo.to_json(tmp_path / "result.json", timings=True)
    again = report_from_records(json.loads(path.read_text(encoding="utf-8")))
    for name, table in demo_report.tables().items():
        pd.testing.assert_frame_equal(
            getattr(again, name), table, check_dtype=False, obj=name
        )
    assert (
        again.pairs["explanation"].tolist() == demo_report.pairs["explanation"].tolist()
    )
    assert again.title == demo_report.title


def test_old_json_without_report_part_still_gives_a_report(demo) -> None:
    records = demo.to_records(report=False)
    assert "report" not in records
    report = report_from_records(records)
    everyone = report.coverage.iloc[0]
    assert everyone["matched"] + everyone["unmatched"] == everyone["participants"]
    assert everyone["unmatched"] == len(demo.unmatched)


def test_without_pygal_tables_stay_and_the_hint_is_said_once(
    demo: rmatch.Matching, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pygal", None)  # import fails
    report = demo.report()
    assert len(report.coverage) and len(report.skills)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        charts = report.charts
        page = report.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert charts == {}
    assert [str(w.message) for w in caught] == [CHARTS_HINT]  # said once
    assert "pip install 'rmatch[report]'" in CHARTS_HINT
    assert page.count(CHARTS_HINT.replace("'", "&#x27;")) == 1
    assert "<svg" not in page


def test_charts_are_inline_svg_with_unique_ids(demo_report: Report) -> None:
    if importlib.util.find_spec("pygal") is None:  # not imported: see _charts.py
        pytest.skip("charts need pygal: pip install 'rmatch[report]'")
    charts = demo_report.charts
    assert {"coverage_department", "scores", "criteria", "skills", "reasons"} <= set(
        charts
    )
    ids: list[str] = []
    for svg in charts.values():
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert not re.search(r"(href|src)=\"(?!#)|url\((?!#)", svg)  # internal only
        ids += re.findall(r'\bid="([^"]+)"', svg)
    assert len(ids) == len(set(ids))


def test_page_is_self_contained_and_deterministic(demo, tmp_path) -> None:
    a = demo.report().to_html(tmp_path / "a.html").read_bytes()
    b = demo.report().to_html(tmp_path / "b.html").read_bytes()
    assert a == b
    text = a.decode("utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text)
    assert "@import" not in text and "url(http" not in text
    assert "default-src 'none'" in text


def test_sign_up_values_are_escaped(tmp_path: Path) -> None:
    report = evil_matching().report()
    page = report.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "<img" not in page and "<b>Sales" not in page
    assert "&lt;b&gt;Sales&lt;/b&gt;" in page  # the department, in a table
    data = page.split('id="report-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data and "&" not in data
    assert "\u2028" not in data and "\\u2028" in data
    decoded = json.loads(data)
    people = {row[0] for row in decoded["pairs"]["rows"]} | {
        row[0] for row in decoded["unmatched"]["rows"]
    }
    assert f"{EVIL} (M1)" in people
    assert page.count("<script") == 2  # the data and the page's own script


def test_names_false_leaves_every_name_out(tmp_path: Path) -> None:
    result = evil_matching()
    page = result.report().to_html(tmp_path / "r.html", names=False)
    text = page.read_text(encoding="utf-8")
    for name in ("Ana", "Zo\u00eb", "Brien", "Lone", "alert(2)"):
        assert name not in text, name
    assert "(M1)" not in text  # the name of M1 is HTML, and it is left out too
    assert "M1" in text and "E3" in text


def test_prices_and_a_hand_made_comparison_are_shown(demo, tmp_path) -> None:
    prices = pd.DataFrame(
        {"rule": ["(all rules)", "without x"], "price": [0.0, 1.5], "pairs": [35, 37]}
    )
    theirs = demo.pairs[["mentor_id", "mentee_id", "score"]].iloc[:20].copy()
    findings = pd.DataFrame(
        {
            "kind": ["capacity"],
            "rule": ["mentor capacity"],
            "people": ["E000150"],
            "message": [f"E000150 mentors 3 mentees {EVIL}"],
        }
    )
    other = Comparison("hand-made", theirs, objective=5.0, findings=findings)
    report = demo.report(prices=prices, compare=other)
    assert report.prices is not None and report.prices["price"].tolist() == [0.0, 1.5]
    side = report.comparison.set_index("measure")
    assert side.loc["pairs"].tolist() == [len(demo.pairs), 20]
    assert side.loc["pairs in both", "hand-made"] == 20
    assert side.loc["objective", "hand-made"] == 5.0
    assert side.loc["findings"].tolist() == [0, 1]
    page = report.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    for section in ('id="prices"', 'id="comparison"', 'id="findings"', "hand-made"):
        assert section in page
    assert "<img" not in page


def test_cli_match_report_and_report_from_json(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = main(
        [
            "match",
            str(DEMO),
            "--config",
            str(DEMO_PROGRAM),
            "-q",
            "--json",
            "result.json",
            "--report",
            "report.html",
            "--price",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "wrote the report to report.html" in out
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="prices"' in page and "without no reporting line" in page
    code = main(["report", "result.json", "-o", "shared.html", "--no-names"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "(ids only)" in out
    shared = (tmp_path / "shared.html").read_text(encoding="utf-8")
    names = pd.read_csv(DEMO, dtype=str)["name"].dropna()
    assert not [n for n in names if n in shared]
    assert 'id="coverage"' in shared


def test_cli_json_and_report_share_one_computation(tmp_path, monkeypatch) -> None:
    # --json --report explained every pair twice; now the inputs are built once,
    # and both files are what the library writes on its own
    import rmatch.cli._match as cli_match

    monkeypatch.chdir(tmp_path)
    calls = []
    real = cli_match.report_inputs
    monkeypatch.setattr(
        cli_match, "report_inputs", lambda m, **kw: calls.append(1) or real(m, **kw)
    )
    argv = ["match", str(DEMO), "--config", str(DEMO_PROGRAM), "-q", "-o", "p.csv"]
    assert main([*argv, "--json", "both.json", "--report", "both.html"]) == 0
    assert len(calls) == 1
    assert main([*argv, "--json", "alone.json"]) == 0
    assert len(calls) == 1  # without --report the JSON makes its own
    people = rmatch.read_people(DEMO)
    result = rmatch.Program.from_toml(DEMO_PROGRAM).match(people)
    expected = result.to_json(tmp_path / "lib.json").read_bytes()
    assert (tmp_path / "both.json").read_bytes() == expected
    assert (tmp_path / "alone.json").read_bytes() == expected
    result.report().to_html(tmp_path / "lib.html")
    timings = re.compile(r"<tr><td>seconds[^<]*</td><td class=num>[^<]*</td></tr>")
    page, lib = (
        timings.sub("", (tmp_path / f).read_text(encoding="utf-8"))
        for f in ("both.html", "lib.html")
    )
    assert "pairs-table" in page and page == lib


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not JSON"), ('{"x": 1}', "no 'pairs' list")],
)
def test_cli_report_bad_json_exits_2(tmp_path, capsys, content, message) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert main(["report", str(path), "-o", str(tmp_path / "r.html")]) == 2
    _, err = capsys.readouterr()
    assert message in err and "Traceback" not in err


def test_seniority_bands_are_ordered_and_unknown_last() -> None:
    people = pd.DataFrame(
        {
            "id": [f"P{i}" for i in range(12)],
            "role": ["mentee"] * 12,
            "seniority": [*range(1, 12), np.nan],
        }
    )
    status = rmatch.report.people_status(
        pd.DataFrame(columns=["mentor_id", "mentee_id"]), people
    )
    cov = rmatch.report.coverage(status)
    bands = cov.loc[cov["by"] == "seniority", "group"].tolist()
    assert bands[-1] == "(unknown)"
    lows = [float(b.split("–")[0]) for b in bands[:-1]]
    assert lows == sorted(lows) and len(bands) == 7


def test_a_matching_without_pairs_still_makes_a_page(tmp_path: Path) -> None:
    people = rmatch.read_people(
        [{"id": "A", "role": "mentee", "name": "Ana"}, {"id": "B", "role": "mentee"}]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # everyone is unmatched: said as a warning
        result = rmatch.Program().match(people)
    report = result.report()
    assert len(report.pairs) == 0
    assert report.coverage.iloc[0][["participants", "unmatched"]].tolist() == [2, 2]
    assert report.reasons["people"].sum() == 2
    page = report.to_html(tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Ana (A)" in page and 'id="pairs-table"' in page


def test_cli_says_what_to_install_for_charts(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "pygal", None)  # not installed
    page = tmp_path / "report.html"
    argv = ["match", str(DEMO), "-q", "-o", str(tmp_path / "p.csv")]
    assert main([*argv, "--report", str(page)]) == 0
    out, err = capsys.readouterr()
    assert f"note: {CHARTS_HINT}" in out
    assert "warning" not in err  # said once, as the note
    assert 'id="pairs-table"' in page.read_text(encoding="utf-8")


def test_drawing_charts_leaves_failed_imports_plain_import_errors(
    demo_report: Report,
) -> None:
    # pygal's map-plugin finder (no find_spec) made every later failed import warn
    # ImportWarning on Python 3.11: an error under -W error
    if importlib.util.find_spec("pygal") is None:
        pytest.skip("charts need pygal: pip install 'rmatch[report]'")
    assert demo_report.charts
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ImportError):
            importlib.import_module("rmatch_no_such_module")


def test_chart_labels_drop_control_characters_and_hover_numbers(
    demo: rmatch.Matching,
) -> None:
    if importlib.util.find_spec("pygal") is None:
        pytest.skip("charts need pygal: pip install 'rmatch[report]'")
    from rmatch.report._charts import make_charts

    report = demo.report()
    report.coverage.loc[report.coverage["by"] == "department", "group"] = "bad\x0bdept"
    svg = make_charts(report)["coverage_department"]
    assert "bad\ufffddept" in svg and "\x0b" not in svg
    assert "<title>Pygal</title>" not in svg
    assert not re.search(r"<title>-?[0-9.]+</title>", svg)


def test_a_blank_skill_in_stored_records_is_left_out(demo: rmatch.Matching) -> None:
    records = json.loads(json.dumps(demo.to_records(report=True)))
    skills = records["report"]["skills"]
    skills["skill"][0] = None  # e.g. a JSON edited by hand
    report = report_from_records(records)
    assert len(report.skills) and report.skills["skill"].notna().all()
    assert not {"None", "nan"} & set(report.skills["skill"])


def test_everyone_matched_leaves_text_columns_of_the_unmatched_text() -> None:
    people = rmatch.read_people(
        [
            {"id": "M", "role": "mentor", "interests": "chess"},
            {"id": "E", "role": "mentee", "interests": "chess"},
        ]
    )
    result = rmatch.Program(criteria=[rmatch.Interests()]).match(people)
    assert result.unmatched.empty
    for column in ("id", "name", "role", "reason", "reason_code", "file"):
        assert result.unmatched[column].dtype == object, column
    assert not result.unmatched["reason"].str.contains("x").any()


def test_a_matching_changed_after_a_report_is_reported_as_it_is_now() -> None:
    """Review: a cache of the report inputs (reverted) kept the old title after
    ``program`` was reassigned, and old scores after a cell was changed."""
    people = rmatch.read_people(DEMO)
    result = rmatch.Program.from_toml(DEMO_PROGRAM).match(people)
    first = result.report()
    result.program = {**result.program, "program": {"name": "Spring round"}}
    result.pairs.loc[0, "score"] = 0.0
    second = result.report()
    assert second.title == "Mentoring program report: Spring round" != first.title
    assert second.pairs["score"].iloc[0] == 0.0
    assert second.pairs["explanation"].tolist() == first.pairs["explanation"].tolist()

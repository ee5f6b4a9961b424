"""``rmatch report``: the program owner's page from a matching's JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from rmatch.cli._common import write_report
from rmatch.errors import ConfigError
from rmatch.report import report_from_records


def register(sub: Any) -> None:
    """Add the ``report`` subcommand."""
    report = sub.add_parser(
        "report",
        help="write the HTML report of a matching (the --json file of rmatch match)",
    )
    report.add_argument("input", help="the JSON written by rmatch match --json")
    report.add_argument(
        "-o", "--output", default="report.html", help="HTML page to write"
    )
    report.add_argument(
        "--no-names",
        dest="names",
        action="store_false",
        help="leave names out (ids only), for sharing outside HR",
    )
    report.set_defaults(run=run)


def _read(path: str) -> dict[str, Any]:
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path}: not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "give the file written by rmatch match --json"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("pairs"), list):
        raise ConfigError(
            f"{path}: no 'pairs' list; give the file written by rmatch match --json"
        )
    return data


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Read the JSON, build the report, write the page."""
    data = _read(args.input)
    if not data.get("report"):
        err.write(
            f"warning: {args.input} has no 'report' part (an older rmatch wrote it): "
            "no groups, skills or explanations on the page\n"
        )
    write_report(report_from_records(data), args.output, args.names, out)
    return 0

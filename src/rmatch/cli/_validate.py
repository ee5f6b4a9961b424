"""``rmatch validate``: check a file and list every problem."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from rmatch.cli._common import debug_option, input_argument, load_program, one_or_many
from rmatch.io import read_raw
from rmatch.survey import validate_survey
from rmatch.validate import validate_people


def register(sub: Any) -> None:
    """Add the ``validate`` subcommand."""
    validate = sub.add_parser("validate", help="check a file and list every problem")
    input_argument(validate)
    validate.add_argument("--config", help="program TOML with a [mapping] section")
    debug_option(validate)
    validate.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print every problem; exit 2 when there is an error."""
    program = load_program(args) if args.config else None
    source = one_or_many(args.input)
    if program is not None and program.mapping:
        report = validate_survey(source, mapping=args.config)
    else:
        raw = read_raw(source)
        report = validate_people(
            raw.frame,
            source=raw.name,
            rows=raw.rows,
            files=None if raw.files is None else raw.files.tolist(),
            issues=raw.issues,
        )
    for issue in report.issues:
        out.write(f"{issue.severity.upper():7} {issue}\n")
    out.write(report.summary() + "\n")
    return 2 if report.errors else 0

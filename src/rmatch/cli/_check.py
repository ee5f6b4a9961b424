"""``rmatch check``: score and check a pairs file under a program."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, TextIO

from rmatch.analysis import check_pairs
from rmatch.cli._common import debug_option, load_program, read_input


def register(sub: Any) -> None:
    """Add the ``check`` subcommand."""
    check = sub.add_parser(
        "check",
        help="check a pairs file: every rule, capacity and quota it breaks, and "
        "its objective against rmatch's optimum",
    )
    check.add_argument(
        "pairs", help="pairs file (CSV, Excel or the --json of rmatch match)"
    )
    check.add_argument("input", help="the sign-up file the pairs were made from")
    check.add_argument("--config", help="program TOML (criteria, rules, mapping)")
    check.add_argument("--json", help="also write the findings and scores as JSON")
    check.add_argument(
        "--history", help="CSV of past pairs never to repeat (as for rmatch match)"
    )
    debug_option(check)
    check.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print every finding; exit 1 when something is broken, 0 when nothing is."""
    program = load_program(args)
    people = read_input(args.input, program, getattr(args, "config", None))
    result = check_pairs(program, people, args.pairs)
    out.write(result.summary() + "\n")
    if args.json:
        Path(args.json).write_text(
            json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n",
            encoding="utf-8",
        )
        out.write(f"wrote {args.json}\n")
    return 0 if result.ok else 1

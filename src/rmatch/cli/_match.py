"""``rmatch match``: match a sign-up file and write the pairs."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from rmatch.analysis import format_price_table, price_of_rules
from rmatch.cli._common import (
    Progress,
    engine,
    input_argument,
    load_program,
    positive_float,
    print_pairs,
    read_input,
    solver_options,
)


def register(sub: Any) -> None:
    """Add the ``match`` subcommand."""
    match = sub.add_parser("match", help="match a sign-up file")
    input_argument(match)
    match.add_argument(
        "-o", "--output", default="pairs.csv", help="pairs file (.csv, .xlsx or .json)"
    )
    match.add_argument("--config", help="program TOML (criteria, rules, mapping)")
    match.add_argument("--unmatched", help="write who was left out and why")
    match.add_argument("--json", help="also write everything as JSON for HR tools")
    match.add_argument("--history", help="CSV of past pairs never to repeat")
    match.add_argument(
        "--time-limit",
        dest="time_limit",
        type=positive_float,
        metavar="SECONDS",
        help="time limit of the ILP solver (the best matching found is kept)",
    )
    match.add_argument(
        "--top-k",
        dest="top_k",
        type=int,
        help="keep the best K candidates per person (large programs); the result "
        "is certified against every allowed pair",
    )
    match.add_argument(
        "--gap-tolerance",
        dest="gap_tolerance",
        type=float,
        metavar="GAP",
        help="with --top-k: enlarge K until the certified gap is at most GAP "
        "(e.g. 0.001)",
    )
    match.add_argument(
        "--price",
        action="store_true",
        help="also re-solve without each rule and print what each rule costs",
    )
    match.add_argument(
        "--bom",
        action="store_true",
        help="write CSV as UTF-8 with a byte-order mark (Excel)",
    )
    match.add_argument(
        "-q", "--quiet", action="store_true", help="no pair listing and no progress"
    )
    solver_options(match)
    match.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Match, print the summary, write the files asked for."""
    program = load_program(args)
    people = read_input(args.input, program, getattr(args, "config", None))
    progress = Progress(err, not args.quiet)
    result = program.match(people, progress=progress, **engine(args))
    out.write(str(result.summary()) + "\n")
    if not args.quiet:
        print_pairs(result, out)
    if args.price:
        out.write("\nprice of each rule (re-solved without it):\n")
        out.write(format_price_table(price_of_rules(program, people)) + "\n")
    target = result.to_csv(args.output, unmatched=args.unmatched, bom=args.bom)
    out.write(f"\nwrote {len(result.pairs)} pairs to {target}\n")
    if args.unmatched:
        out.write(f"wrote {len(result.unmatched)} unmatched to {args.unmatched}\n")
    if args.json:
        result.to_json(args.json)
        out.write(f"wrote {args.json}\n")
    return 0

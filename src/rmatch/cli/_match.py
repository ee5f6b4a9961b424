"""``rmatch match``: match a sign-up file and write the pairs."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from rmatch.analysis import format_price_table, price_of_rules
from rmatch.choices import read_choices
from rmatch.cli._common import (
    Progress,
    engine,
    input_argument,
    load_program,
    positive_float,
    print_pairs,
    read_input,
    solver_options,
    write_report,
)
from rmatch.errors import ConfigError
from rmatch.report import build_report
from rmatch.result import report_inputs, report_section, write_json, write_table


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
        "--choices",
        metavar="FILE",
        help="ranked choices (person_id, candidate_id, rank; 1 = first choice), e.g. "
        "from a form where people ranked their shortlist: with --method stable a "
        "stable matching on them (stable:mentor for mentor-optimal), otherwise the "
        "best ranks, ties broken by score; see docs/shortlists.md",
    )
    match.add_argument(
        "--choices-column",
        dest="choices_columns",
        action="append",
        metavar="FIELD=COLUMN",
        help="map a column of the choices file: person_id=, candidate_id=, rank= or "
        "side=; for one column per place repeat ranked=COLUMN, first choice first "
        '(e.g. --choices-column "person_id=Your e-mail" --choices-column '
        '"ranked=First choice" --choices-column "ranked=Second choice")',
    )
    match.add_argument(
        "--previous",
        action="append",
        metavar="FILE",
        help="the previous round (pairs CSV/Excel or the --json file; repeat for "
        "older rounds, oldest first): keep the pairs that work, do not repeat others",
    )
    match.add_argument(
        "--feedback",
        action="append",
        metavar="FILE",
        help="feedback on the previous round: mentor_id, mentee_id, rating (1-5) "
        "and/or status (continue, end, not a fit)",
    )
    match.add_argument(
        "--changelog",
        metavar="FILE",
        help="with --previous: write kept/ended/new pairs",
    )
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
        "--report",
        metavar="HTML",
        help="also write the program owner's report as one HTML page (with --price: "
        "the price of each rule on it too)",
    )
    match.add_argument(
        "--no-names",
        dest="names",
        action="store_false",
        help="with --report: leave names out of the page (ids only)",
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


def choices_mapping(items: list[str]) -> dict[str, Any]:
    """``["person_id=Email", "ranked=A", "ranked=B"]`` -> the read_choices mapping."""
    mapping: dict[str, Any] = {}
    for item in items:
        field, sep, column = item.partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise ConfigError(
                f"--choices-column needs FIELD=COLUMN (e.g. person_id=Email); "
                f"got {item!r}"
            )
        if field == "ranked":
            mapping.setdefault("ranked", []).append(column)
        else:
            mapping[field] = column
    return mapping


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Match, print the summary, write the files asked for."""
    program = load_program(args)
    people = read_input(args.input, program, getattr(args, "config", None))
    progress = Progress(err, not args.quiet)
    choices = None
    if args.choices:
        mapping = choices_mapping(args.choices_columns or [])
        choices = read_choices(args.choices, people, mapping=mapping)
    rounds: dict[str, Any] = {}
    if args.previous or args.feedback:
        rounds = {"previous": args.previous, "feedback": args.feedback}
    result = program.match(
        people, choices=choices, progress=progress, **rounds, **engine(args)
    )
    out.write(str(result.summary()) + "\n")
    if not args.quiet:
        print_pairs(result, out)
    prices = None
    if args.price:
        prices = price_of_rules(program, people)
        out.write("\nprice of each rule (re-solved without it):\n")
        out.write(format_price_table(prices) + "\n")
    target = result.to_csv(args.output, unmatched=args.unmatched, bom=args.bom)
    out.write(f"\nwrote {len(result.pairs)} pairs to {target}\n")
    if args.unmatched:
        out.write(f"wrote {len(result.unmatched)} unmatched to {args.unmatched}\n")
    if args.changelog:
        if result.changes is None:
            err.write("--changelog needs --previous (the round before); not written\n")
        else:
            write_table(result.changes, args.changelog, bom=args.bom)
            out.write(f"wrote {len(result.changes)} changes to {args.changelog}\n")
    # the page and the JSON's report part share one computation of their inputs
    inputs = report_inputs(result) if args.report else None
    if args.json:
        records = result.to_records(report=inputs is None, explain=True)
        if inputs is not None:
            records["report"] = report_section(result, inputs=inputs)
        write_json(records, args.json)
        out.write(f"wrote {args.json}\n")
    if inputs is not None:
        report = build_report(**inputs, prices=prices)
        write_report(report, args.report, args.names, out)
    return 0

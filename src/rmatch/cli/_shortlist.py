"""``rmatch shortlist``: K spread suggestions per person."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from rmatch.cli._common import (
    debug_option,
    input_argument,
    load_program,
    positive_int,
    read_input,
)


def register(sub: Any) -> None:
    """Add the ``shortlist`` subcommand."""
    p = sub.add_parser(
        "shortlist",
        help="suggest K allowed candidates per person, spread across candidates",
        description="Suggest K allowed candidates per person (every hard rule "
        "holds), each candidate on at most --max-exposure lists: the most "
        "suggestions, then the best total score (exact, min-cost flow).",
    )
    input_argument(p)
    p.add_argument("--config", help="program TOML (criteria, rules, mapping)")
    p.add_argument(
        "-k", type=positive_int, default=5, help="suggestions per person (default 5)"
    )
    p.add_argument(
        "--max-exposure",
        dest="max_exposure",
        type=positive_int,
        metavar="N",
        help="lists a candidate may appear on (default: the least cap that still "
        "gives everyone their suggestions, computed and reported)",
    )
    p.add_argument(
        "--side",
        choices=("mentee", "mentor"),
        default="mentee",
        help="who gets the lists: mentees (of mentors, default) or mentors",
    )
    p.add_argument(
        "--mutual",
        action="store_true",
        help="keep only suggestions where the person is also among the "
        "candidate's K best-scoring allowed partners",
    )
    p.add_argument("--history", help="CSV of past pairs never to suggest again")
    p.add_argument(
        "-o",
        "--output",
        default="shortlist.csv",
        help="shortlist CSV (default shortlist.csv)",
    )
    debug_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Make the shortlists, print the exposure report, write the CSV."""
    program = load_program(args)
    people = read_input(args.input, program, getattr(args, "config", None))
    lists = program.shortlist(
        people,
        k=args.k,
        max_exposure=args.max_exposure,
        side=args.side,
        mutual=args.mutual,
    )
    out.write(lists.summary() + "\n")
    lists.to_csv(args.output)
    out.write(f"wrote {len(lists)} suggestions to {args.output}\n")
    return 0

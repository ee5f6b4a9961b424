"""``rmatch rounds``: plan several rounds without repeated pairs (rotation)."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from rmatch.cli._common import (
    input_argument,
    load_program,
    positive_int,
    read_input,
    solver_options,
)
from rmatch.rounds import plan_rounds


def register(sub: Any) -> None:
    """Add the ``rounds`` subcommand."""
    rounds = sub.add_parser(
        "rounds", help="plan several rounds without repeated pairs (rotation)"
    )
    input_argument(rounds)
    rounds.add_argument("--config", help="program TOML (criteria, rules, mapping)")
    rounds.add_argument(
        "--rounds",
        type=positive_int,
        required=True,
        help="number of rounds to plan (>= 1)",
    )
    rounds.add_argument(
        "-o",
        "--output",
        default="rounds",
        help="folder for round_1.csv ... summary.csv",
    )
    rounds.add_argument("--history", help="CSV of past pairs never to repeat")
    rounds.add_argument("--bom", action="store_true", help="CSV with a byte-order mark")
    solver_options(rounds)
    rounds.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Plan the rounds and write one CSV per round."""
    program = load_program(args)
    people = read_input(args.input, program, getattr(args, "config", None))
    plan = plan_rounds(program, people, args.rounds)
    out.write(str(plan) + "\n")
    paths = plan.to_csv(args.output, bom=args.bom)
    out.write(f"\nwrote {len(paths) - 1} rounds and summary.csv to {args.output}\n")
    return 0

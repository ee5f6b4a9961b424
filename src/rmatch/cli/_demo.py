"""``rmatch demo``: the bundled example organization, end to end."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from rmatch import datasets
from rmatch.cli._common import Progress, engine, print_pairs, solver_options
from rmatch.io import read_people
from rmatch.program import Program


def register(sub: Any) -> None:
    """Add the ``demo`` subcommand."""
    demo = sub.add_parser("demo", help="match the bundled example organization")
    demo.add_argument(
        "-o",
        "--output",
        default="pairs.csv",
        help="pairs file (.csv, .xlsx or .json; default pairs.csv)",
    )
    demo.add_argument(
        "--unmatched", default=None, help="write who was left out and why"
    )
    demo.add_argument(
        "--size",
        type=int,
        default=None,
        help="use a synthetic organization of this many employees",
    )
    demo.add_argument(
        "--seed", type=int, default=0, help="seed of the synthetic organization"
    )
    solver_options(demo)
    demo.set_defaults(run=run)


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Match the demo organization and print what happened."""
    program = Program.from_toml(str(datasets.demo_program_path()))
    if args.size:
        frame = datasets.synthetic_org(args.size, seed=args.seed)
        people = read_people(frame)
        if args.size > 20_000 and program.top_k is None:
            # keep the best 10 per person; the result is certified against every
            # allowed pair, and k grows if the gap were above 0.1%
            program.top_k = 10
            program.gap_tolerance = 0.001
        label = f"synthetic organization of {args.size} employees (seed {args.seed})"
    else:
        people = read_people(str(datasets.demo_path()))
        label = "bundled demo organization"
    for key in ("method", "objective"):
        if getattr(args, key, None):
            setattr(program, key, getattr(args, key))
    out.write(f"rmatch demo: {label}: {people!r}\n\n")
    result = program.match(people, progress=Progress(err, True), **engine(args))
    out.write(str(result.summary()) + "\n")
    print_pairs(result, out)
    if len(result.pairs):
        first = str(result.pairs["mentee_id"].iloc[0])
        out.write("\nwhy this pair? " + "\n" + str(result.explain(first)) + "\n")
    if len(result.unmatched):
        row = result.unmatched.iloc[0]
        out.write(
            f"\nexample unmatched: {row['name']} ({row['id']}): {row['reason']}\n"
        )
    target = result.to_csv(args.output, unmatched=args.unmatched)
    out.write(f"\nwrote {len(result.pairs)} pairs to {target}\n")
    return 0

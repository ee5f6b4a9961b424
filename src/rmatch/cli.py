"""Command line: ``rmatch demo``, ``match``, ``shortlist``, ``rounds``, ``validate``.

Exit codes: 0 success (warnings allowed); 2 bad input, configuration or an infeasible
program ([`ValidationError`][rmatch.errors.ValidationError],
[`ConfigError`][rmatch.errors.ConfigError],
[`InfeasibleError`][rmatch.errors.InfeasibleError]) or a file that cannot be read or
written (every problem is printed, never a traceback); 1 anything else, which is a bug
in rmatch: one line ``rmatch: internal error: ...``, and the traceback with ``--debug``
or the environment variable ``RMATCH_DEBUG=1``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
import warnings
from collections.abc import Sequence
from typing import Any, TextIO

from rmatch import __version__, datasets
from rmatch.analysis import format_price_table, price_of_rules
from rmatch.errors import ConfigError, InfeasibleError, ValidationError
from rmatch.io import read_people, read_raw
from rmatch.program import OBJECTIVES, Program, valid_method
from rmatch.rounds import plan_rounds
from rmatch.rules import History
from rmatch.solvers import METHODS
from rmatch.survey import read_survey, validate_survey
from rmatch.validate import validate_people

__all__ = ["main"]


class _Progress:
    """Print stage progress to stderr for long runs (after 1 second).

    On a terminal one line is rewritten in place (twice a second at most); in a
    log file or a pipe each update is a line of its own, every 10 seconds and at
    the end of each stage, so the log stays readable.
    """

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.started = time.perf_counter()
        self.last = 0.0
        isatty = getattr(stream, "isatty", None)
        self.interactive = bool(isatty()) if callable(isatty) else False
        self.interval = 0.5 if self.interactive else 10.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter() - self.started
        if now < 1.0 or (now - self.last < self.interval and done < total):
            return
        self.last = now
        unit = {"score": " blocks", "certify": " rounds"}.get(stage, "")
        text = f"[{now:7.1f}s] {stage}: {done}/{total}{unit}"
        if self.interactive:
            self.stream.write(f"\r{text}   " + ("\n" if done >= total else ""))
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


def _engine(args: argparse.Namespace) -> dict[str, Any]:
    """``engine`` and ``client`` for ``Program.match`` from the command line."""
    scheduler = getattr(args, "scheduler", None)
    engine = "dask" if scheduler else getattr(args, "engine", None) or "local"
    return {"engine": engine, "client": scheduler}


def _load_program(args: argparse.Namespace) -> Any:
    program = (
        Program.from_toml(args.config) if getattr(args, "config", None) else Program()
    )
    for key in ("method", "objective", "time_limit", "top_k", "gap_tolerance"):
        value = getattr(args, key, None)
        if value is not None:
            setattr(program, key, value)
    history = getattr(args, "history", None)
    if history:
        program.rules = [*program.rules, History.from_csv(history)]
    return program


def _read(path: str, program: Any, config: str | None = None) -> Any:
    if program.mapping:
        # The TOML path (when given) makes file names in [mapping] relative to it.
        return read_survey(
            path,
            mapping=config or program.mapping,
            reference_monday=program.reference_monday,
        )
    return read_people(path, reference_monday=program.reference_monday)


def _print_pairs(result: Any, out: TextIO, limit: int = 10) -> None:
    pairs = result.pairs
    if not len(pairs):
        out.write("no pairs\n")
        return
    out.write(f"\nbest {min(limit, len(pairs))} of {len(pairs)} pairs:\n")
    criteria = list(result.candidates.criteria)
    head = f"{'mentor':<28} {'mentee':<28} {'score':>5}  " + " ".join(
        f"{c[:9]:>9}" for c in criteria
    )
    out.write(head + "\n")
    for row in pairs.head(limit).itertuples(index=False):
        d = row._asdict()
        mentor = f"{d['mentor_name']} ({d['mentor_id']})"[:28]
        mentee = f"{d['mentee_name']} ({d['mentee_id']})"[:28]
        cells = " ".join(
            f"{'-' if d[c] != d[c] else format(d[c], '.2f'):>9}"
            for c in criteria
            if c in d
        )
        out.write(f"{mentor:<28} {mentee:<28} {d['score']:5.2f}  {cells}\n")


def _cmd_match(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    program = _load_program(args)
    people = _read(args.input, program, getattr(args, "config", None))
    progress = _Progress(err, not args.quiet)
    result = program.match(people, progress=progress, **_engine(args))
    out.write(str(result.summary()) + "\n")
    if not args.quiet:
        _print_pairs(result, out)
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


def _cmd_rounds(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    program = _load_program(args)
    people = _read(args.input, program, getattr(args, "config", None))
    plan = plan_rounds(program, people, args.rounds)
    out.write(str(plan) + "\n")
    paths = plan.to_csv(args.output, bom=args.bom)
    out.write(f"\nwrote {len(paths) - 1} rounds and summary.csv to {args.output}\n")
    return 0


def _cmd_demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
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
    result = program.match(people, progress=_Progress(err, True), **_engine(args))
    out.write(str(result.summary()) + "\n")
    _print_pairs(result, out)
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


def _cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    program = _load_program(args) if args.config else None
    if program is not None and program.mapping:
        report = validate_survey(args.input, mapping=args.config)
    else:
        raw = read_raw(args.input)
        report = validate_people(
            raw.frame, source=raw.name, rows=raw.rows, issues=raw.issues
        )
    for issue in report.issues:
        out.write(f"{issue.severity.upper():7} {issue}\n")
    out.write(report.summary() + "\n")
    return 2 if report.errors else 0


# ------------------------------------------------------------------ shortlist
def _cmd_shortlist(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    program = _load_program(args)
    people = _read(args.input, program, getattr(args, "config", None))
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


def _shortlist_parser(sub: Any, debug_help: str) -> None:
    p = sub.add_parser(
        "shortlist",
        help="suggest K allowed candidates per person, spread across candidates",
        description="Suggest K allowed candidates per person (every hard rule "
        "holds), each candidate on at most --max-exposure lists: the most "
        "suggestions, then the best total score (exact, min-cost flow).",
    )
    p.add_argument("input", help="CSV, Excel or JSON sign-up file")
    p.add_argument("--config", help="program TOML (criteria, rules, mapping)")
    p.add_argument(
        "-k", type=_positive_int, default=5, help="suggestions per person (default 5)"
    )
    p.add_argument(
        "--max-exposure",
        dest="max_exposure",
        type=_positive_int,
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
    p.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=debug_help
    )


# ------------------------------------------------------------------ options
def _method(value: str) -> str:
    if not valid_method(value):
        raise argparse.ArgumentTypeError(
            f"invalid method {value!r}: choose {', '.join(METHODS[:-1])} or "
            f"{METHODS[-1]} (optionally with a variant, e.g. ilp:cbc)"
        )
    return value


def _positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0: {value!r}")
    return number


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return number


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rmatch",
        description="Pair mentors with mentees: exact, fast, explainable.",
    )
    parser.add_argument("--version", action="version", version=f"rmatch {__version__}")
    debug_help = "print the traceback of an internal error (or set RMATCH_DEBUG=1)"
    parser.add_argument("--debug", action="store_true", help=debug_help)
    sub = parser.add_subparsers(dest="command", required=True)

    def solver_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help=debug_help
        )
        p.add_argument(
            "--method",
            type=_method,
            metavar="{" + ",".join(METHODS) + "}[:VARIANT]",
            help="solver (default: the program's, usually auto); e.g. ilp:cbc",
        )
        p.add_argument(
            "--objective",
            choices=OBJECTIVES,
            help="best total score (default), most people matched, or best worst pair",
        )
        p.add_argument(
            "--engine",
            choices=("local", "dask"),
            help="where the pairs are scored: this process (default) or Dask "
            "(a local cluster, or --scheduler); needs pip install 'rmatch[dask]'",
        )
        p.add_argument(
            "--scheduler",
            metavar="ADDRESS",
            help="score on this Dask cluster, e.g. tcp://10.0.0.5:8786",
        )

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

    match = sub.add_parser("match", help="match a sign-up file")
    match.add_argument("input", help="CSV, Excel or JSON file")
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
        type=_positive_float,
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

    _shortlist_parser(sub, debug_help)
    rounds = sub.add_parser(
        "rounds", help="plan several rounds without repeated pairs (rotation)"
    )
    rounds.add_argument("input", help="CSV, Excel or JSON file")
    rounds.add_argument("--config", help="program TOML (criteria, rules, mapping)")
    rounds.add_argument(
        "--rounds",
        type=_positive_int,
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

    validate = sub.add_parser("validate", help="check a file and list every problem")
    validate.add_argument("input", help="CSV, Excel or JSON file")
    validate.add_argument("--config", help="program TOML with a [mapping] section")
    validate.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=debug_help
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (printed)
        return exc.code if isinstance(exc.code, int) else 2
    out, err = sys.stdout, sys.stderr
    commands = {
        "demo": _cmd_demo,
        "match": _cmd_match,
        "shortlist": _cmd_shortlist,
        "rounds": _cmd_rounds,
        "validate": _cmd_validate,
    }
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = commands[args.command](args, out, err)
        for w in caught:
            err.write(f"warning: {w.message}\n")
        return code
    except ValidationError as exc:
        err.write(f"error: {exc}\n")
        if len(exc.issues) > 50:
            err.write(f"({len(exc.issues)} issues in all)\n")
        return 2
    except (ConfigError, InfeasibleError, OSError) as exc:
        err.write(f"error: {exc}\n")
        return 2
    except Exception as exc:  # a bug: report it as one, not as bad input
        return _internal_error(exc, err, debug=bool(getattr(args, "debug", False)))


def _internal_error(exc: Exception, err: TextIO, *, debug: bool) -> int:
    """Print an unexpected error in one line (and its traceback when debugging)."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    err.write(
        f"rmatch: internal error: {type(exc).__name__}: {message} — please report it\n"
    )
    if debug or os.environ.get("RMATCH_DEBUG", "").strip() not in ("", "0"):
        traceback.print_exception(exc, file=err)
    return 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

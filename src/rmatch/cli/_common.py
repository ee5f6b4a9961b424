"""What the subcommands share: progress, option types, reading the program and input."""

from __future__ import annotations

import argparse
import time
from typing import Any, TextIO

from rmatch.io import read_people
from rmatch.program import OBJECTIVES, Program, valid_method
from rmatch.rules import History
from rmatch.solvers import METHODS
from rmatch.survey import read_survey

DEBUG_HELP = "print the traceback of an internal error (or set RMATCH_DEBUG=1)"


class Progress:
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


def engine(args: argparse.Namespace) -> dict[str, Any]:
    """``engine`` and ``client`` for ``Program.match`` from the command line."""
    scheduler = getattr(args, "scheduler", None)
    name = "dask" if scheduler else getattr(args, "engine", None) or "local"
    return {"engine": name, "client": scheduler}


def load_program(args: argparse.Namespace) -> Any:
    """The program of ``--config`` (or the default) with the command-line overrides."""
    program = (
        Program.from_toml(args.config) if getattr(args, "config", None) else Program()
    )
    for key in ("method", "objective", "time_limit", "top_k", "gap_tolerance"):
        value = getattr(args, key, None)
        if value is not None:
            setattr(program, key, value)
    program.check()  # the overrides, bounded like the file (exit 2 when wrong)
    history = getattr(args, "history", None)
    if history:
        program.rules = [*program.rules, History.from_csv(history)]
    return program


def input_argument(p: argparse.ArgumentParser) -> None:
    """The sign-up file(s): one or several (``mentors.csv mentees.csv``)."""
    p.add_argument(
        "input",
        nargs="+",
        help="CSV, Excel or JSON file; several files (mentors.csv mentees.csv) are "
        "read as one, a file without a role column taking its role from "
        "[mapping.files] or from 'mentor' / 'mentee' in its name",
    )


def one_or_many(paths: str | list[str]) -> str | list[str]:
    """One path as itself, several as a list (read as one table)."""
    if isinstance(paths, str):
        return paths
    return paths[0] if len(paths) == 1 else list(paths)


def read_input(path: str | list[str], program: Any, config: str | None = None) -> Any:
    """Read the sign-up file(s): a survey export when the program has a mapping."""
    source = one_or_many(path)
    if program.mapping:
        # The TOML path (when given) makes file names in [mapping] relative to it.
        return read_survey(
            source,
            mapping=config or program.mapping,
            reference_monday=program.reference_monday,
        )
    return read_people(source, reference_monday=program.reference_monday)


def print_pairs(result: Any, out: TextIO, limit: int = 10) -> None:
    """The best ``limit`` pairs as a small fixed-width table."""
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


# ------------------------------------------------------------------ option types
def method(value: str) -> str:
    """``--method``: a solver name, optionally with a variant."""
    if not valid_method(value):
        raise argparse.ArgumentTypeError(
            f"invalid method {value!r}: choose {', '.join(METHODS[:-1])} or "
            f"{METHODS[-1]} (optionally with a variant, e.g. ilp:cbc)"
        )
    return value


def positive_float(value: str) -> float:
    """A finite number > 0 (seconds)."""
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0: {value!r}")
    return number


def positive_int(value: str) -> int:
    """A whole number >= 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value!r}")
    return number


def debug_option(p: argparse.ArgumentParser) -> None:
    """``--debug`` after the subcommand too (``rmatch match --debug ...``)."""
    p.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP
    )


def solver_options(p: argparse.ArgumentParser) -> None:
    """``--method``, ``--objective``, ``--engine``, ``--scheduler`` and ``--debug``."""
    debug_option(p)
    p.add_argument(
        "--method",
        type=method,
        metavar="{" + ",".join(METHODS) + "}[:VARIANT]",
        help="solver (default: the program's, usually auto); e.g. ilp:cbc; "
        "stable (mentees propose) or stable:mentor (mentors propose)",
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


def write_report(report: Any, path: str, names: bool, out: TextIO) -> None:
    """Write ``report`` as HTML; say where (and what to install for charts)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the page and the line below say it
        target = report.to_html(path, names=names)
    out.write(f"wrote the report to {target}" + ("" if names else " (ids only)") + "\n")
    if report.charts_note:
        out.write(f"note: {report.charts_note}\n")

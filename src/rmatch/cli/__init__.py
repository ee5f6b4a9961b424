"""Command line: ``rmatch demo``, ``match``, ``shortlist``, ``rounds``, ``validate``,
``check``, ``report``.

Exit codes: 0 success (warnings allowed); 2 bad input, configuration or an infeasible
program ([`ValidationError`][rmatch.errors.ValidationError],
[`ConfigError`][rmatch.errors.ConfigError],
[`InfeasibleError`][rmatch.errors.InfeasibleError]) or a file that cannot be read or
written (every problem is printed, never a traceback); 1 from ``rmatch check`` when
the pairs break a rule, a capacity or a constraint; 1 from anything else is a bug in
rmatch: one line ``rmatch: internal error: ...``, and the traceback with ``--debug`` or
the environment variable ``RMATCH_DEBUG=1``.

Each subcommand is a module of this package with ``register(subparsers)`` (which sets
``run`` as the parser's default) and ``run(args, out, err) -> exit code``; adding a
subcommand is one module and its ``register`` in ``COMMANDS``.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
import warnings
from collections.abc import Sequence
from typing import TextIO

from rmatch import __version__
from rmatch.cli._check import register as check
from rmatch.cli._common import DEBUG_HELP
from rmatch.cli._demo import register as demo
from rmatch.cli._match import register as match
from rmatch.cli._report import register as report
from rmatch.cli._rounds import register as rounds
from rmatch.cli._shortlist import register as shortlist
from rmatch.cli._validate import register as validate
from rmatch.errors import ConfigError, InfeasibleError, ValidationError

__all__ = ["main"]

#: Each subcommand's ``register``, in the order ``rmatch --help`` lists them.
COMMANDS = (demo, match, shortlist, rounds, validate, check, report)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rmatch",
        description="Pair mentors with mentees: exact, fast, explainable.",
    )
    parser.add_argument("--version", action="version", version=f"rmatch {__version__}")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", required=True)
    for register in COMMANDS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (printed)
        return exc.code if isinstance(exc.code, int) else 2
    out, err = sys.stdout, sys.stderr
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = int(args.run(args, out, err))
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

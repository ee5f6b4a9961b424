"""What ``--report`` adds to ``rmatch match``, as a user runs it.

Usage::

    python benchmarks/run.py --report-cli 100000              # 5 pairs of runs
    python benchmarks/run.py --report-cli 100000 --repeat 7 --default-install

The organization of the main runner (``synthetic_org``, the demo program, pruned
above the exact size) is written once as ``people.csv`` and ``program.toml`` in a
temporary folder. Then ``rmatch match people.csv --config program.toml -o pairs.csv
-q`` runs in a fresh Python process without and with ``--report report.html``
(no rule prices), ``repeat`` times each after one discarded warm-up of each (the
file cache), in ABBA order (without, with, with, without, ...) so that a drift of
the machine's load falls on both. The wall time of each process is measured from
outside (start-up, imports, reading, matching, writing). What the report adds is
taken two ways, the difference of the medians and the median of the paired
differences, and the larger one is set against the median run without it. With
``default_install`` the processes cannot import highspy, as after ``pip install
rmatch``.

The in-process figures (``result.report()`` and ``to_html`` against the match
stages) are the ``owner's report`` line of the pipeline table; this row is what a
program owner waits for at the command line.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

#: Runs the CLI; argv[1] says whether to hide highspy (the default install).
_LAUNCH = (
    "import sys\n"
    "if sys.argv.pop(1) == 'default':\n"
    "    sys.modules['highspy'] = None\n"
    "from rmatch.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _wall(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return seconds


def run_report_cli(
    frame: Any, program: Any, *, repeat: int = 5, default_install: bool = False
) -> dict[str, Any]:
    """Time ``rmatch match`` without and with ``--report``, alternately.

    Parameters
    ----------
    frame : pandas.DataFrame
        The people (canonical columns), written as CSV.
    program : rmatch.Program
        Written as TOML.
    repeat : int
        Runs of each command.
    default_install : bool
        Hide highspy in the processes.

    Returns
    -------
    dict
        Medians (seconds) without and with the report, the median paired
        difference, its ratio to the run without, and the page's size.
    """
    install = "default" if default_install else "all"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        frame.to_csv(folder / "people.csv", index=False)
        program.to_toml(folder / "program.toml")
        base = [sys.executable, "-c", _LAUNCH, install, "match", "people.csv"]
        base += ["--config", "program.toml", "-o", "pairs.csv", "-q"]
        with_report = [*base, "--report", "report.html"]
        _wall(base, folder)  # warm-up: the file cache, the bytecode
        _wall(with_report, folder)
        without, with_ = [], []
        for i in range(max(1, repeat)):
            first, second = (base, with_report) if i % 2 == 0 else (with_report, base)
            a = _wall(first, folder)
            b = _wall(second, folder)
            without.append(a if first is base else b)
            with_.append(b if first is base else a)
        size = (folder / "report.html").stat().st_size
    plain = statistics.median(without)
    paired = statistics.median(b - a for a, b in zip(without, with_, strict=True))
    of_medians = statistics.median(with_) - plain
    extra = max(paired, of_medians)
    return {
        "people": len(frame),
        "repeat": len(without),
        "seconds_match": plain,
        "seconds_match_report": statistics.median(with_),
        "seconds_added_paired": paired,
        "seconds_added_medians": of_medians,
        "seconds_added": extra,
        "ratio": extra / plain,
        "html_bytes": size,
        "default_install": default_install,
    }


def print_report_cli(res: dict[str, Any]) -> None:
    """Three lines: the command without and with ``--report``, and the share."""
    install = " (default install)" if res["default_install"] else ""
    print(
        f"\nreport at the command line: rmatch match, {res['people']:,} employees"
        f"{install}, median of {res['repeat']} alternated fresh processes\n"
        f"  rmatch match             {res['seconds_match']:8.3f} s\n"
        f"  rmatch match --report    {res['seconds_match_report']:8.3f} s"
        f"   (page {res['html_bytes'] / 1e6:.1f} MB)\n"
        f"  --report adds            {res['seconds_added']:8.3f} s = "
        f"{res['ratio']:.2f}× the match   (#15: a small fraction; the larger of "
        f"{res['seconds_added_paired']:.3f} s paired, "
        f"{res['seconds_added_medians']:.3f} s between medians)"
    )

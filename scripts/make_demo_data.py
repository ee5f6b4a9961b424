"""Write the bundled demo organization ``src/rmatch/datasets/data/demo_org.csv``.

The file is ``rmatch.datasets.synthetic_org(**DEMO_KWARGS)``; ``tests/unit/
test_synthetic.py`` regenerates it and fails if the two drift apart. The demo program
``demo_program.toml`` belongs to the core team: this script only creates a placeholder
when the file is missing and never overwrites it.

Usage::

    python scripts/make_demo_data.py           # (re)write the CSV
    python scripts/make_demo_data.py --check   # exit 1 if the CSV is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rmatch.datasets import DEMO_KWARGS, synthetic_org

DATA = Path(__file__).resolve().parents[1] / "src" / "rmatch" / "datasets" / "data"
CSV = DATA / "demo_org.csv"
PROGRAM = DATA / "demo_program.toml"
PROGRAM_PLACEHOLDER = "# demo program (written by the core team)\n"


def render() -> bytes:
    """Return the demo CSV exactly as it is stored (UTF-8, ``\\n`` line ends)."""
    frame = synthetic_org(**DEMO_KWARGS)
    text: str = frame.to_csv(index=False, lineterminator="\n")
    return text.encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` verify) the demo data; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only check that the CSV is up to date"
    )
    args = parser.parse_args(argv)
    content = render()
    if args.check:
        if not CSV.exists() or CSV.read_bytes() != content:
            sys.stderr.write(f"{CSV} is out of date: run {Path(__file__).name}\n")
            return 1
        sys.stderr.write(f"{CSV} is up to date\n")
        return 0
    DATA.mkdir(parents=True, exist_ok=True)
    CSV.write_bytes(content)
    rows = len(content.splitlines()) - 1
    sys.stderr.write(f"wrote {CSV} ({rows} employees)\n")
    if not PROGRAM.exists():
        PROGRAM.write_text(PROGRAM_PLACEHOLDER, encoding="utf-8")
        sys.stderr.write(f"wrote placeholder {PROGRAM}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

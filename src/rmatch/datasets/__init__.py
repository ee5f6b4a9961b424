"""Example data: synthetic organizations, the bundled demo, and real sign-up exports.

The exports ([`EXAMPLES`][rmatch.datasets.EXAMPLES]) are third-party files shipped
unchanged with their licence; [`copy_example()`][rmatch.datasets.copy_example] puts one
in a folder to work on, as the tutorial does.

Examples
--------
>>> from rmatch.datasets import load_demo
>>> demo = load_demo()
>>> len(demo), sorted(set(demo["role"]))
(150, ['both', 'mentee', 'mentor', 'none'])
"""

from __future__ import annotations

import os
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import pandas as pd

from rmatch.datasets.synthetic import COLUMNS, DEMO_KWARGS, synthetic_org

__all__ = [
    "COLUMNS",
    "DEMO_KWARGS",
    "EXAMPLES",
    "copy_example",
    "demo_path",
    "demo_program_path",
    "example_files",
    "load_demo",
    "synthetic_org",
]

_DATA = "data"
_DEMO_CSV = "demo_org.csv"
_DEMO_PROGRAM = "demo_program.toml"

EXAMPLES = {
    "google_forms": "a Google Forms export (mozilla/matchmaker's mentorship example, "
    "ISC licence) and its HR file (managers and organizations, joined by e-mail)",
    "cogsci": "the Cognitive Science Society's 2024 mentoring sign-ups (CC0): two "
    "forms, one for mentees and one for mentors, names redacted upstream",
}
"""Real sign-up exports shipped with rmatch, by name: what they are.

Each one is a folder of files copied unchanged, with their licence and a README naming
the source.
"""


def demo_path() -> Traversable:
    """Return the location of the bundled demo organization CSV.

    Returns
    -------
    importlib.resources.abc.Traversable
        A `pathlib.Path` when rmatch is installed as files (the usual case);
        use `importlib.resources.as_file()` to get a real file in every case.
    """
    return resources.files(__package__ or "rmatch.datasets") / _DATA / _DEMO_CSV


def demo_program_path() -> Traversable:
    """Return the location of the bundled demo program TOML.

    Returns
    -------
    importlib.resources.abc.Traversable
        See [`demo_path()`][rmatch.datasets.demo_path].
    """
    return resources.files(__package__ or "rmatch.datasets") / _DATA / _DEMO_PROGRAM


def load_demo() -> pd.DataFrame:
    """Load the bundled demo organization (150 employees, reverse mentoring).

    The file is ``synthetic_org(**DEMO_KWARGS)`` written by
    ``scripts/make_demo_data.py``; a test checks that they stay identical.

    Returns
    -------
    pandas.DataFrame
        String columns `COLUMNS`, empty string for
        missing values.
    """
    with demo_path().open("rb") as handle:
        return pd.read_csv(
            handle,
            encoding="utf-8",
            dtype="str",
            keep_default_na=False,
            na_filter=False,
        )


def example_files(name: str) -> list[Traversable]:
    """Return the files of the shipped example export ``name`` (sorted by name).

    Parameters
    ----------
    name : str
        A key of [`EXAMPLES`][rmatch.datasets.EXAMPLES].

    Returns
    -------
    list of importlib.resources.abc.Traversable
        Data files, licence and README.

    Raises
    ------
    KeyError
        Unknown name (the message lists the names).

    Examples
    --------
    >>> [f.name for f in example_files("cogsci")]
    ['LICENSE', 'README.md', 'example_mentees.csv', 'example_mentors.csv']
    """
    if name not in EXAMPLES:
        raise KeyError(
            f"no example export {name!r}; choose one of {', '.join(sorted(EXAMPLES))}"
        )
    folder = resources.files(__package__ or "rmatch.datasets") / _DATA / name
    return sorted((f for f in folder.iterdir() if f.is_file()), key=lambda f: f.name)


def copy_example(name: str, target: str | os.PathLike[str] = ".") -> list[Path]:
    """Copy the shipped example export ``name`` into the folder ``target``.

    The tutorial starts here: the copied files are a raw export to validate and
    match, as if downloaded from the form.

    Parameters
    ----------
    name : str
        A key of [`EXAMPLES`][rmatch.datasets.EXAMPLES].
    target : path, default "."
        Folder to copy into (created when missing); existing files are replaced.

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for source in example_files(name):
        path = folder / source.name
        path.write_bytes(source.read_bytes())
        written.append(path)
    return written

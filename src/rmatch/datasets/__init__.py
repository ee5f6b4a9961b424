"""Example data: synthetic organizations and the bundled demo organization.

Examples
--------
>>> from rmatch.datasets import load_demo
>>> demo = load_demo()
>>> len(demo), sorted(set(demo["role"]))
(150, ['both', 'mentee', 'mentor', 'none'])
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

import pandas as pd

from rmatch.datasets.synthetic import COLUMNS, DEMO_KWARGS, synthetic_org

__all__ = [
    "COLUMNS",
    "DEMO_KWARGS",
    "demo_path",
    "demo_program_path",
    "load_demo",
    "synthetic_org",
]

_DATA = "data"
_DEMO_CSV = "demo_org.csv"
_DEMO_PROGRAM = "demo_program.toml"


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

"""How big a run is: the automatic ``top_k`` for large inputs and a memory estimate.

Without ``top_k`` every allowed pair becomes a candidate: ``mentors × mentees`` edges,
which for ten thousand participants is tens of millions of edges and gigabytes in the
solver. Above `rmatch.settings.AUTO_TOP_K_CELLS` cells a program
that maximizes the total score keeps the best `rmatch.settings.AUTO_TOP_K`
candidates per person instead; the result is still proven optimal over every allowed
pair ([`rmatch.certify`][rmatch.certify]). Before scoring,
[`check_memory()`][rmatch.settings.check_memory] estimates the memory the run needs
and raises [`ResourceError`][rmatch.errors.ResourceError] when it cannot fit.
"""

from __future__ import annotations

import copy
import os
from typing import Any

import numpy as np

from rmatch.errors import ConfigError, ResourceError
from rmatch.people import People

__all__ = [
    "AUTO_TOP_K",
    "AUTO_TOP_K_CELLS",
    "available_memory",
    "check_memory",
    "run_settings",
    "run_top_k",
]

#: Mentor × mentee cells above which ``top_k`` is chosen automatically.
AUTO_TOP_K_CELLS = 4_000_000
#: Candidates kept per person when ``top_k`` is chosen automatically.
AUTO_TOP_K = 32
#: Bytes a candidate pair takes in the solver (measured, rounded up): integer
#: programming keeps a column, bounds and a basis entry per pair.
_SOLVER_BYTES = {"ilp": 600, "lagrangian": 600}
_OTHER_SOLVER_BYTES = 200
#: Bytes a candidate pair takes in the graph, besides its criterion scores.
_EDGE_BYTES = 48


def run_top_k(people: People, program: Any) -> int | None:
    """The ``top_k`` a run uses: the program's, or automatic for large inputs.

    Parameters
    ----------
    people : People
    program : Program
        Its ``top_k`` (None = not set) and ``objective``.

    Returns
    -------
    int or None
        ``program.top_k`` when set; `rmatch.settings.AUTO_TOP_K` when
        it is not, the objective is ``"total"`` (certified, see
        [`rmatch.certify`][rmatch.certify]) and ``mentors × mentees`` exceeds
        `rmatch.settings.AUTO_TOP_K_CELLS`; else None.
    """
    if program.top_k is not None or program.objective != "total":
        return program.top_k  # type: ignore[no-any-return]
    cells = int(np.count_nonzero(people.is_mentor)) * int(
        np.count_nonzero(people.is_mentee)
    )
    return AUTO_TOP_K if cells > AUTO_TOP_K_CELLS else None


def available_memory() -> int | None:
    """Bytes of memory a run may use, or None when unknown.

    ``RMATCH_MEMORY`` (bytes, or with a ``K``/``M``/``G`` suffix) when set, else the
    memory the system reports available (``MemAvailable`` on Linux).
    """
    env = os.environ.get("RMATCH_MEMORY", "").strip()
    if env:
        scale = {"K": 2**10, "M": 2**20, "G": 2**30}.get(env[-1:].upper(), 1)
        digits = env[:-1] if scale > 1 else env
        try:
            return int(float(digits) * scale)
        except ValueError:
            raise ConfigError(
                f"RMATCH_MEMORY must be a number of bytes like 8G or 500M; got {env!r}"
            ) from None
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def check_memory(
    people: People, program: Any, top_k: int | None, n_criteria: int
) -> int:
    """Estimate the memory of a run; raise when it cannot fit.

    Parameters
    ----------
    people : People
    program : Program
        Its ``method`` and ``block_cells``.
    top_k : int or None
        The ``top_k`` the run uses (see `run_top_k`).
    n_criteria : int
        Criteria and soft rules (one float32 score each per pair).

    Returns
    -------
    int
        The estimate in bytes.

    Raises
    ------
    ResourceError
        The estimate exceeds [`available_memory()`][rmatch.settings.available_memory].
    """
    n_left = int(np.count_nonzero(people.is_mentor))
    n_right = int(np.count_nonzero(people.is_mentee))
    cells = n_left * n_right
    edges = cells if top_k is None else min(cells, top_k * (n_left + n_right))
    name = str(program.method).partition(":")[0]
    per_edge = _SOLVER_BYTES.get(name, _OTHER_SOLVER_BYTES) + _EDGE_BYTES
    per_edge += 4 * n_criteria
    blocks = int(program.block_cells) * 8 * (n_criteria + 4)
    need = edges * per_edge + blocks
    free = available_memory()
    if free is not None and need > free:
        hint = (
            "set top_k (e.g. top_k = 20; the result is still certified when the "
            "objective is 'total')"
            if top_k is None
            else f"lower top_k (now {top_k})"
        )
        raise ResourceError(
            f"this run needs about {need / 2**30:.1f} GiB ({edges:,} candidate pairs "
            f"of {n_left:,} mentors × {n_right:,} mentees, method {program.method!r}) "
            f"but {free / 2**30:.1f} GiB are available. To fit: {hint}, lower "
            "block_cells, or run the scoring on Dask (engine='dask')"
        )
    return need


def run_settings(people: People, program: Any) -> Any:
    """``program`` as a run on ``people`` uses it: its `run_top_k` (a copy when
    that differs from ``program.top_k``), after `check_memory`.

    Raises
    ------
    ResourceError
        The run cannot fit in memory (see `check_memory`).
    """
    top_k = run_top_k(people, program)
    check_memory(people, program, top_k, len(program.scoring_criteria()))
    if top_k == program.top_k:
        return program
    settings = copy.copy(program)
    settings.top_k = top_k
    return settings

"""The collector of issues shared by the validation steps."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import numpy as np
import pandas as pd

from rmatch.errors import Issue, short
from rmatch.parsing import ParseError

T = TypeVar("T")


class Collector:
    """The frame being validated and the issues found in it so far.

    Parameters
    ----------
    frame : pandas.DataFrame
        Canonical columns as strings.
    source : str
        File name for messages.
    rows : numpy.ndarray
        Spreadsheet row number of each frame row.
    files : sequence of str, optional
        File name of each frame row (input from several files).
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        source: str,
        rows: np.ndarray,
        files: Sequence[str] | None = None,
    ) -> None:
        self.frame = frame
        self.source = source
        self.rows = rows
        self.files = files
        self.issues: list[Issue] = []
        self.ids = (
            frame["id"].to_numpy(dtype=object)
            if "id" in frame.columns
            else np.array([""] * len(frame), dtype=object)
        )

    def add(
        self,
        position: int | None,
        column: str | None,
        message: str,
        fix: str,
        *,
        value: object = None,
        code: str = "invalid",
        severity: str = "error",
    ) -> None:
        self.issues.append(
            Issue(
                message=message,
                fix=fix,
                file=(
                    self.source
                    if position is None or self.files is None
                    else str(self.files[position])
                ),
                row=None if position is None else int(self.rows[position]),
                column=column,
                value=None if value is None else short(value),
                person_id=(
                    None
                    if position is None or not self.ids[position]
                    else str(self.ids[position])
                ),
                severity="warning" if severity == "warning" else "error",
                code=code,
            )
        )

    def distinct(
        self, column: str, mask: np.ndarray | None = None
    ) -> tuple[np.ndarray, list[str]]:
        """The distinct cells of ``column`` (``""`` last) and each row's code.

        Rows outside ``mask`` read as ``""``; a missing column is all ``""``.
        """
        n = len(self.frame)
        if column not in self.frame.columns:
            return np.zeros(n, dtype=np.int64), [""]
        values = self.frame[column].to_numpy(dtype=object)
        if mask is not None:
            values = np.where(mask, values, "")
        codes, uniques = pd.factorize(values)
        codes = np.where(codes < 0, len(uniques), codes).astype(np.int64)
        return codes, [str(u) for u in uniques.tolist()] + [""]

    def report(
        self,
        column: str,
        codes: np.ndarray,
        uniques: Sequence[str],
        failed: Mapping[int, ParseError],
    ) -> None:
        """One issue per row whose distinct cell failed to parse, in row order."""
        if not failed:
            return
        for position in np.flatnonzero(np.isin(codes, list(failed))):
            problem = failed[int(codes[position])]
            self.add(
                int(position),
                column,
                problem.message,
                problem.fix,
                value=uniques[codes[position]],
                code=f"bad_{column}",
            )

    def parse_codes(
        self,
        column: str,
        parser: Callable[[str], T],
        default: T,
        mask: np.ndarray | None = None,
    ) -> tuple[np.ndarray, list[T]]:
        """Parse each distinct value of ``column`` once; collect ParseErrors.

        Returns
        -------
        codes : numpy.ndarray
            Per row, the index of its value in ``parsed``.
        parsed : list
            The parsed distinct values (``default`` for empty or bad cells).
        """
        if column not in self.frame.columns:
            return np.zeros(len(self.frame), dtype=np.int64), [default]
        codes, uniques = self.distinct(column, mask)
        parsed: list[T] = []
        failed: dict[int, ParseError] = {}
        for k, text in enumerate(uniques):
            if not text.strip():
                parsed.append(default)
                continue
            try:
                parsed.append(parser(text))
            except ParseError as exc:
                parsed.append(default)
                failed[k] = exc
        self.report(column, codes, uniques, failed)
        return codes, parsed

"""Malformed input never crashes: only rmatch's documented errors, each naming where.

Ragged rows, wrong types, empty files, enormous cells, random bytes, headers only and
mappings that name missing columns all end in a :class:`~rmatch.errors.RmatchError`
(or a successful read); every error names the file, and the row and column when the
problem is in a cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rmatch.errors import (
    ConfigError,
    DataQualityWarning,
    RmatchError,
    ValidationError,
)
from rmatch.io import read_raw
from rmatch.survey import (
    OPTION_KEYS,
    MissingColumnsError,
    read_survey,
    validate_survey,
)

MAPPING = {
    "preset": "google_forms",
    "Role": "role",
    "Teach": "skills_offered",
    "Learn": "skills_wanted",
    "Free": "availability",
    "Free [Monday]": "availability",
    "TZ": "timezone",
    "Cap": "capacity",
    "Grade": {"field": "seniority", "order": ["junior", "senior"]},
    "Boss": "manager_id",
}
COLUMNS = [
    "Timestamp",
    "Email Address",
    "Role",
    "Teach",
    "Learn",
    "Free",
    "Free [Monday]",
    "TZ",
    "Cap",
    "Grade",
    "Boss",
]
SUFFIXES = [".csv", ".txt", ".tsv", ".json", ".xlsx", ""]

cells = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "Mentor",
            "mentee",
            "Both",
            "x@y.org",
            "python:9",
            "Mon 9-5",
            "UTC+99",
            "-1",
            "=1+1",
            "Morning, Brunch",
            "",
            "junior",
            "nan",
        ]
    ),
)


def _read(source: Any, mapping: Any = MAPPING, **kwargs: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)
        return read_survey(source, mapping, **kwargs)


def _outcome(source: Any, mapping: Any = MAPPING) -> tuple[Any, RmatchError | None]:
    """The people read, or the documented error (anything else propagates)."""
    try:
        return _read(source, mapping), None
    except RmatchError as error:
        return None, error


def _check_error(error: RmatchError, file: str) -> None:
    """The error is documented and says where the problem is."""
    if isinstance(error, ValidationError):
        assert error.issues
        for issue in error.issues:
            assert issue.file, issue
            assert issue.message and issue.fix, issue
            if issue.value is not None:
                assert len(issue.value) <= 80
        return
    assert isinstance(error, ConfigError), type(error)
    assert file in str(error) or "[mapping" in str(error), str(error)


def _attempt(source: Any, file: str, mapping: Any = MAPPING) -> None:
    try:
        _read(source, mapping, errors="reject")
    except RmatchError as error:
        _check_error(error, file)
    try:
        report = validate_survey(source, mapping)
    except ConfigError as error:
        _check_error(error, file)
    else:
        for issue in report.issues:
            assert issue.file and issue.fix, issue


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"export{suffix}"
    path.write_bytes(data)
    _attempt(path, path.name)
    try:
        read_raw(data, header_rows=2)
    except RmatchError as error:
        _check_error(error, "<bytes>")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(cells, min_size=0, max_size=len(COLUMNS) + 3), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_ragged_rows_and_odd_cells(
    tmp_path: Path, rows: list[list[str]], delimiter: str, encoding: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path = tmp_path / "ragged.csv"
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    _attempt(path, "ragged.csv")
    try:
        read_raw(path)
    except ValidationError as error:
        for issue in error.issues:
            if issue.code == "ragged_row":
                assert issue.row is not None and issue.row >= 2


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    cells,
    st.lists(cells, max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.just(float("nan")),
)


@given(
    records=st.lists(
        st.fixed_dictionaries({c: values for c in COLUMNS}), min_size=0, max_size=5
    ),
    as_frame=st.booleans(),
)
@example(  # a capacity that does not fit in 64 bits
    records=[{c: "" for c in COLUMNS} | {"Email Address": "a@x.org", "Cap": 2**63}],
    as_frame=False,
)
def test_wrong_types_in_records_and_dataframes(
    records: list[dict[str, Any]], as_frame: bool
) -> None:
    source: Any = pd.DataFrame(records, columns=COLUMNS) if as_frame else records
    _attempt(source, "<DataFrame>" if as_frame else "<records>")


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    columns=st.lists(
        st.text(min_size=1, max_size=12), min_size=1, max_size=5, unique=True
    ),
    missing=st.text(min_size=1, max_size=12),
)
def test_mapping_naming_a_missing_column(
    tmp_path: Path, columns: list[str], missing: str
) -> None:
    names = [" ".join(c.split()) for c in columns]
    if any(" ".join(missing.casefold().split()) == n.casefold() for n in names):
        return
    path = tmp_path / "form.csv"
    frame = pd.DataFrame([["x"] * len(columns)], columns=columns)
    frame.to_csv(path, index=False)
    _, error = _outcome(path, {missing: "role"})
    assert error is not None, "a missing column was not reported"
    _check_error(error, "form.csv")
    if isinstance(error, MissingColumnsError):
        assert "form.csv" in str(error) and repr(missing) in str(error)
        assert [i.column for i in error.issues] == [missing]


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "Timestamp,Email Address,Role\n", "\ufeff", "Role\n\n\n"],
)
def test_empty_files_and_headers_only(tmp_path: Path, text: str) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RmatchError) as info:
        _read(path, {"preset": "google_forms", "Role": "role"})
    _check_error(info.value, "empty.csv")
    report = validate_survey(path, {"preset": "google_forms", "Role": "role"})
    assert not report.ok and all(i.file == "empty.csv" for i in report.errors)


@pytest.mark.parametrize("column", ["Role", "Teach", "Free", "TZ", "Cap", "Boss"])
def test_enormous_cells(tmp_path: Path, column: str) -> None:
    huge = "Mon 9-10; " * 50_000 + "x" * 300_000  # about 800 kB in one cell
    row = {c: "" for c in COLUMNS} | {
        "Email Address": "a@x.org",
        "Role": "Mentor",
        column: huge,
    }
    path = tmp_path / "big.csv"
    pd.DataFrame([row]).to_csv(path, index=False)
    people, error = _outcome(path)
    if error is None:  # a very long skill or manager name is odd, but not an error
        assert column in ("Teach", "Boss")
        assert people is not None and len(people) == 1
        return
    assert isinstance(error, ValidationError)
    _check_error(error, "big.csv")
    assert {(i.file, i.row, i.column) for i in error.issues} == {("big.csv", 2, column)}
    assert column in ("Role", "Free", "TZ", "Cap")


mapping_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=12),
        st.sampled_from(["role", "skills_offered", "availability", "likert", "mon"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "field",
                    "values",
                    "order",
                    "scale",
                    "skill",
                    "day",
                    "separators",
                    "custom",
                    "file",
                    "join",
                    "x",
                ]
            ),
            inner,
            max_size=3,
        ),
    ),
    max_leaves=6,
)


@given(
    section=st.dictionaries(
        st.one_of(
            st.text(max_size=12),
            st.sampled_from(sorted(OPTION_KEYS)),
        ),
        mapping_values,
        max_size=4,
    )
)
def test_random_mappings_raise_only_config_errors(section: dict[str, Any]) -> None:
    _, error = _outcome([{"Email Address": "a@x.org", "Role": "Mentor"}], section)
    if error is not None:
        _check_error(error, "<records>")

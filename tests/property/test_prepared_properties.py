"""Validation handed the survey's split columns gives what it finds on its own.

``read_survey`` joins every multi-select cell from its tokens and hands the split
(and the normalized e-mails) down to ``validate_people`` in a
[`Prepared`][rmatch.validate.Prepared]; the People and the issues must be those
of validating the same frame without it.
"""

from __future__ import annotations

import warnings
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmatch.errors import ValidationError
from rmatch.parsing import (
    SLOTS_PER_WEEK,
    AvailabilityMasks,
    SkillsParser,
    email_keys,
    slots_to_items,
)
from rmatch.survey import read_survey, validate_survey
from rmatch.survey.roster import Roster
from rmatch.validate import Prepared, SplitColumn, validate_people

# tokens a survey can produce, and some that validation reads unlike a name:
# missing-value words, levels out of range, a name with no level, odd characters
TOKENS = [
    "python", "sql:3", "python:5", "go:9", "na", "n/a", "nan", ":4", "a (2)",
    "ml (ml)", "x\ufeffy", "r\rs", "chess", "", " lead ", "python:1",
]  # fmt: skip
CELLS = st.lists(st.lists(st.sampled_from(TOKENS), max_size=4), max_size=8)


def _split(cells: list[list[str]]) -> tuple[list[str], Any]:
    texts = ["; ".join(c) for c in cells]
    distinct = sorted({t for c in cells for t in c})
    at = {t: k for k, t in enumerate(distinct)}
    owner = np.array([i for i, c in enumerate(cells) for _ in c], dtype=np.int64)
    codes = np.array([at[t] for c in cells for t in c], dtype=np.int64)
    return texts, (owner, codes, distinct)


def _rows(rows: Any) -> tuple[Any, ...]:
    return (
        rows.indptr.tolist(),
        rows.names,
        rows.columns.tolist(),
        rows.levels.tolist(),
        {k: str(v) for k, v in rows.errors.items()},
    )


@given(cells=CELLS)
def test_many_with_the_items_is_many_splitting(cells: list[list[str]]) -> None:
    texts, items = _split(cells)
    assert _rows(SkillsParser().many(texts, items)) == _rows(SkillsParser().many(texts))


@given(
    cells=st.lists(
        st.one_of(
            st.text(alphabet=" \t\x0b\x1cAbCnN/a@.#<>", max_size=8),
            st.sampled_from(["nan", "N/A", " NULL ", "<NA>", "NaT ", "x\ny", "é@x"]),
        ),
        max_size=20,
    )
)
def test_email_keys_of_text_columns_equal_normalize_email(cells: list[str]) -> None:
    """The whole-column path (ASCII text, no line feeds) and the one for the rest."""
    from rmatch.parsing import normalize_email

    values = np.empty(len(cells), dtype=object)
    values[:] = cells
    assert email_keys(values).tolist() == [normalize_email(v) for v in cells]


@given(
    runs=st.lists(
        st.lists(st.tuples(st.integers(0, 671), st.integers(1, 200)), max_size=4),
        min_size=1,
        max_size=6,
    )
)
def test_availability_masks_with_the_items_of_slots_to_items(
    runs: list[list[tuple[int, int]]],
) -> None:
    masks = np.zeros((len(runs), SLOTS_PER_WEEK), dtype=bool)
    for row, spans in enumerate(runs):
        for start, length in spans:
            masks[row, start : start + length] = True
    texts, items = slots_to_items(masks)
    split, errors = AvailabilityMasks().many(texts, items=items)
    plain, plain_errors = AvailabilityMasks().many(texts)
    assert not errors and not plain_errors
    assert split.tolist() == plain.tolist()
    # the texts read back as the masks (what the survey step hands down is right)
    assert split.tolist() == masks.tolist()


def _people(report: Any) -> tuple[Any, ...]:
    issues = [repr(i) for i in report.issues]
    p = report.people
    if p is None:
        return (issues,)
    sets = {
        k: (v.vocabulary, v.matrix.toarray().tolist(), v.present.tolist())
        for k, v in p.sets.items()
    }
    return (issues, p.ids.tolist(), p.roles.tolist(), sets, p.table.to_dict("list"))


@given(
    cells=CELLS,
    picks=st.lists(st.integers(0, 7), min_size=1, max_size=10),
    roles=st.lists(st.sampled_from(["mentor", "mentee", "none"]), min_size=10),
)
def test_validate_people_with_prepared_columns(
    cells: list[list[str]], picks: list[int], roles: list[str]
) -> None:
    cells = cells or [[]]
    texts, items = _split(cells)
    codes = np.array([p % len(cells) for p in picks], dtype=np.int64)
    n = codes.size
    emails = np.array([f" P{i % 3}@X.org" for i in range(n)], dtype=object)
    frame = pd.DataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "role": roles[:n],
            "email": emails,
            "skills_offered": np.asarray(texts, dtype=object)[codes],
            "interests": np.asarray(texts, dtype=object)[codes[::-1]],
        }
    )
    prepared = Prepared(
        split={
            "skills_offered": SplitColumn(codes, texts, items),
            "interests": SplitColumn(codes[::-1].copy(), texts, items),
        },
        email_keys=email_keys(emails),
    )
    plain = validate_people(frame.copy(), canonical=False)
    fast = validate_people(frame.copy(), canonical=False, prepared=prepared)
    assert _people(fast) == _people(plain)


# --------------------------------------------------------------- read_survey

ROLE_Q = "I want to be a..."
MAPPING = {
    "preset": "google_forms",
    ROLE_Q: "role",
    "Skills": "skills_offered",
    "Topics": "interests",
    "Languages": "languages",
    "Free [*]": "availability",
    "TZ": "timezone",
}
ANSWERS = ["Python, SQL", "sql: 4, Go (Expert)", "Chess", "", "N/A", "Go: 9", "x, x"]


def _read(source: Any, hr: Any, errors: str) -> tuple[Any, ...]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            people = read_survey(source, MAPPING, hr=hr, errors=errors)
        except ValidationError as error:
            return ("error", str(error))
    report = validate_survey(source, MAPPING, hr=hr, errors=errors)
    return (
        [str(w.message) for w in caught],
        [repr(i) for i in report.issues],
        people.ids.tolist(),
        people.roles.tolist(),
        {
            k: (v.vocabulary, v.matrix.toarray().tolist())
            for k, v in people.sets.items()
        },
        None if people.availability is None else people.availability.tolist(),
        people.has_availability.tolist(),
        repr(people.utc_offset_hours.tolist()),  # NaN: compared as text
        people.table.to_dict("list"),
        people.rejected,
        people.rows.tolist(),
    )


@settings(max_examples=40, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 5),  # who (repeats are duplicate answers)
            st.sampled_from(["Mentor", "Mentee", "Neither"]),
            st.sampled_from(ANSWERS),
            st.sampled_from(ANSWERS),
            st.sampled_from(["", "English", "German, French"]),
            st.sampled_from(["", "Morning", "Morning, Evening", "Afternoon, Night"]),
            st.sampled_from(["", "Evening"]),
        ),
        min_size=1,
        max_size=8,
    ),
    hr=st.booleans(),
    errors=st.sampled_from(["raise", "reject"]),
)
def test_read_survey_with_and_without_the_hand_down(
    rows: list[tuple[int, str, str, str, str, str, str]], hr: bool, errors: str
) -> None:
    source = [
        {
            "Timestamp": f"3/{17 + k}/2020 8:14:08",
            "Email Address": f"p{who}@x.org" if who else "",
            ROLE_Q: role,
            "Skills": skills,
            "Topics": topics,
            "Languages": languages,
            "Free [Monday]": monday,
            "Free [Friday]": friday,
            "TZ": "Europe/Berlin" if k % 2 else "",
        }
        for k, (who, role, skills, topics, languages, monday, friday) in enumerate(rows)
    ]
    # the HR file fills empty languages and adds people nobody answered for
    hr_rows = (
        pd.DataFrame(
            {
                "email": ["p1@x.org", "p2@x.org", "p9@x.org"],
                "languages": ["Spanish", "", "Dutch"],
            }
        )
        if hr
        else None
    )
    fast = _read(source, hr_rows, errors)
    with mock.patch.object(Roster, "prepared", return_value=Prepared()):
        plain = _read(source, hr_rows, errors)
    assert fast == plain


def test_tables_read_from_a_plain_csv_stay_writable(tmp_path: Any) -> None:
    """The fast paths hand arrays on without copying them only where nothing
    else holds them: the tables a caller gets accept assignments."""
    from rmatch.io import read_raw

    path = tmp_path / "form.csv"
    path.write_text(
        "Timestamp,Email Address,I want to be a...,Skills,Topics,Languages,"
        "Free [Monday],TZ\n"
        '3/17/2020 8:14:08,a@x.org,Mentor,"Python, SQL",Chess,English,Morning,UTC\n'
        '3/18/2020 8:14:08,b@x.org,Mentee,SQL,"Chess, Go",,,\n',
        encoding="utf-8",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        people = read_survey(path, MAPPING)
    for frame in (read_raw(path).frame, people.table):
        for column in frame.columns:
            frame.loc[0, column] = "changed"
            assert frame[column].iloc[0] == "changed"


@pytest.mark.parametrize(
    ("column", "values", "cell"),
    [
        ("interests", {"Data & ML": "data; ml"}, "Data & ML"),
        ("skills_wanted", {"Data": "sql; :4"}, "Data"),
        ("skills_offered", {"Speaking": "speaking:4; writing:2"}, "Speaking"),
    ],
)
def test_a_mapped_value_holding_a_semicolon_is_split_as_before(
    column: str, values: dict[str, str], cell: str
) -> None:
    """Review of the hand-down: a `values` mapping may map one option to several
    tokens ("data; ml"); validation splits the joined text on ";" and must not be
    handed the option as one token."""
    source = [
        {
            "Timestamp": "3/17/2020 8:14:08",
            "Email Address": "a@x.org",
            ROLE_Q: "Mentor",
            "Answer": cell,
        }
    ]
    mapping = {
        "preset": "google_forms",
        ROLE_Q: "role",
        "Answer": {"field": column, "values": values},
    }

    def read() -> Any:
        try:
            people = read_survey(source, mapping)
        except ValidationError as error:
            return ("error", error.issues[0].code if error.issues else str(error))
        field = people.sets[column]
        return field.vocabulary, field.matrix.toarray().tolist()

    fast = read()
    with mock.patch.object(Roster, "prepared", return_value=Prepared()):
        plain = read()
    assert fast == plain
    if column == "interests":
        assert fast[0] == ("data", "ml")  # two interests, not one "data; ml"
    if column == "skills_wanted":
        assert fast[0] == "error"  # ":4" has no skill name


def test_a_prepared_entry_that_does_not_fit_the_frame_is_not_used() -> None:
    """Review: `Prepared` is public; a split column whose cells are not the
    frame's, or keys of the wrong length, were used as they were."""
    frame = pd.DataFrame(
        {
            "id": ["a", "b"],
            "role": ["mentor", "mentee"],
            "email": ["A@x.org", "b@x.org"],
            "interests": ["chess", "go"],
        }
    )
    plain = validate_people(frame, source="t.csv").people
    assert plain is not None
    wrong = Prepared(
        split={
            "interests": SplitColumn(
                np.array([0]), ["chess"], (np.array([0]), np.array([0]), ["chess"])
            )
        },
        email_keys=np.array(["a@x.org"], dtype=object),
    )
    assert wrong.checked(frame) == Prepared()
    other_cells = Prepared(
        split={
            "interests": SplitColumn(
                np.array([0, 0]), ["chess"], (np.array([0]), np.array([0]), ["chess"])
            )
        }
    )
    assert other_cells.checked(frame).split == {}
    for prepared in (wrong, other_cells):
        people = validate_people(frame, source="t.csv", prepared=prepared).people
        assert people is not None
        assert people.sets["interests"].vocabulary == plain.sets["interests"].vocabulary
        assert (
            people.sets["interests"].matrix != plain.sets["interests"].matrix
        ).nnz == 0
        assert people.table["email"].tolist() == plain.table["email"].tolist()


def test_a_text_column_with_missing_cells_is_compared_not_crashed() -> None:
    """Review: a pandas ``string`` column with NA made `Prepared.checked` raise."""
    frame = pd.DataFrame(
        {
            "id": ["a", "b"],
            "role": ["mentor", "mentee"],
            "interests": pd.array(["chess", None], dtype="string"),
        }
    )
    split = SplitColumn(
        np.array([0, 1]), ["chess", ""], (np.array([0]), np.array([0]), ["chess"])
    )
    assert Prepared(split={"interests": split}).checked(frame).split == {
        "interests": split
    }
    wrong = SplitColumn(
        np.array([0, 0]), ["chess"], (np.array([0]), np.array([0]), ["chess"])
    )
    assert Prepared(split={"interests": wrong}).checked(frame).split == {}
    people = validate_people(
        frame, source="t.csv", prepared=Prepared(split={"interests": split})
    ).people
    assert people is not None
    assert people.sets["interests"].matrix.toarray().tolist() == [[1.0], [0.0]]

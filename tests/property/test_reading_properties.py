"""Property tests for reading exports: time stamp columns, grid days, several files."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch
from rmatch.parsing import date_order, parse_datetime, parse_timestamps

FAST = settings(max_examples=60, deadline=None)

STAMPS = st.lists(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31)
    ),
    min_size=1,
    max_size=30,
).map(lambda ds: [d.replace(microsecond=0) for d in ds])


def _written(stamp: dt.datetime, day_first: bool) -> str:
    first, second = (stamp.day, stamp.month) if day_first else (stamp.month, stamp.day)
    clock = f"{stamp.hour}:{stamp.minute:02d}:{stamp.second:02d}"
    return f"{first}/{second}/{stamp.year} {clock}"


@FAST
@given(STAMPS, st.booleans())
def test_a_column_reads_back_every_stamp_in_its_order(stamps, day_first):
    texts = [_written(s, day_first) for s in stamps]
    order = "day_first" if day_first else "month_first"
    parsed = parse_timestamps(texts, order=order)
    assert not parsed.errors
    assert [parsed.datetime(i) for i in range(len(texts))] == stamps
    # the cell parser, told the order, agrees with the column parser
    assert [parse_datetime(t, day_first=day_first) for t in texts] == stamps


@FAST
@given(STAMPS, st.booleans())
def test_the_column_decides_the_order_when_a_value_can(stamps, day_first):
    texts = [_written(s, day_first) for s in stamps]
    found = date_order(texts)
    if any(s.day > 12 and s.day != s.month for s in stamps):
        assert found == ("day_first" if day_first else "month_first")
        parsed = parse_timestamps(texts)
        assert [parsed.datetime(i) for i in range(len(texts))] == stamps
    else:
        assert found == "ambiguous"


@FAST
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4))
def test_several_files_keep_every_row_with_its_file_and_row(sizes):
    frames = [
        pd.DataFrame(
            {
                "id": [f"F{k}R{r}" for r in range(size)],
                "role": ["mentor" if k % 2 else "mentee"] * size,
            }
        )
        for k, size in enumerate(sizes)
    ]
    people = rmatch.read_people(frames)
    assert len(people) == sum(sizes)
    assert people.rows.tolist() == [r + 2 for size in sizes for r in range(size)]
    assert people.ids.tolist() == [
        f"F{k}R{r}" for k, size in enumerate(sizes) for r in range(size)
    ]


CELLS = st.text(alphabet=st.sampled_from(list('ab ,;"\n\r\tÿ中')), max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(CELLS, min_size=0, max_size=5), min_size=1, max_size=8),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\n", "\r\n"]),
    st.integers(1, 2),
)
def test_the_fast_csv_path_reads_like_the_csv_module(rows, delimiter, newline, header):
    """pandas' tokenizer (plain quoting) and the csv module give the same table."""
    import csv
    import io

    from rmatch.errors import ValidationError
    from rmatch.io._tables import csv_module_table, fast_table

    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    text = buffer.getvalue()
    try:
        fast = fast_table(text, delimiter, header, "f.csv")
    except ValidationError:
        fast = None
    if fast is None:
        return  # the csv module's path reads it (not plain, or an error to report)
    slow = csv_module_table(text, delimiter, header, "f.csv")
    assert fast.frame.columns.tolist() == slow.frame.columns.tolist()
    assert fast.frame.to_dict("list") == slow.frame.to_dict("list")
    assert fast.rows.tolist() == slow.rows.tolist()
    assert fast.headers == slow.headers
    assert [(i.code, i.row) for i in fast.issues] == [
        (i.code, i.row) for i in slow.issues if i.code == "short_row"
    ]

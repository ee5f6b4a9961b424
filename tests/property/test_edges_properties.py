"""The fast CSV path skips ``str.strip`` only when no cell can change by it."""

from __future__ import annotations

from unittest import mock

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import rmatch.io._fastcsv as fastcsv
from rmatch.io._edges import SPACES, may_need_strip

# padding of every kind str.strip removes, letters whose UTF-8 bytes end or start
# like some whitespace (ß ends in 0x9F like U+205F, à in 0xA0 like U+00A0), quotes
PIECES = [
    "a", "b", " ", "\t", "\xa0", "\u3000", "\u2009", "\x1f", "ß", "à", "€", "中",
    ",", ";", '"', '""', "\n", "\r\n",
]  # fmt: skip
TEXTS = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map("".join)


def _read(text: str, delimiter: str, *, strip: bool | None) -> object:
    if strip is None:
        return fastcsv.fast_csv(text, delimiter)
    with mock.patch.object(fastcsv, "may_need_strip", return_value=strip):
        return fastcsv.fast_csv(text, delimiter)


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is b
    (ca, na, ra), (cb, nb, rb) = a, b  # type: ignore[misc]
    return (
        [c.tolist() for c in ca] == [c.tolist() for c in cb]
        and na.tolist() == nb.tolist()
        and ra.tolist() == rb.tolist()
    )


@settings(max_examples=400, deadline=None)
@given(TEXTS, st.sampled_from([",", ";", "\t"]))
def test_skipping_the_strip_reads_every_cell_as_stripping_does(text, delimiter):
    assert _same(_read(text, delimiter, strip=None), _read(text, delimiter, strip=True))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(
            st.text(st.sampled_from(list('ab ß,"\n\xa0')), max_size=5), max_size=4
        ),
        min_size=1,
        max_size=6,
    )
)
def test_written_tables_read_alike_with_or_without_the_test(rows):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    text = buffer.getvalue()
    assert _same(_read(text, ",", strip=None), _read(text, ",", strip=True))


def _needs(text: str) -> bool:
    data = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    found = fastcsv._field_counts(data, ord(","))
    assert found is not None
    return found[1]


def test_every_kind_of_padding_is_seen_and_lookalike_letters_are_not():
    assert not _needs('name,skills\nGroß,"a, b"\nHà,x\r\n')
    for space in SPACES:
        if space in "\n\r,":
            continue
        assert _needs(f"a,b\nc{space},d\n"), repr(space)
        assert _needs(f"a,b\nc,{space}d\n"), repr(space)
        assert _needs(f'a,b\nc,"{space}d"\n'), repr(space)
        assert _needs(f'a,b\nc,"d{space}"\n'), repr(space)
    assert not _needs('a,b\nc,"d, e"\n')  # a space after a quoted comma is inside


def test_spaces_lists_every_whitespace_character():
    assert set(SPACES) == {c for c in map(chr, range(0x110000)) if c.isspace()}
    assert (
        may_need_strip(np.zeros(0, np.uint8), 44, *[np.zeros(0, int)] * 3, None)
        is False
    )


ROWS = st.lists(
    st.lists(st.sampled_from(["a", "b c", '"x\ny"', '"p\r\nq"', '""', "", '"s,t"']),
    min_size=1, max_size=4),
    min_size=2, max_size=6,
)  # fmt: skip


@given(rows=ROWS, blank_end=st.booleans(), crlf=st.booleans())
def test_one_record_per_line_means_no_cell_holds_a_line_break(
    rows: list[list[str]], blank_end: bool, crlf: bool
) -> None:
    """``flat`` lets the fast path skip the search for swallowed rows only when
    no cell can hold a line break."""
    from rmatch.io._tables import fast_table

    end = "\r\n" if crlf else "\n"
    text = end.join(",".join(r) for r in rows) + (end * 2 if blank_end else "")
    table = fast_table(text, ",", 1, "t.csv")
    if table is None or not fastcsv.flat(table.rows, fastcsv.line_count(text)):
        return
    for column in table.frame.columns:
        assert not any("\n" in v or "\r" in v for v in table.frame[column])


CELL_BYTES = st.lists(
    st.sampled_from(
        [b"a", b"b", b" ", b'"', b'"x,y"', b";", b"\t", b"\r", b"\x00"]
        + [b"\xff", b"\xe9", b"\xef\xbb\xbf", b"\xff\xfe"]
        + [c.encode() for c in "é中\u3000"]
    ),
    max_size=3,
).map(b"".join)
BYTES = st.tuples(
    st.sampled_from([b"", b"\xef\xbb\xbf"]),
    st.lists(st.lists(CELL_BYTES, min_size=1, max_size=3), min_size=1, max_size=5),
    st.sampled_from([b"\n", b"\r\n"]),
).map(lambda t: t[0] + t[2].join(b",".join(row) for row in t[1]) + t[2])


@settings(max_examples=300, deadline=None)
@given(BYTES, st.sampled_from([".csv", ".tsv", ".txt"]), st.integers(1, 2))
def test_bytes_read_before_decoding_read_as_after_decoding(data, suffix, header):
    """A UTF-8 file read undecoded (pandas decodes each cell) gives the table,
    issues and errors the decoded text gives; any other file is decoded first."""
    from rmatch.errors import ValidationError
    from rmatch.io import _tables

    def read() -> object:
        try:
            t = _tables.parse_bytes(data, suffix, None, header, "f.csv")
        except ValidationError as error:
            return [repr(i) for i in error.issues]
        frame = (t.frame.to_dict("list"), [str(d) for d in t.frame.dtypes])
        return frame, t.rows.tolist(), t.headers, [repr(i) for i in t.issues]

    fast = read()
    with mock.patch.object(_tables, "undecoded_utf8", return_value=None):
        assert read() == fast


def test_a_cp1252_file_with_an_ascii_header_is_decoded_first():
    # the bytes path sent it whole through pandas before its first accent made
    # it fall back; samples of the middle and end are checked up front now
    rows = [f"{i},Zoë {i},Café\n".encode("cp1252") for i in range(20_000)]
    data = b"id,name,team\n" + b"".join(rows)
    assert fastcsv.undecoded_utf8(data, ".csv") is None
    utf8 = data.decode("cp1252").encode("utf-8")
    found = fastcsv.undecoded_utf8(utf8, ".csv")
    assert found is not None and found[1] == "," and found[2] == 20_001

"""Read tables into [`People`][rmatch.people.People].

[`read_raw()`][rmatch.io.read_raw] turns a file (CSV in the encodings real exports use,
Excel, JSON), bytes, a binary stream, a DataFrame or a list of records into a table of
strings that remembers the spreadsheet row number of every data row.
[`read_table()`][rmatch.io.read_table] is the same without the row numbers;
[`read_people()`][rmatch.io.read_people] parses the canonical columns (DESIGN.md) with
[`rmatch.validate.parse_people()`][rmatch.validate.parse_people]. Raw survey exports
with other column names go through [`rmatch.read_survey()`][rmatch.survey.read_survey].

Every failure raises [`ValidationError`][rmatch.errors.ValidationError] whose issues
name the file (and the row, when the problem is in one); no other exception escapes.
"""

from __future__ import annotations

from rmatch.io._cells import decode_bytes
from rmatch.io._encoding import codec_name
from rmatch.io._read import Source, read_people, read_raw, read_table
from rmatch.io._stack import SOURCE_FILE, file_role, is_many
from rmatch.io._tables import RawTable

__all__ = [
    "SOURCE_FILE",
    "RawTable",
    "Source",
    "codec_name",
    "decode_bytes",
    "file_role",
    "is_many",
    "read_people",
    "read_raw",
    "read_table",
]

"""Read raw survey exports: map questions onto canonical fields, join HR data.

A sign-up survey exported from Google Forms, Microsoft Forms, Qualtrics or Excel does
not use rmatch's canonical columns (DESIGN.md). A [`SurveyMap`][rmatch.survey.SurveyMap]
says which question feeds which field and how to read the answers;
[`read_survey()`][rmatch.survey.read_survey] applies it, removes duplicate answers,
joins an HR file (manager, department, grade, location) and returns
[`People`][rmatch.people.People]. [`validate_survey()`][rmatch.survey.validate_survey]
does the same and returns every problem as a
[`ValidationReport`][rmatch.validate.ValidationReport] instead of raising.

A mapping is a ``[mapping]`` TOML section (or the same dict, or a
[`SurveyMap`][rmatch.survey.SurveyMap])::

    [mapping]
    preset = "google_forms"                  # Timestamp, Email Address, ", " lists
    "I want to be a..." = "role"
    "I can mentor someone in these areas..." = "skills_offered"
    "I want mentorship in..." = "skills_wanted"
    "Availability [*]" = "availability"       # checkbox grid, one column per day
    "Time zone" = "timezone"
    "Open to several mentees?" = { field = "capacity", values = { Yes = 2, No = 1 } }

    [mapping.hr]
    file = "hr.csv"                           # relative to the TOML file
    email = "email"
    manager = "manager_id"                    # an id, an e-mail or a name
    org = "department"

Every line other than the options below maps a column (the question text, matched
without regard to case and repeated spaces) onto a field: one of the canonical fields
``id name email role manager_id department location languages seniority
skills_offered skills_wanted interests goals availability timezone capacity
mentor_capacity mentee_capacity``, or ``first_name`` / ``last_name`` (joined into
``name``) or ``timestamp`` (decides which of two answers of one person wins). Several
columns may feed one field: sets are united, names joined, and for other fields the
first non-empty answer counts. A line can be a table with parsing options:
``field``, ``separators`` (multi-select), ``values`` (answer -> value, e.g. role
answers or ``Yes = 2``), ``order`` (ordinal answers -> 1, 2, ...: grades),
``scale`` (``"likert"`` or label -> number), ``skill`` (the column holds the level
of one skill), ``day`` (the column is one day of an availability grid) and
``custom = true`` (keep the column under a new, non-canonical name).

Options: ``preset`` (``google_forms``, ``microsoft_forms``, ``qualtrics``),
``header_rows``, ``sheet``, ``separators``, ``id_from_email``, ``timestamp``,
``timezone``, ``availability`` (a column, a list of columns, or a grid table
``{"Availability [Monday]" = "mon", ...}``), ``periods`` (grid period -> start/end),
``roles`` (answer -> role), ``likert`` (label -> number), ``duplicates``
(``latest`` or ``first``), ``date_format`` (``day_first``, ``month_first`` or a
``strftime`` format of the time stamps; default: decided from the values),
``days`` (grid row -> day, for day names rmatch does not know), ``encoding`` (of
the CSV files), ``files`` (per file name: ``role`` and ``encoding``),
``unknown_manager`` (``warning`` or ``error``),
``on_error`` (``raise`` or ``reject``), ``columns`` (a table of column lines, for
columns whose names clash with an option) and ``hr`` (the HR file: ``file``,
``join`` = ``auto`` / ``id`` / ``email``, ``header_rows``, ``sheet``,
``separators``, ``id_from_email``, ``roles``, ``likert``, ``encoding`` and column
lines).

The package follows the reading stages: `presets`, `spec` and `mapping` (the mapping),
`columns` (finding the columns), `answers` (reading the cells), `roster`, `respondents`
and `hr` (people, duplicates, the HR join) and `read`
([`read_survey()`][rmatch.survey.read_survey],
[`validate_survey()`][rmatch.survey.validate_survey]).
"""

from rmatch.people import CANONICAL_FIELDS
from rmatch.survey._common import HR_OPTION_KEYS, OPTION_KEYS
from rmatch.survey.columns import SOURCE_COLUMN, MissingColumnsError
from rmatch.survey.mapping import SurveyMap
from rmatch.survey.presets import PRESETS
from rmatch.survey.read import read_survey, validate_survey
from rmatch.survey.spec import FIELDS, ColumnSpec

__all__ = [
    "CANONICAL_FIELDS",
    "FIELDS",
    "HR_OPTION_KEYS",
    "OPTION_KEYS",
    "PRESETS",
    "SOURCE_COLUMN",
    "ColumnSpec",
    "MissingColumnsError",
    "SurveyMap",
    "read_survey",
    "validate_survey",
]

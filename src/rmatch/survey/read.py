"""Reading a survey: `read_survey()` and `validate_survey()`.

One read maps the export (and the HR file), removes duplicate answers, joins the HR
file, resolves managers and validates the result, rejecting invalid rows when asked.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Mapping
from typing import Any

from rmatch.errors import ConfigError, DataQualityWarning, Issue, ValidationError
from rmatch.people import NOT_PARTICIPATING, People
from rmatch.survey._common import as_table
from rmatch.survey.answers import AnswerBuilder, Part
from rmatch.survey.columns import (
    IssueLog,
    MissingColumnsError,
    load_table,
    missing_columns_error,
    resolve_columns,
)
from rmatch.survey.hr import join_hr, resolve_managers
from rmatch.survey.mapping import SurveyMap, parse_section
from rmatch.survey.respondents import (
    dedupe,
    derive_id,
    kept_identity,
    not_participating,
    roles_from_files,
    same_names,
)
from rmatch.survey.roster import Roster
from rmatch.validate import ValidationReport, validate_people

__all__ = ["read_survey", "validate_survey"]

_ATTEMPTS = 6  # validation rounds when rejecting rows (rejecting can reveal more)


class _Reader:
    """One run of [`read_survey()`][rmatch.survey.read_survey] / `validate_survey()`."""

    def __init__(self, smap: SurveyMap, reference_monday: Any, on_error: str) -> None:
        self.smap = smap
        self.reference_monday = reference_monday
        self.on_error = on_error
        self.issues = IssueLog()

    # -------------------------------------------------------------- mapping
    def part(self, source: Any, smap: SurveyMap, *, survey: bool) -> Part:
        table = load_table(source, smap, add_source=survey)
        uses, missing = resolve_columns(smap, table)
        if missing:
            raise missing_columns_error(missing, table)
        self.issues.items.extend(table.issues)
        builder = AnswerBuilder(smap, table, uses, self.issues)
        out = builder.build()
        if survey:
            roles_from_files(table, out, builder.origin, smap, self.issues)
        keys = derive_id(table, out, builder.origin, smap, self.issues)
        return Part(table, out, builder.origin, keys is not None, builder.split, keys)

    def run(self, source: Any, hr: Any, hr_mapping: Any) -> ValidationReport:
        survey = self.part(source, self.smap, survey=True)
        final = Roster(
            survey,
            dedupe(survey, self.smap.duplicates, self.issues, self.smap.date_format),
        )
        hr_map = self.smap.hr
        if isinstance(hr_mapping, SurveyMap):
            hr_map = hr_mapping
        elif hr_mapping is not None:
            hr_map = parse_section(
                as_table(hr_mapping, "hr_mapping"), base_dir=None, hr=True
            )
        if hr is None and hr_map is not None and hr_map.file:
            hr = hr_map.path(hr_map.file)
        if hr is not None:
            join_hr(
                final,
                self.part(hr, hr_map or SurveyMap(), survey=False),
                (hr_map or SurveyMap()).join,
                self.issues,
            )
        resolve_managers(final, self.smap.unknown_manager, self.issues)
        same_names(final, self.issues)
        return self.validate(final)

    # -------------------------------------------------------------- validation
    def validate(self, final: Roster) -> ValidationReport:
        for attempt in range(_ATTEMPTS):
            report = validate_people(
                final.frame(),
                source=final.label,
                reference_monday=self.reference_monday,
                rows=final.rows,
                files=final.files.tolist(),
                rejected=tuple(self.issues.rejected),
                canonical=False,
                prepared=final.prepared(),
            )
            issues = self._merge(final, report.issues)
            errors = [i for i in issues if i.severity == "error"]
            if self.on_error != "reject" or not errors or attempt == _ATTEMPTS - 1:
                break
            bad = final.positions_of(errors)
            if bad is None:  # an error outside any row cannot be rejected away
                break
            for pos, found in sorted(bad.items()):
                reasons = "; ".join(
                    f"{i.column}: {i.message}" if i.column else i.message for i in found
                )
                reason = f"invalid answer ({reasons})"
                self.issues.reject(
                    str(final.files[pos]),
                    int(final.rows[pos]),
                    final.id_of(pos),
                    reason,
                )
                self.issues.items.append(
                    Issue(
                        message=f"rejected: {reason}",
                        fix="; ".join(dict.fromkeys(i.fix for i in found if i.fix)),
                        file=str(final.files[pos]),
                        row=int(final.rows[pos]),
                        person_id=final.id_of(pos) or None,
                        severity="warning",
                        code="rejected_row",
                    )
                )
            final.demote(bad)
        out = ValidationReport(issues=final.sort(issues), n_rows=final.n_read)
        if out.ok and report.people is not None:
            kept_identity(final, self.issues)
            not_participating(final, self.issues)
            out.people = dataclasses.replace(
                report.people,
                issues=tuple(out.warnings),
                rejected=tuple(self.issues.rejected),
            )
        return out

    def _merge(self, final: Roster, found: list[Issue]) -> list[Issue]:
        """Own issues first, then validate's, moved to the raw file/row/column."""
        own_empty = {(i.file, i.row) for i in self.issues.items if i.code == "empty_id"}
        out = [
            i
            if i.person_id or i.row is None
            else dataclasses.replace(
                i, person_id=final.ids_by_row.get((str(i.file), i.row)) or None
            )
            for i in self.issues.items
            if i.severity == "warning" or not final.is_rejected(i)
        ]
        for issue in found:
            if issue.code == "empty_id" and (issue.file, issue.row) in own_empty:
                continue
            out.append(final.relocate(issue))
        return out


def _reader(mapping: Any, reference_monday: Any, errors: str | None) -> _Reader:
    smap = SurveyMap.coerce(mapping)
    on_error = errors if errors is not None else smap.on_error
    if on_error not in ("raise", "reject"):
        raise ConfigError(
            f"The 'errors' parameter of read_survey must be 'raise' or 'reject'. "
            f"Got {errors!r} instead."
        )
    return _Reader(smap, reference_monday, on_error)


def validate_survey(
    source: Any,
    mapping: SurveyMap | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    *,
    hr: Any = None,
    hr_mapping: SurveyMap | Mapping[str, Any] | None = None,
    reference_monday: Any = None,
    errors: str | None = None,
) -> ValidationReport:
    """Read a raw survey export and report every problem without raising.

    Parameters
    ----------
    source : path, DataFrame, records, or a list of paths / DataFrames
        See [`read_survey()`][rmatch.survey.read_survey].
    mapping : SurveyMap, dict or path of a TOML file, optional
        See [`read_survey()`][rmatch.survey.read_survey].
    hr, hr_mapping, reference_monday, errors
        See [`read_survey()`][rmatch.survey.read_survey].

    Returns
    -------
    ValidationReport
        ``issues`` (each naming the file, row, raw column, value and fix),
        ``n_rows`` (survey rows read) and ``people`` when there is no error.
        Columns the mapping names but the export lacks, and unreadable files,
        are reported as issues too.

    Raises
    ------
    ConfigError
        The mapping itself is invalid (unknown options or fields).
    """
    reader = _reader(mapping, reference_monday, errors)
    try:
        return reader.run(source, hr, hr_mapping)
    except ValidationError as exc:
        return ValidationReport(issues=list(exc.issues))
    except MissingColumnsError as exc:
        return ValidationReport(issues=list(exc.issues), n_rows=exc.n_rows)


def read_survey(
    source: Any,
    mapping: SurveyMap | Mapping[str, Any] | str | os.PathLike[str] | None = None,
    *,
    hr: Any = None,
    hr_mapping: SurveyMap | Mapping[str, Any] | None = None,
    reference_monday: Any = None,
    errors: str | None = None,
) -> People:
    """Read a raw survey export (and an HR file) into [`People`][rmatch.people.People].

    Parameters
    ----------
    source : path, DataFrame, records, or a list of paths / DataFrames
        CSV (UTF-8, UTF-16, or the encoding found most likely: Shift-JIS, GBK,
        cp1252 ...; the mapping's ``encoding`` says it), Excel ``.xlsx``, JSON
        records, a DataFrame or records. Several sources (e.g. a mentors' form and
        a mentees' form) are stacked; each row remembers its file in the column
        ``source_file``, and ``[mapping.files]`` (or a file name that says
        ``mentor`` / ``mentee``, when no question gives the role) the role.
    mapping : SurveyMap, dict or path of a TOML file, optional
        Which column feeds which field and how to read it (see the module
        documentation). A TOML path uses its ``[mapping]`` section; relative file
        names inside are relative to it. Default: the columns already have the
        canonical names.
    hr : path, DataFrame or records, optional
        HR file with managers, departments, grades, locations. Default: the
        mapping's ``[mapping.hr] file``.
    hr_mapping : SurveyMap or dict, optional
        Column lines for the HR file (default: the mapping's ``[mapping.hr]``).
    reference_monday : datetime.date, optional
        Week used to convert availability to UTC.
    errors : {"raise", "reject"}, optional
        Rows with errors: stop (``raise``, the default) or reject them with the
        reason and read the rest (``reject``). Default: the mapping's ``on_error``.

    Returns
    -------
    People
        Survey rows after removing duplicate answers, plus HR rows nobody answered
        for (role ``none``: they stay in the org chart). ``people.rejected`` lists
        every dropped row with its reason; ``people.issues`` the warnings.

    Raises
    ------
    ValidationError
        Every error found (file, row, column, value, how to fix).
    ConfigError
        An invalid mapping, or columns it names that are not in the export (all
        listed, with close matches).

    Warns
    -----
    DataQualityWarning
        Once, when rows were rejected or warnings were found; the message counts
        them and points at ``people.rejected`` / ``people.issues``.

    Examples
    --------
    >>> rows = [
    ...     {"Timestamp": "3/17/2020 8:14:08", "Email Address": " Ana@x.org ",
    ...      "I want to be a...": "Mentor (I want to provide coaching)",
    ...      "Topics": "Python, Public speaking"},
    ...     {"Timestamp": "3/18/2020 9:00:00", "Email Address": "bo@x.org",
    ...      "I want to be a...": "Mentee", "Topics": "python"},
    ... ]
    >>> people = read_survey(rows, {"preset": "google_forms",
    ...                             "I want to be a...": "role",
    ...                             "Topics": "interests"})
    >>> people.ids.tolist(), people.roles.tolist()
    (['ana@x.org', 'bo@x.org'], ['mentor', 'mentee'])
    >>> sorted(people["interests"][0])
    ['public speaking', 'python']
    """
    reader = _reader(mapping, reference_monday, errors)
    report = reader.run(source, hr, hr_mapping)
    if report.errors or report.people is None:
        raise ValidationError(report.errors + report.warnings)
    people = report.people
    rejected = [r for r in people.rejected if r.get("code") != NOT_PARTICIPATING]
    if rejected or report.warnings:
        warnings.warn(
            f"{people.source}: {len(rejected)} row(s) rejected and "
            f"{len(report.warnings)} warning(s); see people.rejected and "
            "people.issues",
            DataQualityWarning,
            stacklevel=2,
        )
    return people

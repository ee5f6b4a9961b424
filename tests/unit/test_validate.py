"""Reading canonical tables: every problem reported at once, with row and column."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import rmatch
from rmatch.errors import ValidationError


def _codes(err: ValidationError) -> list[str]:
    return [i.code for i in err.issues]


def test_reads_canonical_records() -> None:
    people = rmatch.read_people(
        [
            {
                "id": "E1",
                "role": "mentor",
                "capacity": "2",
                "seniority": "3",
                "skills_offered": "Python:4; TikTok:5",
                "interests": "Chess; running",
            },
            {
                "id": "E2",
                "role": "Mentee",
                "manager_id": "E1",
                "skills_wanted": "python:3; genai",
                "interests": "chess",
            },
            {"id": "E3", "role": "none", "manager_id": ""},
        ]
    )
    assert people.ids.tolist() == ["E1", "E2", "E3"]
    assert people.roles.tolist() == ["mentor", "mentee", "none"]
    assert people.mentor_capacity.tolist() == [2, 0, 0]
    assert people.mentee_capacity.tolist() == [0, -1, 0]  # -1: program default
    assert people.manager.tolist() == [-1, 0, -1]
    # tokens are case-folded; a skill without a level gets the default level 3
    assert people["skills_wanted"][1] == {"python": 3, "genai": 3}
    assert people["interests"][0] == frozenset({"chess", "running"})
    assert np.isnan(people.seniority[1])


def test_every_problem_reported_at_once() -> None:
    rows = [
        {"id": "E1", "role": "mentor", "capacity": "two", "manager_id": ""},
        {"id": "E1", "role": "mentee", "capacity": "1", "manager_id": "E9"},
        {"id": "E3", "role": "teacher", "capacity": "1", "manager_id": ""},
        {"id": "E4", "role": "mentee", "skills_wanted": "python:9", "manager_id": ""},
    ]
    with pytest.raises(ValidationError, match="5 problems") as info:
        rmatch.read_people(rows)
    err = info.value
    assert sorted(_codes(err)) == sorted(
        [
            "bad_capacity",
            "duplicate_id",
            "unknown_manager",
            "bad_role",
            "bad_skills_wanted",
        ]
    )
    # issues come in row order
    assert [i.row for i in err.issues] == sorted(i.row or 0 for i in err.issues)
    by_code = {i.code: i for i in err.issues}
    assert by_code["bad_capacity"].row == 2
    assert by_code["bad_capacity"].column == "capacity"
    assert by_code["bad_capacity"].value == "two"
    assert by_code["duplicate_id"].row == 3
    assert "row 2" in by_code["duplicate_id"].message
    assert by_code["unknown_manager"].value == "E9"
    assert "role 'none'" in by_code["unknown_manager"].fix
    assert by_code["bad_role"].row == 4
    assert by_code["bad_skills_wanted"].row == 5
    # the message lists every problem with its location
    text = str(err)
    for needle in ("row 2", "row 3", "row 4", "row 5", "'capacity'", "'manager_id'"):
        assert needle in text


def test_missing_required_column() -> None:
    with pytest.raises(ValidationError, match="required column 'role' is missing"):
        rmatch.read_people([{"id": "E1"}])


def test_manager_cycle_is_named() -> None:
    rows = [
        {"id": "A", "role": "mentor", "manager_id": "C"},
        {"id": "B", "role": "mentee", "manager_id": "A"},
        {"id": "C", "role": "none", "manager_id": "B"},
        {"id": "D", "role": "mentee", "manager_id": "D"},
    ]
    with pytest.raises(ValidationError) as info:
        rmatch.read_people(rows)
    cycles = [i for i in info.value.issues if i.code == "manager_cycle"]
    assert len(cycles) == 2
    assert any("A -> C -> B -> A" in i.message for i in cycles)
    assert any("D -> D" in i.message for i in cycles)


def test_issues_are_json_safe() -> None:
    import json

    with pytest.raises(ValidationError) as info:
        rmatch.read_people([{"id": "", "role": "mentor"}])
    records = info.value.to_records()
    assert json.loads(json.dumps(records))[0]["code"] == "empty_id"


def test_validate_people_report_does_not_raise() -> None:
    import pandas as pd

    frame = pd.DataFrame({"id": ["a", "b"], "role": ["mentor", "x"]})
    report = rmatch.validate_people(frame, source="signups.csv")
    assert not report.ok
    assert report.errors[0].file == "signups.csv"
    assert "1 errors" in report.summary()


def test_availability_converted_to_utc() -> None:
    people = rmatch.read_people(
        [
            # 09:00-10:00 in Ho Chi Minh City (UTC+7) is 02:00-03:00 UTC
            {
                "id": "A",
                "role": "mentor",
                "availability": "Mon 09:00-10:00",
                "timezone": "Asia/Ho_Chi_Minh",
            },
            # 03:00-04:00 in Berlin in January (UTC+1) is 02:00-03:00 UTC
            {
                "id": "B",
                "role": "mentee",
                "availability": "Mon 03:00-04:00",
                "timezone": "Europe/Berlin",
            },
        ]
    )
    a, b = people.slots(np.array([0, 1]))
    assert a.sum() == 4
    assert b.sum() == 4
    assert np.array_equal(a, b)
    assert np.flatnonzero(a).tolist() == [8, 9, 10, 11]  # Monday 02:00 UTC = slot 8
    assert people.utc_offset_hours.tolist() == [7.0, 1.0]


def test_file_not_found_is_a_validation_error(tmp_path) -> None:
    with pytest.raises(ValidationError, match="file not found"):
        rmatch.read_people(tmp_path / "missing.csv")


@pytest.mark.parametrize("monday", [dt.date(2026, 1, 5), dt.date(2026, 3, 23)])
def test_availability_in_utc_equals_to_utc_slots_in_a_week_with_a_clock_change(
    monday: dt.date,
) -> None:
    """Berlin moves its clocks on Sunday 2026-03-29: that week's days do not all
    shift by one offset (the validator then shifts day by day)."""
    from rmatch.parsing import parse_availability, to_utc_slots
    from rmatch.validate import parse_people

    cells = [
        "Sun 00:00-24:00; Mon 00:00-02:00",
        "Sat 22:00-24:00",
        "Mon 9-11",
        "Sun 23:00-24:00; Mon 00:15-00:45; Wed 12:00-13:15",
        "Sun 23:00-24:00; Mon 00:15-00:45; Wed 12:00-13:15",
        "Sun 23:00-24:00; Mon 00:15-00:45; Wed 12:00-13:15",
        "Sun 23:00-24:00; Mon 00:15-00:45; Wed 12:00-13:15",
    ]
    zones = [
        "Europe/Berlin",
        "Europe/Berlin",
        "America/New_York",
        "Asia/Kathmandu",  # +5:45, 23 slots
        "America/St_Johns",  # -3:30
        "Pacific/Kiritimati",  # +14
        "UTC",
    ]
    frame = pd.DataFrame(
        {
            "id": list("abcdefg"),
            "role": ["mentor", "mentee", "mentee", "mentor", "mentee", "both", "both"],
            "availability": cells,
            "timezone": zones,
        }
    )
    people = parse_people(frame, reference_monday=monday)
    for p, (cell, zone) in enumerate(zip(cells, zones, strict=True)):
        expected = to_utc_slots(parse_availability(cell), zone, monday)
        np.testing.assert_array_equal(people.slots(np.array([p]))[0] > 0, expected)

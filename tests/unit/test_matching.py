"""Matching: reasons for the unmatched, explanations, summary and exports."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import rmatch


def _match(records: list[dict], **kwargs) -> rmatch.Matching:
    program = rmatch.Program(criteria=[rmatch.Skills(), rmatch.Schedule()], **kwargs)
    return program.match(rmatch.read_people(records))


def _reasons(result: rmatch.Matching) -> dict[str, str]:
    return dict(zip(result.unmatched["id"], result.unmatched["reason"], strict=True))


def test_slots_exhausted_reason() -> None:
    result = _match(
        [
            {"id": "M", "role": "mentor", "capacity": "2", "skills_offered": "sql:5"},
            # three mentees want sql; only two slots
            {"id": "A", "role": "mentee", "skills_wanted": "sql:5"},
            {"id": "B", "role": "mentee", "skills_wanted": "sql:4"},
            {"id": "C", "role": "mentee", "skills_wanted": "sql:5; python:5"},
        ]
    )
    assert sorted(result.pairs["mentee_id"]) == ["A", "B"]  # C fits worst (0.5)
    assert _reasons(result) == {
        "C": "mentor slots exhausted: 3 mentees want 3 mentors, 2 slots; "
        "all 1 of their allowed mentors are full"
    }
    assert result.unmatched["reason_code"].tolist() == ["slots_exhausted"]


def test_taken_by_better_fit_and_schedule_rule() -> None:
    result = _match(
        [
            {
                "id": "M1",
                "role": "mentor",
                "skills_offered": "sql:5",
                "availability": "Mon 09:00-11:00",
                "timezone": "UTC",
            },
            {
                "id": "M2",
                "role": "mentor",
                "skills_offered": "sql:1",
                "availability": "Sun 09:00-11:00",
                "timezone": "UTC",
            },
            {
                "id": "A",
                "role": "mentee",
                "skills_wanted": "sql:5",
                "availability": "Mon 09:00-11:00",
                "timezone": "UTC",
            },
            {
                "id": "B",
                "role": "mentee",
                "skills_wanted": "sql:5",
                "availability": "Mon 10:00-11:00",
                "timezone": "UTC",
            },
        ],
        rules=[rmatch.MinSharedHours(1)],
    )
    assert result.pairs[["mentor_id", "mentee_id"]].values.tolist() == [["M1", "A"]]
    reasons = _reasons(result)
    assert reasons["B"] == (
        "all 1 of their allowed mentors are taken by mentees who fit them better"
    )
    assert (
        reasons["M2"] == "no mentee with overlapping availability (at least 1 h/week)"
    )


@pytest.mark.filterwarnings("ignore:every candidate pair scores 0")  # no data
def test_capacity_zero_and_both_role() -> None:
    result = _match(
        [
            {"id": "M", "role": "mentor", "capacity": "0", "skills_offered": "sql"},
            {"id": "X", "role": "both", "skills_offered": "sql", "skills_wanted": "go"},
        ],
        rules=[],
    )
    reasons = _reasons(result)
    assert reasons["M"] == "capacity is 0: they asked for no mentee"
    # X as mentee: M has no room; X as mentor: nobody else is a mentee
    assert reasons["X"].startswith("as mentee: all 1 of their allowed mentors")
    assert "as mentor: no one else signed up as a mentee" in reasons["X"]


def test_explain_matched_and_unmatched() -> None:
    result = _match(
        [
            {
                "id": "M",
                "role": "mentor",
                "skills_offered": "sql:5; python:4",
                "availability": "Mon 09:00-10:00",
                "timezone": "UTC",
                "name": "Mai",
            },
            {
                "id": "A",
                "role": "mentee",
                "skills_wanted": "sql:5",
                "availability": "Mon 09:00-11:00",
                "timezone": "UTC",
                "name": "An",
            },
            {
                "id": "B",
                "role": "mentee",
                "skills_wanted": "python:5",
                "manager_id": "M",
            },
        ]
    )
    a = result.explain("A")
    assert a.status == "matched"
    [pair] = a.pairs
    assert pair["partner_id"] == "M" and pair["rank"] == 1
    skills = next(c for c in pair["criteria"] if c["criterion"] == "skills")
    assert skills["value"] == pytest.approx(1.0)
    assert "sql (5/5)" in skills["detail"]
    schedule = next(c for c in pair["criteria"] if c["criterion"] == "schedule")
    assert schedule["value"] == pytest.approx(0.5)  # 1 shared hour of 2
    assert "Mon 09:00-10:00" in schedule["detail"]
    assert "mentor Mai (M)" in str(a)
    b = result.explain("B")
    assert b.status == "unmatched"
    assert b.reason == "every candidate mentor is in their reporting line"
    assert b.rules == {"no reporting line": 1}
    assert json.loads(json.dumps(b.to_dict()))["person_id"] == "B"
    with pytest.raises(KeyError, match="no person with id 'Z'"):
        result.explain("Z")


def test_summary_figures() -> None:
    result = _match(
        [
            {"id": "M", "role": "mentor", "capacity": "1", "skills_offered": "sql:5"},
            {"id": "A", "role": "mentee", "skills_wanted": "sql:5"},
            {"id": "B", "role": "mentee", "skills_wanted": "sql:5"},
        ]
    )
    s = result.summary()
    assert (s.pairs, s.mentees, s.mentees_matched, s.unmatched) == (1, 2, 1, 1)
    assert s.coverage == pytest.approx(0.5)
    assert s.status == "optimal" and s.gap == 0.0
    assert s.objective == pytest.approx(1.0) and s.bound == pytest.approx(1.0)
    assert s.unmatched_reasons == {"slots exhausted on the other side": 1}
    text = str(s)
    assert "mentees matched   1 of 2 (50%)" in text


def test_csv_export_neutralizes_formulas(tmp_path: Path) -> None:
    result = _match(
        [
            {
                "id": "M",
                "role": "mentor",
                "skills_offered": "sql",
                "name": '=HYPERLINK("http://evil")',
            },
            {
                "id": "A",
                "role": "mentee",
                "skills_wanted": "sql",
                "name": "Nguyễn Thị Hồng",
            },
        ]
    )
    target = tmp_path / "pairs.csv"
    result.to_csv(target, bom=True)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "Nguyễn Thị Hồng" in text


def test_left_out_by_a_quota_although_a_mentor_had_room() -> None:
    result = _match(
        [
            {"id": "M", "role": "mentor", "capacity": "3", "skills_offered": "sql:5"},
            {"id": "A", "role": "mentee", "skills_wanted": "sql:5", "department": "IT"},
            {
                "id": "B",
                "role": "mentee",
                "skills_wanted": "sql:5; python:5",
                "department": "IT",
            },
        ],
        rules=[rmatch.GroupLimit("department", at_most=1)],
    )
    assert result.pairs["mentee_id"].tolist() == ["A"]  # the better fit
    assert _reasons(result) == {
        "B": "left out by the objective or a quota although 1 of their 1 allowed "
        "mentors had room"
    }
    assert result.unmatched["reason_code"].tolist() == ["objective"]


def test_positions_of_a_zero_dimensional_array_is_an_error_not_characters() -> None:
    """Review: ``np.array("ab").tolist()`` is the text "ab": its characters were
    looked up one by one."""
    people = rmatch.read_people(
        [{"id": "a", "role": "mentor"}, {"id": "b", "role": "mentee"}]
    )
    assert people.positions(np.array(["b", "a", "x"])).tolist() == [1, 0, -1]
    with pytest.raises(TypeError):
        people.positions(np.array("ab"))

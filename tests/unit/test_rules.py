"""Hard rules as masks: forbidden pairs are removed, never penalized."""

from __future__ import annotations

import numpy as np
import pytest

import rmatch
from rmatch.errors import ConfigError
from rmatch.rules import (
    DifferentValue,
    ForbiddenPairs,
    MaxTimezoneGap,
    MinSharedHours,
    NoReportingLine,
    ReverseSeniority,
    SameValue,
    rule_from_dict,
)
from rmatch.scoring import Block

# CEO -> VP -> MGR -> DEV ; CEO -> VP2 ; MGR -> DEV2 (peers DEV, DEV2)
ORG = [
    {
        "id": "CEO",
        "role": "both",
        "manager_id": "",
        "seniority": "10",
        "department": "Exec",
        "languages": "en",
        "timezone": "America/New_York",
        "availability": "Mon 09:00-12:00",
    },
    {
        "id": "VP",
        "role": "both",
        "manager_id": "CEO",
        "seniority": "8",
        "department": "Sales",
        "languages": "en; de",
        "timezone": "Europe/Berlin",
        "availability": "Mon 15:00-16:00",
    },
    {
        "id": "MGR",
        "role": "both",
        "manager_id": "VP",
        "seniority": "5",
        "department": "Sales",
        "languages": "de",
        "timezone": "Europe/Berlin",
        "availability": "Mon 15:00-17:00",
    },
    {
        "id": "DEV",
        "role": "both",
        "manager_id": "MGR",
        "seniority": "2",
        "department": "Sales",
        "languages": "vi",
        "timezone": "Asia/Ho_Chi_Minh",
        "availability": "",
    },
    {
        "id": "VP2",
        "role": "both",
        "manager_id": "CEO",
        "seniority": "8",
        "department": "IT",
        "languages": "",
        "timezone": "America/New_York",
        "availability": "Mon 09:00-10:00",
    },
    {
        "id": "DEV2",
        "role": "both",
        "manager_id": "MGR",
        "seniority": "1",
        "department": "",
        "languages": "de; vi",
        "timezone": "Asia/Singapore",
        "availability": "",
    },
]


@pytest.fixture(scope="module")
def block() -> Block:
    people = rmatch.read_people(ORG)
    everyone = np.arange(len(people))
    return Block(people, everyone, everyone)


def _allowed_pairs(mask: np.ndarray, block: Block) -> set[tuple[str, str]]:
    ids = block.people.ids
    rows, cols = np.nonzero(mask)
    return {
        (ids[block.mentors[i]], ids[block.mentees[j]])
        for i, j in zip(rows, cols, strict=False)
    }


def _forbidden(mask: np.ndarray, block: Block) -> set[frozenset[str]]:
    ids = block.people.ids
    rows, cols = np.nonzero(~mask)
    return {
        frozenset((ids[block.mentors[i]], ids[block.mentees[j]]))
        for i, j in zip(rows, cols, strict=False)
        if i != j
    }


def test_reporting_line_one_level(block: Block) -> None:
    bad = _forbidden(NoReportingLine(1).allowed(block), block)
    assert bad == {
        frozenset(p)
        for p in [
            ("CEO", "VP"),
            ("CEO", "VP2"),
            ("VP", "MGR"),
            ("MGR", "DEV"),
            ("MGR", "DEV2"),
        ]
    }


def test_reporting_line_two_levels_and_peers(block: Block) -> None:
    bad = _forbidden(NoReportingLine(2).allowed(block), block)
    assert frozenset(("CEO", "MGR")) in bad
    assert frozenset(("VP", "DEV")) in bad
    assert frozenset(("CEO", "DEV")) not in bad  # three levels apart
    assert frozenset(("DEV", "DEV2")) not in bad
    peers = _forbidden(NoReportingLine(1, same_manager=True).allowed(block), block)
    assert frozenset(("DEV", "DEV2")) in peers
    assert frozenset(("VP", "VP2")) in peers


def test_reporting_line_is_symmetric(block: Block) -> None:
    mask = NoReportingLine(3).allowed(block)
    assert np.array_equal(mask, mask.T)


def test_reverse_seniority(block: Block) -> None:
    allowed = _allowed_pairs(ReverseSeniority(min_gap=3).allowed(block), block)
    # mentor must be at least 3 grades junior
    assert ("DEV", "MGR") in allowed
    assert ("MGR", "DEV") not in allowed
    assert ("DEV2", "MGR") in allowed
    assert ("DEV", "DEV2") not in allowed
    assert ("VP", "CEO") not in allowed  # gap 2 < 3


def test_min_shared_hours(block: Block) -> None:
    allowed = _allowed_pairs(MinSharedHours(1).allowed(block), block)
    # CEO Mon 09-12 New York (14-17 UTC); VP Mon 15-16 Berlin (14-15 UTC): 1 hour
    assert ("CEO", "VP") in allowed
    # MGR Mon 15-17 Berlin (14-16 UTC) overlaps CEO 2 hours, VP 1 hour
    assert ("MGR", "VP") in allowed
    # DEV has no availability: the rule cannot be shown to hold -> removed
    assert not any("DEV" in p for p in allowed)
    assert ("VP2", "VP") in allowed  # VP2 Mon 09-10 NY = 14-15 UTC
    two = _allowed_pairs(MinSharedHours(2).allowed(block), block)
    assert ("CEO", "MGR") in two
    assert ("CEO", "VP") not in two


def test_same_and_different(block: Block) -> None:
    diff = _allowed_pairs(DifferentValue("department").allowed(block), block)
    assert ("VP", "MGR") not in diff
    assert ("VP", "VP2") in diff
    assert ("DEV2", "VP") in diff  # missing department: kept
    same = _allowed_pairs(SameValue("languages").allowed(block), block)
    assert ("VP", "MGR") in same  # share "de"
    assert ("DEV", "DEV2") in same  # share "vi"
    assert ("CEO", "DEV") not in same
    assert not any("VP2" in p for p in same)  # no languages given


def test_timezone_gap(block: Block) -> None:
    allowed = _allowed_pairs(MaxTimezoneGap(2).allowed(block), block)
    assert ("DEV", "DEV2") in allowed  # UTC+7 vs UTC+8
    assert ("CEO", "VP") not in allowed  # UTC-5 vs UTC+1


def test_forbidden_pairs_symmetric(block: Block) -> None:
    rule = ForbiddenPairs([("CEO", "DEV"), ("NOBODY", "VP")])
    bad = _forbidden(rule.allowed(block), block)
    assert bad == {frozenset(("CEO", "DEV"))}
    assert rule.unknown_ids(block.people) == ["(NOBODY, VP)"]
    one_way = _allowed_pairs(
        ForbiddenPairs([("CEO", "DEV")], symmetric=False).allowed(block), block
    )
    assert ("CEO", "DEV") not in one_way
    assert ("DEV", "CEO") in one_way


def test_rules_from_config() -> None:
    [r] = rule_from_dict("no_reporting_line", {"levels": 2, "same_manager": True})
    assert isinstance(r, NoReportingLine)
    assert r.levels == 2
    assert r.same_manager
    [r] = rule_from_dict("min_shared_hours", 1.5)
    assert isinstance(r, MinSharedHours)
    assert r.hours == 1.5
    rs = rule_from_dict("different", ["department", "location"])
    assert [x.column for x in rs] == ["department", "location"]  # type: ignore[attr-defined]
    assert rule_from_dict("no_reporting_line", False) == []
    with pytest.raises(ConfigError, match="unknown rule 'no_boss'"):
        rule_from_dict("no_boss", True)
    with pytest.raises(ConfigError, match="'levels' parameter of NoReportingLine"):
        rule_from_dict("no_reporting_line", {"levels": 0})
    with pytest.raises(ConfigError, match="Allowed parameters: levels, same_manager"):
        rule_from_dict("no_reporting_line", {"depth": 2})

"""check_pairs: every problem of a pairs table, with the people involved."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

import rmatch
from rmatch.cli import main

PEOPLE = [
    # id, role, manager, department, capacity, interests
    ("M1", "mentor", "", "IT", "1", "chess; golf"),
    ("M2", "mentor", "", "HR", "2", "chess"),
    ("M3", "mentor", "", "IT", "1", "golf"),
    ("E1", "mentee", "M1", "IT", "", "chess"),
    ("E2", "mentee", "", "IT", "", "golf"),
    ("E3", "mentee", "", "IT", "", "chess; golf"),
    ("E4", "mentee", "", "HR", "", "chess"),
    ("X1", "none", "", "HR", "", ""),
]


def _people() -> rmatch.People:
    return rmatch.read_people(
        [
            {
                "id": i,
                "role": r,
                "manager_id": m,
                "department": d,
                "capacity": c,
                "interests": s,
            }
            for i, r, m, d, c, s in PEOPLE
        ]
    )


def _program() -> rmatch.Program:
    return rmatch.Program(
        criteria=[rmatch.Interests()],
        rules=[
            rmatch.NoReportingLine(),
            rmatch.GroupLimit("department", at_most=2),
        ],
        name="test program",
    )


# M1 manages E1 (reporting line); M1 takes 1 mentee but gets 2 (capacity);
# three IT mentees matched where at most 2 may be (quota).
BROKEN = pd.DataFrame(
    {
        "mentor_id": ["M1", "M1", "M3", "M2"],
        "mentee_id": ["E1", "E2", "E3", "E4"],
    }
)


def test_a_hand_made_matching_that_breaks_a_rule_a_capacity_and_a_quota() -> None:
    check = rmatch.check_pairs(_program(), _people(), BROKEN, name="hand.csv")
    assert not check.ok
    f = check.findings
    assert list(f.columns) == ["kind", "code", "rule", "people", "message"]
    by_code = {code: rows for code, rows in f.groupby("code")}
    assert set(by_code) == {"forbidden", "capacity", "constraint"}
    rule = by_code["forbidden"].iloc[0]
    assert rule["rule"] == "no reporting line"
    assert rule["people"] == ("M1", "E1")
    assert "M1 → E1" in rule["message"] and "reporting line" in rule["message"]
    cap = by_code["capacity"].iloc[0]
    assert cap["people"] == ("M1", "E1", "E2")
    assert cap["message"] == "mentor M1 has 2 mentees (E1, E2) but a capacity of 1"
    quota = by_code["constraint"].iloc[0]
    assert quota["rule"] == "at most 2 matched mentees per department"
    # the three IT pairs are behind it, the HR pair is not
    assert set(quota["people"]) == {"M1", "E1", "E2", "M3", "E3"}
    assert "'it': 3 pairs" in quota["message"].lower()
    # scores: the forbidden pair is scored without the rules, and flagged
    pairs = check.pairs
    assert pairs["status"].tolist() == ["forbidden", "ok", "ok", "ok"]
    assert pairs["row"].tolist() == [2, 3, 4, 5]
    assert not pairs["score"].isna().any()
    assert "interests" in pairs.columns
    assert check.objective == pytest.approx(pairs["score"].sum())
    # the optimum is rmatch's own, for the same program
    best = _program().match(_people())
    assert check.optimum == best.objective
    assert check.optimum_status == "optimal"
    text = check.summary()
    for word in ("M1 → E1", "capacity of 1", "at most 2 matched mentees", "optimum"):
        assert word in text


def test_rmatchs_own_output_is_clean_and_scores_its_objective() -> None:
    program, people = _program(), _people()
    result = program.match(people)
    check = rmatch.check_pairs(program, people, result, optimum=result)
    assert check.ok, check.summary()
    assert check.findings.empty
    assert check.objective == result.objective
    assert check.ratio == pytest.approx(1.0)
    assert "nothing broken" in check.summary()
    # the scores per criterion are the matching's
    mine = check.pairs.set_index(["mentor_id", "mentee_id"]).sort_index()
    theirs = result.pairs.set_index(["mentor_id", "mentee_id"]).sort_index()
    assert mine["score"].tolist() == theirs["score"].tolist()
    assert mine["interests"].tolist() == theirs["interests"].tolist()


def test_unknown_ids_wrong_sides_and_repeats_are_listed() -> None:
    pairs = pd.DataFrame(
        {
            "mentor_id": ["M2", "E2", "M2", "ZZ", "X1", "M2"],
            "mentee_id": ["E4", "E3", "E4", "E3", "M3", "ZZ"],
        }
    )
    check = rmatch.check_pairs(_program(), _people(), pairs, optimum=1.0)
    f = check.findings
    codes = f["code"].tolist()
    assert codes.count("duplicate") == 1
    assert codes.count("unknown_id") == 1  # ZZ, once for its two rows
    unknown = f[f["code"] == "unknown_id"].iloc[0]
    assert (
        unknown["people"] == ("ZZ",)
        and "mentor on row 5, mentee on row 7" in unknown["message"]
    )
    wrong = f[f["code"] == "wrong_side"]
    assert sorted(wrong["people"].tolist()) == [("E2",), ("M3",), ("X1",)]
    assert any("neither mentor nor mentee" in m for m in wrong["message"])
    assert check.pairs["status"].tolist() == [
        "ok",
        "wrong side",
        "duplicate",
        "unknown id",
        "wrong side",
        "unknown id",
    ]
    assert math.isnan(check.pairs["score"].iloc[1])
    assert check.optimum_status == "given"
    assert check.objective == pytest.approx(check.pairs["score"].iloc[0])


def test_the_optimum_is_none_when_no_matching_satisfies_the_program() -> None:
    program = rmatch.Program(
        criteria=[rmatch.Interests()],
        rules=[rmatch.GroupLimit("department", at_least=3)],  # HR has 1 mentee
    )
    people = _people()
    with pytest.raises(rmatch.InfeasibleError):
        program.match(people)
    check = rmatch.check_pairs(program, people, BROKEN.iloc[1:])
    assert check.optimum is None and check.ratio is None
    assert "note" in check.findings["kind"].tolist()
    assert "no matching satisfies the program" in check.summary()
    loads = check.findings[check.findings["code"] == "constraint"]
    assert len(loads) == 2  # IT has 2 pairs, HR 1; 3 are needed in each


def test_the_command_line_lists_the_findings_and_exits_1(tmp_path, capsys) -> None:
    signups = tmp_path / "signups.csv"
    pd.DataFrame(
        PEOPLE,
        columns=["id", "role", "manager_id", "department", "capacity", "interests"],
    ).to_csv(signups, index=False)
    config = tmp_path / "program.toml"
    _program().to_toml(config)
    hand = tmp_path / "hand.csv"
    BROKEN.to_csv(hand, index=False)
    out_json = tmp_path / "check.json"
    args = ["check", str(hand), str(signups), "--config", str(config)]
    code = main([*args, "--json", str(out_json)])
    out = capsys.readouterr().out
    assert code == 1
    assert "M1 → E1" in out and "capacity of 1" in out
    assert "at most 2 matched mentees per department" in out
    assert "rmatch's optimum" in out
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["ok"] is False
    assert {f["code"] for f in data["findings"]} == {
        "forbidden",
        "capacity",
        "constraint",
    }
    good = tmp_path / "good.csv"
    rmatch.Program.from_toml(config).match(rmatch.read_people(signups)).to_csv(good)
    assert main(["check", str(good), str(signups), "--config", str(config)]) == 0
    assert "nothing broken" in capsys.readouterr().out


def test_the_command_line_exits_2_on_unreadable_input(tmp_path, capsys) -> None:
    bad = tmp_path / "pairs.csv"
    bad.write_text("mentor,mentee\nA,B\n", encoding="utf-8")
    signups = tmp_path / "signups.csv"
    signups.write_text("id,role\nA,mentor\nB,mentee\n", encoding="utf-8")
    assert main(["check", str(bad), str(signups)]) == 2
    assert "mentor_id" in capsys.readouterr().err
    assert main(["check", str(tmp_path / "missing.csv"), str(signups)]) == 2


def test_above_the_work_limit_the_pairs_behind_a_quota_are_not_searched(
    monkeypatch,
) -> None:
    monkeypatch.setattr(
        "rmatch.analysis._pairs_findings.MAX_INVOLVED_PAIRS", len(BROKEN) - 1
    )
    check = rmatch.check_pairs(_program(), _people(), BROKEN, optimum=1.0)
    quota = check.findings[check.findings["code"] == "constraint"].iloc[0]
    assert quota["people"] == ()
    assert "not searched for above 3 pairs" in quota["message"]
    assert "fails for 'IT': 3 pairs" in quota["message"]


def test_an_id_typed_with_other_capitals_gets_a_suggestion_and_empty_pairs_pass() -> (
    None
):
    pairs = pd.DataFrame({"mentor_id": [" m2 "], "mentee_id": ["E4"]})
    check = rmatch.check_pairs(_program(), _people(), pairs, optimum=1.0)
    assert check.findings["code"].tolist() == ["unknown_id"]
    assert "did you mean 'M2'?" in check.findings["message"][0]
    empty = pd.DataFrame({"mentor_id": [], "mentee_id": []})
    check = rmatch.check_pairs(_program(), _people(), empty, optimum=1.0)
    assert check.ok and check.objective == 0.0 and check.ratio == 0.0


def test_the_command_line_checks_against_past_pairs(tmp_path, capsys) -> None:
    signups = tmp_path / "signups.csv"
    signups.write_text("id,role\nA,mentor\nB,mentee\n", encoding="utf-8")
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("mentor_id,mentee_id\nA,B\n", encoding="utf-8")
    assert main(["check", str(pairs), str(signups)]) == 0
    capsys.readouterr()
    assert main(["check", str(pairs), str(signups), "--history", str(pairs)]) == 1
    assert "they were paired in an earlier round" in capsys.readouterr().out


def test_a_rule_on_the_score_is_checked_with_the_criteria() -> None:
    program = rmatch.Program(
        criteria=[rmatch.Interests()], rules=[rmatch.MinScore(0.5)], name="min"
    )
    # M2 (chess) and E2 (golf) share nothing: score 0 < 0.5; M2 and E4 share chess
    pairs = pd.DataFrame({"mentor_id": ["M2", "M2"], "mentee_id": ["E2", "E4"]})
    check = rmatch.check_pairs(program, _people(), pairs, optimum=1.0)
    assert check.findings["code"].tolist() == ["forbidden"]
    assert check.findings["people"][0] == ("M2", "E2")
    assert check.pairs["status"].tolist() == ["forbidden", "ok"]
    assert check.pairs["score"].tolist() == [0.0, 1.0]


def test_scores_in_the_file_from_other_settings_get_a_note() -> None:
    program, people = _program(), _people()
    result = program.match(people)
    pairs = result.pairs[["mentor_id", "mentee_id", "score"]].copy()
    assert rmatch.check_pairs(program, people, pairs, optimum=result).findings.empty
    pairs.loc[0, "score"] = pairs.loc[0, "score"] + 0.25
    check = rmatch.check_pairs(program, people, pairs, optimum=result)
    assert check.ok  # a note, not an error
    assert check.findings["code"].tolist() == ["stale_scores"]
    assert "1 pair(s) have another score in the file" in check.findings["message"][0]


def test_a_large_org_is_pruned_as_a_match_would_when_the_optimum_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the check reads capacities and rules from the candidate set; on a large org it
    # must not score every pair (it used to ignore the automatic top-k)
    from rmatch.settings import _scale

    monkeypatch.setattr(_scale, "AUTO_TOP_K_CELLS", 4)  # 3 mentors x 4 mentees = 12
    seen: list[int | None] = []
    candidates = rmatch.Program.candidates

    def spy(self: rmatch.Program, people: rmatch.People, **kw: object) -> object:
        seen.append(self.top_k)
        return candidates(self, people, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(rmatch.Program, "candidates", spy)
    program = _program()
    program.objective = "total"
    check = rmatch.check_pairs(program, _people(), BROKEN, optimum=1.0)
    assert seen == [_scale.AUTO_TOP_K]
    assert program.top_k is None  # the caller's program is left alone
    assert {"capacity", "constraint", "forbidden"} <= set(check.findings["code"])

"""Issue 16, program points: program files, bounds, scale, determinism, honesty.

Each test reproduces one point of the issue (6-11, 13) and failed before its fix.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import rmatch
from rmatch.cli import main
from rmatch.rules import NoReportingLine

# ------------------------------------------------- 7. huge no_reporting_line levels


def _chain(n: int) -> pd.DataFrame:
    """``n`` people, each managed by the previous one; roles alternate."""
    ids = [f"P{i:05d}" for i in range(n)]
    return pd.DataFrame(
        {
            "id": ids,
            "role": ["mentor" if i % 2 else "mentee" for i in range(n)],
            "manager_id": ["", *ids[:-1]],
            "skills_offered": "genai:5",
            "skills_wanted": "genai:3",
        }
    )


def test_point_7_huge_levels_are_clipped_to_the_chart():
    people = rmatch.read_people(_chain(3000))
    program = rmatch.Program(
        criteria=[rmatch.Skills()], rules=[NoReportingLine(levels=1_000_000_000)]
    )
    cs = program.candidates(people)
    # everyone is in everyone's reporting line: no pair is allowed
    assert cs.graph.n_edges == 0


def test_point_7_levels_past_the_depth_equal_the_depth():
    frame = _chain(40)
    frame.loc[20, "manager_id"] = ""  # two chains of 20
    people = rmatch.read_people(frame)

    def edges(levels: int) -> set[tuple[int, int]]:
        program = rmatch.Program(
            criteria=[rmatch.Skills()], rules=[NoReportingLine(levels=levels)]
        )
        g = program.candidates(people).graph
        return set(zip(g.left.tolist(), g.right.tolist(), strict=True))

    assert edges(19) == edges(10**12)
    assert edges(3) != edges(19)
    # the reference: pairs whose distance in the chain is more than 19 (other chain)
    assert len(edges(19)) == 2 * 10 * 10


# ------------------------------------------------- 13. two-way skills, empty answers


def _skills_scores(rows: list[dict[str, str]]) -> dict[str, float]:
    """Score of junior mentor J with each senior mentee, both ways, both paths."""
    people = rmatch.read_people(
        [
            {
                "id": "J",
                "role": "mentor",
                "skills_offered": "genai:5",
                "skills_wanted": "strategy:4",
            },
            *rows,
        ]
    )
    crit = rmatch.Skills(forward=1, backward=1)
    block = rmatch.scoring.Block(people, np.array([0]), np.arange(1, len(people)))
    exact = crit.score(block)[0]
    program = rmatch.Program(criteria=[crit], rules=[], mentor_capacity=len(rows))
    cs = program.candidates(people)
    positions = cs.mentees[cs.graph.right].tolist()
    kernel = dict(zip(positions, cs.graph.weight.tolist(), strict=True))
    for j in range(len(rows)):  # the float32 kernel agrees with score()
        assert kernel.get(j + 1, 0.0) == pytest.approx(exact[j], abs=1e-6)
    return {r["id"]: float(v) for r, v in zip(rows, exact, strict=True)}


def test_point_13_offering_nothing_never_ties_offering_what_is_wanted():
    scores = _skills_scores(
        [
            {
                "id": "S_strategy",
                "role": "mentee",
                "skills_wanted": "genai:3",
                "skills_offered": "strategy:5",
            },
            {"id": "S_nothing", "role": "mentee", "skills_wanted": "genai:3"},
            {
                "id": "S_golf",
                "role": "mentee",
                "skills_wanted": "genai:3",
                "skills_offered": "golf:5",
            },
        ]
    )
    assert scores["S_strategy"] == pytest.approx(1.0)
    # J wants strategy: a senior who offers nothing covers none of it (0 that way)
    assert scores["S_nothing"] == pytest.approx(0.5)
    assert scores["S_golf"] == pytest.approx(0.5)
    assert scores["S_nothing"] < scores["S_strategy"]


def test_point_13_a_learner_who_wants_nothing_leaves_the_direction_out():
    people = rmatch.read_people(
        [
            {"id": "J", "role": "mentor", "skills_offered": "genai:5"},
            {"id": "S", "role": "mentee", "skills_wanted": "genai:3"},
        ]
    )
    block = rmatch.scoring.Block(people, np.array([0]), np.array([1]))
    # J wants nothing: only the forward direction (J teaches S) has data
    assert rmatch.Skills(forward=1, backward=1).score(block)[0, 0] == 1.0
    # nobody wants anything the other way round: no data at all
    assert np.isnan(rmatch.Skills(forward=0, backward=1).score(block)[0, 0])


# ------------------------------------------------- 6. one schema, every problem at once

WRONG_TYPES = [
    ('[criteria]\nschedule = "3"\n', "criteria.schedule"),
    ("[criteria]\nskills = [1]\n", "criteria.skills"),
    ("criteria = 2\n", "criteria"),
    ("program = [1, 2]\n", "program"),
    ('[rules]\nforbidden_pairs = [["E1"]]\n', "rules.forbidden_pairs[0]"),
    ('[rules]\nhistory = [["E1", "E2", "E3"]]\n', "rules.history[0]"),
    ('[quotas]\nrequired_pairs = [["E1"]]\n', "quotas.required_pairs[0]"),
    ('[rules]\nrequired_pairs = [["E1"]]\n', "rules.required_pairs[0]"),
]


@pytest.mark.parametrize(("text", "key"), WRONG_TYPES)
def test_point_6_wrong_types_are_config_errors(tmp_path, capsys, text, key):
    path = tmp_path / "program.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(rmatch.ConfigError) as info:
        rmatch.Program.from_toml(path)
    assert f"{key} must be" in str(info.value)
    people = tmp_path / "people.csv"
    people.write_text("id,role\nE1,mentor\nE2,mentee\n", encoding="utf-8")
    assert main(["match", str(people), "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert key in err and "Traceback" not in err


def test_point_6_every_problem_at_once_with_did_you_mean():
    config = {
        "program": {"methd": "ilp", "top_k": "ten", "objective": "totl"},
        "criteria": {"skils": 2, "schedule": {"weight": -1, "target_hour": 2}},
        "rules": {"no_reporting_lines": True, "forbidden_pairs": [["E1"]]},
        "quota": {},
    }
    with pytest.raises(rmatch.ConfigError) as info:
        rmatch.Program.from_dict(config)
    text = str(info.value)
    expected = [
        "quota: unknown key (did you mean 'quotas'?)",
        "program.methd: unknown key (did you mean 'method'?)",
        "program.top_k must be a whole number",
        "program.objective must be one of 'total', 'coverage', 'fairness'; got "
        "'totl' (did you mean 'total'?)",
        "criteria.skils: unknown criterion 'skils' (did you mean 'skills'?)",
        "criteria.schedule.weight must be a number >= 0",
        "criteria.schedule.target_hour: unknown key (did you mean 'target_hours'?)",
        "rules.no_reporting_lines: unknown rule 'no_reporting_lines' (did you mean "
        "'no_reporting_line'?)",
        "rules.forbidden_pairs[0] must be a pair",
    ]
    for part in expected:
        assert part in text
    assert "has 9 problem(s)" in text


def test_point_6_registered_entries_are_still_accepted_and_checked():
    from rmatch.rules import Rule, register_rule
    from rmatch.scoring import Criterion, register_criterion

    class Tenure(Criterion):
        name = "tenure_gap"

        def __init__(self, *, weight: float = 1.0, years: int = 2) -> None:
            super().__init__(weight=weight)
            self.years = years

        def check(self) -> None:
            super().check()
            if not isinstance(self.years, int) or self.years < 1:
                raise rmatch.ConfigError(f"years must be an int >= 1; got {self.years}")

        def score(self, block):  # pragma: no cover - not run here
            return np.zeros(block.shape)

    class Anyone(Rule):
        name = "anyone_ok"

        def allowed(self, block):  # pragma: no cover - not run here
            return np.ones(block.shape, dtype=bool)

    register_criterion("tenure_gap", Tenure)
    register_rule("anyone_ok", Anyone)
    try:
        program = rmatch.Program.from_dict(
            {"criteria": {"tenure_gap": {"years": 3}}, "rules": {"anyone_ok": True}}
        )
        assert [c.name for c in program.criteria] == ["tenure_gap"]
        assert [r.name for r in program.rules] == ["anyone_ok"]
        with pytest.raises(rmatch.ConfigError) as info:
            rmatch.Program.from_dict(
                {
                    "criteria": {"tenure_gap": {"years": 0}},
                    "rules": {"anyone_ok": {"colour": "red"}},
                }
            )
        text = str(info.value)
        assert "criteria.tenure_gap: years must be an int >= 1" in text
        assert "rules.anyone_ok: " in text and "colour" in text
    finally:
        rmatch.scoring.CRITERIA.unregister("tenure_gap")
        rmatch.rules.RULES.unregister("anyone_ok")


# ------------------------------------------------- 8. every number bounded


def test_point_8_top_k_beyond_int64_is_a_clear_error(tmp_path, capsys):
    people = tmp_path / "people.csv"
    people.write_text(
        "id,role,skills_offered,skills_wanted\nA,mentor,genai:5,\nB,mentee,,genai:3\n",
        encoding="utf-8",
    )
    args = ["match", str(people), "-o", str(tmp_path / "pairs.csv")]
    assert main([*args, "--top-k", "9223372036854775808"]) == 2
    err = capsys.readouterr().err
    assert "top_k must be a whole number from 1 to" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("settings", "key"),
    [
        ({"top_k": 2**63}, "top_k"),
        ({"mentor_capacity": 10**30}, "mentor_capacity"),
        ({"mentee_capacity": -1}, "mentee_capacity"),
        ({"time_limit": float("inf")}, "time_limit"),
        ({"time_limit": float("nan")}, "time_limit"),
        ({"gap_tolerance": 1.0}, "gap_tolerance"),
        ({"block_cells": 10**30}, "block_cells"),
    ],
)
def test_point_8_program_settings_are_bounded(settings, key):
    with pytest.raises(rmatch.ConfigError, match=f"program.{key} must be"):
        rmatch.Program.from_dict({"program": settings})
    program = rmatch.Program()
    for name, value in settings.items():
        setattr(program, name, value)
    with pytest.raises(rmatch.ConfigError, match=key):
        program.check()


@pytest.mark.parametrize(
    "config",
    [
        {"criteria": {"skills": float("inf")}},
        {"criteria": {"skills": {"forward": float("nan")}}},
        {"rules": {"no_reporting_line": 2**63}},
        {"rules": {"min_shared_hours": float("inf")}},
        {"quotas": {"mentor_load": {"max": 2**64}}},
    ],
)
def test_point_8_entry_numbers_are_bounded(config):
    with pytest.raises(rmatch.ConfigError, match="must be"):
        rmatch.Program.from_dict(config)


def test_point_8_infinite_weight_in_python_is_refused():
    with pytest.raises(rmatch.ConfigError, match="finite"):
        rmatch.Program(criteria=[rmatch.Skills(weight=float("inf"))]).check()


# ------------------------------------------------- 11. nothing to score; tied ranks


def test_point_11_every_score_zero_warns_and_says_what_is_missing():
    people = rmatch.read_people(
        [
            {"id": "A", "role": "mentor", "skills_offered": "python:4"},
            {"id": "B", "role": "mentor", "skills_offered": "excel:3"},
            {"id": "C", "role": "mentee", "skills_wanted": "genai:3"},
            {"id": "D", "role": "mentee", "skills_wanted": "tiktok:2"},
        ]
    )
    program = rmatch.Program(criteria=[rmatch.Skills()], rules=[])
    with pytest.warns(rmatch.DataQualityWarning) as record:
        result = program.match(people)
    text = " ".join(str(w.message) for w in record)
    assert "every candidate pair scores 0" in text
    assert "no mentor offers any skill a mentee wants" in text
    assert "no mentee offers any skill a mentor wants" in text
    summary = str(result.summary())
    assert "no mentor offers any skill a mentee wants" in summary
    assert result.summary().to_dict()["warnings"] == result.warnings


def test_point_11_missing_columns_are_named():
    people = rmatch.read_people(
        [{"id": "A", "role": "mentor"}, {"id": "C", "role": "mentee"}]
    )
    program = rmatch.Program(criteria=[rmatch.Skills(), rmatch.Interests()], rules=[])
    with pytest.warns(rmatch.DataQualityWarning) as record:
        program.match(people)
    text = " ".join(str(w.message) for w in record)
    assert "skills_offered, skills_wanted are missing or empty" in text
    assert "the column interests is missing or empty" in text


def test_point_11_a_scored_program_does_not_warn():
    people = rmatch.read_people(
        [
            {"id": "A", "role": "mentor", "skills_offered": "genai:4"},
            {"id": "C", "role": "mentee", "skills_wanted": "genai:3"},
        ]
    )
    result = rmatch.Program(criteria=[rmatch.Skills()], rules=[]).match(people)
    assert result.warnings == []
    assert "warnings" not in str(result.summary())


def test_point_11_explain_ranks_ties_together():
    rows = [{"id": "M", "role": "mentee", "skills_wanted": "genai:3"}]
    rows += [
        {"id": f"A{i:02d}", "role": "mentor", "skills_offered": "genai:5"}
        for i in range(9)
    ]
    rows.append({"id": "Z", "role": "mentor", "skills_offered": "genai:1"})
    people = rmatch.read_people(rows)
    # the mentee is listed last among equals by row but wins by the solver's choice
    result = rmatch.Program(criteria=[rmatch.Skills(backward=0)], rules=[]).match(
        people
    )
    pair = result.explain("M").to_dict()["pairs"][0]
    assert pair["rank"] == 1 and pair["ties"] == 8
    assert pair["rank_text"] == "tied 1st of 10 candidates with 8 others"
    assert pair["better"] is None
    assert "tied 1st of 10 candidates with 8 others" in str(result.explain("M"))
    z = result.explain("Z").to_dict()
    assert z["status"] == "unmatched"


# ------------------------------------------------- 9. large inputs: top-k by default


def _large(n: int) -> pd.DataFrame:
    """``n`` people in one deep manager chain, a few skills at random levels."""
    rng = np.random.default_rng(0)
    skills = ["genai", "python", "excel", "tiktok", "strategy", "finance", "sql"]

    def pick(k: int) -> list[str]:
        return [
            "; ".join(
                f"{skills[rng.integers(len(skills))]}:{rng.integers(1, 6)}"
                for _ in range(k)
            )
            for _ in range(n)
        ]

    frame = _chain(n)
    frame["skills_offered"] = pick(2)
    frame["skills_wanted"] = pick(1)
    return frame


def test_point_9_large_inputs_take_the_certified_top_k_path():
    from rmatch.settings import AUTO_TOP_K, AUTO_TOP_K_CELLS

    people = rmatch.read_people(_large(4100))  # 2,050 x 2,050 cells > 4,000,000
    assert AUTO_TOP_K_CELLS < 2050 * 2050
    result = rmatch.Program().match(people)
    assert result.candidates.top_k == AUTO_TOP_K
    assert result.candidates.graph.n_edges < 2050 * 2050 // 10
    summary = result.summary()
    # still proven optimal over every allowed pair
    assert summary.pruned and summary.status == "optimal" and summary.gap <= 1e-9
    assert result.program["program"].get("top_k") is None  # the user's setting


def test_point_9_a_run_that_cannot_fit_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RMATCH_MEMORY", "1M")
    people = rmatch.read_people(_large(200))
    with pytest.raises(rmatch.errors.ResourceError, match="GiB are available"):
        rmatch.Program().match(people)
    path = tmp_path / "people.csv"
    _large(200).to_csv(path, index=False)
    assert main(["match", str(path), "-o", str(tmp_path / "pairs.csv")]) == 2
    err = capsys.readouterr().err
    assert "set top_k" in err and "Traceback" not in err
    monkeypatch.setenv("RMATCH_MEMORY", "64G")
    assert len(rmatch.Program().match(people).pairs) == 100


@pytest.mark.slow
def test_point_9_a_9900_deep_chain_is_matched_and_certified():
    people = rmatch.read_people(_large(9900))
    result = rmatch.Program().match(people)
    assert result.candidates.top_k is not None
    assert result.summary().status == "optimal"
    assert len(result.pairs) == 4950 - 1 or len(result.pairs) == 4950

"""The text criterion (issue 16, point 16): TF-IDF on free-text answers."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import rmatch
from rmatch.candidates import GenericKernel, Scorer, build_candidates
from rmatch.cli import main
from rmatch.errors import ConfigError
from rmatch.scoring import (
    Block,
    ScoringContext,
    TextKernel,
    TextSimilarity,
    criterion_from_dict,
)
from rmatch.testing import check_criterion, make_people

pytest.importorskip(
    "sklearn", reason="the text criterion needs scikit-learn (pip install rmatch[text])"
)

ROWS = [
    {"id": "M1", "role": "mentor", "offer": "machine learning with Python"},
    {"id": "M2", "role": "mentor", "offer": "golf, wine and negotiation"},
    {"id": "M3", "role": "mentor", "offer": "Học máy và trí tuệ nhân tạo"},
    {"id": "M4", "role": "mentor", "offer": ""},
    {"id": "E1", "role": "mentee", "hopes": "learn machne lerning (typo)"},
    {"id": "E2", "role": "mentee", "hopes": "hoc may, tri tue nhan tao"},
    {"id": "E3", "role": "mentee", "hopes": "negotiation and golf"},
    {"id": "E4", "role": "mentee", "hopes": "   "},
]


@pytest.fixture(scope="module")
def people() -> rmatch.People:
    rows = [{"offer": "", "hopes": "", **r} for r in ROWS]
    return rmatch.read_people(rows)


def _scores(people: rmatch.People, crit: TextSimilarity) -> np.ndarray:
    mentors = np.flatnonzero(people.is_mentor)
    mentees = np.flatnonzero(people.is_mentee)
    return crit.score(Block(people, mentors, mentees))


def test_mentee_hopes_against_mentor_offer(people) -> None:
    crit = TextSimilarity(mentor_columns=["offer"], mentee_columns=["hopes"])
    s = _scores(people, crit)  # rows M1..M4, columns E1..E4
    # a typo still finds machine learning; text without diacritics finds Vietnamese
    assert np.nanargmax(s[:, 0]) == 0
    assert np.nanargmax(s[:, 1]) == 2
    assert np.nanargmax(s[:, 2]) == 1
    # empty or blank answers are "no data", never agreement
    assert np.isnan(s[3]).all() and np.isnan(s[:, 3]).all()
    finite = s[~np.isnan(s)]
    assert finite.min() >= 0 and finite.max() <= 1


def test_same_text_scores_one() -> None:
    people = rmatch.read_people(
        [
            {"id": "M", "role": "mentor", "about": "Trí tuệ nhân tạo"},
            {"id": "E", "role": "mentee", "about": "trí tuệ  NHÂN tạo"},
            {"id": "F", "role": "mentee", "about": "cooking"},
        ]
    )
    s = _scores(people, TextSimilarity(["about"]))
    assert s[0, 0] == pytest.approx(1.0, abs=1e-6)
    assert s[0, 1] == pytest.approx(0.0, abs=1e-6)


def test_decomposed_unicode_is_the_same_word() -> None:
    import unicodedata

    nfd = unicodedata.normalize("NFD", "học máy")
    people = rmatch.read_people(
        [
            {"id": "M", "role": "mentor", "about": "học máy"},
            {"id": "E", "role": "mentee", "about": nfd},
        ]
    )
    assert _scores(people, TextSimilarity(["about"]))[0, 0] == pytest.approx(1.0)


def test_passes_check_criterion(people) -> None:
    crit = TextSimilarity(mentor_columns=["offer"], mentee_columns=["hopes"])
    check_criterion(crit, people)
    check_criterion(TextSimilarity(["goals", "interests"]), make_people(60, seed=1))


def test_kernel_equals_score(people) -> None:
    crit = TextSimilarity(mentor_columns=["offer"], mentee_columns=["hopes"])
    mentors = np.flatnonzero(people.is_mentor)
    mentees = np.flatnonzero(people.is_mentee)
    context = ScoringContext(people, mentors, mentees)
    assert isinstance(crit.kernel(context), TextKernel)
    scorer = Scorer(people, [crit], [], mentors, mentees)
    assert type(scorer.kernels[0]) is TextKernel

    class Scored(TextSimilarity):
        def score(self, block: Block) -> np.ndarray:
            return super().score(block)

    slow = Scored(mentor_columns=["offer"], mentee_columns=["hopes"])
    assert type(Scorer(people, [slow], [], mentors, mentees).kernels[0]) is (
        GenericKernel
    )
    a = build_candidates(people, [crit], [], block_cells=3)
    b = build_candidates(people, [slow], [])
    np.testing.assert_array_equal(a.graph.left, b.graph.left)
    np.testing.assert_array_equal(a.graph.right, b.graph.right)
    np.testing.assert_allclose(a.graph.weight, b.graph.weight, atol=1e-6)


def test_from_the_program_file(tmp_path: Path, people) -> None:
    config = tmp_path / "program.toml"
    config.write_text(
        "[criteria]\n"
        'text = { mentor_columns = ["offer"], mentee_columns = ["hopes"], '
        "weight = 2 }\n"
    )
    program = rmatch.Program.from_toml(config)
    (crit,) = program.criteria
    assert isinstance(crit, TextSimilarity) and crit.weight == 2
    result = program.match(people)
    pairs = dict(zip(result.pairs["mentee_id"], result.pairs["mentor_id"], strict=True))
    assert pairs["E1"] == "M1" and pairs["E2"] == "M3" and pairs["E3"] == "M2"
    assert "text" in result.pairs.columns
    again = rmatch.Program.from_dict(program.to_dict())
    assert again.criteria[0].to_dict() == crit.to_dict()
    text = str(result.explain("E2"))
    assert "similar free-text" in text


def test_from_the_command_line(tmp_path: Path, capsys) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text(
        "id,role,about\nM1,mentor,python and data\nM2,mentor,golf\n"
        'E1,mentee,"data, python"\nE2,mentee,golf lessons\n',
        encoding="utf-8",
    )
    config = tmp_path / "program.toml"
    config.write_text('[criteria]\ntext = { columns = ["about"] }\n')
    out = tmp_path / "pairs.csv"
    assert main(["match", str(csv), "--config", str(config), "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "M1,E1" in text and "M2,E2" in text


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({}, "needs the free-text columns"),
        ({"columns": "about"}, None),  # one column as a string is fine
        ({"columns": [1]}, "must be a list of column names"),
        ({"columns": ["about"], "weight": -1}, "'weight' parameter"),
        ({"columns": ["about"], "mentor_column": ["x"]}, "Allowed parameters"),
    ],
)
def test_parameters_are_checked(spec, message) -> None:
    if message is None:
        criterion_from_dict("text", spec)
        return
    with pytest.raises(ConfigError, match=message):
        criterion_from_dict("text", spec)


def test_unknown_column_names_the_columns(people) -> None:
    crit = TextSimilarity(["abuot"])
    with pytest.raises(ConfigError, match=r"\['abuot'\].*columns are"):
        _scores(people, crit)


def test_without_scikit_learn_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "sklearn.feature_extraction.text", None)
    with pytest.raises(ConfigError, match=r"pip install 'rmatch\[text\]'"):
        TextSimilarity(["about"]).check()
    with pytest.raises(ConfigError, match=r"rmatch\[text\]"):
        criterion_from_dict("text", {"columns": ["about"]})


def test_nobody_wrote_anything() -> None:
    people = rmatch.read_people(
        [
            {"id": "M", "role": "mentor", "about": ""},
            {"id": "E", "role": "mentee", "about": "?!"},
        ]
    )
    assert np.isnan(_scores(people, TextSimilarity(["about"]))).all()


@pytest.mark.dask
def test_dask_engine_gives_the_local_text_scores() -> None:
    distributed = pytest.importorskip("distributed")
    from rmatch.distributed import dask_candidates

    people = make_people(300, seed=4)
    crit = TextSimilarity(["goals", "interests"], weight=2)
    local = build_candidates(people, [crit], [], block_cells=500)
    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    with cluster, distributed.Client(cluster) as client:
        remote = dask_candidates(people, [crit], [], block_cells=500, client=client)
    for field in ("left", "right", "weight"):
        np.testing.assert_array_equal(
            getattr(local.graph, field), getattr(remote.graph, field)
        )

"""``rmatch match``: solver options, quotas in program.toml, exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import rmatch
from rmatch.cli import main

DEMO = Path(rmatch.datasets.demo_path())
DEMO_PROGRAM = Path(rmatch.datasets.demo_program_path())


@pytest.fixture
def signups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "signups.csv"
    shutil.copy(DEMO, target)
    return target


def _program(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "program.toml"
    path.write_text(DEMO_PROGRAM.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_match_with_every_solver_option(signups, tmp_path, capsys):
    first = pd.read_csv(signups, dtype=str).query("role == 'mentor'").iloc[0]["id"]
    mentee = pd.read_csv(signups, dtype=str).query("role == 'mentee'").iloc[0]["id"]
    history = tmp_path / "past_pairs.csv"
    history.write_text(f"mentor_id,mentee_id\n{first},{mentee}\n", encoding="utf-8")
    code, out, _ = _run(
        capsys,
        "match",
        str(signups),
        "--config",
        str(DEMO_PROGRAM),
        "--method",
        "ilp",
        "--objective",
        "coverage",
        "--history",
        str(history),
        "--time-limit",
        "30",
        "-q",
        "-o",
        str(tmp_path / "pairs.csv"),
    )
    assert code == 0
    assert "objective         coverage = " in out
    assert "(bound " in out and ", gap " in out
    assert "method            ilp(" in out
    assert "no repeated pairs" in out  # the history rule is listed with its count
    pairs = pd.read_csv(tmp_path / "pairs.csv", dtype=str)
    assert not ((pairs.mentor_id == first) & (pairs.mentee_id == mentee)).any()


@pytest.mark.parametrize(
    "method", ["auto", "assignment", "flow", "ilp", "stable", "greedy", "ilp:cbc"]
)
def test_each_method_prints_its_name(signups, tmp_path, capsys, method):
    code, out, _ = _run(
        capsys, "match", str(signups), "--method", method, "-q", "-o", "p.csv"
    )
    assert code == 0
    line = next(x for x in out.splitlines() if x.startswith("method "))
    expected = {"auto": "", "ilp:cbc": "ilp(cbc)"}.get(method, method)
    assert expected in line


def test_quotas_from_program_toml(signups, tmp_path, capsys):
    config = _program(
        tmp_path,
        """
[quotas]
cross_share = { column = "department", at_least = 0.9 }
mentor_load = { max = 1 }
""",
    )
    code, out, _ = _run(
        capsys, "match", str(signups), "--config", str(config), "-o", "pairs.csv"
    )
    assert code == 0
    assert "constraints (achieved):" in out
    assert "at least 90% of pairs cross-department" in out
    pairs = pd.read_csv("pairs.csv", dtype=str)
    assert pairs.mentor_id.value_counts().max() == 1


def test_infeasible_program_exits_2_with_reasons(signups, tmp_path, capsys):
    config = _program(
        tmp_path,
        """
[quotas]
cross_share = { column = "department", at_least = 0.95, of = "mentees" }
""",
    )
    code, _, err = _run(
        capsys, "match", str(signups), "--config", str(config), "-o", "pairs.csv"
    )
    assert code == 2
    assert err.startswith("error: no matching satisfies the program's rules")
    assert (
        "quota 'at least 95% of mentees in a cross-department pair' cannot hold: "
        "only 84.6% of mentees (33 of 39) have any cross-department candidate"
    ) in err
    assert not Path("pairs.csv").exists()


def test_required_pair_forbidden_by_a_rule_exits_2(signups, tmp_path, capsys):
    frame = pd.read_csv(signups, dtype=str)
    report = frame[frame.manager_id.notna() & frame.role.isin(["mentee", "both"])]
    boss = frame[frame.id.isin(report.manager_id) & frame.role.isin(["mentor", "both"])]
    manager = boss.iloc[0]["id"]
    employee = report[report.manager_id == manager].iloc[0]["id"]
    config = _program(
        tmp_path, f'\n[quotas]\nrequired_pairs = [["{manager}", "{employee}"]]\n'
    )
    code, _, err = _run(capsys, "match", str(signups), "--config", str(config))
    assert code == 2
    assert f"required pair ({manager}, {employee}) is forbidden by the rule" in err


def test_price_of_rules(signups, tmp_path, capsys):
    code, out, _ = _run(
        capsys,
        "match",
        str(signups),
        "--config",
        str(DEMO_PROGRAM),
        "--price",
        "-q",
        "-o",
        "p.csv",
    )
    assert code == 0
    assert "price of each rule (re-solved without it):" in out
    assert "without no reporting line (2 levels)" in out
    assert "without reverse mentoring" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--method", "simplex"], "invalid method 'simplex'"),
        (["--objective", "happiness"], "invalid choice: 'happiness'"),
        (["--time-limit", "-3"], "must be a number of seconds > 0"),
        (["--time-limit", "soon"], "not a number: 'soon'"),
    ],
)
def test_bad_options_exit_2(signups, capsys, argv, message):
    code, _, err = _run(capsys, "match", str(signups), *argv)
    assert code == 2
    assert message in err


def test_bad_inputs_exit_2_without_traceback(signups, tmp_path, capsys):
    code, _, err = _run(capsys, "match", str(tmp_path / "missing.csv"))
    assert code == 2 and err.startswith("error:")
    bad_history = tmp_path / "past.csv"
    bad_history.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = _run(capsys, "match", str(signups), "--history", str(bad_history))
    assert code == 2 and "mentor_id" in err
    config = _program(
        tmp_path, '\n[quotas]\ngroup_limit = { column = "team", at_most = 1 }\n'
    )
    code, _, err = _run(capsys, "match", str(signups), "--config", str(config))
    assert code == 2 and "'team'" in err
    config = _program(tmp_path, "\n[quotas]\nmentor_load = { min = 3, max = 1 }\n")
    code, _, err = _run(capsys, "match", str(signups), "--config", str(config))
    assert code == 2 and "min (3) is above max (1)" in err


def test_help_exits_0(capsys):
    code = main(["match", "--help"])
    out = capsys.readouterr().out
    assert code == 0
    assert "--time-limit SECONDS" in out and "--history" in out and "--price" in out


@pytest.mark.dask
def test_match_on_dask_writes_the_local_pairs(signups, tmp_path, capsys):
    """``--engine dask`` (a thread LocalCluster of its own) gives the local pairs."""
    pytest.importorskip("distributed")
    config = ("--config", str(DEMO_PROGRAM), "--top-k", "3")
    code, _, _ = _run(capsys, "match", str(signups), *config, "-o", "local.csv")
    assert code == 0
    code, _, _ = _run(
        capsys, "match", str(signups), *config, "--engine", "dask", "-o", "dask.csv"
    )
    assert code == 0
    local = pd.read_csv(tmp_path / "local.csv", dtype=str)
    remote = pd.read_csv(tmp_path / "dask.csv", dtype=str)
    assert len(local) > 20
    pd.testing.assert_frame_equal(local, remote)


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("tty", [True, False])
def test_progress_is_one_line_on_a_terminal_and_plain_lines_in_a_log(
    monkeypatch: pytest.MonkeyPatch, tty: bool
) -> None:
    import io

    from rmatch.cli import _common as cli

    clock = _Clock()
    monkeypatch.setattr(cli.time, "perf_counter", clock)
    stream = io.StringIO()
    monkeypatch.setattr(stream, "isatty", lambda: tty)
    progress = cli.Progress(stream, enabled=True)
    for step in range(1, 101):  # 100 blocks over 50 s
        clock.now = step * 0.5
        progress("score", step, 100)
    clock.now = 51.0
    progress("solve", 1, 1)
    text = stream.getvalue()
    assert "score: 100/100 blocks" in text and "solve: 1/1" in text
    if tty:
        assert text.count("\r") > 50 and text.count("\n") == 2
    else:
        lines = text.splitlines()
        assert "\r" not in text
        assert 5 <= len(lines) <= 8  # every 10 s and at each stage's end
        assert all(line.startswith("[") for line in lines)
    quiet = io.StringIO()
    cli.Progress(quiet, enabled=False)("score", 1, 1)
    assert quiet.getvalue() == ""


def _broken_match(*args, **kwargs):
    raise KeyError("mentor_pos")


def test_an_internal_key_error_is_a_bug_not_bad_input(signups, capsys, monkeypatch):
    monkeypatch.delenv("RMATCH_DEBUG", raising=False)
    monkeypatch.setattr(rmatch.Program, "match", _broken_match)
    code, _, err = _run(capsys, "match", str(signups))
    assert code == 1
    assert err == (
        "rmatch: internal error: KeyError: 'mentor_pos' — please report it\n"
    )


@pytest.mark.parametrize("how", ["flag", "sub-flag", "env"])
def test_internal_error_traceback_only_when_debugging(
    signups, capsys, monkeypatch, how
):
    monkeypatch.setattr(rmatch.Program, "match", _broken_match)
    argv = ["match", str(signups)]
    if how == "flag":
        argv = ["--debug", *argv]
    elif how == "sub-flag":
        argv = [*argv, "--debug"]
    else:
        monkeypatch.setenv("RMATCH_DEBUG", "1")
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("rmatch: internal error: KeyError")
    assert "Traceback" in err and "_broken_match" in err


def test_solver_crash_is_an_internal_error(signups, capsys, monkeypatch):
    def crash(*args, **kwargs):
        raise rmatch.SolverError("the ILP solver reported an unbounded model (a bug)")

    monkeypatch.setattr(rmatch.Program, "match", crash)
    code, _, err = _run(capsys, "match", str(signups))
    assert code == 1 and err.startswith("rmatch: internal error: SolverError: ")


@pytest.mark.parametrize(
    "error",
    [
        rmatch.ConfigError("bad setting"),
        rmatch.InfeasibleError("no matching", ["mentor M1 has no candidate"]),
        rmatch.ValidationError([rmatch.Issue("duplicate id", code="duplicate_id")]),
    ],
)
def test_input_errors_exit_2(signups, capsys, monkeypatch, error):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(rmatch.Program, "match", fail)
    code, _, err = _run(capsys, "match", str(signups))
    assert code == 2 and err.startswith("error: ") and "internal" not in err

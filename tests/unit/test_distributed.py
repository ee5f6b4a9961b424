"""The Dask engine gives the same candidate graph, and matching, as the local one."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

import rmatch
from rmatch.datasets import synthetic_org
from rmatch.errors import ConfigError
from rmatch.rules import MinScore, NoReportingLine, ReverseSeniority


@pytest.fixture(scope="module")
def people() -> rmatch.People:
    return rmatch.read_people(
        synthetic_org(4000, seed=9, mentor_rate=0.1, mentee_rate=0.06, both_rate=0.01)
    )


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0"
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


def _program(**kwargs) -> rmatch.Program:
    program = rmatch.Program.from_toml(str(rmatch.datasets.demo_program_path()))
    program.block_cells = 20_000  # many small tasks
    for key, value in kwargs.items():
        setattr(program, key, value)
    return program


def _remote(program: rmatch.Program, people: rmatch.People, **kwargs):
    """Candidates of ``program`` on Dask (what ``engine="dask"`` passes)."""
    from rmatch.distributed import dask_candidates

    return dask_candidates(
        people,
        program.scoring_criteria(),
        program.mask_rules(people),
        mentor_capacity=program.mentor_capacity,
        mentee_capacity=program.mentee_capacity,
        top_k=program.top_k,
        block_cells=program.block_cells,
        **kwargs,
    )


@pytest.mark.dask
@pytest.mark.parametrize("top_k", [None, 3])
def test_dask_engine_builds_the_local_graph(people, client, top_k) -> None:

    program = _program(top_k=top_k)
    local = program.candidates(people)
    remote = _remote(program, people, client=client)
    assert remote.graph.n_edges > 0
    for field in ("left", "right", "weight"):
        np.testing.assert_array_equal(
            getattr(local.graph, field), getattr(remote.graph, field)
        )
    np.testing.assert_array_equal(local.criterion_scores, remote.criterion_scores)
    np.testing.assert_array_equal(local.removed_left, remote.removed_left)
    np.testing.assert_array_equal(local.removed_right, remote.removed_right)
    np.testing.assert_array_equal(local.theta_left, remote.theta_left)
    np.testing.assert_array_equal(local.theta_right, remote.theta_right)
    assert local.n_allowed == remote.n_allowed
    assert local.stats["pairs_scored"] == remote.stats["pairs_scored"]


@pytest.mark.dask
def test_dask_engine_matches_like_the_local_engine(people, client) -> None:
    program = _program(
        top_k=2, rules=[NoReportingLine(1), ReverseSeniority(1), MinScore(0.1)]
    )
    calls: list[tuple[str, int, int]] = []
    local = program.match(people)
    remote = program.match(
        people, engine="dask", client=client, progress=lambda *a: calls.append(a)
    )
    assert local.pairs[["mentor_id", "mentee_id"]].equals(
        remote.pairs[["mentor_id", "mentee_id"]]
    )
    assert local.summary().objective == remote.summary().objective
    assert remote.summary().status == "optimal"  # certified on the pruned graph
    scored = [c for c in calls if c[0] == "score"]
    assert scored
    assert scored[-1][1] == scored[-1][2]


@pytest.mark.dask
def test_dask_engine_takes_a_scheduler_address(people, client) -> None:

    program = _program(top_k=3)
    address = client.scheduler.address
    by_address = _remote(program, people, client=address)
    by_client = _remote(program, people, client=client)
    np.testing.assert_array_equal(by_address.graph.weight, by_client.graph.weight)


@pytest.mark.slow  # starts a process LocalCluster: 13-15 s on 2 loaded cores
@pytest.mark.dask
def test_worker_processes_and_the_default_cluster_build_the_local_graph(
    people,
) -> None:
    """Process workers (pickled scorer, tuned malloc) and client=None agree too."""
    import dask

    distributed = pytest.importorskip("distributed")
    from rmatch.distributed import WORKER_ENVIRON

    program = _program(top_k=3)
    local = program.candidates(people)
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    with (
        dask.config.set(
            {"distributed.nanny.pre-spawn-environ": environ | WORKER_ENVIRON}
        ),
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        seen = c.run(lambda: {k: os.environ.get(k) for k in WORKER_ENVIRON})
        assert list(seen.values()) == [WORKER_ENVIRON] * 2
        remote = _remote(program, people, client=c)
    default = _remote(program, people)  # a thread LocalCluster of its own
    for other in (remote, default):
        for field in ("left", "right", "weight"):
            np.testing.assert_array_equal(
                getattr(local.graph, field), getattr(other.graph, field)
            )
        np.testing.assert_array_equal(local.theta_left, other.theta_left)
        np.testing.assert_array_equal(local.removed_right, other.removed_right)


@pytest.mark.dask
def test_default_cluster_is_threads_without_a_memory_limit() -> None:
    """Thread workers share the caller's memory: a per-worker limit would pause them."""
    distributed = pytest.importorskip("distributed")
    from rmatch.distributed import _connect, _usable_cores

    with _connect(None, distributed) as c:
        workers = c.scheduler_info()["workers"].values()
        assert len(workers) == _usable_cores()
        assert all(w["memory_limit"] == 0 for w in workers)
        assert all(w["nthreads"] == 1 for w in workers)
        # in this process: the worker sees the caller's pid
        assert set(c.run(os.getpid).values()) == {os.getpid()}


def test_missing_dask_is_a_config_error(people, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    with pytest.raises(ConfigError, match=r"pip install 'rmatch\[dask\]'"):
        _program().match(people, engine="dask")


def test_unknown_engine_is_a_config_error(people) -> None:
    with pytest.raises(ConfigError, match="'local' or 'dask'"):
        _program().match(people, engine="spark")

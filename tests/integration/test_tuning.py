"""Tuning tasks on a real engine: a grid runs to the end, cancels, survives kill -9, applies live."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import psutil
import pytest

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas import SessionState
from mohawk_engine.schemas.tuning import LoadLevels, SearchSpace, TuningStatus, TuningTaskInfo, TuningTaskRequest
from tests.support.deploy import deploy
from tests.support.light_load import LightLoad

FAST = LoadLevels(concurrency=[2], duration_s=0.3, warmup_s=0.1)
BENCH = "mohawk_engine.tuning.bench_child"


@pytest.fixture(scope="module")
def engine(shared_engine):
    """The module's engine with the base session `tiny` serving."""
    asyncio.run(deploy(shared_engine.url, "tiny", "mlp-tiny"))
    return shared_engine


async def wait_for(client: EngineClient, task_id: int, check, timeout: float = 90.0) -> TuningTaskInfo:
    deadline = time.monotonic() + timeout
    while True:
        info = await client.tuning_task(task_id)
        if check(info):
            return info
        assert time.monotonic() < deadline, f"task {task_id} still {info.status.value} {info.progress}"
        await asyncio.sleep(0.1)


def finished(info: TuningTaskInfo) -> bool:
    return info.status.finished


def bench_processes(engine_pid: int) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(engine_pid).children(recursive=True):
        try:
            if BENCH in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


async def wait_for_bench(engine_pid: int, timeout: float = 30.0) -> psutil.Process:
    deadline = time.monotonic() + timeout
    while not (found := bench_processes(engine_pid)):
        assert time.monotonic() < deadline, "no bench process started"
        await asyncio.sleep(0.05)
    return found[0]


async def test_a_grid_runs_to_the_end_and_its_best_applies_without_dropping_requests(engine):
    request = TuningTaskRequest(
        session="tiny", space=SearchSpace(max_batch_size=[1, 8], replicas_per_device=[1, 2]), load=FAST
    )
    async with EngineClient(engine.url) as client:
        created = await client.create_tuning_task(request)
        assert created.status in (TuningStatus.PENDING, TuningStatus.RUNNING) and created.progress.total == 4
        info = await wait_for(client, created.id, finished)
        assert info.status is TuningStatus.COMPLETED, info.error
        assert [e.index for e in info.experiments] == [0, 1, 2, 3] and info.progress.done == 4
        assert all(e.status == "ok" and e.throughput > 0 and e.p99_ms > 0 and e.errors == 0 for e in info.experiments)
        assert all(e.memory_mb and e.memory_mb > 0 for e in info.experiments)
        assert {(e.params.batching.max_batch_size, e.params.device_map.replicas_per_device) for e in info.experiments} == {
            (1, 1), (1, 2), (8, 1), (8, 2)}  # fmt: skip
        fastest = max(info.experiments, key=lambda e: e.throughput)
        assert info.best == fastest.index and info.best in info.pareto
        assert set(info.pareto) <= {0, 1, 2, 3}
        assert info.best_spec.name == "tiny" and info.best_spec.batching == fastest.params.batching
        assert [s.name for s in await client.list_sessions()] == ["tiny"]
        assert (await client.get_session("tiny")).state is SessionState.READY
        kinds = [e.kind for e in await client.session_events("tiny")]
        assert kinds.count("tuning started") == 1 and kinds.count("tuning experiment") == 4
        assert kinds.count("tuning completed") == 1
        assert created.id in [t.id for t in await client.tuning_tasks()]

        with LightLoad(engine.url, "tiny", pause_s=0.002) as load:
            await asyncio.sleep(0.3)
            before = load.ok
            applied = await client.reconfigure_session(info.best_spec)
            await asyncio.sleep(0.3)
        assert load.failures == [] and before > 0 and load.ok > before
        assert applied.state is SessionState.READY and applied.spec == info.best_spec

        with pytest.raises(EngineClientError) as again:
            await client.cancel_tuning_task(created.id)
        assert again.value.status == 409 and "completed" in again.value.message
        deleted = await client.delete_tuning_task(created.id)
        assert deleted.id == created.id
        with pytest.raises(EngineClientError) as gone:
            await client.tuning_task(created.id)
        assert gone.value.status == 404


async def test_cancel_stops_the_load_and_removes_the_candidate(engine):
    slow = LoadLevels(concurrency=[1], duration_s=30, warmup_s=0)
    request = TuningTaskRequest(session="tiny", space=SearchSpace(max_queue_delay_us=[0, 100, 200]), load=slow)
    async with EngineClient(engine.url) as client:
        created = await client.create_tuning_task(request)
        bench = await wait_for_bench(engine.proc.pid)
        running = await client.tuning_task(created.id)
        assert running.status is TuningStatus.RUNNING
        assert "tiny--tune-" in str([s.name for s in await client.list_sessions()])
        with pytest.raises(EngineClientError) as busy:
            await client.delete_tuning_task(created.id)
        assert busy.value.status == 409 and "cancel it first" in busy.value.message
        started = time.monotonic()
        info = await client.cancel_tuning_task(created.id)
        assert time.monotonic() - started < 15
        assert info.status is TuningStatus.CANCELLED and info.experiments == []
        assert not bench.is_running() and bench_processes(engine.proc.pid) == []
        assert [s.name for s in await client.list_sessions()] == ["tiny"]
        assert (await client.get_session("tiny")).state is SessionState.READY
        assert "tuning cancelled" in [e.kind for e in await client.session_events("tiny")]


async def test_bad_requests_say_what_is_wrong(engine):
    async with EngineClient(engine.url) as client:
        cases = [
            ({"session": "nope", "space": {"max_batch_size": [1]}}, 404, "unknown session 'nope'"),
            ({"session": "tiny", "space": {}}, 400, "search space is empty"),
            ({"session": "tiny", "space": {"max_batch_size": [0]}}, 400, "space.max_batch_size.0"),
            ({"session": "tiny", "space": {"max_batch_size": []}}, 400, "space.max_batch_size"),
            ({"session": "tiny", "space": {"providers": ["tpu"]}}, 400, "space.providers.0"),
            ({"session": "tiny", "space": {"max_batch_size": [1]}, "strategy": {"kind": "random"}}, 400, "max_experiments"),
            ({"session": "tiny", "space": {"max_batch_size": list(range(1, 41)), "max_queue_delay_us": list(range(30))}},
             400, "1200 experiments"),
            ({"session": "tiny", "space": {"max_batch_size": [1]}, "load": {"concurrency": [1], "duration_s": 3600},
              "strategy": {"kind": "grid"}, "objective": "maximize_throughput", "constraints": {"max_p99_ms": -1}},
             400, "constraints.max_p99_ms"),
            ({"session": "tiny", "space": {"max_batch_size": [1]}, "objective": "fastest"}, 400, "objective"),
        ]  # fmt: skip
        for body, status, words in cases:
            with pytest.raises(EngineClientError) as error:
                await client._send("POST", "/v1/tuning", body)
            assert error.value.status == status and words in error.value.message, (body, error.value.message)
        for method, path in (("GET", "/v1/tuning/999"), ("POST", "/v1/tuning/999/cancel"), ("DELETE", "/v1/tuning/999")):
            with pytest.raises(EngineClientError) as error:
                await client._send(method, path)
            assert error.value.status == 404 and "unknown tuning task 999" in error.value.message
        with pytest.raises(EngineClientError) as error:
            await client._send("GET", "/v1/tuning/abc")
        assert error.value.status == 400 and "task_id" in error.value.message


async def test_a_task_resumes_after_kill_9_and_keeps_what_it_measured(engine_factory, model_repo, tmp_path):
    state = tmp_path / "state"
    engine = engine_factory(model_repo, state_dir=state)
    engine.start()
    await deploy(engine.url, "tiny", "mlp-tiny")
    request = TuningTaskRequest(
        session="tiny", space=SearchSpace(max_batch_size=[1, 4, 16]), load=LoadLevels(concurrency=[1], duration_s=0.5)
    )
    async with EngineClient(engine.url) as client:
        created = await client.create_tuning_task(request)
        before = await wait_for(client, created.id, lambda i: i.progress.done >= 1)
        bench = await wait_for_bench(engine.proc.pid)
    engine.kill()
    psutil.wait_procs([bench], timeout=15)
    assert not bench.is_running(), "the bench outlived its engine"

    engine.start()
    async with EngineClient(engine.url) as client:
        assert (await client.wait_for_state("tiny")).state is SessionState.READY
        info = await wait_for(client, created.id, finished)
        assert info.status is TuningStatus.COMPLETED, info.error
        assert [e.index for e in info.experiments] == [0, 1, 2]
        assert all(e.status == "ok" for e in info.experiments), [e.reason for e in info.experiments]
        kept = {e.index: e.started for e in before.experiments}
        assert all(info.experiments[i].started == started for i, started in kept.items())
        assert [s.name for s in await client.list_sessions()] == ["tiny"]
        assert "tuning resumed" in [e.kind for e in await client.session_events("tiny")]
    with sqlite3.connect(state / "mohawk.sqlite3") as db:
        assert [r[0] for r in db.execute("SELECT name FROM sessions")] == ["tiny"]


async def test_a_candidate_that_fails_to_load_is_recorded_and_the_task_goes_on(engine):
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("CUDA is available here, so a cuda candidate would load")
    request = TuningTaskRequest(
        session="tiny", space=SearchSpace(providers=["cuda"]), load=LoadLevels(concurrency=[1, 2], duration_s=0.3)
    )
    async with EngineClient(engine.url) as client:
        created = await client.create_tuning_task(request)
        info = await wait_for(client, created.id, finished)
        assert info.status is TuningStatus.COMPLETED
        failed, skipped = info.experiments
        assert failed.status == "failed" and "CUDA requested but unavailable" in failed.reason
        assert skipped.status == "skipped" and skipped.reason.startswith("the candidate did not load")
        assert info.best is None and info.best_spec is None and info.pareto == []
        assert [s.name for s in await client.list_sessions()] == ["tiny"]

"""The dynamic batcher's rules, with a recording executor standing in for replicas."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from mohawk_engine.batching.batcher import DynamicBatcher
from mohawk_engine.errors import BadRequest, InferenceFailed, QueueFull, RequestTimeout, SessionNotReady
from mohawk_engine.replicas.batch_ops import merge_inputs, split_outputs
from mohawk_engine.schemas import BatchingConfig


class RecordingExecutor:
    """Doubles its input; records each batch's row counts; can be held to let a queue build."""

    def __init__(self, capacity: int = 1, fail: bool = False, runs_now: bool = False) -> None:
        self.capacity = capacity
        self.batches: list[list[int]] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.fail = fail
        self.runs_now = runs_now
        self.ran_now: list[list[int]] = []

    def run_now(self, batch):
        """Like a quick model's replica pool: runs on the spot when allowed to."""
        if not self.runs_now:
            return None
        self.ran_now.append([r.rows for r in batch])
        if self.fail:
            raise RuntimeError("device lost")
        return split_outputs({"y": merge_inputs(batch)["x"] * 2}, batch)

    async def execute(self, batch):
        await self.gate.wait()
        self.batches.append([r.rows for r in batch])
        if self.fail:
            raise RuntimeError("device lost")
        merged = merge_inputs(batch)
        return split_outputs({"y": merged["x"] * 2}, batch)


def rows(n: int, value: float, width: int = 4) -> dict[str, np.ndarray]:
    return {"x": np.full((n, width), value, dtype=np.float32)}


async def start(config: BatchingConfig, executor: RecordingExecutor) -> DynamicBatcher:
    batcher = DynamicBatcher("test", config, executor)
    batcher.start()
    return batcher


async def test_each_caller_gets_its_own_rows_in_arrival_order():
    executor = RecordingExecutor()
    executor.gate.clear()
    batcher = await start(BatchingConfig(max_batch_size=16), executor)
    first = asyncio.ensure_future(batcher.submit(rows(1, 0), 1))
    await asyncio.sleep(0.01)
    calls = [asyncio.ensure_future(batcher.submit(rows(n, float(i + 1)), n)) for i, n in enumerate([2, 3, 1, 4])]
    await asyncio.sleep(0.01)
    executor.gate.set()
    results = await asyncio.gather(first, *calls)
    assert executor.batches == [[1], [2, 3, 1, 4]]
    for i, (n, result) in enumerate(zip([2, 3, 1, 4], results[1:])):
        assert result["y"].shape == (n, 4)
        assert np.all(result["y"] == 2.0 * (i + 1))
    await batcher.drain()


async def test_requests_are_never_split_across_batches():
    executor = RecordingExecutor()
    executor.gate.clear()
    batcher = await start(BatchingConfig(max_batch_size=8), executor)
    hold = asyncio.ensure_future(batcher.submit(rows(1, 0), 1))
    await asyncio.sleep(0.01)
    calls = [asyncio.ensure_future(batcher.submit(rows(n, 1), n)) for n in [5, 5, 3]]
    await asyncio.sleep(0.01)
    executor.gate.set()
    await asyncio.gather(hold, *calls)
    assert executor.batches == [[1], [5], [5, 3]]
    await batcher.drain()


async def test_requests_with_different_non_batch_dims_are_not_merged():
    executor = RecordingExecutor()
    executor.gate.clear()
    batcher = await start(BatchingConfig(max_batch_size=32), executor)
    hold = asyncio.ensure_future(batcher.submit(rows(1, 0), 1))
    await asyncio.sleep(0.01)
    a = asyncio.ensure_future(batcher.submit(rows(2, 1, width=4), 2))
    b = asyncio.ensure_future(batcher.submit(rows(2, 1, width=8), 2))
    c = asyncio.ensure_future(batcher.submit(rows(2, 1, width=8), 2))
    await asyncio.sleep(0.01)
    executor.gate.set()
    out_a, out_b, _, _ = await asyncio.gather(a, b, c, hold)
    assert executor.batches == [[1], [2], [2, 2]]
    assert out_a["y"].shape == (2, 4) and out_b["y"].shape == (2, 8)
    await batcher.drain()


async def test_queue_delay_holds_a_batch_open_for_late_arrivals():
    executor = RecordingExecutor()
    batcher = await start(BatchingConfig(max_batch_size=8, max_queue_delay_us=200_000), executor)
    first = asyncio.ensure_future(batcher.submit(rows(1, 1), 1))
    await asyncio.sleep(0.05)
    second = asyncio.ensure_future(batcher.submit(rows(1, 2), 1))
    await asyncio.gather(first, second)
    assert executor.batches == [[1, 1]]
    await batcher.drain()


async def test_batching_off_runs_each_request_alone():
    executor = RecordingExecutor()
    executor.gate.clear()
    batcher = await start(BatchingConfig(enabled=False), executor)
    calls = [asyncio.ensure_future(batcher.submit(rows(n, 1), n)) for n in [1, 2, 3]]
    await asyncio.sleep(0.01)
    executor.gate.set()
    await asyncio.gather(*calls)
    assert executor.batches == [[1], [2], [3]]
    await batcher.drain()


async def test_full_queue_is_rejected_with_queue_full():
    executor = RecordingExecutor()
    executor.gate.clear()
    batcher = await start(BatchingConfig(max_batch_size=1, max_queue_size=2), executor)
    running = asyncio.ensure_future(batcher.submit(rows(1, 0), 1))
    await asyncio.sleep(0.01)
    queued = [asyncio.ensure_future(batcher.submit(rows(1, 0), 1)) for _ in range(2)]
    await asyncio.sleep(0)
    with pytest.raises(QueueFull, match="queue is full"):
        await batcher.submit(rows(1, 0), 1)
    executor.gate.set()
    await asyncio.gather(running, *queued)
    await batcher.drain()


async def test_oversized_request_is_a_bad_request():
    batcher = await start(BatchingConfig(max_batch_size=4), RecordingExecutor())
    with pytest.raises(BadRequest, match="batch size 5 .* at most 4"):
        await batcher.submit(rows(5, 0), 5)
    await batcher.drain()


async def test_request_times_out_while_queued():
    executor = RecordingExecutor()
    executor.gate.clear()
    batcher = await start(BatchingConfig(max_batch_size=1, timeout_ms=50), executor)
    running = asyncio.ensure_future(batcher.submit(rows(1, 0), 1))
    await asyncio.sleep(0.01)
    with pytest.raises(RequestTimeout, match="timed out after 50 ms"):
        await batcher.submit(rows(1, 0), 1)
    executor.gate.set()
    with pytest.raises(RequestTimeout):
        await running
    await batcher.drain()
    assert executor.batches == [[1]]


async def test_runtime_failure_reaches_every_caller_and_batcher_keeps_serving():
    executor = RecordingExecutor(fail=True)
    batcher = await start(BatchingConfig(), executor)
    with pytest.raises(InferenceFailed, match="device lost"):
        await batcher.submit(rows(1, 0), 1)
    executor.fail = False
    assert (await batcher.submit(rows(1, 3), 1))["y"][0, 0] == 6
    await batcher.drain()


async def test_drain_finishes_queued_work_then_refuses_new_requests():
    executor = RecordingExecutor()
    executor.gate.clear()
    batcher = await start(BatchingConfig(max_batch_size=1), executor)
    calls = [asyncio.ensure_future(batcher.submit(rows(1, i), 1)) for i in range(3)]
    await asyncio.sleep(0.01)
    drain = asyncio.ensure_future(batcher.drain())
    await asyncio.sleep(0.01)
    with pytest.raises(SessionNotReady, match="draining"):
        await batcher.submit(rows(1, 0), 1)
    executor.gate.set()
    await drain
    assert [c.result()["y"][0, 0] for c in calls] == [0, 2, 4]


async def test_two_slots_run_batches_concurrently():
    executor = RecordingExecutor(capacity=2)
    executor.gate.clear()
    batcher = await start(BatchingConfig(max_batch_size=1), executor)
    calls = [asyncio.ensure_future(batcher.submit(rows(1, i), 1)) for i in range(2)]
    await asyncio.sleep(0.01)
    assert batcher.batches_in_flight == 2
    executor.gate.set()
    await asyncio.gather(*calls)
    await batcher.drain()


class PoisonExecutor(RecordingExecutor):
    """Fails any batch that holds a NaN, as a runtime rejecting one caller's data would."""

    async def execute(self, batch):
        await self.gate.wait()
        self.batches.append([r.rows for r in batch])
        if any(np.isnan(r.inputs["x"]).any() for r in batch):
            raise RuntimeError("input holds NaN")
        merged = merge_inputs(batch)
        return split_outputs({"y": merged["x"] * 2}, batch)


async def test_one_bad_request_fails_alone_not_its_whole_batch():
    executor = PoisonExecutor()
    executor.gate.clear()
    batcher = await start(BatchingConfig(max_batch_size=16), executor)
    blocker = asyncio.ensure_future(batcher.submit(rows(1, 0), 1))
    await asyncio.sleep(0.01)
    good = [asyncio.ensure_future(batcher.submit(rows(2, 1.0), 2)) for _ in range(2)]
    bad = asyncio.ensure_future(batcher.submit(rows(1, float("nan")), 1))
    await asyncio.sleep(0.01)
    executor.gate.set()
    await blocker
    for call in good:
        assert np.all((await call)["y"] == 2.0)
    with pytest.raises(InferenceFailed, match="NaN"):
        await bad
    assert executor.batches[1] == [2, 2, 1]
    assert sorted(executor.batches[2:]) == [[1], [2], [2]]
    await batcher.drain()


class ConcurrencyExecutor(RecordingExecutor):
    """Records how many batches run at once."""

    def __init__(self, capacity: int) -> None:
        super().__init__(capacity)
        self.running = 0
        self.most = 0

    async def execute(self, batch):
        self.running += 1
        self.most = max(self.most, self.running)
        try:
            await asyncio.sleep(0.005)
            return await super().execute(batch)
        finally:
            self.running -= 1


async def test_requests_started_directly_never_exceed_the_executor_capacity():
    executor = ConcurrencyExecutor(capacity=2)
    batcher = await start(BatchingConfig(max_batch_size=4, max_queue_delay_us=0), executor)
    calls = []
    for i in range(40):
        calls.append(asyncio.ensure_future(batcher.submit(rows(1, float(i)), 1)))
        if i % 3 == 0:
            await asyncio.sleep(0.002)
    results = await asyncio.gather(*calls)
    assert [r["y"][0, 0] for r in results] == [2.0 * i for i in range(40)]
    assert executor.most == 2
    assert sum(len(b) for b in executor.batches) == 40
    await batcher.drain()


async def test_an_idle_batcher_runs_a_request_on_the_spot_and_counts_it():
    executor = RecordingExecutor(runs_now=True)
    batcher = await start(BatchingConfig(max_batch_size=8), executor)
    result = batcher.run_now(rows(1, 3.0), 1)
    assert np.all(result["y"] == 6.0) and executor.ran_now == [[1]] and executor.batches == []
    assert batcher.stats.execution_count == 1 and batcher.stats.success.count == 1
    assert batcher.run_now(rows(1, 1.0), 1) is None, "one a turn: a second arrival in this turn queues, to batch"
    await asyncio.sleep(0)
    assert batcher.run_now(rows(1, 1.0), 1) is not None, "the next turn may run one on the spot again"
    await asyncio.sleep(0)
    with pytest.raises(BadRequest, match="at most 8 rows"):
        batcher.run_now(rows(9, 1.0), 9)
    await batcher.drain()
    with pytest.raises(SessionNotReady):
        batcher.run_now(rows(1, 1.0), 1)


async def test_run_now_declines_while_work_is_queued_or_running_or_a_delay_is_set():
    executor = RecordingExecutor(runs_now=True)
    executor.gate.clear()
    batcher = await start(BatchingConfig(max_batch_size=8), executor)
    running = asyncio.ensure_future(batcher.submit(rows(1, 1.0), 1))
    await asyncio.sleep(0.01)
    assert batcher.run_now(rows(1, 2.0), 1) is None, "a batch is running: the request queues behind it"
    queued = asyncio.ensure_future(batcher.submit(rows(1, 2.0), 1))
    await asyncio.sleep(0.01)
    assert batcher.run_now(rows(1, 3.0), 1) is None, "one is queued: the request must not overtake it"
    executor.gate.set()
    await asyncio.gather(running, queued)
    assert executor.ran_now == []
    await batcher.drain()
    delayed = await start(BatchingConfig(max_batch_size=8, max_queue_delay_us=500), RecordingExecutor(runs_now=True))
    assert delayed.run_now(rows(1, 1.0), 1) is None, "a queue delay asks for batches: requests wait for company"
    await delayed.drain()


async def test_a_runtime_failure_on_the_spot_is_an_inference_failure():
    batcher = await start(BatchingConfig(max_batch_size=8), RecordingExecutor(runs_now=True, fail=True))
    with pytest.raises(InferenceFailed, match="device lost"):
        batcher.run_now(rows(1, 1.0), 1)
    assert batcher.stats.fail.count == 1 and batcher.stats.success.count == 0
    await batcher.drain()

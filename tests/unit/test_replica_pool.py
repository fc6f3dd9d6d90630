"""ReplicaPool: `run_now` runs quick one-row requests on the caller's thread when every replica is idle;
`execute` always uses the replicas' threads."""

from __future__ import annotations

import asyncio
import threading
import time

import numpy as np

from mohawk_engine.batching.request import PendingRequest
from mohawk_engine.replicas.pool import INLINE_LIMIT_NS, ReplicaPool


class RecordingRunner:
    """Doubles its input and notes which thread ran it (pure logic: no model needed)."""

    device = "cpu"
    input_names = ["x"]
    output_names = ["y"]

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.threads: list[int] = []

    def run(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        self.threads.append(threading.get_ident())
        if self.seconds:
            time.sleep(self.seconds)
        return {"y": inputs["x"] * 2}

    def close(self) -> None:
        pass


def _request(rows: int) -> PendingRequest:
    inputs = {"x": np.arange(rows * 2, dtype=np.float32).reshape(rows, 2)}
    return PendingRequest(inputs, rows, asyncio.get_running_loop().create_future(), time.perf_counter_ns())


async def test_quick_one_row_requests_run_now_once_their_speed_is_known():
    runner = RecordingRunner()
    pool = ReplicaPool("s", [runner])
    loop_thread = threading.get_ident()
    try:
        assert pool.run_now([_request(1)]) is None, "nothing is known of the model's speed yet"
        [outputs] = await pool.execute([_request(1)])
        np.testing.assert_array_equal(outputs["y"], [[0.0, 2.0]])
        for _ in range(2):
            [outputs] = pool.run_now([_request(1)])
            np.testing.assert_array_equal(outputs["y"], [[0.0, 2.0]])
        assert runner.threads[0] != loop_thread, "execute runs on the replica's thread"
        assert runner.threads[1:] == [loop_thread, loop_thread]
        assert pool.replicas[0].one_row_ns < INLINE_LIMIT_NS and pool.replicas[0].batches == 3
    finally:
        pool.close()


async def test_merged_batches_and_slow_models_do_not_run_now():
    slow = RecordingRunner(seconds=INLINE_LIMIT_NS / 1e9 * 2)
    quick = RecordingRunner()
    pools = [ReplicaPool("slow", [slow]), ReplicaPool("quick", [quick])]
    loop_thread = threading.get_ident()
    try:
        for _ in range(3):
            await pools[0].execute([_request(1)])
        assert pools[0].run_now([_request(1)]) is None
        await pools[1].execute([_request(1)])
        assert pools[1].run_now([_request(1), _request(1)]) is None  # two callers merged
        assert pools[1].run_now([_request(4)]) is None  # one caller, several rows
        await pools[1].execute([_request(4)])
        assert loop_thread not in slow.threads
        assert loop_thread not in quick.threads
    finally:
        for pool in pools:
            pool.close()


async def test_a_busy_replica_sends_the_next_request_to_a_thread():
    slow, quick = RecordingRunner(seconds=0.2), RecordingRunner()
    pool = ReplicaPool("s", [slow, quick])
    for replica in pool.replicas:
        replica.one_row_ns = 0  # both known to be quick at one row
    loop_thread = threading.get_ident()
    try:
        busy = asyncio.ensure_future(pool.execute([_request(3)]))  # takes replica 0 for 0.2 s
        await asyncio.sleep(0.05)
        assert pool.run_now([_request(1)]) is None, "a replica is busy: the request waits its turn"
        [outputs] = await pool.execute([_request(1)])
        await busy
        assert quick.threads and quick.threads != [loop_thread], "replica 0 was busy: replica 1 runs on its thread"
        np.testing.assert_array_equal(outputs["y"], [[0.0, 2.0]])
    finally:
        pool.close()

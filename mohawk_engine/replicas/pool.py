"""Replicate strategy: each replica owns a runner and one thread; a batch goes to the least busy.

One exception to "off the event loop" (`run_now`): a single one-row request that finds every
replica idle, on a model whose one-row runs have been quick, runs right on the event loop.
Handing it to the replica's thread and back costs two thread wake-ups, more than such a run
itself, and with every replica idle there is nothing else the loop would be doing meanwhile
but parsing the next requests, which then wait a fraction of a millisecond and form a batch.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from mohawk_engine.batching.request import PendingRequest
from mohawk_engine.replicas.batch_ops import run_batch
from mohawk_engine.runtime.base import Runner


INLINE_LIMIT_NS = 500_000  # one-row runs quicker than this (on average) may run on the event loop


@dataclass(eq=False)
class Replica:
    index: int
    runner: Runner
    thread: ThreadPoolExecutor
    busy: int = 0
    batches: int = 0
    busy_ns: int = 0
    one_row_ns: float | None = None  # moving average of one-row compute time

    def record(self, batch: list[PendingRequest]) -> None:
        compute_ns = batch[0].timings.get("compute_ns", 0)
        self.batches += 1
        self.busy_ns += compute_ns
        if len(batch) == 1 and batch[0].rows == 1:
            previous = self.one_row_ns
            self.one_row_ns = compute_ns if previous is None else 0.8 * previous + 0.2 * compute_ns


class ReplicaPool:
    def __init__(self, session_name: str, runners: list[Runner]) -> None:
        self.replicas = [
            Replica(i, runner, ThreadPoolExecutor(1, thread_name_prefix=f"{session_name}-r{i}"))
            for i, runner in enumerate(runners)
        ]
        self.capacity = len(self.replicas)

    async def execute(self, batch: list[PendingRequest]) -> list[dict[str, np.ndarray]]:
        replica = min(self.replicas, key=lambda r: r.busy)
        replica.busy += 1
        try:
            results = await asyncio.get_running_loop().run_in_executor(replica.thread, run_batch, replica.runner, batch)
        finally:
            replica.busy -= 1
        replica.record(batch)
        return results

    def run_now(self, batch: list[PendingRequest]) -> list[dict[str, np.ndarray]] | None:
        """Run a quick one-row request on the calling (event loop) thread; None if it is not one."""
        replica = self.replicas[0]
        quick = replica.one_row_ns is not None and replica.one_row_ns < INLINE_LIMIT_NS
        if not (quick and len(batch) == 1 and batch[0].rows == 1) or any(r.busy for r in self.replicas):
            return None
        results = run_batch(replica.runner, batch)
        replica.record(batch)
        return results

    async def run_on_each(self, inputs: dict[str, np.ndarray]) -> None:
        """Run `inputs` once on every replica (warm-up)."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(r.thread, r.runner.run, inputs) for r in self.replicas))

    def close(self) -> None:
        for replica in self.replicas:
            replica.thread.shutdown(wait=True)
            replica.runner.close()

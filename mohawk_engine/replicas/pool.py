"""Replicate strategy: each replica owns a runner and one thread; a batch goes to the least busy."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from mohawk_engine.batching.request import PendingRequest
from mohawk_engine.replicas.batch_ops import run_batch
from mohawk_engine.runtime.base import Runner


@dataclass(eq=False)
class Replica:
    index: int
    runner: Runner
    thread: ThreadPoolExecutor
    busy: int = 0
    batches: int = 0
    busy_ns: int = 0


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
        replica.batches += 1
        replica.busy_ns += batch[0].timings.get("compute_ns", 0)
        return results

    async def run_on_each(self, inputs: dict[str, np.ndarray]) -> None:
        """Run `inputs` once on every replica (warm-up)."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(r.thread, r.runner.run, inputs) for r in self.replicas))

    def close(self) -> None:
        for replica in self.replicas:
            replica.thread.shutdown(wait=True)
            replica.runner.close()

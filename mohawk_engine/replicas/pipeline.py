"""Pipeline strategy: stages on their own devices and threads, micro-batches streamed through.

Each stage has exactly one thread, so stage k works on micro-batch j while stage k+1 works
on micro-batch j-1. Stage k's output dict is stage k+1's input dict.
"""

from __future__ import annotations

import asyncio
import math
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from mohawk_engine.batching.request import PendingRequest
from mohawk_engine.replicas.batch_ops import merge_inputs, record_timings, split_outputs
from mohawk_engine.runtime.base import Runner


class PipelineExecutor:
    def __init__(self, session_name: str, stages: list[Runner], micro_batch_size: int | None) -> None:
        self.stages = stages
        self._threads = [
            ThreadPoolExecutor(1, thread_name_prefix=f"{session_name}-s{i}") for i in range(len(stages))
        ]
        self._micro_batch_size = micro_batch_size
        self.capacity = len(stages)
        self.stage_busy_ns = [0] * len(stages)

    async def execute(self, batch: list[PendingRequest]) -> list[dict[str, np.ndarray]]:
        started = time.perf_counter_ns()
        merged = merge_inputs(batch)
        rows = next(iter(merged.values())).shape[0]
        size = self._micro_batch_size or max(1, math.ceil(rows / len(self.stages)))
        merged_at = time.perf_counter_ns()
        chunks = await asyncio.gather(
            *(self._through_stages({k: v[i : i + size] for k, v in merged.items()}) for i in range(0, rows, size))
        )
        computed_at = time.perf_counter_ns()
        outputs = chunks[0] if len(chunks) == 1 else {k: np.concatenate([c[k] for c in chunks]) for k in chunks[0]}
        results = split_outputs(outputs, batch)
        record_timings(batch, merged_at - started, computed_at - merged_at, time.perf_counter_ns() - computed_at)
        return results

    def run_now(self, batch: list[PendingRequest]) -> None:
        """A pipeline always streams through its stages' threads."""
        return None

    async def _through_stages(self, tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        loop = asyncio.get_running_loop()
        for index, (stage, thread) in enumerate(zip(self.stages, self._threads)):
            started = time.perf_counter_ns()
            tensors = await loop.run_in_executor(thread, stage.run, tensors)
            self.stage_busy_ns[index] += time.perf_counter_ns() - started
        return tensors

    async def run_on_each(self, inputs: dict[str, np.ndarray]) -> None:
        await self._through_stages(inputs)

    def close(self) -> None:
        for thread, stage in zip(self._threads, self.stages):
            thread.shutdown(wait=True)
            stage.close()

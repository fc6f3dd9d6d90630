"""Cumulative per-session counters in the shape of Triton's statistics extension."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(slots=True)
class Duration:
    count: int = 0
    ns: int = 0

    def add(self, ns: int, count: int = 1) -> None:
        self.count += count
        self.ns += ns

    def as_dict(self) -> dict[str, int]:
        return {"count": self.count, "ns": self.ns}


@dataclass(slots=True)
class BatchDurations:
    compute_input: Duration = field(default_factory=Duration)
    compute_infer: Duration = field(default_factory=Duration)
    compute_output: Duration = field(default_factory=Duration)


@dataclass
class SessionStats:
    inference_count: int = 0
    execution_count: int = 0
    last_inference_ms: int = 0
    success: Duration = field(default_factory=Duration)
    fail: Duration = field(default_factory=Duration)
    queue: Duration = field(default_factory=Duration)
    compute_input: Duration = field(default_factory=Duration)
    compute_infer: Duration = field(default_factory=Duration)
    compute_output: Duration = field(default_factory=Duration)
    batches: dict[int, "BatchDurations"] = field(default_factory=lambda: defaultdict(BatchDurations))

    def record_batch(self, rows: int, requests: int, input_ns: int, compute_ns: int, output_ns: int) -> None:
        """One executed batch; like Triton, each request in it is charged the batch's whole time."""
        self.execution_count += 1
        self.inference_count += rows
        self.compute_input.add(input_ns * requests, requests)
        self.compute_infer.add(compute_ns * requests, requests)
        self.compute_output.add(output_ns * requests, requests)
        batch = self.batches[rows]
        batch.compute_input.add(input_ns)
        batch.compute_infer.add(compute_ns)
        batch.compute_output.add(output_ns)
        self.last_inference_ms = int(time.time() * 1000)

    def record_requests(self, ok: bool, count: int, total_ns: int, queue_ns: int) -> None:
        """`count` requests of one batch finished: their summed end-to-end and queue times."""
        (self.success if ok else self.fail).add(total_ns, count)
        self.queue.add(queue_ns, count)

    def triton(self, name: str, version: str) -> dict:
        """One entry of `model_stats` as Triton's GET /v2/models/{name}/stats returns it."""
        zero = Duration().as_dict()
        return {
            "name": name,
            "version": version,
            "last_inference": self.last_inference_ms,
            "inference_count": self.inference_count,
            "execution_count": self.execution_count,
            "inference_stats": {
                "success": self.success.as_dict(),
                "fail": self.fail.as_dict(),
                "queue": self.queue.as_dict(),
                "compute_input": self.compute_input.as_dict(),
                "compute_infer": self.compute_infer.as_dict(),
                "compute_output": self.compute_output.as_dict(),
                "cache_hit": zero,
                "cache_miss": zero,
            },
            "batch_stats": [
                {
                    "batch_size": size,
                    "compute_input": durations.compute_input.as_dict(),
                    "compute_infer": durations.compute_infer.as_dict(),
                    "compute_output": durations.compute_output.as_dict(),
                }
                for size, durations in sorted(self.batches.items())
            ],
        }

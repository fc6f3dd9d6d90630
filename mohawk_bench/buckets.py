"""A worker's per-second record of outcomes, cut on seconds counted from the end of the warm-up.

Bucket k covers [measure_from + k, measure_from + k + 1); negative buckets are the warm-up.
A measured bucket keeps only measured requests (sent after the warm-up) and a warm-up bucket
only warm-up ones, so warm-up requests that finish late never leak into the results.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from mohawk_bench import histogram


@dataclass
class BucketReport:
    """One worker's second, as sent to the coordinator (histogram HDR-encoded)."""

    worker: int
    index: int
    start: float
    end: float
    successes: int
    latency_sum_s: float
    errors: dict[str, int]
    error_samples: dict[str, str]
    histogram: bytes
    late: int = 0
    missed: int = 0


@dataclass
class _Bucket:
    index: int
    start: float
    successes: int = 0
    latency_sum_s: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: dict[str, str] = field(default_factory=dict)
    histogram: object = field(default_factory=histogram.new_histogram)
    late: int = 0
    missed: int = 0


def first_index(start: float, measure_from: float) -> int:
    """The index of the bucket holding `start` (negative when it falls in the warm-up)."""
    return math.floor(start - measure_from)


class Recorder:
    def __init__(self, worker: int, start: float, measure_from: float, emit: Callable[[BucketReport], None]) -> None:
        self.worker = worker
        self.measure_from = measure_from
        self._emit = emit
        index = first_index(start, measure_from)
        self._bucket = _Bucket(index, start)
        self._boundary = measure_from + index + 1

    def record(self, measured: bool, now: float, latency_s: float, kind: str | None, detail: str | None) -> None:
        if now >= self._boundary:
            self.roll(now)
        bucket = self._bucket
        if measured != (bucket.index >= 0):
            return
        if kind is None:
            bucket.successes += 1
            bucket.latency_sum_s += latency_s
            histogram.record(bucket.histogram, latency_s)
            return
        bucket.errors[kind] = bucket.errors.get(kind, 0) + 1
        if detail and kind not in bucket.error_samples:
            bucket.error_samples[kind] = detail

    def late(self, now: float) -> None:
        """A measured open-loop send left late (it waited for a connection or the event loop)."""
        self._measured_bucket(now).late += 1

    def missed(self, now: float, count: int) -> None:
        """Measured open-loop sends that never left: the run ended while they waited."""
        self._measured_bucket(now).missed += count

    def _measured_bucket(self, now: float) -> _Bucket:
        if now >= self._boundary:
            self.roll(now)
        return self._bucket

    def roll(self, now: float) -> None:
        """Report every second that ended by `now`, empty ones included."""
        while now >= self._boundary:
            self._report(self._boundary)
            self._bucket = _Bucket(self._bucket.index + 1, self._boundary)
            self._boundary += 1.0

    def finish(self, now: float) -> None:
        """Report the second in progress, cut at `now`."""
        self.roll(now)
        self._report(now)

    def _report(self, end: float) -> None:
        bucket = self._bucket
        self._emit(
            BucketReport(
                self.worker,
                bucket.index,
                bucket.start,
                end,
                bucket.successes,
                bucket.latency_sum_s,
                bucket.errors,
                bucket.error_samples,
                histogram.encode(bucket.histogram),
                bucket.late,
                bucket.missed,
            )
        )

    @property
    def next_boundary(self) -> float:
        return self._boundary

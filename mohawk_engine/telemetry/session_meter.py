"""Per-session live metrics: outcomes, throughput, latency, breakdown, batch sizes, load.

Recording is cheap (counters and one histogram insert per request); figures are worked
out when a snapshot is taken.
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections import Counter, deque
from dataclasses import dataclass, field

from mohawk_engine.schemas.telemetry import LatencyBreakdown, SessionMetrics
from mohawk_engine.telemetry.latency import SlidingLatency

FAILURE_REASONS = ("rejected", "timeout", "bad_input", "runtime_error")
BREAKDOWN_WINDOW_S = 10
BATCH_WINDOW_S = 60
LATENCY_BUCKETS_S = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(slots=True)
class _Second:
    """Everything counted within one wall-clock second."""

    second: int
    requests: int = 0
    items: int = 0
    queue_ns: int = 0
    assembly_ns: int = 0
    compute_ns: int = 0
    codec_ns: int = 0
    timed: int = 0
    batches: Counter = field(default_factory=Counter)


class SessionMeter:
    def __init__(self, clock=time.time) -> None:
        self._clock = clock
        self.latency = SlidingLatency(clock=clock)
        self.success_total = 0
        self.failures: Counter[str] = Counter()
        self.in_flight = 0
        self.latency_buckets = [0] * (len(LATENCY_BUCKETS_S) + 1)
        self.latency_sum_s = 0.0
        self._seconds: deque[_Second] = deque()
        self._per_second: tuple[int, dict] | None = None

    def _current(self) -> _Second:
        second = int(self._clock())
        seconds = self._seconds
        if not seconds or seconds[-1].second != second:
            seconds.append(_Second(second))
            while seconds[0].second <= second - BATCH_WINDOW_S:
                seconds.popleft()
        return seconds[-1]

    def record_success(self, total_ns: int, rows: int, codec_ns: int) -> None:
        self.success_total += 1
        now = self._current()
        now.requests += 1
        now.items += rows
        now.codec_ns += codec_ns
        self.latency.record_us(total_ns // 1000)
        seconds = total_ns / 1e9
        self.latency_buckets[bisect_left(LATENCY_BUCKETS_S, seconds)] += 1
        self.latency_sum_s += seconds

    def record_failure(self, reason: str) -> None:
        self.failures[reason] += 1

    def record_stages(self, queue_ns: int, assembly_ns: int, compute_ns: int) -> None:
        """One request's time in the queue, in merging/splitting its batch, and in the runtime."""
        now = self._current()
        now.queue_ns += queue_ns
        now.assembly_ns += assembly_ns
        now.compute_ns += compute_ns
        now.timed += 1

    def record_batch(self, rows: int) -> None:
        self._current().batches[rows] += 1

    def snapshot(self, session: str, state: str, **load) -> SessionMetrics:
        """Figures as of now; `load` carries queue_depth, replica_busy, stage_busy from the executor.

        Everything computed over whole seconds is worked out once per second and reused.
        """
        now = int(self._clock())
        if self._per_second is None or self._per_second[0] != now:
            self._per_second = (now, self._whole_seconds(now))
        return SessionMetrics(
            session=session,
            state=state,
            success_total=self.success_total,
            failures_total={reason: self.failures.get(reason, 0) for reason in FAILURE_REASONS},
            in_flight=self.in_flight,
            **self._per_second[1],
            **load,
        )

    def _whole_seconds(self, now: int) -> dict:
        last_second = next((s for s in reversed(self._seconds) if s.second == now - 1), None)
        recent = [s for s in self._seconds if now - BREAKDOWN_WINDOW_S <= s.second < now]
        batches: Counter[int] = Counter()
        for second in self._seconds:
            batches.update(second.batches)
        total_batches = sum(batches.values())
        return {
            "requests_per_s": float(last_second.requests) if last_second else 0.0,
            "items_per_s": float(last_second.items) if last_second else 0.0,
            "latency": self.latency.summaries(),
            "breakdown": _breakdown(recent),
            "batch_sizes": dict(sorted(batches.items())),
            "mean_batch_size": sum(k * v for k, v in batches.items()) / total_batches if total_batches else 0.0,
        }


def _breakdown(seconds: list[_Second]) -> LatencyBreakdown:
    timed = sum(s.timed for s in seconds)
    requests = sum(s.requests for s in seconds)

    def mean_ms(total_ns: int, count: int) -> float:
        return total_ns / count / 1e6 if count else 0.0

    return LatencyBreakdown(
        queue_ms=mean_ms(sum(s.queue_ns for s in seconds), timed),
        assembly_ms=mean_ms(sum(s.assembly_ns for s in seconds), timed),
        compute_ms=mean_ms(sum(s.compute_ns for s in seconds), timed),
        codec_ms=mean_ms(sum(s.codec_ns for s in seconds), requests),
    )

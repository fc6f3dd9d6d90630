"""Per-session live metrics: outcomes, throughput, latency, breakdown, batch sizes, load.

Recording only adds to the current second's counters (and appends the latency to a list);
when a second is over its latencies become an HDR histogram in one pass. Figures over
whole seconds are worked out when a snapshot is taken, at most once a second.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass, field

from hdrh.histogram import HdrHistogram

from mohawk_engine.schemas.telemetry import LatencyBreakdown, SessionMetrics
from mohawk_engine.telemetry.latency import CumulativeBuckets, distribution, histogram_of, merged, window_summaries

FAILURE_REASONS = ("rejected", "timeout", "bad_input", "runtime_error")
BREAKDOWN_WINDOW_S = 10
HORIZON_S = 60
LATENCY_BUCKETS_S = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(slots=True)
class _Second:
    """Everything counted within one second."""

    second: int
    requests: int = 0
    items: int = 0
    queue_ns: int = 0
    assembly_ns: int = 0
    compute_ns: int = 0
    codec_ns: int = 0
    timed: int = 0
    batches: Counter = field(default_factory=Counter)
    latencies_us: list[int] = field(default_factory=list)
    histogram: HdrHistogram | None = None


class SessionMeter:
    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self.success_total = 0
        self.failures: Counter[str] = Counter()
        self.in_flight = 0
        self.latency_buckets = CumulativeBuckets(LATENCY_BUCKETS_S)
        self._now = _Second(int(clock()))
        self._done: deque[_Second] = deque()
        self._cached: tuple[int, dict] | None = None

    def _current(self) -> _Second:
        second = int(self._clock())
        now = self._now
        return now if now.second == second else self._roll(second)

    def _roll(self, second: int) -> _Second:
        """Close the current second (its latencies become a histogram) and start `second`."""
        finished = self._now
        if finished.latencies_us:
            finished.histogram = histogram_of(finished.latencies_us)
            self.latency_buckets.add(finished.latencies_us)
            finished.latencies_us = []
        done = self._done
        done.append(finished)
        while done[0].second <= second - HORIZON_S:
            done.popleft()
        self._now = _Second(second)
        return self._now

    def record_success(self, total_ns: int, rows: int, codec_ns: int) -> None:
        """One request answered: its latency end to end, its rows and its decode/encode time."""
        self.success_total += 1
        now = self._current()
        now.requests += 1
        now.items += rows
        now.codec_ns += codec_ns
        now.latencies_us.append(total_ns // 1000)

    def record_failure(self, reason: str) -> None:
        self.failures[reason] += 1

    def record_batch(self, rows: int, requests: int, queue_ns: int, assembly_ns: int, compute_ns: int) -> None:
        """One executed batch: its rows, and its requests' summed time queued, merging/splitting and computing."""
        now = self._current()
        now.batches[rows] += 1
        now.timed += requests
        now.queue_ns += queue_ns
        now.assembly_ns += assembly_ns
        now.compute_ns += compute_ns

    def prometheus_latency(self) -> tuple[list[int], float]:
        """Cumulative latency bucket counts (last one +Inf) and sum in seconds, including the current second."""
        return self.latency_buckets.read(self._now.latencies_us)

    def snapshot(self, session: str, state: str, **load) -> SessionMetrics:
        """Figures as of now; `load` carries queue_depth, replica_busy, stage_busy from the executor."""
        second = int(self._clock())
        if self._now.second != second:
            self._roll(second)
        if self._cached is None or self._cached[0] != second:
            self._cached = (second, self._whole_seconds(second))
        return SessionMetrics(
            session=session,
            state=state,
            success_total=self.success_total,
            failures_total={reason: self.failures.get(reason, 0) for reason in FAILURE_REASONS},
            in_flight=self.in_flight,
            **self._cached[1],
            **load,
        )

    def _whole_seconds(self, now: int) -> dict:
        done = self._done
        last = done[-1] if done and done[-1].second == now - 1 else None
        recent = [s for s in done if s.second >= now - BREAKDOWN_WINDOW_S]
        batches: Counter[int] = Counter()
        for second in done:
            batches.update(second.batches)
        total_batches = sum(batches.values())
        histograms = [(s.second, s.histogram) for s in done if s.histogram is not None]
        return {
            "requests_per_s": float(last.requests) if last else 0.0,
            "items_per_s": float(last.items) if last else 0.0,
            "latency": window_summaries(histograms, now),
            "latency_histogram": distribution(merged([h for second, h in histograms if second >= now - 60])),
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

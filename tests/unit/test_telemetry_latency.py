"""Latency percentiles from HDR histograms over sliding windows, against known distributions."""

from __future__ import annotations

import numpy as np
import pytest

from mohawk_engine.telemetry.latency import SlidingLatency
from mohawk_engine.telemetry.session_meter import SessionMeter


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_uniform_distribution_percentiles():
    clock = Clock()
    latency = SlidingLatency(clock=clock)
    for us in range(1, 100_001):  # 1 us .. 100 ms, uniform
        latency.record_us(us)
    clock.now += 1
    summary = latency.summaries()["1s"]
    assert summary.count == 100_000
    for got, expected in ((summary.p50_ms, 50), (summary.p90_ms, 90), (summary.p95_ms, 95), (summary.p99_ms, 99)):
        assert got == pytest.approx(expected, rel=0.01)
    assert summary.max_ms == pytest.approx(100, rel=0.01)


def test_lognormal_distribution_matches_numpy_percentiles():
    values = np.random.default_rng(5).lognormal(mean=7.0, sigma=0.8, size=50_000).astype(int) + 1
    clock = Clock()
    latency = SlidingLatency(clock=clock)
    for us in values:
        latency.record_us(int(us))
    clock.now += 1
    summary = latency.summaries()["1s"]
    for got, q in ((summary.p50_ms, 50), (summary.p90_ms, 90), (summary.p99_ms, 99)):
        assert got == pytest.approx(np.percentile(values, q) / 1000, rel=0.02)


def test_windows_slide_with_time():
    clock = Clock()
    latency = SlidingLatency(clock=clock)
    latency.record_us(100_000)  # a slow request, 100 ms
    clock.now += 30
    for _ in range(99):
        latency.record_us(1_000)
    assert latency.summaries()["1s"].count == 0, "the current second is still filling"
    clock.now += 1
    summaries = latency.summaries()
    assert summaries["1s"].count == 99 and summaries["1s"].max_ms == pytest.approx(1, rel=0.01)
    assert summaries["10s"].count == 99
    assert summaries["60s"].count == 100 and summaries["60s"].max_ms == pytest.approx(100, rel=0.01)
    clock.now += 60
    assert latency.summaries()["60s"].count == 0


def test_meter_throughput_breakdown_and_batches():
    clock = Clock()
    meter = SessionMeter(clock=clock)
    for _ in range(40):
        meter.record_success(total_ns=2_000_000, rows=4, codec_ns=100_000)
        meter.record_stages(queue_ns=500_000, assembly_ns=50_000, compute_ns=1_000_000)
    for _ in range(10):
        meter.record_batch(16)
    meter.record_failure("timeout")
    clock.now += 1
    snapshot = meter.snapshot("s", "READY", queue_depth=3)
    assert snapshot.requests_per_s == 40 and snapshot.items_per_s == 160
    assert snapshot.failures_total == {"rejected": 0, "timeout": 1, "bad_input": 0, "runtime_error": 0}
    assert snapshot.breakdown.queue_ms == pytest.approx(0.5)
    assert snapshot.breakdown.compute_ms == pytest.approx(1.0)
    assert snapshot.breakdown.codec_ms == pytest.approx(0.1)
    assert snapshot.batch_sizes == {16: 10} and snapshot.mean_batch_size == 16
    assert snapshot.latency["10s"].p50_ms == pytest.approx(2, rel=0.01)
    assert snapshot.queue_depth == 3
    assert sum(meter.latency_buckets) == 40

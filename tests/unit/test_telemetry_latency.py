"""Latency percentiles from HDR histograms over sliding windows, against known distributions."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

from mohawk_engine.telemetry.latency import (
    CumulativeBuckets,
    distribution,
    histogram_of,
    new_histogram,
    percentiles,
    summarize,
)
from mohawk_engine.telemetry.session_meter import SessionMeter


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def record_all(meter: SessionMeter, latencies_us) -> None:
    for us in latencies_us:
        meter.record_success(total_ns=int(us) * 1000, rows=1, codec_ns=0)


def test_bulk_recording_matches_hdrh_one_value_at_a_time():
    values = np.random.default_rng(3).integers(1, 3_000_000_000, size=20_000)
    values[:5] = [1, 127, 128, 255, 256]  # edges of the first buckets
    bulk = histogram_of(values.tolist())
    one_by_one = new_histogram()
    for value in values.tolist():
        one_by_one.record_value(value)
    assert bulk.get_total_count() == one_by_one.get_total_count() == len(values)
    assert [bulk.get_count_at_index(i) for i in range(bulk.counts_len)] == [
        one_by_one.get_count_at_index(i) for i in range(one_by_one.counts_len)
    ]
    assert bulk.get_max_value() == one_by_one.get_max_value()
    assert bulk.get_min_value() == one_by_one.get_min_value()
    wanted = [0.1, 1, 25, 50, 90, 95, 99, 99.9, 100]
    assert percentiles(bulk, wanted) == [one_by_one.get_value_at_percentile(p) for p in wanted]


def test_uniform_distribution_percentiles():
    clock = Clock()
    meter = SessionMeter(clock=clock)
    record_all(meter, range(1, 100_001))  # 1 us .. 100 ms, uniform
    clock.now += 1
    summary = meter.snapshot("s", "READY").latency["1s"]
    assert summary.count == 100_000
    for got, expected in ((summary.p50_ms, 50), (summary.p90_ms, 90), (summary.p95_ms, 95), (summary.p99_ms, 99)):
        assert got == pytest.approx(expected, rel=0.01)
    assert summary.max_ms == pytest.approx(100, rel=0.01)


def test_lognormal_distribution_matches_numpy_percentiles():
    values = np.random.default_rng(5).lognormal(mean=7.0, sigma=0.8, size=50_000).astype(int) + 1
    clock = Clock()
    meter = SessionMeter(clock=clock)
    record_all(meter, values)
    clock.now += 1
    summary = meter.snapshot("s", "READY").latency["1s"]
    for got, q in ((summary.p50_ms, 50), (summary.p90_ms, 90), (summary.p95_ms, 95), (summary.p99_ms, 99)):
        assert got == pytest.approx(np.percentile(values, q) / 1000, rel=0.02)
    assert summary.max_ms == pytest.approx(values.max() / 1000, rel=0.01)


def test_bimodal_distribution_p99_lands_in_the_slow_mode():
    """99 % fast requests at 1 ms, 1 % slow ones at 50 ms: p90 stays fast, p99 is not an average."""
    clock = Clock()
    meter = SessionMeter(clock=clock)
    record_all(meter, [1_000] * 9_850 + [50_000] * 150)
    clock.now += 1
    summary = meter.snapshot("s", "READY").latency["1s"]
    assert summary.p50_ms == pytest.approx(1, rel=0.01) and summary.p95_ms == pytest.approx(1, rel=0.01)
    assert summary.p99_ms == pytest.approx(50, rel=0.01) and summary.max_ms == pytest.approx(50, rel=0.01)


def test_windows_slide_with_time():
    clock = Clock()
    meter = SessionMeter(clock=clock)
    record_all(meter, [100_000])  # a slow request, 100 ms
    clock.now += 30
    record_all(meter, [1_000] * 99)
    assert meter.snapshot("s", "READY").latency["1s"].count == 0, "the current second is still filling"
    clock.now += 1
    latency = meter.snapshot("s", "READY").latency
    assert latency["1s"].count == 99 and latency["1s"].max_ms == pytest.approx(1, rel=0.01)
    assert latency["10s"].count == 99
    assert latency["60s"].count == 100 and latency["60s"].max_ms == pytest.approx(100, rel=0.01)
    clock.now += 9
    assert meter.snapshot("s", "READY").latency["10s"].count == 99
    clock.now += 1
    assert meter.snapshot("s", "READY").latency["10s"].count == 0
    clock.now += 50
    assert meter.snapshot("s", "READY").latency["60s"].count == 0


def test_meter_throughput_breakdown_and_batches():
    clock = Clock()
    meter = SessionMeter(clock=clock)
    for _ in range(40):
        meter.record_success(total_ns=2_000_000, rows=4, codec_ns=100_000)
    for _ in range(10):  # 10 batches of 4 requests, 16 rows each
        meter.record_batch(16, 4, queue_ns=4 * 500_000, assembly_ns=4 * 50_000, compute_ns=4 * 1_000_000)
    meter.record_failure("timeout")
    clock.now += 1
    snapshot = meter.snapshot("s", "READY", queue_depth=3)
    assert snapshot.requests_per_s == 40 and snapshot.items_per_s == 160
    assert snapshot.failures_total == {"rejected": 0, "timeout": 1, "bad_input": 0, "runtime_error": 0}
    assert snapshot.breakdown.queue_ms == pytest.approx(0.5)
    assert snapshot.breakdown.assembly_ms == pytest.approx(0.05)
    assert snapshot.breakdown.compute_ms == pytest.approx(1.0)
    assert snapshot.breakdown.codec_ms == pytest.approx(0.1)
    assert snapshot.batch_sizes == {16: 10} and snapshot.mean_batch_size == 16
    assert snapshot.latency["10s"].p50_ms == pytest.approx(2, rel=0.01)
    assert snapshot.queue_depth == 3
    clock.now += 1
    assert meter.snapshot("s", "READY").requests_per_s == 0, "throughput is per second, not cumulative"


def test_prometheus_buckets_count_the_current_second_too():
    clock = Clock()
    meter = SessionMeter(clock=clock)
    record_all(meter, [300, 700, 700, 30_000])
    clock.now += 1
    record_all(meter, [20_000_000])  # 20 s, beyond the last bound
    counts, total_s = meter.prometheus_latency()
    assert counts[:3] == [1, 2, 0] and sum(counts) == 5 and counts[-1] == 1
    assert total_s == pytest.approx(20.0317)


def test_cumulative_buckets_put_a_value_on_a_bound_in_that_bound():
    buckets = CumulativeBuckets((0.001, 0.01))
    buckets.add([1_000, 10_000, 10_001])
    assert buckets.read() == ([1, 1, 1], pytest.approx(0.021001))


def test_distribution_bins_keep_every_request_and_show_both_modes():
    rng = np.random.default_rng(7)
    fast = rng.normal(2_000, 100, 9_000).clip(1)  # ~2 ms
    slow = rng.normal(40_000, 2_000, 1_000).clip(1)  # ~40 ms
    histogram = histogram_of(np.concatenate([fast, slow]).astype(np.int64))
    shape = distribution(histogram, bins=30)
    assert len(shape.edges_ms) == 31 and sum(shape.counts) == 10_000
    assert shape.edges_ms[0] <= 1.7 and shape.edges_ms[-1] >= 45
    assert all(b > a for a, b in zip(shape.edges_ms, shape.edges_ms[1:]))
    below_10ms = sum(c for c, right in zip(shape.counts, shape.edges_ms[1:]) if right <= 10)
    assert below_10ms == 9_000, "the fast mode's requests all land below 10 ms, the slow ones above"
    gap = [c for c, left, right in zip(shape.counts, shape.edges_ms, shape.edges_ms[1:]) if left >= 5 and right <= 25]
    assert gap and sum(gap) == 0, "nothing between the modes"


def test_distribution_of_an_empty_histogram_is_empty():
    assert distribution(new_histogram()).counts == []


def test_a_dropped_histogram_is_freed_without_waiting_for_the_garbage_collector():
    gc.disable()
    try:
        histogram = histogram_of([100, 200, 300])
        counts = weakref.ref(histogram.encoder.payload)
        alive = weakref.ref(histogram)
        assert histogram.encoder.encode() and summarize(histogram).p50_ms == pytest.approx(0.2, rel=0.02)
        del histogram
        assert alive() is None and counts() is None
    finally:
        gc.enable()

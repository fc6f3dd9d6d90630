"""Latency percentiles from HDR histograms, merged across workers, against numpy on the same data."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

from mohawk_bench import histogram
from mohawk_bench.percentiles import summary_ms


def _histogram(latencies_s: np.ndarray):
    h = histogram.new_histogram()
    for value in latencies_s:
        histogram.record(h, float(value))
    return h


def test_summary_matches_numpy_within_hdr_precision():
    latencies = np.random.default_rng(3).lognormal(mean=-6.0, sigma=0.6, size=20_000)  # ~2.5 ms
    summary = summary_ms(_histogram(latencies), float(latencies.sum()))
    for p in (50, 90, 95, 99):
        assert summary[f"p{p}_ms"] == pytest.approx(np.percentile(latencies, p) * 1000, rel=0.01)
    assert summary["max_ms"] == pytest.approx(latencies.max() * 1000, rel=0.001)
    assert summary["min_ms"] == pytest.approx(latencies.min() * 1000, abs=0.001)  # whole microseconds
    assert summary["mean_ms"] == pytest.approx(latencies.mean() * 1000, rel=1e-9)


def test_merged_histograms_give_the_percentiles_of_all_samples():
    fast, slow = np.full(900, 0.001), np.full(100, 0.050)
    merged = histogram.merge([histogram.decode(histogram.encode(_histogram(part))) for part in (fast, slow)])
    summary = summary_ms(merged, float(fast.sum() + slow.sum()))
    assert summary["p50_ms"] == pytest.approx(1.0, rel=0.001)
    assert summary["p90_ms"] == pytest.approx(1.0, rel=0.001)
    assert summary["p95_ms"] == pytest.approx(50.0, rel=0.001)
    assert merged.get_total_count() == 1000


def test_empty_histogram_gives_none_for_every_figure():
    assert set(summary_ms(histogram.new_histogram(), 0.0).values()) == {None}


def test_latencies_outside_the_range_are_clamped_not_lost():
    h = histogram.new_histogram()
    histogram.record(h, 0.0)
    histogram.record(h, 10**6)
    assert h.get_total_count() == 2
    assert h.get_min_value() == histogram.LOWEST_US


def test_histograms_are_freed_on_drop_without_the_garbage_collector():
    gc.disable()
    try:
        recorded = histogram.new_histogram()
        for seconds in (0.001, 0.002, 0.003):
            histogram.record(recorded, seconds)
        decoded = histogram.decode(histogram.encode(recorded))
        assert decoded.get_total_count() == 3 and decoded.get_max_value() == recorded.get_max_value()
        alive = [weakref.ref(recorded), weakref.ref(decoded)]
        del recorded, decoded
        assert [ref() for ref in alive] == [None, None]
    finally:
        gc.enable()

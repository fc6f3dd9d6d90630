"""Latency histograms: HDR histograms (hdrhistogram) per second, merged into sliding windows.

A request's latency is appended to a plain list on the hot path; once its second is over,
the list becomes that second's HDR histogram in one vectorised pass (hdrh's own bucket
formula over the whole array), so a request costs a list append, not a histogram insert.
A window's percentiles come from merging the histograms of its completed seconds.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np
from hdrh.histogram import HdrHistogram

from mohawk_engine.schemas.telemetry import LatencyHistogram, LatencySummary

LOWEST_US = 1
HIGHEST_US = 3_600_000_000
SIGNIFICANT_DIGITS = 2
WINDOWS_S = {"1s": 1, "10s": 10, "60s": 60}
DISTRIBUTION_BINS = 30
PERCENTILES = (50, 90, 95, 99)


def new_histogram() -> HdrHistogram:
    """An empty histogram that reference counting frees as soon as it is dropped.

    hdrh's histogram and its encoder (which holds the counts) refer to each other, so each one
    would wait for a full garbage collection, which in an engine with a large long-lived heap
    comes rarely: a second's histogram every second would pile up (megabytes a minute).
    """
    histogram = HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)
    histogram.encoder.histogram = weakref.proxy(histogram)
    return histogram


def counts_indexes(histogram: HdrHistogram, values_us: np.ndarray) -> np.ndarray:
    """The histogram's counts index of each value: hdrh's own formula, over an array at once."""
    values = np.clip(values_us, LOWEST_US, HIGHEST_US).astype(np.int64)
    bit_length = np.frexp((values | histogram.sub_bucket_mask).astype(np.float64))[1].astype(np.int64)
    bucket = bit_length - histogram.unit_magnitude - (histogram.sub_bucket_half_count_magnitude + 1)
    sub_bucket = values >> (bucket + histogram.unit_magnitude)
    return ((bucket + 1) << histogram.sub_bucket_half_count_magnitude) + sub_bucket - histogram.sub_bucket_half_count


def histogram_of(values_us: Sequence[int]) -> HdrHistogram:
    """A new HDR histogram holding `values_us`, filled in one vectorised pass over its counts array."""
    histogram = new_histogram()
    if not len(values_us):
        return histogram
    indexes = counts_indexes(histogram, np.asarray(values_us))
    counts = np.ctypeslib.as_array(histogram.counts)
    counts += np.bincount(indexes, minlength=histogram.counts_len).astype(counts.dtype)
    histogram.set_internal_tacking_values(int(indexes.min()), int(indexes.max()), len(indexes))
    return histogram


def percentiles(histogram: HdrHistogram, wanted: Sequence[float]) -> list[int]:
    """hdrh's get_value_at_percentile for each of `wanted`, in one pass over the counts array."""
    total = histogram.get_total_count()
    cumulative = np.cumsum(np.ctypeslib.as_array(histogram.counts))
    targets = [max(int(p * total / 100 + 0.5), 1) for p in wanted]
    indexes = np.searchsorted(cumulative, targets, side="left").tolist()
    return [histogram.get_highest_equivalent_value(histogram.get_value_from_index(i)) for i in indexes]


def summarize(histogram: HdrHistogram) -> LatencySummary:
    count = histogram.get_total_count()
    if not count:
        return LatencySummary()
    p50, p90, p95, p99 = (value / 1000 for value in percentiles(histogram, PERCENTILES))
    return LatencySummary(
        count=count, p50_ms=p50, p90_ms=p90, p95_ms=p95, p99_ms=p99, max_ms=histogram.get_max_value() / 1000
    )


def merged(histograms: Sequence[HdrHistogram]) -> HdrHistogram:
    """One histogram holding the counts of all of `histograms` (same layout: added as arrays)."""
    total = new_histogram()
    counts = np.ctypeslib.as_array(total.counts)
    for histogram in histograms:
        counts += np.ctypeslib.as_array(histogram.counts)
    nonzero = np.flatnonzero(counts)
    if len(nonzero):
        total.set_internal_tacking_values(int(nonzero[0]), int(nonzero[-1]), int(counts.sum()))
    return total


def distribution(histogram: HdrHistogram, bins: int = DISTRIBUTION_BINS) -> LatencyHistogram:
    """The histogram's counts regrouped into `bins` log-spaced bins between its lowest and highest value."""
    counts = np.ctypeslib.as_array(histogram.counts)
    nonzero = np.flatnonzero(counts)
    if not len(nonzero):
        return LatencyHistogram()
    values_us = np.array([histogram.get_highest_equivalent_value(histogram.get_value_from_index(int(i))) for i in nonzero])
    low, high = float(values_us.min()), float(values_us.max())
    edges_us = np.geomspace(max(low, LOWEST_US) * 0.99, high * 1.01, bins + 1)
    binned, _ = np.histogram(values_us, bins=edges_us, weights=counts[nonzero])
    return LatencyHistogram(edges_ms=(edges_us / 1000).tolist(), counts=binned.astype(np.int64).tolist())


def window_summaries(seconds: Sequence[tuple[int, HdrHistogram]], now: int) -> dict[str, LatencySummary]:
    """Summaries over the 1, 10 and 60 completed seconds before `now`; `seconds` is (second, histogram)."""
    return {
        name: summarize(merged([histogram for second, histogram in seconds if now - span <= second < now]))
        for name, span in WINDOWS_S.items()
    }


class CumulativeBuckets:
    """Prometheus-style cumulative latency buckets (seconds), filled a second at a time."""

    def __init__(self, bounds_s: Sequence[float]) -> None:
        self.bounds_s = tuple(bounds_s)
        self._bounds_us = np.asarray(bounds_s, dtype=np.float64) * 1e6
        self._counts = np.zeros(len(bounds_s) + 1, dtype=np.int64)
        self._sum_us = 0

    def add(self, values_us: Sequence[int]) -> None:
        self._counts += self._bucket_counts(values_us)
        self._sum_us += sum(values_us)

    def _bucket_counts(self, values_us: Sequence[int]) -> np.ndarray:
        slots = np.searchsorted(self._bounds_us, np.asarray(values_us, dtype=np.float64), side="left")
        return np.bincount(slots, minlength=len(self._counts))

    def read(self, pending_us: Sequence[int] = ()) -> tuple[list[int], float]:
        """Per-bucket counts (the last one is +Inf) and the sum in seconds, including `pending_us`."""
        counts = self._counts + self._bucket_counts(pending_us) if len(pending_us) else self._counts
        return counts.tolist(), (self._sum_us + sum(pending_us)) / 1e6

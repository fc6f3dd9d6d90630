"""HDR latency histograms in microseconds: recording, merging across workers, percentiles."""

from __future__ import annotations

import weakref

from hdrh.histogram import HdrHistogram

LOWEST_US = 1
HIGHEST_US = 3_600_000_000
SIGNIFICANT_DIGITS = 3


def new_histogram() -> HdrHistogram:
    return _freed_on_drop(HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS))


def record(histogram: HdrHistogram, seconds: float) -> None:
    histogram.record_value(min(max(int(seconds * 1_000_000), LOWEST_US), HIGHEST_US))


def encode(histogram: HdrHistogram) -> bytes:
    return histogram.encode()


def decode(encoded: bytes | str) -> HdrHistogram:
    return _freed_on_drop(HdrHistogram.decode(encoded))


def merge(histograms: list[HdrHistogram]) -> HdrHistogram:
    total = new_histogram()
    for histogram in histograms:
        total.add(histogram)
    return total


def _freed_on_drop(histogram: HdrHistogram) -> HdrHistogram:
    """hdrh's histogram and its encoder (which holds the counts) refer to each other; with the
    encoder's reference made weak, a dropped histogram goes at once instead of waiting for a
    full garbage collection (a long run keeps one per second)."""
    histogram.encoder.histogram = weakref.proxy(histogram)
    return histogram

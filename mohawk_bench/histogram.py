"""HDR latency histograms in microseconds: recording, merging across workers, percentiles."""

from __future__ import annotations

from hdrh.histogram import HdrHistogram

LOWEST_US = 1
HIGHEST_US = 3_600_000_000
SIGNIFICANT_DIGITS = 3


def new_histogram() -> HdrHistogram:
    return HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)


def record(histogram: HdrHistogram, seconds: float) -> None:
    histogram.record_value(min(max(int(seconds * 1_000_000), LOWEST_US), HIGHEST_US))


def encode(histogram: HdrHistogram) -> bytes:
    return histogram.encode()


def decode(encoded: bytes | str) -> HdrHistogram:
    return HdrHistogram.decode(encoded)


def merge(histograms: list[HdrHistogram]) -> HdrHistogram:
    total = new_histogram()
    for histogram in histograms:
        total.add(histogram)
    return total

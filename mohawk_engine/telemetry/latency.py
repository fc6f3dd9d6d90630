"""Latency percentiles over sliding windows, from HDR histograms.

One histogram per second of wall time, kept for the longest window; a window's figures
come from merging its completed seconds, so they change once a second and a reader may
cache them for the rest of it. Recording a request stays a single `record_value`.
"""

from __future__ import annotations

import time
from collections import deque

from hdrh.histogram import HdrHistogram

from mohawk_engine.schemas.telemetry import LatencySummary

LOWEST_US = 1
HIGHEST_US = 600_000_000
SIGNIFICANT_DIGITS = 2
WINDOWS_S = {"1s": 1, "10s": 10, "60s": 60}


def new_histogram() -> HdrHistogram:
    return HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_DIGITS)


def summarize(histogram: HdrHistogram) -> LatencySummary:
    count = histogram.get_total_count()
    if not count:
        return LatencySummary()
    p50, p90, p95, p99 = (histogram.get_value_at_percentile(p) / 1000 for p in (50, 90, 95, 99))
    return LatencySummary(
        count=count, p50_ms=p50, p90_ms=p90, p95_ms=p95, p99_ms=p99, max_ms=histogram.get_max_value() / 1000
    )


class SlidingLatency:
    """Per-second histograms over the last `horizon_s` seconds."""

    def __init__(self, horizon_s: int = 60, clock=time.time) -> None:
        self._clock = clock
        self._horizon = horizon_s
        self._seconds: deque[tuple[int, HdrHistogram]] = deque()

    def record_us(self, latency_us: int) -> None:
        second = int(self._clock())
        if not self._seconds or self._seconds[-1][0] != second:
            self._seconds.append((second, new_histogram()))
            while self._seconds[0][0] <= second - self._horizon:
                self._seconds.popleft()
        self._seconds[-1][1].record_value(max(LOWEST_US, min(latency_us, HIGHEST_US)))

    def window(self, seconds: int) -> HdrHistogram:
        """The merged histogram of the last `seconds` completed seconds (the current one is still filling)."""
        now = int(self._clock())
        merged = new_histogram()
        for second, histogram in self._seconds:
            if now - seconds <= second < now:
                merged.add(histogram)
        return merged

    def summaries(self) -> dict[str, LatencySummary]:
        return {name: summarize(self.window(seconds)) for name, seconds in WINDOWS_S.items()}

"""Percentiles and the latency summary of an HDR histogram (vectorized: the library loops in Python)."""

from __future__ import annotations

import numpy as np
from hdrh.histogram import HdrHistogram

PERCENTILES = (50, 90, 95, 99)


def percentiles_us(histogram: HdrHistogram, percentiles: tuple[float, ...]) -> list[int]:
    """HdrHistogram.get_value_at_percentile for several percentiles at once, vectorized over the counts."""
    counts = np.ctypeslib.as_array(histogram.counts)[: histogram.counts_len]
    cumulative = np.cumsum(counts, dtype=np.int64)
    total = int(cumulative[-1])
    values = []
    for percentile in percentiles:
        target = max(int(min(percentile, 100.0) * total / 100 + 0.5), 1)
        index = int(np.searchsorted(cumulative, target, side="left"))
        values.append(histogram.get_highest_equivalent_value(histogram.get_value_from_index(index)))
    return values


def summary_ms(histogram: HdrHistogram, latency_sum_s: float) -> dict[str, float | None]:
    """p50/p90/p95/p99/max/min/mean in milliseconds; None each when nothing was recorded.

    The mean comes from the exact sum of latencies, the rest from the histogram.
    """
    keys = [f"p{p}_ms" for p in PERCENTILES] + ["max_ms", "min_ms", "mean_ms"]
    count = histogram.get_total_count()
    if count == 0:
        return dict.fromkeys(keys, None)
    values = [v / 1000 for v in percentiles_us(histogram, PERCENTILES)]
    values += [histogram.get_max_value() / 1000, histogram.get_min_value() / 1000, latency_sum_s * 1000 / count]
    return dict(zip(keys, values))

"""Histogram bars from the engine's figures: the latency distribution, formed batch sizes."""

from __future__ import annotations

from mohawk_engine.schemas.telemetry import LatencyHistogram, LatencySummary

Bars = tuple[list[float], list[float], list[float]]  # lefts, rights, heights


def latency_bars(histogram: LatencyHistogram) -> Bars:
    """Percent of requests per millisecond in each of the engine's bins (areas add up to 100 %)."""
    total = sum(histogram.counts)
    if not total:
        return [], [], []
    edges = histogram.edges_ms
    lefts, rights = edges[:-1], edges[1:]
    heights = [100.0 * count / total / (right - left) for left, right, count in zip(lefts, rights, histogram.counts)]
    return list(lefts), list(rights), heights


def latency_bands(summary: LatencySummary) -> Bars:
    """Percent of requests per millisecond in each band between 0, p50, p90, p95, p99 and max.

    For engines that report percentiles but no distribution: each band's area is its exact share (50 % of
    the requests lie below p50, ...), the shape within a band is flat. A band of zero width
    (p95 == p99) passes its share to the next one.
    """
    if summary.count <= 0:
        return [], [], []
    points = [
        (summary.p50_ms, 0.50),
        (summary.p90_ms, 0.90),
        (summary.p95_ms, 0.95),
        (summary.p99_ms, 0.99),
        (max(summary.max_ms, summary.p99_ms), 1.00),
    ]
    lefts: list[float] = []
    rights: list[float] = []
    heights: list[float] = []
    edge, below = 0.0, 0.0
    for upper, fraction in points:
        if upper <= edge:
            continue
        lefts.append(edge)
        rights.append(upper)
        heights.append(100.0 * (fraction - below) / (upper - edge))
        edge, below = upper, fraction
    return lefts, rights, heights


def batch_bars(batch_sizes: dict[int, int]) -> Bars:
    """One bar per formed batch size, centred on it; height = batches formed."""
    sizes = sorted(batch_sizes)
    return [s - 0.4 for s in sizes], [s + 0.4 for s in sizes], [float(batch_sizes[s]) for s in sizes]

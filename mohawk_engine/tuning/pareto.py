"""The Pareto front of throughput (more is better) against p99 latency (less is better)."""

from __future__ import annotations

from collections.abc import Iterable


def front(points: Iterable[tuple[int, float, float]]) -> list[int]:
    """The ids of the (id, throughput, p99_ms) points no other point dominates, by p99 then id.

    A point dominates another when it is at least as good on both and better on one; equal
    points do not dominate each other, so both stay.
    """
    items = sorted(points, key=lambda p: (p[2], -p[1], p[0]))
    result: list[int] = []
    best_throughput = float("-inf")
    best_at_p99: tuple[float, float] | None = None
    for ident, throughput, p99 in items:
        if throughput > best_throughput:
            result.append(ident)
            best_throughput = throughput
            best_at_p99 = (p99, throughput)
        elif best_at_p99 == (p99, throughput):
            result.append(ident)
    return result

"""Busy fractions of replicas or pipeline stages, from their cumulative busy nanoseconds."""

from __future__ import annotations

import time
from collections import deque


class BusyTracker:
    """Keeps a short history of cumulative busy times; reports the fraction over about the last second."""

    def __init__(self, span_s: float = 1.0, clock=time.perf_counter_ns) -> None:
        self._span_ns = int(span_s * 1e9)
        self._clock = clock
        self._samples: deque[tuple[int, list[int]]] = deque(maxlen=64)

    def fractions(self, busy_ns: list[int]) -> list[float]:
        now = self._clock()
        samples = self._samples
        if not samples or now - samples[-1][0] >= self._span_ns // 10:
            samples.append((now, list(busy_ns)))
        base = next((s for s in reversed(samples) if now - s[0] >= self._span_ns), samples[0])
        elapsed = now - base[0]
        if elapsed <= 0 or len(base[1]) != len(busy_ns):
            return [0.0] * len(busy_ns)
        return [min(1.0, max(0.0, (b - a) / elapsed)) for a, b in zip(base[1], busy_ns)]

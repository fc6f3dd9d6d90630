"""A fixed-size, numpy-backed ring of timestamped samples for several named series."""

from __future__ import annotations

import numpy as np


class SeriesRing:
    """`capacity` rows of (timestamp, one float per series); the oldest row is overwritten.

    A series missing from an append is stored as NaN, so its line shows a gap there.
    """

    def __init__(self, series: list[str], capacity: int) -> None:
        if capacity < 2:
            raise ValueError("capacity must be at least 2")
        self.series = list(series)
        self.capacity = capacity
        self._times = np.zeros(capacity, dtype=np.float64)
        self._values = np.full((len(self.series), capacity), np.nan, dtype=np.float64)
        self._next = 0
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(self, timestamp: float, values: dict[str, float]) -> None:
        slot = self._next
        self._times[slot] = timestamp
        for row, name in enumerate(self.series):
            value = values.get(name)
            self._values[row, slot] = np.nan if value is None else float(value)
        self._next = (slot + 1) % self.capacity
        self._count = min(self._count + 1, self.capacity)

    def clear(self) -> None:
        self._next = 0
        self._count = 0
        self._values.fill(np.nan)

    def times(self) -> np.ndarray:
        """Timestamps, oldest first (a copy)."""
        return self._ordered(self._times)

    def values(self, name: str) -> np.ndarray:
        """One series' values, oldest first (a copy); KeyError for an unknown series."""
        if name not in self.series:
            raise KeyError(name)
        return self._ordered(self._values[self.series.index(name)])

    def latest(self) -> dict[str, float]:
        """The last appended row (empty when nothing was appended)."""
        if not self._count:
            return {}
        slot = (self._next - 1) % self.capacity
        return {name: float(self._values[row, slot]) for row, name in enumerate(self.series)}

    def _ordered(self, data: np.ndarray) -> np.ndarray:
        if self._count < self.capacity:
            return data[: self._count].copy()
        return np.concatenate((data[self._next :], data[: self._next]))

"""Whether a request may be sent now, and whether it counts (sent after the warm-up)."""

from __future__ import annotations


class Budget:
    """Sends are free during the warm-up; after it they are counted, up to `requests` or until `end`."""

    def __init__(self, measure_from: float, end: float | None = None, requests: int | None = None) -> None:
        self.measure_from = measure_from
        self.end = end
        self.remaining = requests
        self.stopped = False

    def take(self, now: float) -> bool | None:
        """None: send nothing more; False: a warm-up request; True: a measured request."""
        if self.stopped:
            return None
        if now < self.measure_from:
            return False
        if self.end is not None and now >= self.end:
            return None
        if self.remaining is not None:
            if self.remaining <= 0:
                return None
            self.remaining -= 1
        return True

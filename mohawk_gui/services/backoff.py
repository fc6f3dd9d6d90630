"""Reconnect delays: exponential growth with a cap and random jitter, so workers don't retry in step."""

from __future__ import annotations

import random


class Backoff:
    def __init__(
        self,
        initial_s: float = 0.5,
        maximum_s: float = 30.0,
        factor: float = 2.0,
        jitter: float = 0.2,
        rng: random.Random | None = None,
    ) -> None:
        if not 0 <= jitter < 1:
            raise ValueError("jitter is a fraction in [0, 1)")
        self.initial_s = initial_s
        self.maximum_s = maximum_s
        self.factor = factor
        self.jitter = jitter
        self.attempts = 0
        self._rng = rng or random.Random()

    def next_delay(self) -> float:
        """The wait before the next attempt: initial × factor^attempts, capped, ± jitter."""
        base = min(self.maximum_s, self.initial_s * self.factor**self.attempts)
        self.attempts += 1
        return base * self._rng.uniform(1 - self.jitter, 1 + self.jitter)

    def reset(self) -> None:
        self.attempts = 0

"""Open-loop arrival times: constant spacing or a Poisson process, as absolute clock times."""

from __future__ import annotations

import random
from collections.abc import Iterator


def constant(start: float, rate: float, offset: float = 0.0) -> Iterator[float]:
    """Arrivals every 1/rate seconds from `start + offset`."""
    interval = 1.0 / rate
    first = start + offset
    count = 0
    while True:
        yield first + count * interval
        count += 1


def poisson(start: float, rate: float, seed: int) -> Iterator[float]:
    """Arrivals with exponential gaps of mean 1/rate, the same for the same seed."""
    rng = random.Random(seed)
    at = start
    while True:
        at += rng.expovariate(rate)
        yield at


def arrivals(kind: str, start: float, rate: float, seed: int, offset: float = 0.0) -> Iterator[float]:
    if kind == "constant":
        return constant(start, rate, offset)
    if kind == "poisson":
        return poisson(start, rate, seed)
    raise ValueError(f"unknown arrival process {kind!r}; expected constant or poisson")

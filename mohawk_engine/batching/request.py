"""One inference request as it waits in a session's queue."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import numpy as np


@dataclass(slots=True, eq=False)
class PendingRequest:
    inputs: dict[str, np.ndarray]
    rows: int
    future: asyncio.Future | None  # None for a request run on the spot (DynamicBatcher.run_now)
    enqueued_ns: int
    shape_key: tuple = ()
    timer: asyncio.TimerHandle | None = None
    timings: dict[str, int] = field(default_factory=dict)

    @staticmethod
    def key_of(inputs: dict[str, np.ndarray]) -> tuple:
        """Requests merge only when every input agrees on dtype and non-batch dims."""
        return tuple((name, arr.dtype.str, arr.shape[1:]) for name, arr in inputs.items())

"""A FleetListener that records what the connection manager reports, for tests to wait on."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any


class RecordingListener:
    def __init__(self) -> None:
        self.calls: dict[str, list[tuple]] = defaultdict(list)
        self.states: dict[str, tuple[str, str | None]] = {}
        self.state_times: list[tuple[float, str, str]] = []  # (monotonic time, worker, state)

    def __getattr__(self, name: str) -> Callable[..., None]:
        if not name.startswith("on_"):
            raise AttributeError(name)

        def record(*args: Any) -> None:
            self.calls[name].append(args)
            if name == "on_state":
                worker, state, reason = args
                self.states[worker] = (state, reason)
                self.state_times.append((time.monotonic(), worker, state))

        return record

    def state(self, worker: str) -> str | None:
        return self.states.get(worker, (None, None))[0]

    def answering(self, worker: str) -> bool:
        """Online, or degraded: a busy test machine can make the engine report itself degraded (CPU)."""
        return self.state(worker) in ("online", "degraded")

    def reason(self, worker: str) -> str | None:
        return self.states.get(worker, (None, None))[1]

    def last(self, callback: str) -> tuple | None:
        return self.calls[callback][-1] if self.calls[callback] else None

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}; states={self.states}")
            await asyncio.sleep(0.02)

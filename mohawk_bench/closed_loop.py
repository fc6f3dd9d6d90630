"""Closed loop: every lane sends its next request as soon as the previous one is answered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from mohawk_bench.budget import Budget
from mohawk_bench.buckets import Recorder
from mohawk_bench.lanes import Lane

RECONNECT_PAUSE_S = 0.1


class ClosedLoop:
    def __init__(self, lanes: list[Lane], budget: Budget, recorder: Recorder, on_idle: Callable[[], None]) -> None:
        self.lanes = lanes
        for lane in lanes:
            lane.on_done = self._on_done
        self._budget = budget
        self._recorder = recorder
        self._on_idle = on_idle
        self._idle = 0

    def start(self) -> None:
        for lane in self.lanes:
            self._next(lane)

    def _on_done(self, lane: Lane, kind: str | None, detail: str | None) -> None:
        now = time.monotonic()
        self._recorder.record(lane.measured, now, now - lane.started_at, kind, detail)
        if kind == "connection":
            asyncio.get_running_loop().call_later(RECONNECT_PAUSE_S, self._next, lane)
        else:
            self._next(lane)

    def _next(self, lane: Lane) -> None:
        now = time.monotonic()
        measured = self._budget.take(now)
        if measured is None:
            self._idle += 1
            if self._idle == len(self.lanes):
                self._on_idle()
            return
        lane.submit(now, measured)

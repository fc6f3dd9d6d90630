"""Open loop: requests leave on an arrival schedule, whatever the replies do.

A request goes out on an idle connection (the most recently used, so few stay busy at low
rates), on a new one while fewer than `max_lanes` are open, or else waits for the next
free one; its latency counts from its scheduled time, so waiting shows in the results.
A measured send that leaves LATE_S or more after its scheduled time counts as late; one
still waiting when the run ends (its duration is over, or it was stopped) counts as missed.
A run bounded by a request count sends every request it took, so its count stays exact.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Iterator

from mohawk_bench.budget import Budget
from mohawk_bench.buckets import Recorder
from mohawk_bench.lanes import Lane, Target

EARLY_S = 0.001  # the event loop's timers tick in milliseconds: wake up to one early
LATE_S = 0.005


class OpenLoop:
    def __init__(
        self,
        lanes: list[Lane],
        target: Target,
        max_lanes: int,
        schedule: Iterator[float],
        budget: Budget,
        recorder: Recorder,
        on_idle: Callable[[], None],
    ) -> None:
        self.lanes = lanes
        self._target = target
        self._max_lanes = max_lanes
        self._schedule = schedule
        self._budget = budget
        self._recorder = recorder
        self._on_idle = on_idle
        self._free = list(lanes)
        for lane in lanes:
            lane.on_done = self._on_done
        self._backlog: deque[tuple[float, bool]] = deque()
        self._arriving = True

    def _add_lane(self) -> None:
        lane = Lane(self._target, self._on_done)
        self.lanes.append(lane)
        self._free.append(lane)

    async def run(self) -> None:
        """Dispatch arrivals until the budget says stop, then let the lanes drain."""
        try:
            for at in self._schedule:
                # sleep(0) when behind still lets replies in between overdue sends
                await asyncio.sleep(max(0.0, at - time.monotonic() - EARLY_S))
                measured = self._budget.take(at)
                if measured is None:
                    break
                self._dispatch(at, measured)
        finally:
            self._arriving = False
            if self._budget.stopped or self._budget.end is not None:
                self._drop_backlog()
            self._check_idle()

    def _dispatch(self, at: float, measured: bool) -> None:
        if not self._free and len(self.lanes) < self._max_lanes:
            self._add_lane()
        if not self._free:
            self._backlog.append((at, measured))
            return
        self._send(self._free.pop(), at, measured)

    def _send(self, lane: Lane, at: float, measured: bool) -> None:
        now = time.monotonic()
        if measured and now - at >= LATE_S:
            self._recorder.late(now)
        lane.submit(min(at, now), measured)

    def _drop_backlog(self) -> None:
        missed = sum(measured for _, measured in self._backlog)
        self._backlog.clear()
        if missed:
            self._recorder.missed(time.monotonic(), missed)

    def _on_done(self, lane: Lane, kind: str | None, detail: str | None) -> None:
        now = time.monotonic()
        self._recorder.record(lane.measured, now, now - lane.started_at, kind, detail)
        if self._backlog:
            self._send(lane, *self._backlog.popleft())
            return
        self._free.append(lane)
        self._check_idle()

    def _check_idle(self) -> None:
        if not self._arriving and len(self._free) == len(self.lanes):
            self._on_idle()

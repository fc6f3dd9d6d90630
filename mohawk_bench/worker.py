"""A load worker process: its share of the connections on a uvloop event loop.

The coordinator talks to it over a pipe: the worker says ("ready",) once its connections are
open, starts on ("go", t0) (a time.monotonic() shared by all workers), sends a BucketReport
every second and ("done",) at the end; ("stop",) or the pipe closing ends it early.
"""

from __future__ import annotations

import asyncio
import signal
import time
from multiprocessing.connection import Connection as Pipe

import uvloop

from mohawk_bench.budget import Budget
from mohawk_bench.buckets import BucketReport, Recorder
from mohawk_bench.closed_loop import ClosedLoop
from mohawk_bench.lanes import Lane, Target
from mohawk_bench.open_loop import OpenLoop
from mohawk_bench.plan import WorkerPlan
from mohawk_bench.schedule import arrivals
from mohawk_bench.tls import ssl_context

DRAIN_AFTER_STOP_S = 2.0
OPEN_LOOP_PRECONNECT = 8


def main(pipe: Pipe, plan: WorkerPlan) -> None:
    """Process entry point; Ctrl+C goes to the coordinator, which stops the workers.

    A SIGTERM sent to the worker itself (say, to the whole process group) ends its load
    the same way as ("stop",), so what it measured still reaches the coordinator.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    uvloop.run(Worker(plan, pipe).run())


class Worker:
    def __init__(self, plan: WorkerPlan, pipe: Pipe) -> None:
        self.plan = plan
        self._pipe = pipe
        self._go: asyncio.Future[float | None] | None = None
        self._stop = asyncio.Event()
        self._idle = asyncio.Event()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        self._go = loop.create_future()
        loop.add_reader(self._pipe.fileno(), self._on_control)
        loop.add_signal_handler(signal.SIGTERM, self._request_stop)
        try:
            await self._run()
        finally:
            loop.remove_reader(self._pipe.fileno())
            loop.remove_signal_handler(signal.SIGTERM)

    async def _run(self) -> None:
        plan = self.plan
        target = Target(plan.host, plan.port, ssl_context(plan.tls) if plan.tls else None, plan.payload, plan.timeout_s)
        first = plan.lanes if plan.mode == "closed" else min(plan.lanes, OPEN_LOOP_PRECONNECT)
        lanes = [Lane(target) for _ in range(first)]
        await asyncio.gather(*(lane.connect() for lane in lanes))
        self._send(("ready",))
        start = await self._go
        if start is None:
            return
        measure_from = start + plan.warmup_s
        end = measure_from + plan.duration_s if plan.duration_s is not None else None
        budget = Budget(measure_from, end, plan.requests)
        recorder = Recorder(plan.index, start, measure_from, self._send)
        while (delay := start - time.monotonic()) > 0:  # timers may fire early: none may leave before start
            await asyncio.sleep(delay)
        driver, dispatch = self._driver(lanes, target, budget, recorder, start)
        tasks = [asyncio.create_task(self._tick(recorder)), asyncio.create_task(self._watch(driver))]
        if dispatch is not None:
            tasks.append(asyncio.create_task(dispatch))
        await self._until_idle_or_stopped(budget, tasks[-1] if dispatch is not None else None)
        for task in tasks:
            task.cancel()
        for lane in driver.lanes:
            lane.close()
        recorder.finish(time.monotonic())
        self._send(("done",))

    def _driver(self, lanes: list[Lane], target: Target, budget: Budget, recorder: Recorder, start: float):
        plan = self.plan
        if plan.mode == "closed":
            driver = ClosedLoop(lanes, budget, recorder, self._idle.set)
            driver.start()
            return driver, None
        schedule = arrivals(plan.arrival, start, plan.rate, plan.seed, plan.offset_s)
        driver = OpenLoop(lanes, target, plan.lanes, schedule, budget, recorder, self._idle.set)
        return driver, driver.run()

    async def _until_idle_or_stopped(self, budget: Budget, dispatcher: asyncio.Task | None) -> None:
        idle = asyncio.create_task(self._idle.wait())
        stop = asyncio.create_task(self._stop.wait())
        await asyncio.wait({idle, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if idle.done():
            return
        budget.stopped = True
        if dispatcher is not None:
            dispatcher.cancel()
        try:
            async with asyncio.timeout(DRAIN_AFTER_STOP_S):
                await idle
        except TimeoutError:
            pass

    async def _tick(self, recorder: Recorder) -> None:
        """Report empty seconds too: the recorder rolls on each second's boundary."""
        while True:
            await asyncio.sleep(max(0.0, recorder.next_boundary - time.monotonic()))
            recorder.roll(time.monotonic())

    async def _watch(self, driver: ClosedLoop | OpenLoop) -> None:
        """Time out requests that wait too long for their reply."""
        period = min(0.1, self.plan.timeout_s / 4)
        while True:
            await asyncio.sleep(period)
            now = time.monotonic()
            for lane in list(driver.lanes):
                lane.expire(now)

    def _on_control(self) -> None:
        try:
            message = self._pipe.recv()
        except (EOFError, OSError):
            message = ("stop",)
            asyncio.get_running_loop().remove_reader(self._pipe.fileno())
        if message[0] == "go" and not self._go.done():
            self._go.set_result(message[1])
        elif message[0] == "stop":
            self._request_stop()

    def _request_stop(self) -> None:
        self._stop.set()
        if not self._go.done():
            self._go.set_result(None)

    def _send(self, message: tuple | BucketReport) -> None:
        try:
            self._pipe.send(message)
        except OSError:
            self._stop.set()

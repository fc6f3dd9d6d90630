"""Dynamic batching: whole requests merge along dim 0, in arrival order, never split.

A batch is formed only when the executor has a free slot (a free replica, or room in the
pipeline), so while every replica is busy requests accumulate and the next batch is
larger: throughput adapts to load without a long fixed delay. `max_queue_delay_us`
additionally holds a batch open, counted from the oldest request's arrival.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Protocol

import numpy as np

from mohawk_engine.batching.request import PendingRequest
from mohawk_engine.errors import BadRequest, InferenceFailed, QueueFull, RequestTimeout, SessionNotReady
from mohawk_engine.schemas import BatchingConfig
from mohawk_engine.telemetry.session_meter import SessionMeter
from mohawk_engine.telemetry.stats import SessionStats


class BatchExecutor(Protocol):
    """Runs merged batches; `capacity` batches may be in flight at once."""

    capacity: int

    async def execute(self, batch: list[PendingRequest]) -> list[dict[str, np.ndarray]]: ...

    def run_now(self, batch: list[PendingRequest]) -> list[dict[str, np.ndarray]] | None:
        """Run the batch on the calling thread if it is quick enough for that, else None."""


class DynamicBatcher:
    def __init__(
        self,
        session_name: str,
        config: BatchingConfig,
        executor: BatchExecutor,
        stats: SessionStats | None = None,
        meter: SessionMeter | None = None,
    ) -> None:
        self._name = session_name
        self.stats = stats or SessionStats()
        self.meter = meter or SessionMeter()
        self._config = config
        self._executor = executor
        self._max_rows = config.max_batch_size if config.enabled else 0
        self._delay_ns = config.max_queue_delay_us * 1000 if config.enabled else 0
        self._timeout_s = config.timeout_ms / 1000
        self._queue: deque[PendingRequest] = deque()
        self._wakeup = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._free_slots = executor.capacity
        self._accepting = True
        self._task: asyncio.Task | None = None
        self._inflight: set[asyncio.Task] = set()
        self._ran_now_this_turn = False

    @property
    def queue_depth(self) -> int:
        return len(self._queue)

    @property
    def batches_in_flight(self) -> int:
        return len(self._inflight)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._form_batches(), name=f"batcher-{self._name}")

    async def submit(self, inputs: dict[str, np.ndarray], rows: int) -> dict[str, np.ndarray]:
        """Queue one request and wait for its own rows of the batch result."""
        self._admit(rows)
        loop = asyncio.get_running_loop()
        request = PendingRequest(inputs, rows, loop.create_future(), time.perf_counter_ns(), PendingRequest.key_of(inputs))
        request.timer = loop.call_later(self._timeout_s, self._expire, request)
        if not self._queue and self._free_slots and not self._delay_ns:
            self._start([request])  # nothing to wait for or merge with: skip the batch-forming task's turn
        else:
            self._queue.append(request)
            self._wakeup.set()
        try:
            return await request.future
        finally:
            request.timer.cancel()

    def run_now(self, inputs: dict[str, np.ndarray], rows: int) -> dict[str, np.ndarray] | None:
        """Serve one request before returning, or None when it has to queue (then `submit` it).

        Only when nothing is queued or running and the executor can run it on this thread (a
        quick one-row run): the request then never waits for the event loop's next turns, which
        at low load cost more than a small model's run. At most one request a turn of the loop
        runs this way: others that arrived in the same turn queue up and form a batch, so under
        load requests still merge.
        """
        if self._queue or self._free_slots < self._executor.capacity or self._delay_ns or self._ran_now_this_turn:
            return None
        self._admit(rows)
        request = PendingRequest(inputs, rows, None, time.perf_counter_ns())
        request.timings["queue_ns"] = 0
        try:
            results = self._executor.run_now([request])
        except Exception as exc:
            self._record([request], ok=False)
            raise self._failure(exc) from exc
        if results is None:
            return None
        self._ran_now_this_turn = True
        asyncio.get_running_loop().call_soon(self._next_turn)
        self._record([request], ok=True)
        return results[0]

    def _next_turn(self) -> None:
        self._ran_now_this_turn = False

    def _admit(self, rows: int) -> None:
        if not self._accepting:
            raise SessionNotReady(f"session '{self._name}' is draining and accepts no new requests")
        if len(self._queue) >= self._config.max_queue_size:
            raise QueueFull(
                f"session '{self._name}' queue is full ({self._config.max_queue_size} requests waiting); retry later"
            )
        if self._max_rows and rows > self._max_rows:
            raise BadRequest(
                f"request has batch size {rows} but session '{self._name}' allows at most {self._max_rows} rows"
            )

    def _expire(self, request: PendingRequest) -> None:
        if not request.future.done():
            request.future.set_exception(
                RequestTimeout(f"request to session '{self._name}' timed out after {self._config.timeout_ms} ms")
            )

    async def drain(self) -> None:
        """Stop accepting, let every queued and running batch finish, then stop."""
        self._accepting = False
        while self._queue or self._inflight:
            self._wakeup.set()
            await asyncio.sleep(0.01)
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _form_batches(self) -> None:
        while True:
            while not (self._free_slots and self._queue):
                if not self._free_slots:
                    self._slot_freed.clear()
                    await self._slot_freed.wait()
                else:
                    self._wakeup.clear()
                    await self._wakeup.wait()
            batch, rows, blocked = self._take()
            if batch and self._delay_ns and not blocked and rows < self._max_rows:
                rows = await self._hold_open(batch, rows)
            if batch:
                self._start(batch)

    def _start(self, batch: list[PendingRequest]) -> None:
        self._free_slots -= 1
        task = asyncio.get_running_loop().create_task(self._dispatch(batch))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    def _take(self, batch: list[PendingRequest] | None = None, rows: int = 0) -> tuple[list[PendingRequest], int, bool]:
        """Move compatible requests from the queue head into the batch; stop at the first misfit."""
        batch = batch if batch is not None else []
        queue = self._queue
        while queue:
            head = queue[0]
            if head.future.done():
                queue.popleft()
                continue
            if batch and (
                not self._max_rows or head.shape_key != batch[0].shape_key or rows + head.rows > self._max_rows
            ):
                return batch, rows, True
            batch.append(queue.popleft())
            rows += head.rows
            if not self._max_rows:
                return batch, rows, True
        return batch, rows, False

    async def _hold_open(self, batch: list[PendingRequest], rows: int) -> int:
        deadline_ns = batch[0].enqueued_ns + self._delay_ns
        while rows < self._max_rows:
            remaining = (deadline_ns - time.perf_counter_ns()) / 1e9
            if remaining <= 0:
                break
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except TimeoutError:
                break
            _, rows, blocked = self._take(batch, rows)
            if blocked:
                break
        return rows

    async def _dispatch(self, batch: list[PendingRequest]) -> None:
        start = time.perf_counter_ns()
        for request in batch:
            request.timings["queue_ns"] = start - request.enqueued_ns
        try:
            await self._run(batch)
        finally:
            self._free_slots += 1
            self._slot_freed.set()

    async def _run(self, batch: list[PendingRequest]) -> None:
        try:
            results = await self._executor.execute(batch)
        except Exception as exc:
            if len(batch) > 1:
                # One request's data can break a whole batch; run each alone so only that caller fails.
                for request in batch:
                    await self._run([request])
                return
            if not batch[0].future.done():
                batch[0].future.set_exception(self._failure(exc))
            self._record(batch, ok=False)
            return
        for request, outputs in zip(batch, results):
            if not request.future.done():
                request.future.set_result(outputs)
        self._record(batch, ok=True)

    def _failure(self, exc: Exception) -> InferenceFailed:
        return InferenceFailed(f"session '{self._name}' failed to run the request: {exc}")

    def _record(self, batch: list[PendingRequest], ok: bool) -> None:
        end = time.perf_counter_ns()
        count = len(batch)
        total_ns = queue_ns = 0
        for request in batch:
            total_ns += end - request.enqueued_ns
            queue_ns += request.timings.get("queue_ns", 0)
        self.stats.record_requests(ok, count, total_ns, queue_ns)
        if not ok:
            return
        timings = batch[0].timings
        input_ns, compute_ns, output_ns = (timings.get(k, 0) for k in ("input_ns", "compute_ns", "output_ns"))
        rows = sum(r.rows for r in batch)
        self.stats.record_batch(rows, count, input_ns, compute_ns, output_ns)
        self.meter.record_batch(rows, count, queue_ns, (input_ns + output_ns) * count, compute_ns * count)

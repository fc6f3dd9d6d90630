"""Run a load: start the worker processes, start them together, merge their reports, stop them.

This runs in the `mohawk-bench` CLI's process; a program that must not carry the load
itself, such as the console, starts that process with `mohawk_bench.launcher`.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection as Pipe
from multiprocessing.connection import wait

from mohawk_bench import worker
from mohawk_bench.aggregate import Aggregator
from mohawk_bench.buckets import BucketReport
from mohawk_bench.plan import split
from mohawk_bench.request import prepare
from mohawk_bench.results import LoadResult, ProgressSample
from mohawk_bench.spec import LoadSpec

START_DELAY_S = 0.05
POLL_S = 0.1


class WorkerFailure(RuntimeError):
    """A worker process could not start."""


def run(
    spec: LoadSpec,
    on_sample: Callable[[ProgressSample], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> LoadResult:
    """Run `spec` to its end (or until `should_stop()` turns true) and return the result."""
    request = prepare(spec)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["mohawk_bench.worker"])
    pipes: list[Pipe] = []
    processes = []
    for plan in split(spec, request.endpoint, request.payload):
        parent, child = context.Pipe()
        process = context.Process(target=worker.main, args=(child, plan), name=f"mohawk-bench-{plan.index}", daemon=True)
        process.start()
        child.close()
        pipes.append(parent)
        processes.append(process)
    try:
        stopped = not _await_ready(pipes, processes, spec.timeout_s + 30, should_stop)
        started_at = datetime.now(UTC)
        start = time.monotonic() + START_DELAY_S
        aggregator = Aggregator(len(pipes), start + spec.warmup_s, request.items_per_request, time.time() - time.monotonic())
        _broadcast(pipes, ("stop",) if stopped else ("go", start))
        series = [] if stopped else _collect(pipes, aggregator, on_sample, should_stop)
        stopped = stopped or should_stop()
    finally:
        for pipe in pipes:
            pipe.close()
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.kill()
    return LoadResult(
        spec=spec,
        inputs=request.inputs,
        items_per_request=request.items_per_request,
        started_at=started_at,
        finished_at=datetime.now(UTC),
        stopped=stopped,
        totals=aggregator.totals(),
        latency=aggregator.latency(),
        errors=aggregator.measured.errors,
        error_samples=aggregator.measured.error_samples,
        series=series,
        histogram=aggregator.encoded_histogram(),
    )


def _await_ready(pipes: list[Pipe], processes: list, limit_s: float, should_stop: Callable[[], bool]) -> bool:
    """True once every worker has its connections open; False when stopped first."""
    waiting = set(range(len(pipes)))
    deadline = time.monotonic() + limit_s
    while waiting:
        if should_stop():
            return False
        if time.monotonic() > deadline:
            raise WorkerFailure(f"workers {sorted(waiting)} did not start within {limit_s:g} s")
        for pipe in wait([pipes[i] for i in waiting], POLL_S):
            index = pipes.index(pipe)
            try:
                pipe.recv()
            except EOFError:
                processes[index].join(1)
                raise WorkerFailure(f"worker {index} exited with {processes[index].exitcode} while starting") from None
            waiting.discard(index)
    return True


def _collect(
    pipes: list[Pipe],
    aggregator: Aggregator,
    on_sample: Callable[[ProgressSample], None] | None,
    should_stop: Callable[[], bool],
) -> list[ProgressSample]:
    series: list[ProgressSample] = []
    live = {pipe: index for index, pipe in enumerate(pipes)}
    stop_sent = False
    while live:
        if not stop_sent and should_stop():
            _broadcast(list(live), ("stop",))
            stop_sent = True
        for pipe in wait(list(live), POLL_S):
            try:
                message = pipe.recv()
            except EOFError:
                print(f"mohawk-bench: worker {live[pipe]} ended without finishing", file=sys.stderr)
                message = ("done",)
            if isinstance(message, BucketReport):
                aggregator.add(message)
            else:
                aggregator.worker_done(live.pop(pipe))
        for sample in aggregator.ready():
            series.append(sample)
            if on_sample is not None:
                on_sample(sample)
    return series


def _broadcast(pipes: list[Pipe], message: tuple) -> None:
    for pipe in pipes:
        try:
            pipe.send(message)
        except OSError:
            pass

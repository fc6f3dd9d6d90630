"""Load-test runs started from the console: `python -m mohawk_bench` in its own process, read over asyncio.

The load generator never runs in the console's process (it would compete with the UI for the
CPU); mohawk_bench.launcher starts it and reads its progress. `LoadRun.run()` reports each
progress sample and, when the process ends, saves the result into the run store; `stop()`
asks it to end early (SIGTERM: the CLI then writes the partial result). The listener hears
`on_sample`, then exactly one of `on_finished` or `on_failed`.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import asdict, dataclass
from typing import Literal, Protocol

from pydantic import ValidationError

from mohawk_bench.launcher import BenchFailed, LoadProcess
from mohawk_bench.results import LoadResult, ProgressSample
from mohawk_bench.spec import LoadSpec, TlsOptions
from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.run_store import RunStore, SavedRun

STOP_GRACE_S = 15.0  # after a stop request, how long the CLI may take to write its partial result (then SIGKILL)


class InvalidLoad(ValueError):
    """The load shape does not make a valid run; the message names each field and what it expects."""


@dataclass(frozen=True)
class LoadShape:
    """What the operator picks in the form; the worker's URL, token and TLS come from its settings."""

    mode: Literal["closed", "open"] = "closed"
    concurrency: int = 1
    rate: float | None = None
    arrival: Literal["constant", "poisson"] = "constant"
    duration_s: float | None = 10.0
    requests: int | None = None
    warmup_s: float = 0.0
    binary: bool = True
    processes: int = 1


def build_spec(settings: WorkerSettings, session: str, shape: LoadShape) -> LoadSpec:
    """The run's LoadSpec; InvalidLoad (with every problem spelled out) when the shape is not valid."""
    tls = settings.tls
    try:
        return LoadSpec(
            url=settings.url,
            model=session,
            token=settings.token,
            tls=TlsOptions(ca_file=tls.ca, verify=tls.verify, cert_file=tls.cert, key_file=tls.key),
            **asdict(shape),
        )
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            problems.append(f"{field}: {error['msg']}" if field else str(error["msg"]).removeprefix("Value error, "))
        raise InvalidLoad("; ".join(problems)) from None


class LoadRunListener(Protocol):
    def on_sample(self, sample: ProgressSample) -> None: ...

    def on_finished(self, run: SavedRun) -> None: ...

    def on_failed(self, message: str) -> None: ...


class LoadRun:
    """One run of `spec` against `worker`; `run()` once, `stop()` any time (also before it started)."""

    def __init__(
        self,
        worker: str,
        spec: LoadSpec,
        listener: LoadRunListener,
        store: RunStore,
        *,
        python: str = sys.executable,
    ) -> None:
        self.worker = worker
        self.spec = spec
        self.listener = listener
        self.store = store
        self.python = python
        self.samples: list[ProgressSample] = []
        self.stop_requested = False
        self.pid: int | None = None
        self._process: LoadProcess | None = None
        self._stopping: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.pid is not None and self._process.returncode is None

    def stop(self) -> None:
        """Ask the run to end early; it still reports (finished, with the partial result)."""
        self.stop_requested = True
        if self.running and self._stopping is None:
            self._stopping = asyncio.ensure_future(self._process.stop())

    async def run(self) -> SavedRun | None:
        """Run to the end; the saved run, or None after `on_failed`. Cancelling stops the process."""
        try:
            async with LoadProcess(self.spec, python=self.python, grace_s=STOP_GRACE_S) as process:
                self._process, self.pid = process, process.pid
                if self.stop_requested:
                    self.stop()
                async for sample in process.samples():
                    self.samples.append(sample)
                    self.listener.on_sample(sample)
                result = await process.result()
        except BenchFailed as exc:
            return self._fail(exc.message.removeprefix("mohawk-bench: error: ").strip())
        except OSError as exc:
            return self._fail(f"could not run the load generator: {exc}")
        except ValueError as exc:
            return self._fail(f"the load generator wrote no readable result: {str(exc).splitlines()[0]}")
        return self._finish(result)

    def _fail(self, message: str) -> None:
        self.listener.on_failed(message)
        return None

    def _finish(self, result: LoadResult) -> SavedRun | None:
        try:
            saved = self.store.save(self.worker, result)
        except OSError as exc:
            return self._fail(f"the run finished but could not be saved in {self.store.root}: {exc}")
        self.listener.on_finished(saved)
        return saved

"""Run a load in its own process from asyncio code (the console), never in the caller's process.

    from mohawk_bench.launcher import BenchFailed, LoadProcess, load_result
    from mohawk_bench.spec import LoadSpec

    spec = LoadSpec(url="http://127.0.0.1:8003", model="mlp-tiny", concurrency=32, duration_s=10)
    async with LoadProcess(spec) as run:       # starts `python -m mohawk_bench --spec ... --output ...`
        async for sample in run.samples():     # one ProgressSample per second, as printed
            print(sample.second, sample.throughput)
            if operator_pressed_stop:
                await run.stop()               # SIGTERM by PID; SIGKILL after `grace_s`
        result = await run.result()            # the LoadResult (partial after stop()), or BenchFailed

`BenchFailed` carries the exit code and the CLI's error line (exit code 2: the run was
refused, e.g. an unknown model or an invalid spec). Leaving the `async with` block while the
process still runs stops it the same way. The API token travels in the environment, never
in the spec file; without `output`, the results JSON lives in a temporary folder removed on
exit. `load_result(path)` reads a results JSON written earlier.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path
from types import TracebackType

from mohawk_bench.cli import TOKEN_ENV
from mohawk_bench.results import LoadResult, ProgressSample, load_result, parse_progress
from mohawk_bench.spec import LoadSpec

__all__ = ["BenchFailed", "LoadProcess", "load_result"]

STDERR_LINES = 20
STREAM_LIMIT = 1 << 20


class BenchFailed(RuntimeError):
    """The load process ended without a result: its exit code and the last lines it wrote on stderr."""

    def __init__(self, returncode: int, stderr: str) -> None:
        self.returncode = returncode
        self.stderr = stderr
        lines = [line for line in stderr.splitlines() if line.strip()]
        errors = [line for line in lines if line.startswith("mohawk-bench: error:")]
        self.message = (errors or lines or [f"no output on stderr (exit code {returncode})"])[-1]
        super().__init__(f"mohawk-bench exited with {returncode}: {self.message}")


class LoadProcess:
    """One `python -m mohawk_bench` run of `spec`; use it once, inside `async with`."""

    def __init__(
        self, spec: LoadSpec, output: Path | None = None, *, python: str = sys.executable, grace_s: float = 10.0
    ) -> None:
        self.spec = spec
        self.python = python
        self.grace_s = grace_s
        self._folder = Path(tempfile.mkdtemp(prefix="mohawk-bench-"))
        self.output = output or self._folder / "result.json"
        self._process: asyncio.subprocess.Process | None = None
        self._stderr: deque[str] = deque(maxlen=STDERR_LINES)
        self._stderr_task: asyncio.Task | None = None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def returncode(self) -> int | None:
        """The exit code once the process has ended, else None."""
        return self._process.returncode if self._process else None

    async def start(self) -> None:
        spec_path = self._folder / "spec.json"
        spec_path.write_text(self.spec.model_dump_json())
        env = dict(os.environ)
        env.pop(TOKEN_ENV, None)
        if self.spec.token is not None:
            env[TOKEN_ENV] = self.spec.token_value()
        args = ["-m", "mohawk_bench", "--spec", str(spec_path), "--output", str(self.output), "--quiet"]
        self._process = await asyncio.create_subprocess_exec(
            self.python, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env=env, limit=STREAM_LIMIT,
        )  # fmt: skip
        self._stderr_task = asyncio.create_task(self._read_stderr())

    async def samples(self) -> AsyncIterator[ProgressSample]:
        """The progress samples as the process prints them; ends when its stdout closes."""
        async for line in self._process.stdout:
            sample = parse_progress(line)
            if sample is not None:
                yield sample

    async def stop(self) -> None:
        """SIGTERM: the run ends early and still writes its partial result; SIGKILL after `grace_s`."""
        process = self._process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), self.grace_s)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
            await process.wait()

    async def result(self) -> LoadResult:
        """Wait for the process to end; its LoadResult, or BenchFailed."""
        await self._process.stdout.read()  # unread progress lines must not block the process
        returncode = await self._process.wait()
        await self._stderr_task
        if returncode != 0 or not self.output.exists():
            raise BenchFailed(returncode, "".join(self._stderr))
        return load_result(self.output)

    async def _read_stderr(self) -> None:
        async for line in self._process.stderr:
            self._stderr.append(line.decode("utf-8", "replace"))

    async def __aenter__(self) -> LoadProcess:
        try:
            await self.start()
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        try:
            await asyncio.shield(self.stop())
            if self._stderr_task is not None:
                self._stderr_task.cancel()
        finally:
            shutil.rmtree(self._folder, ignore_errors=True)

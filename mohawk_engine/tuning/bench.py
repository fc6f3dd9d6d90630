"""One measurement: mohawk-bench in its own process, awaited without blocking the event loop.

Cancelling the awaiting task sends SIGTERM to the bench by PID (it stops its load and
exits); a bench whose engine dies (kill -9) gets SIGTERM from the kernel (see bench_child).
An API key travels in the bench's environment, never in its argv (which any local user can read).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import tempfile
from pathlib import Path

from mohawk_bench.cli import TOKEN_ENV
from mohawk_bench.results import LoadResult, load_result
from mohawk_bench.spec import LoadSpec
from mohawk_engine.tuning.bench_child import PARENT_ENV

STOP_GRACE_S = 10.0
START_ALLOWANCE_S = 60.0


class BenchFailed(RuntimeError):
    """The bench could not measure; the message says why."""


async def measure(spec: LoadSpec, token: str | None = None) -> LoadResult:
    """Run `spec` to its end (sending `token` as the Bearer key, when given) and return the bench's result."""
    env = {key: value for key, value in os.environ.items() if key != TOKEN_ENV}
    env[PARENT_ENV] = str(os.getpid())
    if token is not None:
        env[TOKEN_ENV] = token
    with tempfile.TemporaryDirectory(prefix="mohawk-tune-") as folder:
        spec_path, output = Path(folder) / "spec.json", Path(folder) / "result.json"
        spec_path.write_text(spec.model_dump_json())
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "mohawk_engine.tuning.bench_child",
            "--spec", str(spec_path), "--output", str(output), "--quiet",
            env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        limit = (spec.warmup_s + (spec.duration_s or 0.0)) + spec.timeout_s + START_ALLOWANCE_S
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), limit)
        except TimeoutError:
            await _stop(process)
            raise BenchFailed(f"the bench did not finish within {limit:.0f} s") from None
        except asyncio.CancelledError:
            await _stop(process)
            raise
        if process.returncode != 0:
            lines = stderr.decode(errors="replace").strip().splitlines()
            raise BenchFailed(lines[-1] if lines else f"the bench exited with status {process.returncode}")
        try:
            return await asyncio.to_thread(load_result, output)
        except (OSError, ValueError) as exc:
            raise BenchFailed(f"the bench wrote no readable result: {exc}") from exc


async def _stop(process: asyncio.subprocess.Process) -> None:
    """SIGTERM by PID, then SIGKILL if it has not ended within STOP_GRACE_S."""
    if process.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGTERM)
    try:
        await asyncio.wait_for(process.wait(), STOP_GRACE_S)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
        await process.wait()

"""Push one model file to several workers at once (Qt-free asyncio).

The file's SHA-256 is computed once, in a thread, then one task per worker runs
`EngineClient.sync_model` (chunked, resumable, verified by the engine at commit). Every
change of a worker's state goes to the listener as a `SyncProgress`: hashing, uploading
x/y, verifying, done, or failed with the reason. A failed or cancelled worker can be
retried: its client remembers the unfinished upload, so the retry continues where it stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.client.client import SYNC_CHUNK
from mohawk_engine.schemas import ModelInfo

HASH_CHUNK = 1 << 20


class SyncState(str, Enum):
    HASHING = "hashing"
    UPLOADING = "uploading"
    VERIFYING = "verifying"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


FINISHED = frozenset({SyncState.DONE, SyncState.FAILED, SyncState.CANCELLED})


@dataclass(frozen=True)
class SyncProgress:
    worker: str
    state: SyncState
    done: int = 0  # bytes hashed (hashing) or held by the worker (uploading, verifying, done)
    total: int = 0
    reason: str = ""
    model: ModelInfo | None = None

    @property
    def percent(self) -> int:
        return 100 if self.total == 0 and self.state is SyncState.DONE else int(100 * self.done / max(self.total, 1))

    def text(self) -> str:
        """A status line for people."""
        if self.state is SyncState.UPLOADING:
            return f"uploading {self.done / 1024**2:,.1f} / {self.total / 1024**2:,.1f} MiB"
        if self.state is SyncState.FAILED:
            return f"failed: {self.reason}"
        if self.state is SyncState.DONE:
            return "done: checksum verified by the worker"
        return self.state.value


class ModelSync:
    """One sync run: a file, a model name, the workers. Callbacks run on the event loop."""

    def __init__(
        self,
        client_of: Callable[[str], EngineClient],
        listener: Callable[[SyncProgress], None],
        *,
        chunk_bytes: int = SYNC_CHUNK,
        retries: int = 5,
        backoff_s: float = 0.5,
    ) -> None:
        self._client_of = client_of
        self._listener = listener
        self.chunk_bytes = chunk_bytes
        self.retries = retries
        self.backoff_s = backoff_s
        self.states: dict[str, SyncProgress] = {}
        self.path: Path | None = None
        self.name = ""
        self.overwrite = False
        self.sha256: str | None = None
        self._tasks: dict[str, asyncio.Task] = {}
        self._main: asyncio.Task | None = None
        self._stop_hashing = threading.Event()

    @property
    def running(self) -> bool:
        return self._main is not None and not self._main.done() or any(not t.done() for t in self._tasks.values())

    def start(self, path: Path, name: str, workers: Iterable[str], overwrite: bool = False) -> asyncio.Task:
        """Hash the file, then push it to every worker at once; the task ends when all have finished."""
        if self.running:
            raise RuntimeError("a sync is running; cancel it or wait for it to finish")
        self.path, self.name, self.overwrite, self.sha256 = Path(path), name, overwrite, None
        self.states.clear()
        self._tasks.clear()
        self._stop_hashing.clear()
        self._main = asyncio.ensure_future(self._run(list(dict.fromkeys(workers))))
        return self._main

    def retry(self, worker: str) -> asyncio.Task:
        """Push again to a worker that failed or was cancelled (resuming its upload)."""
        state = self.states.get(worker)
        if state is None or state.state not in (SyncState.FAILED, SyncState.CANCELLED) or self.sha256 is None:
            raise ValueError(f"worker '{worker}' has no failed push to retry")
        task = self._tasks[worker] = asyncio.ensure_future(self._push(worker))
        return task

    async def wait(self) -> dict[str, SyncProgress]:
        if self._main is not None:
            await asyncio.gather(self._main, return_exceptions=True)
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        return dict(self.states)

    async def cancel(self) -> None:
        """Stop every unfinished push and drop its partial upload on the worker."""
        self._stop_hashing.set()
        running = [task for task in (self._main, *self._tasks.values()) if task is not None and not task.done()]
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        for worker, progress in list(self.states.items()):
            if progress.state not in FINISHED:
                self._emit(SyncProgress(worker, SyncState.CANCELLED, progress.done, progress.total))
        if self.sha256 is not None:
            await asyncio.gather(*(self._abort(w) for w, p in self.states.items() if p.state is SyncState.CANCELLED))

    async def _run(self, workers: list[str]) -> None:
        assert self.path is not None
        loop = asyncio.get_running_loop()
        try:
            total = self.path.stat().st_size
            for worker in workers:
                self._emit(SyncProgress(worker, SyncState.HASHING, 0, total))

            def report(done: int) -> None:
                loop.call_soon_threadsafe(self._hashed, workers, done, total)

            self.sha256 = await asyncio.to_thread(_sha256, self.path, report, self._stop_hashing)
        except OSError as exc:
            reason = f"cannot read {self.path.name}: {exc.strerror or exc}"
            for worker in workers:
                self._emit(SyncProgress(worker, SyncState.FAILED, reason=reason))
            return
        for worker in workers:
            self._tasks[worker] = asyncio.ensure_future(self._push(worker))
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    def _hashed(self, workers: list[str], done: int, total: int) -> None:
        for worker in workers:
            if self.states.get(worker, SyncProgress(worker, SyncState.HASHING)).state is SyncState.HASHING:
                self._emit(SyncProgress(worker, SyncState.HASHING, done, total))

    async def _push(self, worker: str) -> None:
        assert self.path is not None and self.sha256 is not None
        total = self.path.stat().st_size
        self._emit(SyncProgress(worker, SyncState.UPLOADING, 0, total))

        def progress(received: int, size: int) -> None:
            state = SyncState.VERIFYING if received >= size else SyncState.UPLOADING
            self._emit(SyncProgress(worker, state, received, size))

        try:
            client = self._client_of(worker)
            info = await client.sync_model(
                self.name, self.path, chunk_bytes=self.chunk_bytes, progress=progress, overwrite=self.overwrite,
                retries=self.retries, sha256=self.sha256, backoff_s=self.backoff_s,
            )  # fmt: skip
        except KeyError:
            self._emit(SyncProgress(worker, SyncState.FAILED, 0, total, reason="the worker is no longer connected"))
        except EngineClientError as exc:
            self._emit(SyncProgress(worker, SyncState.FAILED, self.states[worker].done, total, reason=exc.message))
        except OSError as exc:
            reason = f"cannot read the file: {exc.strerror or exc}"
            self._emit(SyncProgress(worker, SyncState.FAILED, 0, total, reason=reason))
        else:
            self._emit(SyncProgress(worker, SyncState.DONE, total, total, model=info))

    async def _abort(self, worker: str) -> None:
        with contextlib.suppress(KeyError, EngineClientError):
            await self._client_of(worker).abort_sync(self.name, self.sha256 or "")

    def _emit(self, progress: SyncProgress) -> None:
        self.states[progress.worker] = progress
        self._listener(progress)


def _sha256(path: Path, report: Callable[[int], None], stop: threading.Event) -> str:
    """Hex digest, reading in chunks; `report(done_bytes)` whenever another percent is done."""
    total = max(path.stat().st_size, 1)
    digest = hashlib.sha256()
    done, last_percent = 0, -1
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            if stop.is_set():
                raise OSError("hashing cancelled")
            digest.update(chunk)
            done += len(chunk)
            if (percent := 100 * done // total) != last_percent:
                last_percent = percent
                report(done)
    return digest.hexdigest()

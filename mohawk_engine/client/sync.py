"""Push one model file through the engine's resumable uploads (/v1/uploads), surviving dropped
connections: after a transport error or timeout the client asks where the upload stands and
sends the rest from there, with bounded retries and exponential backoff, then commits.

`EngineClient.sync_model` is the entry point; this module holds its loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mohawk_engine.client.client import _UPLOAD_FORMATS, EngineClientError, file_sha256
from mohawk_engine.schemas import ModelInfo
from mohawk_engine.schemas.uploads import UploadStatus

if TYPE_CHECKING:
    from mohawk_engine.client.client import EngineClient

RETRYABLE = frozenset({0, 408, 429, 502, 503, 504})  # 0: not reached (connection refused, reset, timeout)
MAX_BACKOFF_S = 10.0


class SyncFailed(EngineClientError):
    """The upload gave up: retries exhausted, or the engine refused it; `status` is the last answer."""


async def sync_file(
    client: EngineClient,
    name: str,
    path: Path,
    *,
    chunk_bytes: int,
    progress: Callable[[int, int], None] | None,
    overwrite: bool,
    retries: int,
    sha256: str | None,
    backoff_s: float,
    remembered: dict[tuple[str, str], str],
) -> ModelInfo:
    """The loop behind `EngineClient.sync_model`. `remembered` maps (name, sha256) to the upload id,
    so a later call for the same file resumes the same upload."""
    total = path.stat().st_size
    digest = (sha256 or await asyncio.to_thread(file_sha256, path)).lower()
    model_format = _UPLOAD_FORMATS.get(path.suffix.lower())
    key = (name, digest)
    failures = 0
    while True:
        phase = "start"
        try:
            status = await _resume_or_start(client, remembered.get(key), name, total, digest, overwrite, model_format)
            remembered[key] = status.id
            offset = status.received
            _report(progress, offset, total)
            phase = "chunk"
            while offset < total:
                length = min(chunk_bytes, total - offset)
                data = await asyncio.to_thread(_read, path, offset, length)
                offset = (await client.upload_chunk(status.id, offset, data, total)).received
                failures = 0
                _report(progress, offset, total)
            phase = "commit"
            info = await client.commit_upload(status.id)
            remembered.pop(key, None)
            return info
        except EngineClientError as exc:
            if not _retryable(exc, phase):
                if phase != "start" and exc.status in (400, 404):
                    remembered.pop(key, None)  # the engine dropped the upload
                raise SyncFailed(exc.status, exc.message) from exc
            if exc.status == 404:
                remembered.pop(key, None)  # expired or aborted: start again
            failures += 1
            if failures > retries:
                raise SyncFailed(exc.status, f"gave up after {retries} retries: {exc.message}") from exc
            await asyncio.sleep(min(backoff_s * 2 ** (failures - 1), MAX_BACKOFF_S))


async def _resume_or_start(
    client: EngineClient,
    upload_id: str | None,
    name: str,
    total: int,
    digest: str,
    overwrite: bool,
    model_format,
) -> UploadStatus:
    """The remembered upload where it stands, or a new one (also when the remembered one is gone)."""
    if upload_id is not None:
        try:
            status = await client.upload_status(upload_id)
        except EngineClientError as exc:
            if exc.status != 404:
                raise
        else:
            if status.size == total and status.sha256 == digest:
                return status
    return await client.start_upload(name, total, digest, model_format=model_format, overwrite=overwrite)


def _retryable(exc: EngineClientError, phase: str) -> bool:
    """Transport failures and busy answers, anywhere; a chunk at the wrong offset (409) or an
    upload that vanished (404) once the upload exists: the loop asks where it stands."""
    if exc.status in RETRYABLE:
        return True
    return phase == "chunk" and exc.status in (404, 409) or phase == "commit" and exc.status == 409


def _report(progress: Callable[[int, int], None] | None, sent: int, total: int) -> None:
    if progress is not None:
        progress(sent, total)


def _read(path: Path, offset: int, length: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read(length)

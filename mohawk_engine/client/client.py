"""An asyncio client (httpx) for the engine's v1 control API and v2 health/metadata."""

from __future__ import annotations

import asyncio
import hashlib
import ssl
import time
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
from pydantic import TypeAdapter

from mohawk_engine.schemas import (
    ModelFormat,
    ModelInfo,
    PlacementPlan,
    ServerInfo,
    SessionInfo,
    SessionSpec,
    SessionState,
)
from mohawk_engine.schemas.security import ApiKeyCreated, ApiKeyInfo, AuditRecord
from mohawk_engine.schemas.tuning import TuningTaskInfo, TuningTaskRequest
from mohawk_engine.schemas.uploads import UploadStatus
from mohawk_engine.schemas.telemetry import (
    DevicesSnapshot,
    HealthReport,
    LogRecord,
    MetricsSnapshot,
    SessionEvent,
    SessionHistory,
)

_MODELS = TypeAdapter(list[ModelInfo])
_SESSIONS = TypeAdapter(list[SessionInfo])
_EVENTS = TypeAdapter(list[SessionEvent])
_HISTORY = TypeAdapter(list[SessionHistory])
_LOGS = TypeAdapter(list[LogRecord])
_TUNING = TypeAdapter(list[TuningTaskInfo])
_KEYS = TypeAdapter(list[ApiKeyInfo])
_AUDIT = TypeAdapter(list[AuditRecord])
_UPLOADS = TypeAdapter(list[UploadStatus])


_UPLOAD_FORMATS = {
    ".onnx": ModelFormat.ONNX,
    ".pt": ModelFormat.TORCHSCRIPT,
    ".pth": ModelFormat.TORCHSCRIPT,
    ".torchscript": ModelFormat.TORCHSCRIPT,
}
UPLOAD_CHUNK = 1 << 20
SYNC_CHUNK = 8 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(UPLOAD_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


async def _file_chunks(
    path: Path, total: int, progress: Callable[[int, int], None] | None
) -> AsyncIterator[bytes]:
    """The file in chunks read off the event loop; progress counts what the transport has taken."""
    sent = 0
    with path.open("rb") as handle:
        while chunk := await asyncio.to_thread(handle.read, UPLOAD_CHUNK):
            yield chunk
            sent += len(chunk)
            if progress is not None:
                progress(sent, total)


class EngineClientError(Exception):
    """The engine answered with an error (status and its message), or could not be reached (status 0)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}" if status else message)
        self.status = status
        self.message = message


class EngineClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 10.0,
        verify: bool | str | ssl.SSLContext = True,
        cert: str | tuple[str, str] | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.base_url = base_url.rstrip("/")
        self._http = httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=timeout, verify=verify, cert=cert)
        self._syncs: dict[tuple[str, str], str] = {}  # (model name, sha256) -> resumable upload id

    async def __aenter__(self) -> "EngineClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(
        self,
        method: str,
        path: str,
        json: Any = None,
        params: dict | None = None,
        timeout: float | None = None,
        **options: Any,
    ) -> Any:
        extra = {} if timeout is None else {"timeout": timeout}
        try:
            response = await self._http.request(method, path, json=json, params=params, **extra, **options)
        except httpx.HTTPError as exc:
            raise EngineClientError(0, f"cannot reach engine at {self.base_url}: {exc}") from exc
        if response.status_code >= 400:
            try:
                message = response.json().get("error", response.text)
            except ValueError:
                message = response.text
            raise EngineClientError(response.status_code, message)
        return response.json() if response.content else None

    async def server_info(self) -> ServerInfo:
        return ServerInfo.model_validate(await self._send("GET", "/v1/server"))

    async def list_models(self) -> list[ModelInfo]:
        return _MODELS.validate_python(await self._send("GET", "/v1/models"))

    async def get_model(self, name: str) -> ModelInfo:
        return ModelInfo.model_validate(await self._send("GET", f"/v1/models/{name}"))

    async def upload_model(
        self,
        name: str,
        path: str | Path,
        *,
        overwrite: bool = False,
        progress: Callable[[int, int], None] | None = None,
        sha256: str | None = None,
        timeout: float = 300.0,
    ) -> ModelInfo:
        """Stream a local ONNX / TorchScript file into the worker's repository as model `name`.

        `progress(sent_bytes, total_bytes)` follows the upload; `sha256` skips hashing the file
        again when the caller has it. The engine checks the digest and the model before keeping it.
        """
        path = Path(path)
        total = path.stat().st_size
        digest = sha256 or await asyncio.to_thread(file_sha256, path)
        headers = {"X-Content-SHA256": digest, "Content-Length": str(total), "Content-Type": "application/octet-stream"}
        model_format = _UPLOAD_FORMATS.get(path.suffix.lower())
        if model_format is not None:
            headers["X-Model-Format"] = model_format.value
        chunks = _file_chunks(path, total, progress)
        params = {"overwrite": "true" if overwrite else "false"}
        response = await self._send(
            "PUT", f"/v1/models/{name}", params=params, timeout=timeout, content=chunks, headers=headers
        )
        return ModelInfo.model_validate(response)

    async def put_model_signature(self, name: str, signature: dict) -> ModelInfo:
        """Write a model's sidecar (inputs, outputs, batchable, description); TorchScript needs one."""
        return ModelInfo.model_validate(await self._send("PUT", f"/v1/models/{name}/signature", signature))

    async def delete_model(self, name: str) -> ModelInfo:
        """Remove a model file (and its sidecar) from the repository; 409 while a session uses it."""
        return ModelInfo.model_validate(await self._send("DELETE", f"/v1/models/{name}"))

    async def sync_model(
        self,
        name: str,
        path: str | Path,
        *,
        chunk_bytes: int = SYNC_CHUNK,
        progress: Callable[[int, int], None] | None = None,
        overwrite: bool = False,
        retries: int = 5,
        sha256: str | None = None,
        backoff_s: float = 0.5,
    ) -> ModelInfo:
        """Upload a model file in chunks through /v1/uploads and commit it, resuming after dropped
        connections (up to `retries` failures in a row, backing off from `backoff_s`). A later call
        for the same name and file continues the same upload. `progress(received, total)` follows
        the bytes the engine holds. Raises `SyncFailed` (an EngineClientError) when it gives up."""
        from mohawk_engine.client.sync import sync_file  # sync.py builds on this module

        return await sync_file(
            self, name, Path(path), chunk_bytes=chunk_bytes, progress=progress, overwrite=overwrite,
            retries=retries, sha256=sha256, backoff_s=backoff_s, remembered=self._syncs,
        )  # fmt: skip

    async def abort_sync(self, name: str, sha256: str) -> None:
        """Drop the upload a `sync_model` of this name and file left unfinished (if any)."""
        upload_id = self._syncs.pop((name, sha256.lower()), None)
        if upload_id is not None:
            try:
                await self.abort_upload(upload_id)
            except EngineClientError as exc:
                if exc.status != 404:
                    raise

    async def start_upload(
        self,
        name: str,
        size: int,
        sha256: str,
        *,
        model_format: ModelFormat | None = None,
        overwrite: bool = False,
    ) -> UploadStatus:
        """Announce a resumable upload; the engine refuses a bad name, size or existing model now."""
        body = {"name": name, "size": size, "sha256": sha256, "overwrite": overwrite}
        if model_format is not None:
            body["format"] = model_format.value
        return UploadStatus.model_validate(await self._send("POST", "/v1/uploads", body))

    async def upload_status(self, upload_id: str) -> UploadStatus:
        return UploadStatus.model_validate(await self._send("GET", f"/v1/uploads/{upload_id}"))

    async def list_uploads(self) -> list[UploadStatus]:
        return _UPLOADS.validate_python(await self._send("GET", "/v1/uploads"))

    async def upload_chunk(
        self, upload_id: str, start: int, data: bytes, total: int, timeout: float = 120.0
    ) -> UploadStatus:
        """Append `data` at byte `start` (which must be what the engine holds; 409 otherwise)."""
        headers = {
            "Content-Range": f"bytes {start}-{start + len(data) - 1}/{total}",
            "Content-Type": "application/octet-stream",
        }
        response = await self._send("PUT", f"/v1/uploads/{upload_id}", timeout=timeout, content=data, headers=headers)
        return UploadStatus.model_validate(response)

    async def commit_upload(self, upload_id: str, timeout: float = 300.0) -> ModelInfo:
        """Verify the SHA-256 and the model, install it; a repeated commit answers the same."""
        return ModelInfo.model_validate(await self._send("POST", f"/v1/uploads/{upload_id}/commit", timeout=timeout))

    async def abort_upload(self, upload_id: str) -> UploadStatus:
        return UploadStatus.model_validate(await self._send("DELETE", f"/v1/uploads/{upload_id}"))

    async def list_sessions(self) -> list[SessionInfo]:
        return _SESSIONS.validate_python(await self._send("GET", "/v1/sessions"))

    async def get_session(self, name: str) -> SessionInfo:
        return SessionInfo.model_validate(await self._send("GET", f"/v1/sessions/{name}"))

    async def plan_session(self, spec: SessionSpec) -> PlacementPlan:
        return PlacementPlan.model_validate(await self._send("POST", "/v1/sessions/plan", spec.model_dump(mode="json")))

    async def create_session(self, spec: SessionSpec) -> SessionInfo:
        return SessionInfo.model_validate(await self._send("POST", "/v1/sessions", spec.model_dump(mode="json")))

    async def reconfigure_session(self, spec: SessionSpec, timeout: float = 300.0) -> SessionInfo:
        """Switch a READY session to `spec` (a new version) with no dropped requests; waits until it serves."""
        response = await self._send("PUT", f"/v1/sessions/{spec.name}", spec.model_dump(mode="json"), timeout=timeout)
        return SessionInfo.model_validate(response)

    async def delete_session(self, name: str) -> SessionInfo:
        return SessionInfo.model_validate(await self._send("DELETE", f"/v1/sessions/{name}"))

    async def wait_for_state(
        self, name: str, states: Iterable[SessionState] = (SessionState.READY, SessionState.FAILED), timeout: float = 60.0
    ) -> SessionInfo:
        """Poll until the session reaches one of `states`; raises TimeoutError with the last state seen."""
        wanted = set(states)
        deadline = time.monotonic() + timeout
        while True:
            info = await self.get_session(name)
            if info.state in wanted:
                return info
            if time.monotonic() > deadline:
                raise TimeoutError(f"session '{name}' still {info.state.value} after {timeout:.0f} s")
            await asyncio.sleep(0.1)

    async def metrics(self) -> MetricsSnapshot:
        return MetricsSnapshot.model_validate(await self._send("GET", "/v1/metrics"))

    async def devices(self) -> DevicesSnapshot:
        return DevicesSnapshot.model_validate(await self._send("GET", "/v1/devices"))

    async def health(self) -> HealthReport:
        return HealthReport.model_validate(await self._send("GET", "/v1/health"))

    async def stats(self) -> dict:
        """Triton-format statistics of every session."""
        return await self._send("GET", "/v1/stats")

    async def session_events(self, name: str, limit: int = 500) -> list[SessionEvent]:
        return _EVENTS.validate_python(await self._send("GET", f"/v1/sessions/{name}/events", params={"limit": limit}))

    async def history(self, limit: int = 100) -> list[SessionHistory]:
        return _HISTORY.validate_python(await self._send("GET", "/v1/history", params={"limit": limit}))

    async def logs(
        self,
        since: float | None = None,
        level: str | None = None,
        source: str | None = None,
        text: str | None = None,
        limit: int = 1000,
    ) -> list[LogRecord]:
        params = {"since": since, "level": level, "source": source, "text": text, "limit": limit}
        params = {k: v for k, v in params.items() if v is not None}
        return _LOGS.validate_python(await self._send("GET", "/v1/logs", params=params))

    async def create_key(self, label: str, scopes: Iterable[str]) -> ApiKeyCreated:
        """A new API key (admin scope needed); its `secret` is in this answer only."""
        body = {"label": label, "scopes": list(scopes)}
        return ApiKeyCreated.model_validate(await self._send("POST", "/v1/keys", body))

    async def keys(self) -> list[ApiKeyInfo]:
        return _KEYS.validate_python(await self._send("GET", "/v1/keys"))

    async def revoke_key(self, prefix: str) -> ApiKeyInfo:
        return ApiKeyInfo.model_validate(await self._send("DELETE", f"/v1/keys/{prefix}"))

    async def audit(self, limit: int = 100, since: float | None = None) -> list[AuditRecord]:
        """Audit records of mutating calls, newest first."""
        params = {"limit": limit} if since is None else {"limit": limit, "since": since}
        return _AUDIT.validate_python(await self._send("GET", "/v1/audit", params=params))

    async def create_tuning_task(self, request: TuningTaskRequest) -> TuningTaskInfo:
        """Queue a tuning task; apply its result later with reconfigure_session(info.best_spec)."""
        return TuningTaskInfo.model_validate(await self._send("POST", "/v1/tuning", request.model_dump(mode="json")))

    async def tuning_tasks(self) -> list[TuningTaskInfo]:
        return _TUNING.validate_python(await self._send("GET", "/v1/tuning"))

    async def tuning_task(self, task_id: int) -> TuningTaskInfo:
        return TuningTaskInfo.model_validate(await self._send("GET", f"/v1/tuning/{task_id}"))

    async def cancel_tuning_task(self, task_id: int, timeout: float = 60.0) -> TuningTaskInfo:
        """Answers once the task's load has stopped and its candidate is gone."""
        return TuningTaskInfo.model_validate(await self._send("POST", f"/v1/tuning/{task_id}/cancel", timeout=timeout))

    async def delete_tuning_task(self, task_id: int) -> TuningTaskInfo:
        return TuningTaskInfo.model_validate(await self._send("DELETE", f"/v1/tuning/{task_id}"))

    async def live(self) -> bool:
        return await self._status("/v2/health/live") == 200

    async def ready(self) -> bool:
        return await self._status("/v2/health/ready") == 200

    async def _status(self, path: str) -> int:
        try:
            return (await self._http.get(path)).status_code
        except httpx.HTTPError:
            return 0

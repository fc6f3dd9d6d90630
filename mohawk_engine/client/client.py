"""An asyncio client (httpx) for the engine's v1 control API and v2 health/metadata."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpx
from pydantic import TypeAdapter

from mohawk_engine.schemas import ModelInfo, PlacementPlan, ServerInfo, SessionInfo, SessionSpec, SessionState
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

    async def __aenter__(self) -> "EngineClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(
        self, method: str, path: str, json: Any = None, params: dict | None = None, timeout: float | None = None
    ) -> Any:
        extra = {} if timeout is None else {"timeout": timeout}
        try:
            response = await self._http.request(method, path, json=json, params=params, **extra)
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

    async def live(self) -> bool:
        return await self._status("/v2/health/live") == 200

    async def ready(self) -> bool:
        return await self._status("/v2/health/ready") == 200

    async def _status(self, path: str) -> int:
        try:
            return (await self._http.get(path)).status_code
        except httpx.HTTPError:
            return 0

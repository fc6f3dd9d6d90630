"""A plain Open Inference Protocol v2 server's models, described as read-only sessions.

The model list comes from POST /v2/repository/index when the server offers it (Triton and MLServer
do), else from the models the operator listed in the worker's settings. Each model's metadata and
config are read once per version; GET /v2/models/{m}/stats (Triton's statistics extension) each round.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from pydantic import ValidationError

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import BatchingConfig, DeviceMap, SessionInfo, SessionSpec, SessionState
from mohawk_engine.schemas.models import TensorSpec
from mohawk_gui.services.failures import ConnectionLost, describe_failure

READ_ONLY_REASON = "not available on a plain v2 server (Triton/MLServer/KServe): needs Mohawk's /v1 API"
_STATES = {"READY": SessionState.READY, "LOADING": SessionState.LOADING, "UNLOADING": SessionState.DRAINING}


class V2SessionInfo(SessionInfo):
    """A model on a plain v2 server: shown like a session, but nothing about it can be changed."""

    read_only: bool = True
    notes: list[str] = []


class ReadOnlyClient(EngineClient):
    """The client views get for a v2 worker: inference (load tests) works; v1 actions are disabled.
    `metrics_note` says why the worker has no live figures (no /metrics), kept current by its V2Monitor."""

    read_only = True
    read_only_reason = READ_ONLY_REASON
    metrics_note: str | None = None


def read_only_reason(client: object) -> str | None:
    """Why actions that need Mohawk's /v1 API are off for this worker's client (a plain v2 server), or None."""
    if not getattr(client, "read_only", False):
        return None
    return str(getattr(client, "read_only_reason", READ_ONLY_REASON))


class V2Http:
    """GETs and POSTs that turn 'the server is gone' (network, TLS, 401/403) into ConnectionLost."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def request(self, method: str, path: str, **options: Any) -> httpx.Response:
        try:
            response = await self.client.request(method, path, **options)
        except httpx.HTTPError as exc:
            raise ConnectionLost(describe_failure(exc)) from exc
        if response.status_code in (401, 403):
            raise ConnectionLost(f"unauthorized ({response.status_code}): the server rejected the API token")
        return response

    async def json(self, path: str) -> Any | None:
        """The JSON body of a GET, or None when the server answers with an error or no JSON."""
        response = await self.request("GET", path)
        return _json_or_none(response) if response.status_code == 200 else None


class V2Catalog:
    def __init__(self, http: V2Http, configured: list[str]) -> None:
        self._http = http
        self._configured = configured
        self._described: dict[tuple[str, str], tuple[dict, dict | None]] = {}
        self._first_seen: dict[str, float] = {}
        self.has_index: bool | None = None
        self.stats: dict[str, dict] = {}

    async def sessions(self) -> list[V2SessionInfo]:
        entries = await self._index()
        return [await self._describe(entry) for entry in entries]

    async def _index(self) -> list[dict]:
        if self.has_index is not False:
            response = await self._http.request("POST", "/v2/repository/index", json={})
            index = _json_or_none(response) if response.status_code == 200 else None
            self.has_index = isinstance(index, list)
            if self.has_index:
                return [entry for entry in index if isinstance(entry, dict) and entry.get("name")]
        return [await self._configured_entry(name) for name in self._configured]

    async def _configured_entry(self, name: str) -> dict:
        response = await self._http.request("GET", f"/v2/models/{name}/ready")
        if response.status_code == 200:
            return {"name": name, "state": "READY"}
        return {"name": name, "state": "UNAVAILABLE", "reason": f"GET /v2/models/{name}/ready answered {response.status_code}"}

    async def _describe(self, entry: dict) -> V2SessionInfo:
        name, state = str(entry["name"]), str(entry.get("state", "READY"))
        metadata, config = await self._metadata_and_config(name, str(entry.get("version") or ""))
        stats = await self._http.json(f"/v2/models/{name}/stats")
        notes = []
        if stats is None:
            self.stats.pop(name, None)
            notes.append("statistics: this server does not offer GET /v2/models/{m}/stats (Triton's extension)")
        else:
            self.stats[name] = stats
        if self.has_index is False:
            notes.append("model list: from the worker's settings (the server has no POST /v2/repository/index)")
        first_seen = self._first_seen.setdefault(name, time.time())
        versions = metadata.get("versions") or [entry.get("version") or "1"]
        return V2SessionInfo(
            spec=SessionSpec.model_construct(name=name, model=name, device_map=DeviceMap(), batching=_batching(config)),
            state=_STATES.get(state, SessionState.FAILED),
            reason=entry.get("reason") or (None if state in _STATES else f"the server reports it {state}"),
            version=_int_or_one(versions[-1]),
            format=metadata.get("platform") or (config or {}).get("backend"),
            inputs=_tensors(metadata.get("inputs")),
            outputs=_tensors(metadata.get("outputs")),
            created_at=first_seen,
            updated_at=first_seen,
            notes=notes,
        )

    async def _metadata_and_config(self, name: str, version: str) -> tuple[dict, dict | None]:
        key = (name, version)
        if key not in self._described:
            metadata = await self._http.json(f"/v2/models/{name}")
            config = await self._http.json(f"/v2/models/{name}/config")
            self._described[key] = (metadata if isinstance(metadata, dict) else {}, config if isinstance(config, dict) else None)
        return self._described[key]


def _json_or_none(response: httpx.Response) -> Any | None:
    try:
        return response.json()
    except ValueError:
        return None


def _batching(config: dict | None) -> BatchingConfig:
    size = (config or {}).get("max_batch_size") or 0
    if not isinstance(size, int) or size < 1:
        return BatchingConfig(enabled=False, max_batch_size=1)
    return BatchingConfig(enabled="dynamic_batching" in (config or {}), max_batch_size=min(size, 65536))


def _tensors(raw: object) -> list[TensorSpec]:
    tensors = []
    for item in raw if isinstance(raw, list) else []:
        try:
            tensors.append(TensorSpec.model_validate(item))
        except ValidationError:
            continue  # a datatype or shape Mohawk's schema does not know: left out of the summary
    return tensors


def _int_or_one(version: object) -> int:
    try:
        return int(str(version))
    except ValueError:
        return 1

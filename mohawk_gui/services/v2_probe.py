"""'Test connection' for either kind of worker, and auto-detection of the kind.

A Mohawk engine answers GET /v1/server with its ServerInfo; a plain v2 server (Triton, MLServer,
KServe) does not, but answers GET /v2 with its server metadata.
"""

from __future__ import annotations

import ssl
import time

import httpx

from mohawk_gui.services.clients import tls_context_for
from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.failures import ConnectionLost, describe_failure
from mohawk_gui.services.probe import ProbeResult, probe_worker
from mohawk_gui.services.v2_models import V2Catalog, V2Http


def _http(settings: WorkerSettings, timeout_s: float) -> httpx.AsyncClient:
    """Raises OSError/SSLError when the TLS files cannot be read."""
    context = tls_context_for(settings)
    headers = {"Authorization": f"Bearer {settings.token}"} if settings.token else {}
    return httpx.AsyncClient(base_url=settings.url, headers=headers, timeout=timeout_s, verify=context or True)


async def detect_kind(settings: WorkerSettings, timeout_s: float = 5.0) -> str | None:
    """"mohawk", "v2", or None when the server answers neither (or cannot be reached)."""
    try:
        client = _http(settings, timeout_s)
    except (OSError, ssl.SSLError):
        return None
    async with client:
        try:
            server = await client.get("/v1/server")
            if server.status_code == 200 and "worker_id" in _json_dict(server):
                return "mohawk"
            metadata = await client.get("/v2")
        except httpx.HTTPError:
            return None
        if metadata.status_code != 200 or not _json_dict(metadata):
            return None
        if server.status_code in (401, 403) and _json_dict(metadata).get("name") == "mohawk":
            return "mohawk"  # a Mohawk engine with auth on, asked without (or with too weak) a key
        return "v2"


async def probe_v2(settings: WorkerSettings, timeout_s: float = 5.0) -> ProbeResult:
    """Reach a plain v2 server once: its metadata, readiness and models, with /v2 paths only."""
    try:
        client = _http(settings, timeout_s)
    except (OSError, ssl.SSLError) as exc:
        return ProbeResult(False, f"TLS: cannot load the certificate files: {exc}")
    async with client:
        http = V2Http(client)
        try:
            started = time.perf_counter()
            live = await http.request("GET", "/v2/health/live")
            rtt_ms = (time.perf_counter() - started) * 1000.0
            if live.status_code != 200:
                return ProbeResult(False, f"not an Open Inference Protocol v2 server: GET /v2/health/live answered {live.status_code}")
            metadata = await http.json("/v2") or {}
            catalog = V2Catalog(http, list(settings.models))
            models = await catalog.sessions()
        except ConnectionLost as exc:
            return ProbeResult(False, str(exc))
        except Exception as exc:  # noqa: BLE001 - every failure is reported in words
            return ProbeResult(False, describe_failure(exc))
    name, version = metadata.get("name") or "v2 server", metadata.get("version") or "unknown version"
    listed = "from its repository index" if catalog.has_index else "from the settings (no repository index)"
    return ProbeResult(
        True,
        f"Connected: {name} {version} (Open Inference Protocol v2, monitor-and-benchmark mode), "
        f"{len(models)} models {listed}, RTT {rtt_ms:.1f} ms",
        version=str(version),
        rtt_ms=rtt_ms,
        sessions=len(models),
    )


async def probe_any(settings: WorkerSettings, timeout_s: float = 5.0) -> ProbeResult:
    return await (probe_v2 if settings.kind == "v2" else probe_worker)(settings, timeout_s)


def _json_dict(response: httpx.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}

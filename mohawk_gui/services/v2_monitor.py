"""Monitor-and-benchmark mode: a worker that is any Open Inference Protocol v2 server (Triton, MLServer,
KServe), followed with the v2 protocol and /metrics only, never Mohawk's /v1 API.

It reports through the same FleetListener callbacks as a Mohawk worker, so the views work unchanged:
/v2/health/live for state and RTT, /v2/health/ready for health, /v2 for the version, the models as
read-only sessions (v2_models), and /metrics scraped into per-session rates (v2_figures).
"""

from __future__ import annotations

import asyncio
import time

import httpx

from mohawk_engine.schemas import ServerInfo
from mohawk_engine.schemas.telemetry import HealthReport
from mohawk_gui.services.connection import WorkerConnection
from mohawk_gui.services.failures import ConnectionLost
from mohawk_gui.services.v2_figures import RateTracker, parse_metrics
from mohawk_gui.services.v2_models import ReadOnlyClient, V2Catalog, V2Http

# Prometheus counters change slowly: more than two scrapes a second only adds noise and load.
MAX_SCRAPE_HZ = 2.0


class V2Monitor(WorkerConnection):
    """A WorkerConnection for kind "v2": same states, backoff and listener; only the v2 protocol."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        headers = {"Authorization": f"Bearer {self.settings.token}"} if self.settings.token else {}
        self.http = V2Http(
            httpx.AsyncClient(
                base_url=self.settings.url, headers=headers, timeout=self.refresh.request_timeout_s, verify=self._tls or True
            )
        )
        self.catalog = V2Catalog(self.http, list(self.settings.models))
        self.metrics_note = None
        self._first_connected = time.time()

    @property
    def metrics_note(self) -> str | None:
        """Why this worker has no live figures (no usable /metrics), or None; views read it from the client."""
        return self.client.metrics_note

    @metrics_note.setter
    def metrics_note(self, note: str | None) -> None:
        self.client.metrics_note = note

    def _make_client(self) -> ReadOnlyClient:
        return ReadOnlyClient(
            self.settings.url, token=self.settings.token, timeout=self.refresh.request_timeout_s, verify=self._tls or True
        )

    async def stop(self) -> None:
        await super().stop()
        await self.http.client.aclose()

    async def _connect_and_follow(self) -> None:
        if self._tls_error:
            raise ConnectionLost(self._tls_error)
        await self.heartbeat()
        await self._announce()
        self._backoff.reset()
        self._sessions = None
        self.catalog = V2Catalog(self.http, list(self.settings.models))
        self._update_state()
        async with asyncio.TaskGroup() as group:
            group.create_task(self._heartbeat_loop())
            group.create_task(self._sessions_loop())
            group.create_task(self._metrics_loop())

    async def heartbeat(self) -> None:
        """/v2/health/live, timed (RTT); /v2/health/ready as the worker's health."""
        started = time.perf_counter()
        live = await self.http.request("GET", "/v2/health/live")
        if live.status_code != 200:
            raise ConnectionLost(f"not live: GET /v2/health/live answered {live.status_code}")
        self.rtt_ms = (time.perf_counter() - started) * 1000.0
        self._listener.on_rtt(self.name, self.rtt_ms)
        ready = await self.http.request("GET", "/v2/health/ready")
        reasons = [] if ready.status_code == 200 else [f"not ready: GET /v2/health/ready answered {ready.status_code}"]
        worker_id = self.info.worker_id if self.info else self.settings.url
        self.report_health(
            HealthReport(timestamp=time.time(), worker_id=worker_id, status="degraded" if reasons else "healthy", reasons=reasons)
        )

    async def _announce(self) -> None:
        """Server metadata (GET /v2) as the worker's ServerInfo; the version is 'unknown' when it is missing."""
        metadata = await self.http.json("/v2") or {}
        name = str(metadata.get("name") or "v2 server")
        info = ServerInfo(
            name=name,
            version=str(metadata.get("version") or "unknown"),
            worker_id=f"{name} at {self.settings.url}",
            model_repository="(not reported by a plain v2 server)",
            state_dir="",
            started_at=self._first_connected,
        )
        if info != self.info:
            self.info = info
            self._listener.on_server_info(self.name, info)

    async def _sessions_loop(self) -> None:
        while True:
            sessions = await self.catalog.sessions()
            if sessions != self._sessions:
                self._sessions = sessions
                self._listener.on_sessions(self.name, sessions)
            await asyncio.sleep(self.refresh.sessions_s)

    async def _metrics_loop(self) -> None:
        """Scrape /metrics; a server without it (or without Prometheus text there) is said so, once."""
        tracker = RateTracker(self.info.worker_id if self.info else self.settings.url)
        period = 1.0 / min(self.refresh.metrics_hz, MAX_SCRAPE_HZ)
        while True:
            response = await self.http.request("GET", "/metrics")
            scraped_at = time.time()
            if response.status_code != 200:
                self.metrics_note = f"no metrics: GET /metrics answered {response.status_code}"
                return
            try:
                models = parse_metrics(response.text)
            except ValueError as exc:
                self.metrics_note = f"no metrics: /metrics is not Prometheus text ({exc})"
                return
            self.metrics_note = None
            snapshot = tracker.update(scraped_at, models)
            if snapshot is not None:
                self._listener.on_metrics(self.name, snapshot)
            await asyncio.sleep(period)

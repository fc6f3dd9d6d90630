"""A connected worker's live telemetry: the /v1/stream WebSocket, or REST polling while the stream is down."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

from mohawk_engine.client import EngineClientError
from mohawk_engine.schemas.telemetry import DevicesSnapshot, HealthReport, MetricsSnapshot, StreamMessage
from mohawk_gui.services.backoff import Backoff
from mohawk_gui.services.failures import ConnectionLost, describe_failure, is_unreachable
from mohawk_gui.services.listener import FleetListener
from mohawk_gui.services.live_stream import follow_stream

if TYPE_CHECKING:
    from mohawk_gui.services.connection import WorkerConnection

# Cap on REST polling: the stream is the way to get 10 Hz and more.
MAX_POLL_HZ = 4.0
EVENTS_LOGS_HZ = 4.0


class TelemetryFeed:
    def __init__(self, connection: WorkerConnection, listener: FleetListener) -> None:
        self._connection = connection
        self._listener = listener
        self._unsupported: set[str] = set()

    def _rates(self) -> dict[str, float]:
        refresh = self._connection.refresh
        return {
            "metrics": refresh.metrics_hz,
            "devices": refresh.devices_hz,
            "health": 1.0 / refresh.heartbeat_s,
            "events": EVENTS_LOGS_HZ,
            "logs": EVENTS_LOGS_HZ,
        }

    async def run(self) -> None:
        """Follow the stream; while it is down (and the worker still answers), poll REST and retry it."""
        connection = self._connection
        backoff = Backoff(1.0, connection.refresh.reconnect_max_s)

        def opened() -> None:
            backoff.reset()
            connection.set_problem("stream", None)

        while True:
            try:
                await follow_stream(
                    connection.settings.url, connection.settings.token, connection.tls_context,
                    self._rates(), self.dispatch, on_open=opened,
                )  # fmt: skip
                problem = "live stream closed"
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the stream failing leaves REST polling in charge
                problem = f"live stream: {describe_failure(exc)}"
            await connection.heartbeat()  # a worker that is gone goes offline, not degraded
            connection.set_problem("stream", f"{problem}; polling instead")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(backoff.next_delay()):  # not wait_for: it can swallow a cancel on 3.11
                    await self._poll()

    def dispatch(self, message: StreamMessage) -> None:
        if message.type not in ("snapshot", "update"):
            return
        worker, data = self._connection.name, message.data
        if message.topic == "metrics":
            self._listener.on_metrics(worker, data)
        elif message.topic == "devices":
            self._listener.on_devices(worker, data)
        elif message.topic == "health":
            self._connection.report_health(data)
        elif message.topic == "events":
            for event in data:
                self._listener.on_event(worker, event)
            self._connection.sessions_changed()
        elif message.topic == "logs":
            for record in data:
                self._listener.on_log(worker, record)

    async def _poll(self) -> None:
        """REST snapshots at the configured rates (capped), for as long as it is awaited."""
        refresh = self._connection.refresh
        periods = {
            "metrics": 1.0 / min(refresh.metrics_hz, MAX_POLL_HZ),
            "devices": 1.0 / min(refresh.devices_hz, MAX_POLL_HZ),
            "health": refresh.heartbeat_s,
        }
        due = dict.fromkeys(periods, 0.0)
        while True:
            now = time.monotonic()
            for kind, period in periods.items():
                if kind not in self._unsupported and now >= due[kind]:
                    due[kind] = now + period
                    await self._fetch(kind)
            await asyncio.sleep(max(0.01, min(due.values()) - time.monotonic()))

    async def _fetch(self, kind: str) -> None:
        client = self._connection.client
        fetch = {"metrics": client.metrics, "devices": client.devices, "health": client.health}[kind]
        try:
            snapshot = await fetch()
        except Exception as exc:
            if is_unreachable(exc):
                raise ConnectionLost(describe_failure(exc)) from exc
            if isinstance(exc, EngineClientError) and exc.status == 404:
                self._unsupported.add(kind)  # an engine without this endpoint
            return
        self._deliver(kind, snapshot)

    def _deliver(self, kind: str, snapshot: MetricsSnapshot | DevicesSnapshot | HealthReport) -> None:
        worker = self._connection.name
        if kind == "metrics":
            self._listener.on_metrics(worker, snapshot)
        elif kind == "devices":
            self._listener.on_devices(worker, snapshot)
        else:
            self._connection.report_health(snapshot)

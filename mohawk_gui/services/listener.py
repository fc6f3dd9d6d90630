"""What the connection manager reports to, and when: the `FleetListener` protocol.

All callbacks run on the event loop that drives the manager. The Qt hub
(`mohawk_gui.adapters.hub.FleetHub`) implements it by emitting signals.
"""

from __future__ import annotations

from typing import Protocol

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import ServerInfo, SessionInfo
from mohawk_engine.schemas.telemetry import DevicesSnapshot, HealthReport, LogRecord, MetricsSnapshot, SessionEvent

CONNECTING = "connecting"
ONLINE = "online"
DEGRADED = "degraded"
OFFLINE = "offline"
WORKER_STATES: tuple[str, ...] = (CONNECTING, ONLINE, DEGRADED, OFFLINE)


class FleetListener(Protocol):
    def on_worker_added(self, worker: str, client: EngineClient) -> None: ...

    def on_worker_removed(self, worker: str) -> None: ...

    def on_state(self, worker: str, state: str, reason: str | None) -> None: ...

    def on_rtt(self, worker: str, rtt_ms: float) -> None: ...

    def on_server_info(self, worker: str, info: ServerInfo) -> None: ...

    def on_sessions(self, worker: str, sessions: list[SessionInfo]) -> None: ...

    def on_metrics(self, worker: str, snapshot: MetricsSnapshot) -> None: ...

    def on_devices(self, worker: str, snapshot: DevicesSnapshot) -> None: ...

    def on_health(self, worker: str, report: HealthReport) -> None: ...

    def on_event(self, worker: str, event: SessionEvent) -> None: ...

    def on_log(self, worker: str, record: LogRecord) -> None: ...

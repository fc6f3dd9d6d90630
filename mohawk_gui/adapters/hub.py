"""The one place views listen to: every worker's state and streams, as Qt signals.

The connection manager (mohawk_gui.services, Qt-free asyncio) reports through the
`FleetListener` callbacks; `FleetHub` implements them by emitting signals, so views never
touch asyncio or the network. Actions (deploy, terminate, ...) go through `client(worker)`,
awaited on the qasync loop.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, pyqtSignal

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import ServerInfo, SessionInfo
from mohawk_engine.schemas.telemetry import DevicesSnapshot, HealthReport, LogRecord, MetricsSnapshot, SessionEvent


class FleetHub(QObject):
    """Signals carry the worker's name first. Payloads are the engine's pydantic wire models."""

    worker_added = pyqtSignal(str)
    worker_removed = pyqtSignal(str)
    # worker, state ("connecting" | "online" | "degraded" | "offline"), reason or ""
    worker_state = pyqtSignal(str, str, str)
    worker_rtt = pyqtSignal(str, float)  # milliseconds
    worker_info = pyqtSignal(str, object)  # ServerInfo: version, worker id, start time
    sessions = pyqtSignal(str, list)  # list[SessionInfo], the worker's full session list
    metrics = pyqtSignal(str, object)  # MetricsSnapshot
    devices = pyqtSignal(str, object)  # DevicesSnapshot
    health = pyqtSignal(str, object)  # HealthReport
    event = pyqtSignal(str, object)  # SessionEvent
    log = pyqtSignal(str, object)  # LogRecord

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clients: dict[str, EngineClient] = {}

    def client(self, worker: str) -> EngineClient:
        """The worker's API client, for actions; KeyError when the worker is unknown."""
        return self._clients[worker]

    def workers(self) -> list[str]:
        return list(self._clients)

    # FleetListener callbacks (called on the qasync loop by the connection manager)
    def on_worker_added(self, worker: str, client: EngineClient) -> None:
        self._clients[worker] = client
        self.worker_added.emit(worker)

    def on_worker_removed(self, worker: str) -> None:
        self._clients.pop(worker, None)
        self.worker_removed.emit(worker)

    def on_state(self, worker: str, state: str, reason: str | None) -> None:
        self.worker_state.emit(worker, state, reason or "")

    def on_rtt(self, worker: str, rtt_ms: float) -> None:
        self.worker_rtt.emit(worker, rtt_ms)

    def on_server_info(self, worker: str, info: ServerInfo) -> None:
        self.worker_info.emit(worker, info)

    def on_sessions(self, worker: str, sessions: list[SessionInfo]) -> None:
        self.sessions.emit(worker, sessions)

    def on_metrics(self, worker: str, snapshot: MetricsSnapshot) -> None:
        self.metrics.emit(worker, snapshot)

    def on_devices(self, worker: str, snapshot: DevicesSnapshot) -> None:
        self.devices.emit(worker, snapshot)

    def on_health(self, worker: str, report: HealthReport) -> None:
        self.health.emit(worker, report)

    def on_event(self, worker: str, event: SessionEvent) -> None:
        self.event.emit(worker, event)

    def on_log(self, worker: str, record: LogRecord) -> None:
        self.log.emit(worker, record)

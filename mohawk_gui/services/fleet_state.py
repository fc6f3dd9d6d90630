"""The latest known state of every worker, as plain data the views and alert rules read."""

from __future__ import annotations

from dataclasses import dataclass, field

from mohawk_engine.schemas import ServerInfo, SessionInfo, SessionState
from mohawk_engine.schemas.telemetry import DevicesSnapshot, HealthReport, MetricsSnapshot, SessionMetrics
from mohawk_gui.services.listener import CONNECTING, DEGRADED, ONLINE


@dataclass
class WorkerStatus:
    name: str
    url: str = ""
    state: str = CONNECTING
    reason: str = ""
    rtt_ms: float | None = None
    info: ServerInfo | None = None
    sessions: list[SessionInfo] = field(default_factory=list)
    metrics: MetricsSnapshot | None = None
    devices: DevicesSnapshot | None = None
    health: HealthReport | None = None

    @property
    def reachable(self) -> bool:
        return self.state in (ONLINE, DEGRADED)

    @property
    def version(self) -> str | None:
        return self.info.version if self.info else None

    @property
    def gpu_count(self) -> int:
        return len(self.devices.gpus) if self.devices else 0

    @property
    def device_count(self) -> int | None:
        """The CPU plus each GPU; None until the worker reported its devices."""
        return 1 + self.gpu_count if self.devices else None

    def session_metrics(self, session: str) -> SessionMetrics | None:
        if self.metrics is None:
            return None
        return next((entry for entry in self.metrics.sessions if entry.session == session), None)

    def ready_sessions(self) -> int:
        return sum(1 for session in self.sessions if session.state == SessionState.READY)


class FleetState:
    """Keyed by worker name, in the order workers were added."""

    def __init__(self) -> None:
        self.workers: dict[str, WorkerStatus] = {}

    def add(self, name: str, url: str = "") -> WorkerStatus:
        status = self.workers.setdefault(name, WorkerStatus(name))
        status.url = url or status.url
        return status

    def remove(self, name: str) -> None:
        self.workers.pop(name, None)

    def get(self, name: str) -> WorkerStatus:
        """The worker's status, created on first mention (events may race the 'added' notice)."""
        return self.workers.get(name) or self.add(name)

    def set_state(self, name: str, state: str, reason: str) -> None:
        status = self.get(name)
        status.state, status.reason = state, reason
        if not status.reachable:
            status.rtt_ms = None
            status.metrics = None
            status.devices = None

    def __iter__(self):
        return iter(list(self.workers.values()))

    def __len__(self) -> int:
        return len(self.workers)

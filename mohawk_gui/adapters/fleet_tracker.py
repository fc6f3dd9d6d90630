"""Keeps the fleet's latest state from the hub's signals and tells views when to repaint (coalesced)."""

from __future__ import annotations

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.services.alerts import Alert, evaluate_alerts
from mohawk_gui.services.config import AlertSettings
from mohawk_gui.services.fleet_state import FleetState


class FleetTracker(QObject):
    """`changed` fires at most every `interval_ms` however fast the workers stream; `alerts_changed` on change."""

    changed = pyqtSignal()
    workers_changed = pyqtSignal()  # a worker was added or removed
    alerts_changed = pyqtSignal(list)  # list[Alert]

    def __init__(self, hub: FleetHub, thresholds: AlertSettings | None = None, interval_ms: int = 250, parent=None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.fleet = FleetState()
        self.thresholds = thresholds or AlertSettings()
        self.alerts: list[Alert] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._flush)
        hub.worker_added.connect(self._added)
        hub.worker_removed.connect(self._removed)
        # Bound methods, not lambdas: Qt drops these connections when the tracker is deleted.
        hub.worker_state.connect(self._state)
        hub.worker_rtt.connect(self._rtt)
        hub.worker_info.connect(self._info)
        hub.sessions.connect(self._sessions)
        hub.metrics.connect(self._metrics)
        hub.devices.connect(self._devices)
        hub.health.connect(self._health)

    def set_thresholds(self, thresholds: AlertSettings) -> None:
        self.thresholds = thresholds
        self._schedule()

    def _added(self, worker: str) -> None:
        try:
            url = self.hub.client(worker).base_url
        except KeyError:
            url = ""
        self.fleet.add(worker, url)
        self.workers_changed.emit()
        self._schedule()

    def _removed(self, worker: str) -> None:
        self.fleet.remove(worker)
        self.workers_changed.emit()
        self._schedule()

    def _state(self, worker: str, state: str, reason: str) -> None:
        if worker in self.fleet.workers:
            self.fleet.set_state(worker, state, reason)
            self._schedule()

    def _rtt(self, worker: str, rtt_ms: float) -> None:
        self._set(worker, "rtt_ms", rtt_ms)

    def _info(self, worker: str, info: object) -> None:
        self._set(worker, "info", info)

    def _sessions(self, worker: str, sessions: list) -> None:
        self._set(worker, "sessions", sessions)

    def _metrics(self, worker: str, snapshot: object) -> None:
        self._set(worker, "metrics", snapshot)

    def _devices(self, worker: str, snapshot: object) -> None:
        self._set(worker, "devices", snapshot)

    def _health(self, worker: str, report: object) -> None:
        self._set(worker, "health", report)

    def _set(self, worker: str, attribute: str, value: object) -> None:
        if worker in self.fleet.workers:
            setattr(self.fleet.workers[worker], attribute, value)
            self._schedule()

    def _schedule(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        alerts = evaluate_alerts(self.fleet, self.thresholds)
        if alerts != self.alerts:
            self.alerts = alerts
            self.alerts_changed.emit(alerts)
        self.changed.emit()

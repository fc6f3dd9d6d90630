"""Keeps the fleet's latest state from the hub's signals and tells views when to repaint (coalesced);
evaluates the alert rules on every change and once a second (so "for N seconds" conditions fire on time)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.services.alert_rules import AlertBook, AlertRecord
from mohawk_gui.services.alerts import CRITICAL, Alert, ErrorRateWindow, evaluate_alerts, for_seconds
from mohawk_gui.services.config import AlertSettings
from mohawk_gui.services.fleet_state import FleetState

EVALUATE_MS = 1000


class FleetTracker(QObject):
    """`changed` fires at most every `interval_ms` however fast the workers stream; `alerts_changed` when
    any alert moved (fired, acknowledged, resolved, new figures), `alert_fired` once per newly active alert."""

    changed = pyqtSignal()
    workers_changed = pyqtSignal()  # a worker was added or removed
    alerts_changed = pyqtSignal(list)  # list[Alert]: the firing ones (active or acknowledged)
    alert_fired = pyqtSignal(object)  # AlertRecord

    def __init__(
        self,
        hub: FleetHub,
        thresholds: AlertSettings | None = None,
        interval_ms: int = 250,
        parent=None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self.hub = hub
        self.fleet = FleetState()
        self.thresholds = thresholds or AlertSettings()
        self.clock = clock
        self.book = AlertBook(lambda rule: for_seconds(rule, self.thresholds))
        self.error_window = ErrorRateWindow()
        self.alerts: list[Alert] = []
        self._evaluator = QTimer(self)
        self._evaluator.setInterval(EVALUATE_MS)
        self._evaluator.timeout.connect(self.evaluate)
        self._evaluator.start()
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
        self.evaluate()
        self.changed.emit()

    def evaluate(self) -> None:
        """Run the rules over the fleet now and move the alerts along their lifecycle."""
        now = self.clock()
        changes = self.book.update(evaluate_alerts(self.fleet, self.thresholds, now, self.error_window), now)
        if changes.updated:
            self._publish()
        for record in changes.fired:
            self.alert_fired.emit(record)

    def acknowledge(self, record_ids: list[int]) -> int:
        """The operator acknowledges these alerts; returns how many were active."""
        now = self.clock()
        acknowledged = sum(self.book.acknowledge(record_id, now) for record_id in record_ids)
        if acknowledged:
            self._publish()
        return acknowledged

    def unacknowledged(self) -> list[AlertRecord]:
        return self.book.unacknowledged()

    def _publish(self) -> None:
        firing = [record.alert for record in self.book.firing()]
        self.alerts = sorted(firing, key=lambda alert: (alert.severity != CRITICAL, alert.worker, alert.subject))
        self.alerts_changed.emit(self.alerts)

"""The status bar: connected workers, engine versions, active alerts, and the latest notice."""

from __future__ import annotations

from PyQt6.QtWidgets import QLabel, QStatusBar, QWidget

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.services.alerts import CRITICAL
from mohawk_gui.services.fleet_stats import fleet_totals
from mohawk_gui.theme import BAD, MUTED, OK, WARN


class FleetStatusBar(QStatusBar):
    def __init__(self, tracker: FleetTracker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.setSizeGripEnabled(False)
        self.notice = QLabel("")
        self.workers = QLabel("")
        self.versions = QLabel("")
        self.alerts = QLabel("")
        self.addWidget(self.notice, 1)
        for label in (self.workers, self.versions, self.alerts):
            self.addPermanentWidget(label)
        tracker.changed.connect(self.refresh)
        tracker.alerts_changed.connect(self._alerts_changed)
        self.refresh()

    def show_notice(self, message: str) -> None:
        self.notice.setText(message)
        self.notice.setToolTip(message)

    def _alerts_changed(self, alerts: list) -> None:
        self.refresh()

    def refresh(self) -> None:
        fleet = self.tracker.fleet
        totals = fleet_totals(fleet)
        names = [worker.name for worker in fleet if worker.reachable]
        color = MUTED if not totals.workers else OK if totals.workers_up == totals.workers else WARN if names else BAD
        self.workers.setText(f"<span style='color:{color}'>●</span> {totals.workers_up}/{totals.workers} workers connected")
        self.workers.setToolTip("\n".join(f"{worker.name}: {worker.state} {worker.reason}".strip() for worker in fleet))
        versions = sorted({worker.version for worker in fleet if worker.version})
        self.versions.setText(f"engine {', '.join(versions)}" if versions else "engine —")
        alerts = self.tracker.alerts
        critical = any(alert.severity == CRITICAL for alert in alerts)
        alert_color = BAD if critical else WARN if alerts else MUTED
        self.alerts.setText(f"<span style='color:{alert_color}'>{len(alerts)} active alert{'s' if len(alerts) != 1 else ''}</span>")
        self.alerts.setToolTip("\n".join(map(str, alerts)) or "No active alerts")

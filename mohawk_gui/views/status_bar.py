"""The status bar: connected workers, engine versions, the alerts badge (click: the alerts panel), and the
latest notice."""

from __future__ import annotations

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.services.alerts import CRITICAL
from mohawk_gui.services.fleet_stats import fleet_totals
from mohawk_gui.theme import tone


class FleetStatusBar(QStatusBar):
    alerts_requested = pyqtSignal()  # the badge was clicked

    def __init__(self, tracker: FleetTracker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.setSizeGripEnabled(False)
        self.notice = QLabel("")
        self.workers = QLabel("")
        self.versions = QLabel("")
        self.alerts = QPushButton("")
        self.alerts.setObjectName("alertBadge")
        self.alerts.setCursor(Qt.CursorShape.PointingHandCursor)
        self.alerts.clicked.connect(self.alerts_requested)
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
        level = "muted" if not totals.workers else "ok" if totals.workers_up == totals.workers else "warn" if names else "bad"
        color = tone(level)
        self.workers.setText(f"<span style='color:{color}'>●</span> {totals.workers_up}/{totals.workers} workers connected")
        self.workers.setToolTip("\n".join(f"{worker.name}: {worker.state} {worker.reason}".strip() for worker in fleet))
        versions = sorted({worker.version for worker in fleet if worker.version})
        self.versions.setText(f"engine {', '.join(versions)}" if versions else "engine —")
        self._refresh_badge()

    def _refresh_badge(self) -> None:
        """The count of active alerts nobody has acknowledged yet; red with a critical one among them."""
        unseen = [record.alert for record in self.tracker.unacknowledged()]
        acknowledged = len(self.tracker.alerts) - len(unseen)
        level = "critical" if any(alert.severity == CRITICAL for alert in unseen) else "warning" if unseen else "none"
        text = f"{len(unseen)} active alert{'s' if len(unseen) != 1 else ''}"
        self.alerts.setText(text + (f" · {acknowledged} acknowledged" if acknowledged else ""))
        if self.alerts.property("level") != level:
            self.alerts.setProperty("level", level)
            self.alerts.style().unpolish(self.alerts)
            self.alerts.style().polish(self.alerts)
        lines = "\n".join(map(str, unseen)) or "No active alerts"
        self.alerts.setToolTip(f"{lines}\n\nClick to open the alerts panel (Ctrl+Shift+A)")

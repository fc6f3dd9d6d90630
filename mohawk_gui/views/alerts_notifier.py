"""Desktop notifications for alerts, through the system tray: one per newly active alert, rate-limited
(`NotificationGate`). Where there is no system tray (e.g. offscreen), it does nothing."""

from __future__ import annotations

import time
from collections.abc import Callable

from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtGui import QIcon
from PyQt6.QtWidgets import QApplication, QStyle, QSystemTrayIcon

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.services.alert_rules import AlertRecord, NotificationGate
from mohawk_gui.services.alerts import CRITICAL
from mohawk_gui.services.config import AlertSettings

FLUSH_MS = 1000


class AlertNotifier(QObject):
    notified = pyqtSignal(str, str)  # (title, text) of each notification shown (or that would be, without a tray)
    activated = pyqtSignal()  # the operator clicked the tray icon or a notification

    def __init__(
        self, tracker: FleetTracker, settings: AlertSettings, parent: QObject | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.clock = clock
        self.enabled = settings.notifications
        self.gate = NotificationGate(settings.notify_interval_s)
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self.tray = QSystemTrayIcon(QIcon(icon), self)
            self.tray.setToolTip("Mohawk Console")
            self.tray.activated.connect(lambda *_: self.activated.emit())
            self.tray.messageClicked.connect(self.activated)
            self.tray.show()
        self._flusher = QTimer(self)
        self._flusher.setInterval(FLUSH_MS)
        self._flusher.timeout.connect(self._flush)
        self._flusher.start()
        tracker.alert_fired.connect(self._fired)

    def apply(self, settings: AlertSettings) -> None:
        self.enabled = settings.notifications
        self.gate.interval_s = settings.notify_interval_s

    def _fired(self, record: AlertRecord) -> None:
        if self.enabled:
            self._show(self.gate.offer(record.alert, self.clock()), record.alert.severity == CRITICAL)

    def _flush(self) -> None:
        if self.enabled:
            self._show(self.gate.flush(self.clock()), critical=False)

    def _show(self, message: tuple[str, str] | None, critical: bool) -> None:
        if message is None:
            return
        title, text = message
        self.notified.emit(title, text)
        if self.tray is not None:
            kind = QSystemTrayIcon.MessageIcon.Critical if critical else QSystemTrayIcon.MessageIcon.Warning
            self.tray.showMessage(title, text, kind, 10_000)

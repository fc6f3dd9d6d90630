"""The main window: sidebar of views, the view in front, the fleet status bar."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.services.config import ConsoleConfig
from mohawk_gui.services.console import Console
from mohawk_gui.views.benchmarks_view import BenchmarksView
from mohawk_gui.views.config_view import ConfigView
from mohawk_gui.views.dashboard_view import DashboardView
from mohawk_gui.views.logs_view import LogsView
from mohawk_gui.views.sessions_view import SessionsView
from mohawk_gui.views.status_bar import FleetStatusBar
from mohawk_gui.views.workers_view import WorkersView

VIEW_NAMES = ("Dashboard", "Workers", "Sessions", "Benchmarks", "Config", "Logs")
SIDEBAR_WIDTH = 190


class MainWindow(QMainWindow):
    close_requested = pyqtSignal()

    def __init__(self, hub: FleetHub, tracker: FleetTracker, console: Console, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mohawk Console")
        self.setMinimumSize(1280, 720)
        self.hub = hub
        self.tracker = tracker
        self.console = console

        self.dashboard = DashboardView(hub, tracker, console.config.refresh.chart_span_s)
        self.workers = WorkersView(tracker, console)
        self.sessions = SessionsView(hub)
        self.benchmarks = BenchmarksView()
        self.config = ConfigView(console)
        self.logs = LogsView(hub)
        self.views: dict[str, QWidget] = dict(
            zip(VIEW_NAMES, (self.dashboard, self.workers, self.sessions, self.benchmarks, self.config, self.logs), strict=True)
        )

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.stack = QStackedWidget()
        for position, (name, view) in enumerate(self.views.items(), start=1):
            self.sidebar.addItem(name)
            self.sidebar.item(position - 1).setToolTip(f"{name} (Ctrl+{position})")
            self.stack.addWidget(view)
            QShortcut(QKeySequence(f"Ctrl+{position}"), self, activated=lambda n=name: self.show_view(n))
        self.sidebar.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sidebar.setCurrentRow(0)

        brand = QLabel("Mohawk")
        brand.setObjectName("brand")
        side = QWidget()
        side.setFixedWidth(SIDEBAR_WIDTH)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        side_layout.addWidget(brand)
        side_layout.addWidget(self.sidebar, 1)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(side)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.status = FleetStatusBar(tracker)
        self.setStatusBar(self.status)
        console.notice = self.status.show_notice
        if console.config_problems:
            self.status.show_notice(f"{console.store.path} is invalid; running on defaults (see Config)")
        console.config_changed.append(self._config_applied)
        tracker.set_thresholds(console.config.alerts)
        self.dashboard.session_activated.connect(self.open_session)

    def _config_applied(self, config: ConsoleConfig) -> None:
        self.tracker.set_thresholds(config.alerts)
        self.config.config_applied()

    def show_view(self, name: str) -> QWidget:
        self.sidebar.setCurrentRow(VIEW_NAMES.index(name))
        return self.views[name]

    def current_view_name(self) -> str:
        return VIEW_NAMES[self.stack.currentIndex()]

    def open_session(self, worker: str, session: str) -> None:
        self.show_view("Sessions")
        self.sessions.open_session(worker, session)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.close_requested.emit()
        event.accept()

"""The main window: sidebar of views, the view in front, the fleet status bar."""

from __future__ import annotations

import asyncio

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtGui import QCloseEvent
from PyQt6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.services.config import ConsoleConfig, WorkerSettings
from mohawk_gui.services.console import Console
from mohawk_gui.services.run_store import RunStore
from mohawk_gui.theme import apply_theme, current_theme
from mohawk_gui.views.alerts_notifier import AlertNotifier
from mohawk_gui.views.alerts_panel import AlertsPanel
from mohawk_gui.views.benchmarks_view import BenchmarksView
from mohawk_gui.views.config_view import ConfigView
from mohawk_gui.views.dashboard_view import DashboardView
from mohawk_gui.views.logs_view import LogsView
from mohawk_gui.views.sessions_view import SessionsView
from mohawk_gui.views.help_dialog import HelpDialog
from mohawk_gui.views.shortcuts import bind_shortcuts, shortcut_table
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
        self.benchmarks = BenchmarksView(hub, self._worker_settings, RunStore())
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
        self.alerts_panel: AlertsPanel | None = None
        self.help_dialog: HelpDialog | None = None
        self.notifier = AlertNotifier(tracker, console.config.alerts, self)
        self.notifier.activated.connect(self.open_alerts)
        self.status.alerts_requested.connect(self.open_alerts)
        self.shortcut_table = shortcut_table(VIEW_NAMES)
        handlers = {f"view:{name}": (lambda n=name: self.show_view(n)) for name in VIEW_NAMES}
        handlers.update(
            new_session=self.new_session, refresh=self.refresh, search_logs=self.search_logs,
            alerts=self.open_alerts, help=self.open_help,
        )  # fmt: skip
        self.shortcuts = bind_shortcuts(self, self.shortcut_table, handlers)
        self.close_requested.connect(self.benchmarks.stop_run)

    def _worker_settings(self, name: str) -> WorkerSettings | None:
        manager = self.console.manager
        return manager.connection(name).settings if name in manager.names() else None

    def _config_applied(self, config: ConsoleConfig) -> None:
        self.tracker.set_thresholds(config.alerts)
        self.notifier.apply(config.alerts)
        if config.appearance.theme != current_theme().name:
            apply_theme(QApplication.instance(), config.appearance.theme)
        self.config.config_applied()

    def show_view(self, name: str) -> QWidget:
        self.sidebar.setCurrentRow(VIEW_NAMES.index(name))
        return self.views[name]

    def current_view_name(self) -> str:
        return VIEW_NAMES[self.stack.currentIndex()]

    def open_alerts(self) -> AlertsPanel:
        if self.alerts_panel is None:
            self.alerts_panel = AlertsPanel(self.tracker, self)
        self.alerts_panel.show()
        return self.alerts_panel

    def open_help(self) -> HelpDialog:
        if self.help_dialog is None:
            self.help_dialog = HelpDialog(self.shortcut_table, self)
        self.help_dialog.show()
        return self.help_dialog

    def new_session(self) -> None:
        """The session wizard on the worker selected in Workers, else the first one."""
        workers = self.hub.workers()
        if not workers:
            self.status.show_notice("No worker connected: add one in Workers first")
            return
        selected = self.workers.selected_worker()
        self.show_view("Sessions")
        self.sessions.open_wizard(selected if selected in workers else workers[0])

    def refresh(self) -> list[asyncio.Future]:
        """Reconnect every worker (their data is re-read on connect) and re-run the alert rules."""
        names = self.console.manager.names()
        self.status.show_notice(f"Refreshing {len(names)} worker{'s' if len(names) != 1 else ''} …")
        self.tracker.evaluate()
        return [asyncio.ensure_future(self.console.reconnect(name)) for name in names]

    def search_logs(self) -> None:
        self.show_view("Logs")
        self.logs.text_filter.setFocus()
        self.logs.text_filter.selectAll()

    def open_session(self, worker: str, session: str) -> None:
        self.show_view("Sessions")
        self.sessions.open_session(worker, session)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.close_requested.emit()
        event.accept()

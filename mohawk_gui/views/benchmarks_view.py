"""Benchmarks: load tests launched from the console (tabs leave room for more, e.g. engine tuning)."""

from __future__ import annotations

from PyQt6.QtWidgets import QTabWidget, QWidget

from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.services.run_store import RunStore
from mohawk_gui.views.benchmarks.load_tests import LoadTestsPanel, SettingsLookup
from mohawk_gui.views.page import page_layout
from mohawk_gui.views.tuning import TuningPanel


class BenchmarksView(QWidget):
    """`settings_for(worker)` gives a worker's URL, token and TLS (None: not connected) for the load generator."""

    def __init__(self, hub: FleetHub, settings_for: SettingsLookup, store: RunStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout, _ = page_layout(self, "Benchmarks", "Load-test your sessions, watch client and server figures, compare runs.")
        self.tabs = QTabWidget()
        self.tabs.setTabBarAutoHide(True)  # one tab for now; the bar appears when a second one is added
        self.load_tests = LoadTestsPanel(hub, settings_for, store)
        self.tabs.addTab(self.load_tests, "Load tests")
        self.tuning = TuningPanel(hub)
        self.tabs.addTab(self.tuning, "Tuning")
        layout.addWidget(self.tabs, 1)

    def stop_run(self) -> None:
        """The console is closing: ask a running load test to end (its partial result is still saved) and stop
        the Tuning panel's polling (its tasks keep running on their worker)."""
        self.load_tests.stop()
        self.tuning.stop()

"""Dashboard: fleet health tiles, live throughput and latency, per-GPU strip, sessions summary."""

from __future__ import annotations

import time

from PyQt6.QtCore import QModelIndex, QTimer, pyqtSignal
from PyQt6.QtWidgets import QAbstractItemView, QGridLayout, QHBoxLayout, QTableView, QWidget

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.models.sessions_table import KEY_ROLE, SessionsTableModel
from mohawk_gui.views.session_columns import fit_session_columns
from mohawk_gui.services.fleet_stats import fleet_latency, fleet_totals
from mohawk_gui.views.dashboard_tiles import alerts_figure, devices_figure, sessions_figure, workers_figure
from mohawk_gui.views.page import page_layout, section_label
from mohawk_gui.widgets.charts import LiveChart
from mohawk_gui.widgets.health_tile import HealthTile
from mohawk_gui.widgets.utilization_strip import UtilizationStrip

CHART_SAMPLE_MS = 500


class DashboardView(QWidget):
    session_activated = pyqtSignal(str, str)  # worker, session

    def __init__(self, hub: FleetHub, tracker: FleetTracker, chart_span_s: int = 600, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.tracker = tracker
        layout, _ = page_layout(self, "Dashboard", "The fleet at a glance: health, live traffic, devices and sessions.")

        tiles = QHBoxLayout()
        tiles.setSpacing(10)
        self.workers_tile = HealthTile("Workers")
        self.devices_tile = HealthTile("Devices")
        self.sessions_tile = HealthTile("Sessions")
        self.alerts_tile = HealthTile("Alerts")
        for tile in (self.workers_tile, self.devices_tile, self.sessions_tile, self.alerts_tile):
            tiles.addWidget(tile, 1)
        layout.addLayout(tiles)

        capacity = max(60, chart_span_s * 1000 // CHART_SAMPLE_MS)
        self.throughput_chart = LiveChart("Fleet throughput", "per s", ["requests", "items"], capacity=capacity)
        self.latency_chart = LiveChart("Fleet latency (10 s window)", "ms", ["p50", "p95", "p99"], capacity=capacity)
        self.latency_chart.setToolTip("Percentiles of each session, weighted by its requests in the window")
        charts = QGridLayout()
        charts.setSpacing(10)
        charts.addWidget(self.throughput_chart, 0, 0)
        charts.addWidget(self.latency_chart, 0, 1)
        for chart in (self.throughput_chart, self.latency_chart):
            chart.setMinimumHeight(190)
        layout.addLayout(charts, 3)

        layout.addWidget(section_label("Device utilization"))
        self.strip = UtilizationStrip()
        layout.addWidget(self.strip)

        layout.addWidget(section_label("Sessions"))
        self.sessions_model = SessionsTableModel(hub, self)
        self.sessions_table = QTableView()
        self.sessions_table.setModel(self.sessions_model)
        self.sessions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sessions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sessions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.sessions_table.setAlternatingRowColors(True)
        self.sessions_table.verticalHeader().hide()
        fit_session_columns(self.sessions_table, self.sessions_model)
        self.sessions_table.setMinimumHeight(120)
        self.sessions_table.setToolTip("Click a session to open it in Sessions")
        self.sessions_table.clicked.connect(self._open_session)
        layout.addWidget(self.sessions_table, 2)

        tracker.changed.connect(self.refresh)
        tracker.alerts_changed.connect(self._alerts_changed)
        self._sampler = QTimer(self)
        self._sampler.setInterval(CHART_SAMPLE_MS)
        self._sampler.timeout.connect(self.sample_charts)
        self._sampler.start()
        self.refresh()

    def _alerts_changed(self, alerts: list) -> None:
        self.refresh()

    def refresh(self) -> None:
        fleet = self.tracker.fleet
        for tile, figure in (
            (self.workers_tile, workers_figure(fleet)),
            (self.devices_tile, devices_figure(fleet)),
            (self.sessions_tile, sessions_figure(fleet)),
            (self.alerts_tile, alerts_figure(self.tracker.alerts)),
        ):
            tile.show_figure(figure.value, figure.detail, figure.level)
        self.strip.update_from(fleet)

    def sample_charts(self) -> None:
        """Append the fleet's current figures to the charts (a fixed rate, however many workers stream)."""
        fleet = self.tracker.fleet
        if not any(worker.metrics for worker in fleet):
            return
        now = time.time()
        totals = fleet_totals(fleet)
        self.throughput_chart.append(now, {"requests": totals.requests_per_s, "items": totals.items_per_s})
        latency = fleet_latency(fleet)
        if latency is not None:
            self.latency_chart.append(now, {"p50": latency.p50_ms, "p95": latency.p95_ms, "p99": latency.p99_ms})

    def _open_session(self, index: QModelIndex) -> None:
        key = self.sessions_model.data(index, KEY_ROLE)
        if key is not None:
            self.session_activated.emit(*key)

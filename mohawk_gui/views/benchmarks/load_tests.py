"""The "Load tests" tab: the form and Start/Stop, live client and server charts, saved runs, comparison."""

from __future__ import annotations

import time
from collections.abc import Callable

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget

from mohawk_bench.results import ProgressSample
from mohawk_engine.schemas.telemetry import MetricsSnapshot
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.adapters.load_runs import LoadRunner
from mohawk_gui.models.runs_table import shape_text
from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.load_runs import InvalidLoad, build_spec
from mohawk_gui.services.run_store import RunStore, SavedRun
from mohawk_gui.theme import set_role
from mohawk_gui.views.benchmarks.comparison import ComparisonPanel
from mohawk_gui.views.benchmarks.figures import run_label, value_text
from mohawk_gui.views.benchmarks.load_form import LoadForm
from mohawk_gui.views.benchmarks.run_charts import ClientCharts, ServerCharts
from mohawk_gui.views.benchmarks.runs_panel import RunsPanel
from mohawk_gui.views.page import section_label

SERVER_INTERVAL_S = 0.5
LIVE_CAPTION = "Live: the load generator's figures (top) and the session's, from the worker's stream (bottom)"
FORM_WIDTH = 290

SettingsLookup = Callable[[str], WorkerSettings | None]


class LoadTestsPanel(QWidget):
    def __init__(self, hub: FleetHub, settings_for: SettingsLookup, store: RunStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings_for = settings_for
        self.runner = LoadRunner(store, self)
        self.form = LoadForm(hub)
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Start the load test in a separate load-generator process")
        set_role(self.start_button, "primary")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop the run early; the figures so far are kept")
        set_role(self.stop_button, "danger")
        self.status_label = QLabel("Idle")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.client_charts = ClientCharts()
        self.server_charts = ServerCharts()
        self.charts_caption = QLabel(LIVE_CAPTION)
        set_role(self.charts_caption, "muted")
        self.runs = RunsPanel(store)
        self.comparison = ComparisonPanel()
        self.lower = QTabWidget()
        self._build()
        self.target: tuple[str, str] = (self.form.worker(), self.form.session())
        self._last_server_sample = 0.0
        self.start_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.runner.sample.connect(self._sample)
        self.runner.finished.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self.runner.running_changed.connect(self._running_changed)
        self.runs.compare_requested.connect(self.show_comparison)
        self.runs.selection_changed.connect(self._runs_selected)
        self.runs.message.connect(self.show_status)
        self.form.target_changed.connect(self._target_changed)
        hub.metrics.connect(self._metrics)
        self._running_changed(False)

    def _build(self) -> None:
        form_card = QFrame()
        set_role(form_card, "card")
        form_card.setFixedWidth(FORM_WIDTH)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start_button, 1)
        buttons.addWidget(self.stop_button, 1)
        card = QVBoxLayout(form_card)
        card.setContentsMargins(12, 10, 12, 10)
        card.addWidget(section_label("Load"))
        card.addWidget(self.form)
        card.addLayout(buttons)
        card.addWidget(self.status_label)
        card.addStretch(1)
        live = QWidget()
        charts = QVBoxLayout(live)
        charts.setContentsMargins(0, 0, 0, 0)
        charts.addWidget(self.charts_caption)
        charts.addWidget(self.client_charts, 1)
        charts.addWidget(self.server_charts, 1)
        top = QWidget()
        row = QHBoxLayout(top)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(form_card)
        row.addWidget(live, 1)
        self.lower.addTab(self.runs, "Saved runs")
        self.lower.addTab(self.comparison, "Comparison")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.lower)
        split.setSizes([460, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(split)

    def show_comparison(self, a: SavedRun, b: SavedRun) -> None:
        self.comparison.compare(a, b)
        self.lower.setCurrentWidget(self.comparison)

    @property
    def running(self) -> bool:
        return self.runner.running

    def start(self) -> None:
        """Start a run from the form; a problem (no worker, invalid shape) is shown in the status line."""
        if self.runner.running:
            return
        worker, session = self.form.worker(), self.form.session()
        if not worker or not session:
            self.show_status("Pick a worker and a session first.", True)
            return
        settings = self.settings_for(worker)
        if settings is None:
            self.show_status(f"Worker {worker!r} is not connected; pick another.", True)
            return
        try:
            spec = build_spec(settings, session, self.form.shape())
        except InvalidLoad as exc:
            self.show_status(f"Invalid load: {exc}", True)
            return
        self.client_charts.clear()
        self.server_charts.clear()
        self.charts_caption.setText(LIVE_CAPTION)
        self.runner.start(worker, spec)
        self.show_status(f"Starting {shape_text(spec)} on {worker}/{session} …")

    def stop(self) -> None:
        if self.runner.running:
            self.runner.stop()
            self.show_status("Stopping; the partial result will be saved …")

    def show_status(self, text: str, error: bool = False) -> None:
        self.status_label.setText(text)
        set_role(self.status_label, "error" if error else "muted")

    def _running_changed(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        self.form.setEnabled(not running)

    def _sample(self, sample: ProgressSample) -> None:
        self.client_charts.add(sample)
        phase = "warm-up" if sample.warmup else f"{sample.elapsed_s:.0f} s"
        p99 = value_text(sample.p99_ms)
        self.show_status(f"Running ({phase}): {sample.throughput:,.1f} req/s, p99 {p99} ms, {sample.errors} errors")

    def _finished(self, run: SavedRun) -> None:
        self.runs.add(run)
        result = run.result
        how = "Stopped early" if result.stopped else "Finished"
        self.show_status(
            f"{how}: {result.totals.requests:,} requests, {result.totals.throughput:,.1f} req/s, "
            f"p99 {value_text(result.latency.p99_ms)} ms, {result.totals.errors:,} errors. Saved."
        )

    def _failed(self, message: str) -> None:
        self.show_status(f"Run failed: {message}", True)

    def _runs_selected(self, runs: list[SavedRun]) -> None:
        """One saved run selected (and nothing running): its series in the client charts."""
        if len(runs) == 1 and not self.runner.running:
            self.client_charts.show_series(runs[0].result.series)
            self.charts_caption.setText(f"Saved run {run_label(runs[0])}: client figures (top)")

    def _target_changed(self, worker: str, session: str) -> None:
        if (worker, session) != self.target:
            self.target = (worker, session)
            self.server_charts.clear()

    def _metrics(self, worker: str, snapshot: MetricsSnapshot) -> None:
        """The form's session, from its worker's stream, at most every SERVER_INTERVAL_S."""
        if worker != self.target[0]:
            return
        now = time.time()
        if now - self._last_server_sample < SERVER_INTERVAL_S:
            return
        for metrics in snapshot.sessions:
            if metrics.session == self.target[1]:
                self._last_server_sample = now
                self.server_charts.add(now, metrics)
                return

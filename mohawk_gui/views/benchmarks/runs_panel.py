"""The saved runs: a table, and what to do with the selected ones (compare, export, delete)."""

from __future__ import annotations

import logging
from pathlib import Path

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from mohawk_gui.models.runs_table import RunsTableModel
from mohawk_gui.services.run_store import RunStore, SavedRun
from mohawk_gui.theme import set_role
from mohawk_gui.views.benchmarks.export import write_html_report, write_series_csv
from mohawk_gui.views.benchmarks.report_charts import ReportCharts
from mohawk_gui.views.record_table_view import record_table_view

log = logging.getLogger(__name__)


class RunsPanel(QWidget):
    compare_requested = pyqtSignal(object, object)  # SavedRun A (older), SavedRun B (newer)
    selection_changed = pyqtSignal(list)  # list[SavedRun]
    message = pyqtSignal(str, bool)  # text, is an error

    def __init__(self, store: RunStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = RunsTableModel(self)
        self.table = record_table_view(self.model)
        self.empty_label = QLabel("No saved runs yet: start one above; finished runs are saved here.")
        set_role(self.empty_label, "muted")
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Select two runs to compare them side by side")
        self.csv_button = QPushButton("CSV…")
        self.csv_button.setToolTip("The selected run's per-second series as CSV")
        self.png_button = QPushButton("PNG…")
        self.png_button.setToolTip("The selected run's charts (two runs: overlaid) as a PNG image")
        self.html_button = QPushButton("HTML report…")
        self.html_button.setToolTip("One self-contained page: spec, figures, charts (two runs: compared)")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected saved runs")
        set_role(self.delete_button, "danger")
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty_label, 1)
        buttons.addStretch(1)  # the buttons keep their size when the label is hidden
        for button in (self.compare_button, self.csv_button, self.png_button, self.html_button, self.delete_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.compare_button.clicked.connect(self.compare)
        self.csv_button.clicked.connect(lambda: self._ask("Export CSV", "CSV (*.csv)", ".csv", self.export_csv))
        self.png_button.clicked.connect(lambda: self._ask("Export PNG", "PNG image (*.png)", ".png", self.export_png))
        self.html_button.clicked.connect(lambda: self._ask("HTML report", "HTML (*.html)", ".html", self.export_html))
        self.delete_button.clicked.connect(self.delete_selected)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.reload()

    def reload(self) -> None:
        self.model.set_runs(self.store.list())
        self._fit_columns()
        self._selection_changed()

    def add(self, run: SavedRun) -> None:
        self.model.add(run)
        self._fit_columns()
        self._selection_changed()

    def _fit_columns(self) -> None:
        """Refit the columns: the header does not do it for inserted rows (times and shapes showed elided)."""
        self.table.horizontalHeader().resizeSections(QHeaderView.ResizeMode.ResizeToContents)

    def selected(self) -> list[SavedRun]:
        """The selected runs, oldest first (so that in a comparison B is the newer run)."""
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()}, reverse=True)
        return [self.model.run(row) for row in rows]

    def select_rows(self, *rows: int) -> None:
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for row in rows:
            self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def compare(self) -> None:
        runs = self.selected()
        if len(runs) == 2:
            self.compare_requested.emit(*runs)

    def export_csv(self, path: str | Path) -> None:
        write_series_csv(self.selected()[0], path)
        self.message.emit(f"Saved the run's series to {path}", False)

    def export_png(self, path: str | Path) -> None:
        charts = ReportCharts(self.selected()[:2])
        try:
            Path(path).write_bytes(charts.whole_png())
        finally:
            charts.close()
            charts.deleteLater()
        self.message.emit(f"Saved the charts to {path}", False)

    def export_html(self, path: str | Path) -> None:
        runs = self.selected()[:2]
        charts = ReportCharts(runs)
        try:
            write_html_report(runs, charts.chart_pngs(), path)
        finally:
            charts.close()
            charts.deleteLater()
        self.message.emit(f"Saved the report to {path}", False)

    def delete_selected(self) -> None:
        for run in self.selected():
            try:
                self.store.delete(run.id)
            except (KeyError, OSError) as exc:
                self.message.emit(f"Could not delete run {run.id}: {exc}", True)
                continue
            self.model.remove(run.id)
        self._selection_changed()

    def _ask(self, caption: str, filter_text: str, suffix: str, export) -> None:
        runs = self.selected()
        if not runs:
            return
        stem = f"mohawk-{runs[0].session}-{runs[0].id}" + ("-compared" if len(runs) > 1 else "")
        path, _ = QFileDialog.getSaveFileName(self, caption, stem + suffix, filter_text)
        if not path:
            return
        try:
            export(path)
        except OSError as exc:
            self.message.emit(f"{caption} failed: {exc}", True)

    def _selection_changed(self) -> None:
        runs = self.selected()
        self.compare_button.setEnabled(len(runs) == 2)
        self.csv_button.setEnabled(len(runs) == 1)
        self.png_button.setEnabled(len(runs) in (1, 2))
        self.html_button.setEnabled(len(runs) in (1, 2))
        self.delete_button.setEnabled(bool(runs))
        self.empty_label.setVisible(self.model.rowCount() == 0)
        self.selection_changed.emit(runs)

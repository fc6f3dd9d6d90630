"""Two saved runs side by side: their key figures with the ratio, their series overlaid."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from mohawk_gui.services.run_store import SavedRun
from mohawk_gui.theme import set_role, tone
from mohawk_gui.views.benchmarks.figures import comparison_rows, ratio_text, run_label, value_text
from mohawk_gui.views.benchmarks.overlay_chart import OverlayChart

HEADERS = ("Figure", "A", "B", "B / A")
SAME = 0.02  # ratios within 2 % of 1 are not colored
OVERLAYS = (("Throughput, A vs B", "req/s", "throughput"), ("Latency p99, A vs B", "ms", "p99_ms"))  # title, units, field


def series_lines(runs: list[SavedRun], field: str) -> dict[str, tuple[list[float], list[float]]]:
    """Each run's measured seconds (warm-up left out) of one ProgressSample field, keyed 'A', 'B', ..."""
    lines = {}
    for index, run in enumerate(runs):
        samples = [s for s in run.result.series if not s.warmup]
        lines[chr(ord("A") + index)] = ([s.elapsed_s for s in samples], [getattr(s, field) for s in samples])
    return lines


class ToneItem(QTableWidgetItem):
    """A cell whose text takes a theme tone ("ok", "bad"), read from the current theme when it paints."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.tone: str | None = None

    def data(self, role: int):
        if role == Qt.ItemDataRole.ForegroundRole and self.tone:
            return QColor(tone(self.tone))
        return super().data(role)


class ComparisonPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runs: list[SavedRun] = []
        self.caption = QLabel("Select two runs and press Compare.")
        set_role(self.caption, "muted")
        self.caption.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Figures fit their contents; the label takes the rest and elides (its tooltip has it whole), so the
        # table does not scroll sideways beside the two charts at 1440 wide.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setMinimumWidth(300)
        self.throughput, self.latency = (OverlayChart(title, units) for title, units, _ in OVERLAYS)
        figures = QVBoxLayout()
        figures.addWidget(self.caption)
        figures.addWidget(self.table, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(8)
        layout.addLayout(figures, 2)
        layout.addWidget(self.throughput, 3)
        layout.addWidget(self.latency, 3)

    def charts(self) -> list[OverlayChart]:
        return [self.throughput, self.latency]

    def compare(self, a: SavedRun, b: SavedRun) -> None:
        self.runs = [a, b]
        self.caption.setText(f"A: {run_label(a)}<br>B: {run_label(b)}")
        rows = comparison_rows(a, b)
        self.table.setRowCount(len(rows))
        for row, (label, first, second, ratio, higher_better) in enumerate(rows):
            cells = (label, value_text(first), value_text(second), ratio_text(ratio))
            for column, text in enumerate(cells):
                item = ToneItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                else:
                    item.setToolTip(text)
                if column == 3 and ratio is not None and abs(ratio - 1) > SAME:
                    item.tone = "ok" if (ratio > 1) == higher_better else "bad"
                self.table.setItem(row, column, item)
        for chart, (_, _, field) in zip(self.charts(), OVERLAYS, strict=True):
            chart.set_lines(series_lines(self.runs, field))

    def cell(self, row: int, column: int) -> str:
        return self.table.item(row, column).text()

"""Charts of saved runs drawn off screen, for PNG export and the HTML report."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QHBoxLayout, QWidget

from mohawk_gui.services.run_store import SavedRun
from mohawk_gui.views.benchmarks.comparison import OVERLAYS, series_lines
from mohawk_gui.views.benchmarks.export import png_bytes
from mohawk_gui.views.benchmarks.overlay_chart import OverlayChart
from mohawk_gui.views.benchmarks.run_charts import ClientCharts
from mohawk_gui.widgets.chart_frame import ChartFrame

SIZE = (1200, 300)


class ReportCharts(QWidget):
    """One run: its client throughput, latency and errors; two runs: throughput and p99 overlaid.

    Shown with WA_DontShowOnScreen (laid out and painted, never on screen); `close()` when done.
    """

    def __init__(self, runs: list[SavedRun]) -> None:
        super().__init__()
        self.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.frames: list[ChartFrame]
        if len(runs) == 2:
            self.frames = []
            for title, units, field in OVERLAYS:
                chart = OverlayChart(title, units)
                chart.set_lines(series_lines(runs, field))
                layout.addWidget(chart)
                self.frames.append(chart)
        else:
            charts = ClientCharts()
            charts.show_series(runs[0].result.series)
            layout.addWidget(charts)
            self.frames = list(charts.charts())
        self.resize(*SIZE)
        self.show()
        for frame in self.frames:
            redraw = getattr(frame, "redraw", None)
            if redraw is not None:
                redraw()

    def whole_png(self) -> bytes:
        return png_bytes(self)

    def chart_pngs(self) -> list[tuple[str, bytes]]:
        return [(frame.title, png_bytes(frame)) for frame in self.frames]

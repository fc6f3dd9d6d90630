"""OverlayChart: one figure of several runs on a shared axis of seconds since each run's start."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pyqtgraph as pg
from PyQt6.QtWidgets import QWidget

from mohawk_gui.theme import SERIES_COLORS
from mohawk_gui.widgets.chart_frame import ChartFrame
from mohawk_gui.widgets.charts import style_plot


class OverlayChart(ChartFrame):
    """`set_lines({label: (seconds, values)})` draws one line per run, in the series colors."""

    def __init__(self, title: str, units: str, parent: QWidget | None = None) -> None:
        super().__init__(title, units, parent)
        self.plot = pg.PlotWidget()
        style_plot(self.plot)
        self.plot.setMinimumHeight(120)
        self.plot.getPlotItem().setLabel("bottom", "seconds")
        self.body.addWidget(self.plot, 1)
        self.lines: dict[str, tuple[list[float], list[float]]] = {}

    def set_lines(self, lines: dict[str, tuple[list[float], list[float]]]) -> None:
        self.plot.clear()
        self.lines = dict(lines)
        legend = []
        for index, (label, (xs, ys)) in enumerate(self.lines.items()):
            color = SERIES_COLORS[index % len(SERIES_COLORS)]
            values = [math.nan if y is None else y for y in ys]
            self.plot.plot(xs, values, pen=pg.mkPen(color, width=2), connect="finite")
            legend.append(f"<span style='color:{color}'>{label}</span>")
        self.latest_label.setText("&nbsp;&nbsp;".join(legend))

    def export_csv(self, path: str | Path) -> None:
        """Long format: one row per run and second (`run`, `seconds`, `value`)."""
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["run", "seconds", self.title])
            for label, (xs, ys) in self.lines.items():
                for x, y in zip(xs, ys, strict=True):
                    writer.writerow([label, f"{x:.3f}", "" if y is None else repr(float(y))])

"""HistogramChart: bars over value ranges (latency bands, formed batch sizes), with labelled markers."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import pyqtgraph as pg
from PyQt6.QtGui import QShowEvent
from PyQt6.QtWidgets import QWidget

from mohawk_gui.theme import ACCENT, MUTED, SERIES_COLORS
from mohawk_gui.widgets.chart_frame import ChartFrame
from mohawk_gui.widgets.charts import style_plot


class HistogramChart(ChartFrame):
    """`set_bars(lefts, rights, heights)` replaces the bars; `set_markers({label: x})` draws vertical lines.

    The plot is only touched while the chart is visible; a hidden chart catches up when shown.
    """

    def __init__(self, title: str, units: str, y_label: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, units, parent)
        self.plot = pg.PlotWidget()
        style_plot(self.plot)
        self.plot.setMinimumHeight(120)
        self.plot.setMouseEnabled(x=False, y=False)
        if y_label:
            self.plot.getPlotItem().setLabel("left", y_label, color=MUTED)
        self.bars = pg.BarGraphItem(x0=[], x1=[], height=[], brush=pg.mkBrush(ACCENT + "c0"), pen=pg.mkPen(ACCENT))
        self.plot.addItem(self.bars)
        self.body.addWidget(self.plot, 1)
        self.lefts: list[float] = []
        self.rights: list[float] = []
        self.heights: list[float] = []
        self.markers: dict[str, float] = {}
        self._lines: list[pg.InfiniteLine] = []
        self._dirty = False

    def set_bars(self, lefts: Sequence[float], rights: Sequence[float], heights: Sequence[float]) -> None:
        if not len(lefts) == len(rights) == len(heights):
            raise ValueError("lefts, rights and heights must have the same length")
        self.lefts, self.rights, self.heights = list(lefts), list(rights), list(heights)
        self._changed()

    def set_markers(self, markers: dict[str, float]) -> None:
        self.markers = dict(markers)
        self._changed()

    def clear(self) -> None:
        self.lefts, self.rights, self.heights, self.markers = [], [], [], {}
        self.latest_label.setText("")
        self._changed()

    def redraw(self) -> None:
        self._dirty = False
        self.bars.setOpts(x0=self.lefts, x1=self.rights, height=self.heights)
        for line in self._lines:
            self.plot.removeItem(line)
        self._lines = []
        for index, (label, x) in enumerate(self.markers.items()):
            color = SERIES_COLORS[(index + 2) % len(SERIES_COLORS)]
            line = pg.InfiniteLine(
                pos=x, angle=90, pen=pg.mkPen(color, width=1, dash=[4, 3]), label=label,
                labelOpts={"position": 0.92, "color": color, "fill": None},
            )  # fmt: skip
            self.plot.addItem(line)
            self._lines.append(line)
        if self.heights:
            self.plot.setXRange(min(self.lefts), max(self.rights), padding=0.04)
            self.plot.setYRange(0, max(max(self.heights), 1e-9), padding=0.08)
        else:
            self.plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)

    def export_csv(self, path: str | Path) -> None:
        """One row per bar: `from`, `to`, `value`."""
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["from", "to", "value"])
            for row in zip(self.lefts, self.rights, self.heights):
                writer.writerow([repr(float(value)) for value in row])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.redraw()

    def _changed(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.redraw()

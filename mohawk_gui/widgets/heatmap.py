"""HeatmapChart: one row per replica or device, one column per sample, color = utilization."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QRectF, QTimer
from PyQt6.QtGui import QShowEvent
from PyQt6.QtWidgets import QWidget

from mohawk_gui.theme import MUTED
from mohawk_gui.widgets.chart_frame import ChartFrame
from mohawk_gui.widgets.charts import staggered_redraw_ms, style_plot
from mohawk_gui.models.series_ring import SeriesRing

MAX_ROWS = 64


class HeatmapChart(ChartFrame):
    """`append(timestamp, {row: value})`; values between `low` and `high` (percent by default).

    The rows are the keys of the first append; a later append with other keys starts a new
    history (a session reconfigured to other replicas). Memory: `capacity` samples per row.
    """

    def __init__(
        self,
        title: str,
        units: str = "busy %",
        capacity: int = 600,
        low: float = 0.0,
        high: float = 100.0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(title, units, parent)
        self.capacity = capacity
        self.ring: SeriesRing | None = None
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        style_plot(self.plot)
        self.plot.setMinimumHeight(120)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.getPlotItem().showGrid(x=False, y=False)
        self.plot.getPlotItem().invertY(True)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        colormap = pg.colormap.get("inferno")
        self.image.setColorMap(colormap)
        self.image.setLevels((low, high))
        self.colorbar = pg.ColorBarItem(values=(low, high), colorMap=colormap, width=12, interactive=False)
        self.colorbar.setImageItem(self.image, insert_in=self.plot.getPlotItem())
        self.colorbar.getAxis("right").setTextPen(pg.mkPen(MUTED))
        self.body.addWidget(self.plot, 1)
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(staggered_redraw_ms())
        self._timer.timeout.connect(self.redraw)

    @property
    def rows(self) -> list[str]:
        return self.ring.series if self.ring else []

    def set_ring(self, ring: SeriesRing | None) -> None:
        """Show another history (a session's recorded one), shared, not copied."""
        self.ring = ring
        self.request_redraw()

    def append(self, timestamp: float, values: dict[str, float]) -> None:
        if not values:
            return
        if self.ring is None or list(values)[:MAX_ROWS] != self.ring.series:
            self.ring = SeriesRing(list(values)[:MAX_ROWS], self.capacity)
        self.ring.append(timestamp, values)
        self.request_redraw()

    def clear(self) -> None:
        self.ring = None
        self.request_redraw()

    def matrix(self) -> np.ndarray:
        """rows × samples (oldest first); NaN where a row had no value."""
        if self.ring is None or not len(self.ring):
            return np.zeros((0, 0))
        return np.vstack([self.ring.values(row) for row in self.ring.series])

    def redraw(self) -> None:
        self._dirty = False
        data = self.matrix()
        axis = self.plot.getPlotItem().getAxis("left")
        if data.size == 0:
            self.image.clear()
            axis.setTicks([[]])
            self.latest_label.setText("")
            return
        times = self.ring.times()
        step = float(np.median(np.diff(times))) if len(times) > 1 else 1.0
        self.image.setImage(np.nan_to_num(data, nan=0.0), autoLevels=False)
        self.image.setRect(QRectF(times[0], 0, times[-1] - times[0] + step, data.shape[0]))
        axis.setTicks([[(index + 0.5, row) for index, row in enumerate(self.ring.series)]])
        self.plot.setXRange(times[0], times[-1] + step, padding=0)
        self.plot.setYRange(0, data.shape[0], padding=0)
        latest = data[:, -1]
        finite = latest[~np.isnan(latest)]
        self.latest_label.setText(f"mean now <b>{finite.mean():.0f}</b>" if finite.size else "")

    def export_csv(self, path: str | Path) -> None:
        """One row per sample: `timestamp` then one column per heatmap row."""
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["timestamp", *self.rows])
            if self.ring is None:
                return
            columns = self.matrix()
            for index, timestamp in enumerate(self.ring.times()):
                cells = ("" if math.isnan(value) else repr(float(value)) for value in columns[:, index])
                writer.writerow([f"{timestamp:.3f}", *cells])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.redraw()

    def request_redraw(self) -> None:
        """Redraw within about REDRAW_MS (when visible; a hidden chart redraws when shown)."""
        self._dirty = True
        if self.isVisible() and not self._timer.isActive():
            self._timer.start()

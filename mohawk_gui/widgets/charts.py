"""LiveChart: time series on a pyqtgraph plot, bounded memory, redrawn at most 10 times a second."""

from __future__ import annotations

import csv
import itertools
import math
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QShowEvent
from PyQt6.QtWidgets import QApplication, QMenu, QWidget

from mohawk_gui.theme import SERIES_COLORS, Theme, current_theme, theme_listeners
from mohawk_gui.widgets.chart_frame import ChartFrame
from mohawk_gui.models.series_ring import SeriesRing

REDRAW_MS = 100
STAGGER_STEPS = 6
STAGGER_MS = 8
_charts_made = itertools.count()


def staggered_redraw_ms() -> int:
    """Each chart's redraw delay: REDRAW_MS plus a few ms that differ from chart to chart.

    Charts fed by the same sample would otherwise all redraw on the same timer tick, and Qt
    would paint them in one pass: one long pause of the UI instead of several short ones.
    """
    return REDRAW_MS + (next(_charts_made) % STAGGER_STEPS) * STAGGER_MS


def figure_text(value: float) -> str:
    if math.isnan(value):
        return "—"
    if value.is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


STYLED = "mohawkStyledPlot"  # property marking the plots that follow the theme


def style_plot(plot: pg.PlotWidget) -> None:
    """The theme's background, muted axes, a faint grid; no pyqtgraph menu (the card has its own)."""
    plot.setProperty(STYLED, True)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.getPlotItem().showGrid(x=True, y=True, alpha=0.15)
    _paint_plot(plot, current_theme())


def _paint_plot(plot: pg.PlotWidget, theme: Theme) -> None:
    plot.setBackground(theme.surface)
    item = plot.getPlotItem()
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(theme.border))
        axis.setTextPen(pg.mkPen(theme.muted))


def restyle_plots(theme: Theme) -> None:
    """Repaint every styled plot in the theme's colours (a theme switch, applied live)."""
    for widget in QApplication.allWidgets():
        if isinstance(widget, pg.PlotWidget) and widget.property(STYLED):
            _paint_plot(widget, theme)


theme_listeners.append(restyle_plots)


class LiveChart(ChartFrame):
    """`append(timestamp, {series: value})` stores a row; the plot catches up on the next redraw tick.

    Each series keeps its last `capacity` points in a ring buffer. Long spans are drawn
    decimated (pyqtgraph's peak downsampling, clipped to the visible range).
    """

    def __init__(
        self, title: str, units: str, series: list[str], capacity: int = 3600, parent: QWidget | None = None
    ) -> None:
        super().__init__(title, units, parent)
        self.ring = SeriesRing(series, capacity)
        self.plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        style_plot(self.plot)
        self.plot.setMinimumHeight(120)
        item = self.plot.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        self.curves: dict[str, pg.PlotDataItem] = {}
        for index, name in enumerate(series):
            color = SERIES_COLORS[index % len(SERIES_COLORS)]
            self.curves[name] = self.plot.plot([], [], name=name, pen=pg.mkPen(color, width=2), connect="finite")
        self._floor = self.plot.plot([], [], pen=pg.mkPen(0, 0, 0, 0))  # invisible; keeps y = 0 in the auto range
        self.body.addWidget(self.plot, 1)
        self._show_latest()
        self.redraws = 0
        self._dirty = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(staggered_redraw_ms())
        self._timer.timeout.connect(self.redraw)

    @property
    def series(self) -> list[str]:
        return self.ring.series

    @property
    def capacity(self) -> int:
        return self.ring.capacity

    def __len__(self) -> int:
        return len(self.ring)

    def append(self, timestamp: float, values: dict[str, float]) -> None:
        self.ring.append(timestamp, values)
        self.request_redraw()

    def clear(self) -> None:
        self.ring.clear()
        self.request_redraw()

    def set_ring(self, ring: SeriesRing) -> None:
        """Show another history (e.g. a session's recorded one), shared, not copied; same series."""
        if ring.series != self.ring.series:
            raise ValueError(f"ring has series {ring.series}, chart draws {self.ring.series}")
        self.ring = ring
        self.request_redraw()

    def data(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(timestamps, values) of one series, oldest first."""
        return self.ring.times(), self.ring.values(name)

    def redraw(self) -> None:
        """Push the ring's contents to the curves (called by the throttle timer, or directly)."""
        self._dirty = False
        times = self.ring.times()
        for name, curve in self.curves.items():
            curve.setData(times, self.ring.values(name), connect="finite")
        floor_x = times[[0, -1]] if len(times) else []
        self._floor.setData(floor_x, [0.0] * len(floor_x))
        if not len(times):
            now = time.time()
            self.plot.setRange(xRange=(now - 60, now), yRange=(0, 1), padding=0)
            self.follow()
        self._show_latest()
        self.redraws += 1

    def _show_latest(self) -> None:
        """The header doubles as the legend: each series' name in its color, with its last value."""
        latest = self.ring.latest()
        self.latest_label.setText(
            "&nbsp;&nbsp;".join(
                f"<span style='color:{SERIES_COLORS[i % len(SERIES_COLORS)]}'>{name} "
                f"<b>{figure_text(latest.get(name, math.nan))}</b></span>"
                for i, name in enumerate(self.series)
            )
        )

    def export_csv(self, path: str | Path) -> None:
        """One row per sample: `timestamp` (Unix seconds) then one column per series (empty: no value)."""
        times = self.ring.times()
        columns = [self.ring.values(name) for name in self.series]
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["timestamp", *self.series])
            for row, timestamp in enumerate(times):
                writer.writerow([f"{timestamp:.3f}", *("" if math.isnan(c[row]) else repr(float(c[row])) for c in columns)])

    def context_menu(self) -> QMenu:
        menu = super().context_menu()
        menu.addSeparator()
        menu.addAction("Follow latest", self.follow)
        menu.addAction("Clear", self.clear)
        return menu

    def follow(self) -> None:
        """Undo a zoom or pan: the axes track the data again."""
        self.plot.getPlotItem().enableAutoRange()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.redraw()

    def request_redraw(self) -> None:
        """Redraw within about REDRAW_MS (when visible; a hidden chart redraws when shown)."""
        self._dirty = True
        if self.isVisible() and not self._timer.isActive():
            self._timer.start()

"""The tuning chart: every experiment as a point (throughput vs p99), the Pareto front, the best, the limits."""

from __future__ import annotations

import csv
from pathlib import Path

import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QWidget

from mohawk_engine.schemas.tuning import Experiment, TuningTaskInfo
from mohawk_gui.models.experiments_table import overrides_text
from mohawk_gui.theme import ACCENT, BAD, IDLE, OK, WARN
from mohawk_gui.widgets.chart_frame import ChartFrame
from mohawk_gui.widgets.charts import style_plot

CSV_COLUMNS = (
    "index", "candidate", "params", "concurrency", "status", "throughput", "p50_ms", "p99_ms", "memory_mb",
    "feasible", "pareto", "best",
)  # fmt: skip


def point_tip(x: float, y: float, data: Experiment) -> str:
    """The hover text: which experiment, its params and figures."""
    return (
        f"#{data.index}: {overrides_text(data.overrides)}, concurrency {data.concurrency}\n"
        f"{y:,.1f} req/s, p99 {x:.2f} ms" + ("" if data.feasible else " (over limits)")
    )


class TuningChart(ChartFrame):
    """`show_task(info)` redraws from the task's experiments; only measured ones ('ok') are points."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Throughput vs p99", "req/s over ms", parent)
        self.info: TuningTaskInfo | None = None
        self.plot = pg.PlotWidget()
        style_plot(self.plot)
        self.plot.setMinimumHeight(160)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "p99 (ms)")
        item.setLabel("left", "throughput (req/s)")
        self.points = pg.ScatterPlotItem(size=9, hoverable=True, tip=point_tip, hoverSize=13)
        self.front = pg.PlotDataItem([], [], pen=pg.mkPen(OK, width=2), symbol=None)
        self.best = pg.ScatterPlotItem(size=18, symbol="star", brush=pg.mkBrush(WARN), pen=pg.mkPen(WARN))
        limit_pen = pg.mkPen(BAD, width=1, style=Qt.PenStyle.DashLine)
        self.p99_limit = pg.InfiniteLine(angle=90, movable=False, pen=limit_pen)
        self.p99_limit.setVisible(False)
        for graphic in (self.front, self.points, self.best, self.p99_limit):
            item.addItem(graphic)
        self.body.addWidget(self.plot, 1)
        self.show_task(None)

    def measured(self) -> list[Experiment]:
        if self.info is None:
            return []
        return [e for e in self.info.experiments if e.status == "ok" and e.throughput is not None and e.p99_ms is not None]

    def show_task(self, info: TuningTaskInfo | None) -> None:
        self.info = info
        measured = self.measured()
        self.points.setData(
            x=[e.p99_ms for e in measured],
            y=[e.throughput for e in measured],
            data=measured,
            brush=[pg.mkBrush(ACCENT if e.feasible else IDLE) for e in measured],
            pen=[pg.mkPen(ACCENT if e.feasible else IDLE) for e in measured],
        )
        by_index = {e.index: e for e in measured}
        front = [by_index[i] for i in (info.pareto if info else []) if i in by_index]
        front.sort(key=lambda e: e.p99_ms)
        self.front.setData([e.p99_ms for e in front], [e.throughput for e in front])
        best = by_index.get(info.best) if info and info.best is not None else None
        self.best.setData(x=[best.p99_ms] if best else [], y=[best.throughput] if best else [], data=[best] if best else [])
        limits = info.request.constraints if info else None
        self.p99_limit.setVisible(bool(limits and limits.max_p99_ms))
        if limits and limits.max_p99_ms:
            self.p99_limit.setValue(limits.max_p99_ms)
        self.latest_label.setText(self._legend(info, len(measured), len(front), best))

    def _legend(self, info: TuningTaskInfo | None, points: int, front: int, best: Experiment | None) -> str:
        if info is None:
            return "Select a tuning task to see its experiments"
        limits = info.request.constraints
        parts = [f"<span style='color:{ACCENT}'>{points} measured</span>",
                 f"<span style='color:{OK}'>Pareto front {front}</span>"]  # fmt: skip
        if best is not None:
            parts.append(f"<span style='color:{WARN}'>★ best #{best.index}: {best.throughput:,.1f} req/s, "
                         f"p99 {best.p99_ms:.2f} ms</span>")  # fmt: skip
        if limits.max_p99_ms:
            parts.append(f"<span style='color:{BAD}'>p99 ≤ {limits.max_p99_ms:g} ms</span>")
        if limits.max_memory_mb:
            parts.append(f"<span style='color:{IDLE}'>memory ≤ {limits.max_memory_mb:g} MB (grey: over limits)</span>")
        return "&nbsp;&nbsp;".join(parts)

    def export_csv(self, path: str | Path) -> None:
        """One row per experiment (measured or not), with whether it is feasible, on the front, the best."""
        info = self.info
        experiments = info.experiments if info else []
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for e in experiments:
                writer.writerow([
                    e.index, e.candidate, overrides_text(e.overrides), e.concurrency, e.status,
                    "" if e.throughput is None else repr(e.throughput), "" if e.p50_ms is None else repr(e.p50_ms),
                    "" if e.p99_ms is None else repr(e.p99_ms), "" if e.memory_mb is None else repr(e.memory_mb),
                    e.feasible, e.index in info.pareto, e.index == info.best,
                ])  # fmt: skip

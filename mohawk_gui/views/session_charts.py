"""The session detail's live charts, drawn from a session's recorded history."""

from __future__ import annotations

from PyQt6.QtWidgets import QGridLayout, QWidget

from mohawk_gui.models.distributions import batch_bars, latency_bands, latency_bars
from mohawk_gui.models.session_recorder import (
    LATENCY_SERIES,
    QUEUE_SERIES,
    THROUGHPUT_SERIES,
    SessionSeries,
)
from mohawk_gui.models.series_ring import SeriesRing
from mohawk_gui.models.session_text import latency_of
from mohawk_gui.widgets.charts import LiveChart
from mohawk_gui.widgets.heatmap import HeatmapChart
from mohawk_gui.widgets.histogram import HistogramChart

CHART_HEIGHT = 200


class SessionCharts(QWidget):
    """Throughput, latency percentiles, latency histogram, queue depth, formed batch sizes, utilization."""

    def __init__(self, capacity: int = 1200, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.throughput = LiveChart("Throughput", "per s", THROUGHPUT_SERIES, capacity)
        self.latency = LiveChart("Latency percentiles", "ms, 10 s window", LATENCY_SERIES, capacity)
        self.histogram = HistogramChart("Latency distribution", "ms, last 60 s", "% of requests per ms")
        self.histogram.setToolTip(
            "The engine's latency histogram over the last 60 s (log-spaced bins; each bar's area is its share of "
            "requests), or bands between its percentiles when it reports no histogram"
        )
        self.queue = LiveChart("Queue depth", "requests", QUEUE_SERIES, capacity)
        self.batches = HistogramChart("Formed batch sizes", "last 60 s", "batches")
        self.utilization = HeatmapChart("Replica utilization", "busy %", capacity)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(10)
        for position, chart in enumerate(self.charts()):
            chart.setMinimumHeight(CHART_HEIGHT)
            grid.addWidget(chart, position // 3, position % 3)
        self.series: SessionSeries | None = None

    def charts(self) -> list:
        return [self.throughput, self.latency, self.histogram, self.queue, self.batches, self.utilization]

    def show_series(self, series: SessionSeries | None) -> None:
        """Draw another session's history (None: empty charts)."""
        self.series = series
        if series is None:
            for chart in (self.throughput, self.latency, self.queue):
                chart.set_ring(SeriesRing(chart.series, chart.capacity))
            for chart in (self.histogram, self.batches, self.utilization):
                chart.clear()
            return
        self.throughput.set_ring(series.throughput)
        self.latency.set_ring(series.latency)
        self.queue.set_ring(series.queue)
        self.refresh()

    def refresh(self) -> None:
        """A new sample arrived: the line charts follow their rings; histograms and heatmap are redrawn."""
        series = self.series
        if series is None:
            return
        for chart in (self.throughput, self.latency, self.queue):
            chart.request_redraw()
        self.utilization.set_ring(series.utilization)
        metrics = series.latest
        if metrics is None:
            for chart in (self.histogram, self.batches):
                chart.clear()
            return
        window = metrics.latency.get("60s") or latency_of(metrics)
        if window is not None:
            has_bins = bool(metrics.latency_histogram.counts)
            self.histogram.set_bars(*(latency_bars(metrics.latency_histogram) if has_bins else latency_bands(window)))
            self.histogram.set_markers({"p50": window.p50_ms, "p99": window.p99_ms} if window.count else {})
            self.histogram.latest_label.setText(f"{window.count:,} requests" if window.count else "no requests")
        self.batches.set_bars(*batch_bars(metrics.batch_sizes))
        self.batches.latest_label.setText(f"mean <b>{metrics.mean_batch_size:.1f}</b>" if metrics.batch_sizes else "")

"""Charts of a load run: the client's view (from the load generator) and the server's (from the stream)."""

from __future__ import annotations

from PyQt6.QtWidgets import QGridLayout, QWidget

from mohawk_bench.results import ProgressSample
from mohawk_engine.schemas.telemetry import SessionMetrics
from mohawk_gui.models.session_text import latency_of
from mohawk_gui.widgets.charts import LiveChart

CAPACITY = 3600  # one sample a second: an hour of run
SERVER_CAPACITY = 7200  # two samples a second
CHART_HEIGHT = 170


def _grid(parent: QWidget, charts: list[LiveChart]) -> None:
    grid = QGridLayout(parent)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.setSpacing(8)
    for column, chart in enumerate(charts):
        chart.setMinimumHeight(CHART_HEIGHT)
        grid.addWidget(chart, 0, column)


class ClientCharts(QWidget):
    """Throughput, p50/p99 and errors per second as the load generator measured them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.throughput = LiveChart("Client throughput", "req/s", ["req/s"], CAPACITY)
        self.latency = LiveChart("Client latency", "ms", ["p50", "p99"], CAPACITY)
        self.errors = LiveChart("Client errors", "/s", ["errors/s"], CAPACITY)
        _grid(self, self.charts())

    def charts(self) -> list[LiveChart]:
        return [self.throughput, self.latency, self.errors]

    def add(self, sample: ProgressSample) -> None:
        """One second of the run (warm-up seconds are drawn too: they show the ramp)."""
        span = sample.span_s or 1.0
        self.throughput.append(sample.timestamp, {"req/s": sample.throughput})
        self.latency.append(sample.timestamp, {"p50": sample.p50_ms, "p99": sample.p99_ms})
        self.errors.append(sample.timestamp, {"errors/s": sample.errors / span})

    def show_series(self, series: list[ProgressSample]) -> None:
        """Replace what is drawn by a whole run's samples."""
        self.clear()
        for sample in series:
            self.add(sample)

    def clear(self) -> None:
        for chart in self.charts():
            chart.clear()

    def redraw(self) -> None:
        for chart in self.charts():
            chart.redraw()


class ServerCharts(QWidget):
    """The session's own figures from the worker's stream: throughput, p99, queue depth."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.throughput = LiveChart("Server throughput", "req/s", ["req/s"], SERVER_CAPACITY)
        self.latency = LiveChart("Server p99", "ms, 10 s", ["p99"], SERVER_CAPACITY)
        self.queue = LiveChart("Server queue", "requests", ["queued", "in flight"], SERVER_CAPACITY)
        _grid(self, self.charts())

    def charts(self) -> list[LiveChart]:
        return [self.throughput, self.latency, self.queue]

    def add(self, timestamp: float, metrics: SessionMetrics) -> None:
        latency = latency_of(metrics)
        self.throughput.append(timestamp, {"req/s": metrics.requests_per_s})
        self.latency.append(timestamp, {"p99": latency.p99_ms} if latency is not None and latency.count else {})
        self.queue.append(timestamp, {"queued": metrics.queue_depth, "in flight": metrics.in_flight})

    def clear(self) -> None:
        for chart in self.charts():
            chart.clear()

"""SessionRecorder: per-session history (bounded rings) of the figures the session detail charts draw."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from PyQt6.QtCore import QObject, pyqtSignal

from mohawk_engine.schemas import SessionInfo
from mohawk_engine.schemas.telemetry import MetricsSnapshot, SessionEvent, SessionMetrics
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.models.session_text import latency_of
from mohawk_gui.models.series_ring import SeriesRing

THROUGHPUT_SERIES = ["req/s", "items/s"]
LATENCY_SERIES = ["p50", "p95", "p99"]
QUEUE_SERIES = ["queued", "in flight"]
MAX_EVENTS = 200
GRACE_S = 10.0  # a session unknown to the worker's list is forgotten only after this long


@dataclass
class SessionSeries:
    """What one session recorded: time series, the latest metrics, its lifecycle events."""

    capacity: int
    info: SessionInfo | None = None
    latest: SessionMetrics | None = None
    last_sample: float = 0.0
    touched: float = field(default_factory=time.monotonic)
    events: deque[SessionEvent] = field(default_factory=lambda: deque(maxlen=MAX_EVENTS))
    utilization: SeriesRing | None = None

    def __post_init__(self) -> None:
        self.throughput = SeriesRing(THROUGHPUT_SERIES, self.capacity)
        self.latency = SeriesRing(LATENCY_SERIES, self.capacity)
        self.queue = SeriesRing(QUEUE_SERIES, self.capacity)

    def record(self, timestamp: float, metrics: SessionMetrics) -> None:
        self.latest = metrics
        self.throughput.append(timestamp, {"req/s": metrics.requests_per_s, "items/s": metrics.items_per_s})
        latency = latency_of(metrics)
        if latency is not None and latency.count:
            self.latency.append(timestamp, {"p50": latency.p50_ms, "p95": latency.p95_ms, "p99": latency.p99_ms})
        else:
            self.latency.append(timestamp, {})
        self.queue.append(timestamp, {"queued": metrics.queue_depth, "in flight": metrics.in_flight})
        busy = utilization_rows(self.info, metrics)
        if busy:
            if self.utilization is None or self.utilization.series != list(busy):
                self.utilization = SeriesRing(list(busy), self.capacity)
            self.utilization.append(timestamp, busy)

    def add_event(self, event: SessionEvent) -> bool:
        """Keeps events ordered by id, without duplicates; False when it was known."""
        if any(known.id == event.id for known in self.events):
            return False
        ordered = sorted([*self.events, event], key=lambda e: e.id)
        self.events.clear()
        self.events.extend(ordered)
        return True


def utilization_rows(info: SessionInfo | None, metrics: SessionMetrics) -> dict[str, float]:
    """Busy percent per pipeline stage (when the session is a pipeline) or per replica, labelled by device."""
    stages = bool(metrics.stage_busy)
    busy = metrics.stage_busy if stages else metrics.replica_busy
    placements = info.plan.placements if info and info.plan else []
    rows = {}
    for index, fraction in enumerate(busy):
        placement = placements[index] if index < len(placements) else None
        if stages:
            name = f"stage {index} · {placement.device}" if placement else f"stage {index}"
        else:
            name = f"{placement.device} #{placement.index}" if placement else f"replica {index}"
        rows[name] = 100.0 * fraction
    return rows


class SessionRecorder(QObject):
    """Records every session the hub reports, at most one sample per `interval_s`; forgets gone sessions."""

    recorded = pyqtSignal(str, str)  # worker, session: a new sample
    events_changed = pyqtSignal(str, str)
    info_changed = pyqtSignal(str, str)

    def __init__(self, hub: FleetHub, capacity: int = 1200, interval_s: float = 0.5, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self.interval_s = interval_s
        self.series: dict[tuple[str, str], SessionSeries] = {}
        hub.sessions.connect(self.on_sessions)
        hub.metrics.connect(self.on_metrics)
        hub.event.connect(self.on_event)
        hub.worker_removed.connect(self.forget_worker)

    def get(self, worker: str, session: str) -> SessionSeries:
        key = (worker, session)
        if key not in self.series:
            self.series[key] = SessionSeries(self.capacity)
        return self.series[key]

    def on_sessions(self, worker: str, sessions: list[SessionInfo]) -> None:
        names = {info.name for info in sessions}
        for info in sessions:
            series = self.get(worker, info.name)
            changed = series.info != info
            series.info, series.touched = info, time.monotonic()
            if changed:
                self.info_changed.emit(worker, info.name)
        now = time.monotonic()
        for key in [k for k, s in self.series.items() if k[0] == worker and k[1] not in names]:
            if now - self.series[key].touched > GRACE_S:
                del self.series[key]

    def on_metrics(self, worker: str, snapshot: MetricsSnapshot) -> None:
        self.record(worker, snapshot, time.time())

    def record(self, worker: str, snapshot: MetricsSnapshot, now: float) -> None:
        """Sample each session of the snapshot at time `now` (skipped when sampled under `interval_s` ago)."""
        for metrics in snapshot.sessions:
            series = self.get(worker, metrics.session)
            if now - series.last_sample < self.interval_s:
                continue
            series.last_sample = now
            series.record(now, metrics)
            self.recorded.emit(worker, metrics.session)

    def on_event(self, worker: str, event: SessionEvent) -> None:
        self.add_events(worker, event.session, [event])

    def add_events(self, worker: str, session: str, events: list[SessionEvent]) -> None:
        series = self.get(worker, session)
        if sum(series.add_event(event) for event in events):
            self.events_changed.emit(worker, session)

    def forget_worker(self, worker: str) -> None:
        for key in [k for k in self.series if k[0] == worker]:
            del self.series[key]

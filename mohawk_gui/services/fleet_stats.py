"""Fleet-wide figures the dashboard shows: counts, throughput, latency percentiles."""

from __future__ import annotations

from dataclasses import dataclass

from mohawk_engine.schemas.telemetry import LatencySummary, SessionMetrics
from mohawk_gui.services.fleet_state import FleetState

LATENCY_WINDOW = "10s"


@dataclass(frozen=True)
class FleetTotals:
    workers: int
    workers_up: int
    cpus: int
    gpus: int
    sessions: int
    sessions_ready: int
    requests_per_s: float
    items_per_s: float


@dataclass(frozen=True)
class FleetLatency:
    """Request-weighted mean of the sessions' percentiles over the window (milliseconds)."""

    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int


def fleet_totals(fleet: FleetState) -> FleetTotals:
    workers = list(fleet)
    up = [worker for worker in workers if worker.reachable]
    return FleetTotals(
        workers=len(workers),
        workers_up=len(up),
        cpus=sum(1 for worker in up if worker.devices is not None),
        gpus=sum(worker.gpu_count for worker in up),
        sessions=sum(len(worker.sessions) for worker in workers),
        sessions_ready=sum(worker.ready_sessions() for worker in workers),
        requests_per_s=sum(worker.metrics.requests_per_s for worker in up if worker.metrics),
        items_per_s=sum(worker.metrics.items_per_s for worker in up if worker.metrics),
    )


def session_latency(metrics: SessionMetrics, window: str = LATENCY_WINDOW) -> LatencySummary | None:
    return metrics.latency.get(window) or metrics.latency.get("1s")


def fleet_latency(fleet: FleetState, window: str = LATENCY_WINDOW) -> FleetLatency | None:
    """None while no session served a request in the window."""
    summaries = [
        summary
        for worker in fleet
        if worker.reachable and worker.metrics
        for session in worker.metrics.sessions
        if (summary := session_latency(session, window)) is not None and summary.count > 0
    ]
    total = sum(summary.count for summary in summaries)
    if not total:
        return None

    def weighted(attribute: str) -> float:
        return sum(getattr(summary, attribute) * summary.count for summary in summaries) / total

    return FleetLatency(weighted("p50_ms"), weighted("p95_ms"), weighted("p99_ms"), total)

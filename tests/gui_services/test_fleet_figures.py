"""Fleet totals, fleet latency and alert rules over plain fleet state."""

from __future__ import annotations

import time

from mohawk_engine.schemas import SessionInfo, SessionSpec, SessionState
from mohawk_engine.schemas.telemetry import DevicesSnapshot, GpuStatus, LatencySummary, MetricsSnapshot, SessionMetrics
from mohawk_gui.services.alerts import CRITICAL, WARNING, evaluate_alerts
from mohawk_gui.services.config import AlertSettings
from mohawk_gui.services.fleet_state import FleetState
from mohawk_gui.services.fleet_stats import fleet_latency, fleet_totals

GIB = 1024**3


def _session(name: str, state: SessionState = SessionState.READY, reason: str | None = None) -> SessionInfo:
    now = time.time()
    return SessionInfo(spec=SessionSpec(name=name, model="m"), state=state, reason=reason, created_at=now, updated_at=now)


def _metrics(name: str, count: int, p50: float, p99: float, **fields) -> SessionMetrics:
    summary = LatencySummary(count=count, p50_ms=p50, p95_ms=(p50 + p99) / 2, p99_ms=p99)
    return SessionMetrics(session=name, state="READY", latency={"10s": summary}, **fields)


def _fleet() -> FleetState:
    fleet = FleetState()
    fleet.add("a", "http://a:1")
    fleet.set_state("a", "online", "")
    worker = fleet.workers["a"]
    worker.sessions = [_session("s1"), _session("s2"), _session("bad", SessionState.FAILED, "out of memory")]
    worker.metrics = MetricsSnapshot(
        timestamp=0, worker_id="a", requests_per_s=30.0, items_per_s=90.0,
        sessions=[
            _metrics("s1", 100, 10.0, 20.0, success_total=990, failures_total={"timeout": 10}),
            _metrics("s2", 300, 2.0, 400.0, queue_depth=900, success_total=10),
        ],
    )  # fmt: skip
    gpu = GpuStatus(index=0, uuid="u", name="H100", utilization_pct=50, memory_used_bytes=79 * GIB, memory_total_bytes=80 * GIB)
    worker.devices = DevicesSnapshot(
        timestamp=0, worker_id="a", cpu_percent=10, cpu_per_core=[10], memory_used_bytes=1, memory_total_bytes=2,
        process_rss_bytes=1, gpus=[gpu],
    )  # fmt: skip
    fleet.add("b", "http://b:1")
    fleet.set_state("b", "offline", "connection refused")
    fleet.workers["b"].sessions = [_session("s3")]
    return fleet


def test_totals_count_workers_devices_sessions_and_traffic():
    totals = fleet_totals(_fleet())
    assert (totals.workers, totals.workers_up) == (2, 1)
    assert (totals.cpus, totals.gpus) == (1, 1)
    assert (totals.sessions, totals.sessions_ready) == (4, 3)
    assert (totals.requests_per_s, totals.items_per_s) == (30.0, 90.0)


def test_fleet_latency_weights_each_sessions_percentiles_by_its_requests():
    latency = fleet_latency(_fleet())
    assert latency.requests == 400
    assert latency.p50_ms == (100 * 10.0 + 300 * 2.0) / 400
    assert latency.p99_ms == (100 * 20.0 + 300 * 400.0) / 400


def test_no_requests_means_no_latency_figure():
    fleet = FleetState()
    fleet.add("a")
    fleet.set_state("a", "online", "")
    assert fleet_latency(fleet) is None


def test_an_offline_worker_forgets_its_live_figures():
    fleet = _fleet()
    fleet.set_state("a", "offline", "timed out")
    assert fleet.workers["a"].metrics is None and fleet.workers["a"].devices is None
    assert fleet_totals(fleet).requests_per_s == 0


def test_alerts_cover_offline_failed_latency_queue_errors_and_gpu_memory():
    alerts = evaluate_alerts(_fleet(), AlertSettings(latency_p99_ms=250, queue_depth=512, error_rate_pct=0.5, gpu_memory_pct=90))
    summary = {(alert.severity, alert.worker, alert.subject, alert.message.split(" ")[0]) for alert in alerts}
    assert summary == {
        (CRITICAL, "b", "worker", "offline:"),
        (CRITICAL, "a", "bad", "failed:"),
        (WARNING, "a", "s2", "p99"),
        (WARNING, "a", "s2", "queue"),
        (WARNING, "a", "s1", "1.0%"),
        (WARNING, "a", "GPU 0", "memory"),
    }
    assert alerts[0].severity == CRITICAL, "critical alerts come first"


def test_generous_thresholds_leave_only_state_alerts():
    alerts = evaluate_alerts(
        _fleet(), AlertSettings(latency_p99_ms=1000, queue_depth=10_000, error_rate_pct=50, gpu_memory_pct=100)
    )
    assert {alert.subject for alert in alerts} == {"worker", "bad"}

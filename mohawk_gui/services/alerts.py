"""Alert rules: what in the fleet's state needs an operator's attention, against the configured thresholds."""

from __future__ import annotations

from dataclasses import dataclass

from mohawk_engine.schemas import SessionState
from mohawk_gui.services.config import AlertSettings
from mohawk_gui.services.fleet_state import FleetState, WorkerStatus
from mohawk_gui.services.fleet_stats import session_latency
from mohawk_gui.services.listener import DEGRADED, OFFLINE

WARNING = "warning"
CRITICAL = "critical"


@dataclass(frozen=True)
class Alert:
    severity: str
    worker: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"{self.worker} / {self.subject}: {self.message}"


def evaluate_alerts(fleet: FleetState, thresholds: AlertSettings) -> list[Alert]:
    alerts: list[Alert] = []
    for worker in fleet:
        alerts.extend(_worker_alerts(worker, thresholds))
        alerts.extend(_session_alerts(worker, thresholds))
        alerts.extend(_gpu_alerts(worker, thresholds))
    return sorted(alerts, key=lambda alert: (alert.severity != CRITICAL, alert.worker, alert.subject))


def _worker_alerts(worker: WorkerStatus, thresholds: AlertSettings) -> list[Alert]:
    if worker.state == OFFLINE:
        return [Alert(CRITICAL, worker.name, "worker", f"offline: {worker.reason}")]
    alerts = []
    if worker.state == DEGRADED:
        alerts.append(Alert(WARNING, worker.name, "worker", f"degraded: {worker.reason}"))
    if worker.rtt_ms is not None and worker.rtt_ms > thresholds.rtt_ms:
        alerts.append(Alert(WARNING, worker.name, "worker", f"round trip {worker.rtt_ms:.0f} ms > {thresholds.rtt_ms:.0f} ms"))
    return alerts


def _session_alerts(worker: WorkerStatus, thresholds: AlertSettings) -> list[Alert]:
    alerts = []
    for session in worker.sessions:
        if session.state == SessionState.FAILED:
            alerts.append(Alert(CRITICAL, worker.name, session.name, f"failed: {session.reason or 'no reason given'}"))
    for metrics in worker.metrics.sessions if worker.metrics else []:
        latency = session_latency(metrics)
        if latency is not None and latency.count and latency.p99_ms > thresholds.latency_p99_ms:
            alerts.append(
                Alert(WARNING, worker.name, metrics.session, f"p99 {latency.p99_ms:.0f} ms > {thresholds.latency_p99_ms:.0f} ms")
            )
        if metrics.queue_depth > thresholds.queue_depth:
            alerts.append(Alert(WARNING, worker.name, metrics.session, f"queue depth {metrics.queue_depth} > {thresholds.queue_depth}"))
        failures = sum(metrics.failures_total.values())
        handled = failures + metrics.success_total
        if handled and 100.0 * failures / handled > thresholds.error_rate_pct:
            alerts.append(
                Alert(WARNING, worker.name, metrics.session, f"{100.0 * failures / handled:.1f}% of requests failed")
            )
    return alerts


def _gpu_alerts(worker: WorkerStatus, thresholds: AlertSettings) -> list[Alert]:
    alerts = []
    for gpu in worker.devices.gpus if worker.devices else []:
        if gpu.memory_total_bytes and 100.0 * gpu.memory_used_bytes / gpu.memory_total_bytes > thresholds.gpu_memory_pct:
            used = 100.0 * gpu.memory_used_bytes / gpu.memory_total_bytes
            alerts.append(Alert(WARNING, worker.name, f"GPU {gpu.index}", f"memory {used:.0f}% > {thresholds.gpu_memory_pct:.0f}%"))
    return alerts

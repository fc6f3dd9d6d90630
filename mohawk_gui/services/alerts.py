"""Alert conditions: what in the fleet's state needs an operator's attention now, against the configured
thresholds. How long a condition must hold, and what the operator did about it, is `alert_rules.AlertBook`'s job."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime

from mohawk_engine.schemas import SessionState
from mohawk_engine.schemas.telemetry import SessionMetrics
from mohawk_gui.services.config import AlertSettings
from mohawk_gui.services.fleet_state import FleetState, WorkerStatus
from mohawk_gui.services.fleet_stats import session_latency
from mohawk_gui.services.listener import DEGRADED, OFFLINE

WARNING = "warning"
CRITICAL = "critical"

# Rule ids (stable: they key an alert's lifecycle and name it in the panel).
WORKER_OFFLINE = "worker_offline"
WORKER_DEGRADED = "worker_degraded"
WORKER_RTT = "worker_rtt"
SESSION_FAILED = "session_failed"
LATENCY_P99 = "latency_p99"
QUEUE_DEPTH = "queue_depth"
ERROR_RATE = "error_rate"
GPU_MEMORY = "gpu_memory"
GPU_TEMPERATURE = "gpu_temperature"
HOST_MEMORY = "host_memory"
CERT_EXPIRY = "cert_expiry"

RULE_TITLES: dict[str, str] = {
    WORKER_OFFLINE: "Worker offline",
    WORKER_DEGRADED: "Worker degraded",
    WORKER_RTT: "Slow round trip",
    SESSION_FAILED: "Session failed",
    LATENCY_P99: "p99 latency",
    QUEUE_DEPTH: "Queue depth",
    ERROR_RATE: "Error rate",
    GPU_MEMORY: "GPU memory",
    GPU_TEMPERATURE: "GPU temperature",
    HOST_MEMORY: "Host memory",
    CERT_EXPIRY: "Certificate expiry",
}


@dataclass(frozen=True)
class Alert:
    """One condition that holds now. `subject` is "worker", a session name, "GPU n", "memory" or "certificate"."""

    severity: str
    worker: str
    subject: str
    message: str
    rule: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the alert across evaluations (its message changes with the figures)."""
        return (self.rule, self.worker, self.subject)

    def __str__(self) -> str:
        return f"{self.worker} / {self.subject}: {self.message}"


class ErrorRateWindow:
    """Each session's recent request counts, from successive metrics snapshots, so the error rate is the share
    of failures among the requests of the last `span_s` seconds rather than since the session started.

    `sample` records a session's counters at the snapshot's time and answers (failures, requests) since the
    newest sample at least `span_s` old (or the oldest held while the history is shorter); None while only
    one sample is held. Counters that go back (a restarted worker or redeployed session) start a new history.
    """

    def __init__(self) -> None:
        self._samples: dict[tuple[str, str], deque[tuple[float, int, int]]] = {}

    def sample(self, key: tuple[str, str], at: float, metrics: SessionMetrics, span_s: float) -> tuple[int, int, float] | None:
        """(failures, requests, seconds covered) in the window ending at `at`, or None without an earlier sample."""
        failures = sum(metrics.failures_total.values())
        requests = failures + metrics.success_total
        samples = self._samples.setdefault(key, deque())
        if samples and (failures < samples[-1][1] or requests < samples[-1][2]):
            samples.clear()
        if not samples or at > samples[-1][0]:
            samples.append((at, failures, requests))
        while len(samples) > 2 and samples[1][0] <= at - span_s:
            samples.popleft()
        start, newest = samples[0], samples[-1]
        if start is newest:
            return None
        return newest[1] - start[1], newest[2] - start[2], newest[0] - start[0]

    def keep_only(self, keys: set[tuple[str, str]]) -> None:
        """Forget the sessions no longer reported (removed workers and sessions)."""
        for key in set(self._samples) - keys:
            del self._samples[key]


def for_seconds(rule: str, settings: AlertSettings) -> float:
    """How long the rule's condition must hold before the alert fires."""
    durations = {
        WORKER_OFFLINE: settings.offline_for_s,
        LATENCY_P99: settings.latency_for_s,
        ERROR_RATE: settings.error_rate_for_s,
        HOST_MEMORY: settings.host_memory_for_s,
        GPU_TEMPERATURE: settings.gpu_temperature_for_s,
    }
    return durations.get(rule, 0.0)


def evaluate_alerts(
    fleet: FleetState, thresholds: AlertSettings, now: float | None = None, errors: ErrorRateWindow | None = None
) -> list[Alert]:
    """Every condition that holds in `fleet` now (`now`: Unix seconds, for certificate expiry). `errors` keeps
    the request counts between evaluations for the error-rate rule's recent window; without it (a one-off
    evaluation, no history) the rate is over the totals since each session started."""
    now = time.time() if now is None else now
    alerts: list[Alert] = []
    for worker in fleet:
        alerts.extend(_worker_alerts(worker, thresholds, now))
        alerts.extend(_session_alerts(worker, thresholds))
        alerts.extend(_error_rate_alerts(worker, thresholds, errors))
        alerts.extend(_device_alerts(worker, thresholds))
    if errors is not None:
        errors.keep_only({(w.name, m.session) for w in fleet for m in (w.metrics.sessions if w.metrics else [])})
    return sorted(alerts, key=lambda alert: (alert.severity != CRITICAL, alert.worker, alert.subject))


def _worker_alerts(worker: WorkerStatus, thresholds: AlertSettings, now: float) -> list[Alert]:
    if worker.state == OFFLINE:
        if not thresholds.offline_enabled:
            return []
        return [Alert(CRITICAL, worker.name, "worker", f"offline: {worker.reason}", WORKER_OFFLINE)]
    alerts = []
    if worker.state == DEGRADED:
        alerts.append(Alert(WARNING, worker.name, "worker", f"degraded: {worker.reason}", WORKER_DEGRADED))
    if worker.rtt_ms is not None and worker.rtt_ms > thresholds.rtt_ms:
        message = f"round trip {worker.rtt_ms:.0f} ms > {thresholds.rtt_ms:.0f} ms"
        alerts.append(Alert(WARNING, worker.name, "worker", message, WORKER_RTT))
    alerts.extend(_certificate_alerts(worker, thresholds, now))
    return alerts


def _certificate_alerts(worker: WorkerStatus, thresholds: AlertSettings, now: float) -> list[Alert]:
    # `tls_not_after` is new in ServerInfo; read it with getattr so older engines (and schemas) still work.
    not_after = getattr(worker.info, "tls_not_after", None) if worker.info else None
    if not thresholds.cert_expiry_enabled or not isinstance(not_after, datetime):
        return []
    days = (not_after.timestamp() - now) / 86_400
    if days > thresholds.cert_expiry_days:
        return []
    if days <= 0:
        return [Alert(CRITICAL, worker.name, "certificate", f"TLS certificate expired {not_after:%Y-%m-%d}", CERT_EXPIRY)]
    message = f"TLS certificate expires in {days:.1f} days ({not_after:%Y-%m-%d})"
    return [Alert(WARNING, worker.name, "certificate", message, CERT_EXPIRY)]


def _session_alerts(worker: WorkerStatus, thresholds: AlertSettings) -> list[Alert]:
    alerts = []
    for session in worker.sessions if thresholds.session_failed_enabled else []:
        if session.state == SessionState.FAILED:
            message = f"failed: {session.reason or 'no reason given'}"
            alerts.append(Alert(CRITICAL, worker.name, session.name, message, SESSION_FAILED))
    for metrics in worker.metrics.sessions if worker.metrics else []:
        latency = session_latency(metrics)
        slow = latency is not None and latency.count and latency.p99_ms > thresholds.latency_p99_ms
        if thresholds.latency_enabled and slow:
            message = f"p99 {latency.p99_ms:.0f} ms > {thresholds.latency_p99_ms:.0f} ms"
            alerts.append(Alert(WARNING, worker.name, metrics.session, message, LATENCY_P99))
        if metrics.queue_depth > thresholds.queue_depth:
            message = f"queue depth {metrics.queue_depth} > {thresholds.queue_depth}"
            alerts.append(Alert(WARNING, worker.name, metrics.session, message, QUEUE_DEPTH))
    return alerts


def _error_rate_alerts(worker: WorkerStatus, thresholds: AlertSettings, errors: ErrorRateWindow | None) -> list[Alert]:
    """Failed requests' share: over the last `error_rate_for_s` seconds with a window, else since the start."""
    if worker.metrics is None:
        return []
    alerts = []
    for metrics in worker.metrics.sessions:
        if errors is None:
            failures = sum(metrics.failures_total.values())
            handled, window = failures + metrics.success_total, ""
        else:
            counts = errors.sample((worker.name, metrics.session), worker.metrics.timestamp, metrics, thresholds.error_rate_for_s)
            if counts is None:
                continue
            failures, handled, covered_s = counts
            window = f" in the last {covered_s:.0f} s"
        if thresholds.error_rate_enabled and handled and 100.0 * failures / handled > thresholds.error_rate_pct:
            message = f"{100.0 * failures / handled:.1f}% of requests failed{window}"
            alerts.append(Alert(WARNING, worker.name, metrics.session, message, ERROR_RATE))
    return alerts


def _device_alerts(worker: WorkerStatus, thresholds: AlertSettings) -> list[Alert]:
    devices = worker.devices
    if devices is None:
        return []
    alerts = []
    if thresholds.host_memory_enabled and devices.memory_total_bytes:
        used = 100.0 * devices.memory_used_bytes / devices.memory_total_bytes
        if used > thresholds.host_memory_pct:
            message = f"host memory {used:.0f}% > {thresholds.host_memory_pct:.0f}%"
            alerts.append(Alert(WARNING, worker.name, "memory", message, HOST_MEMORY))
    for gpu in devices.gpus:
        if gpu.memory_total_bytes and 100.0 * gpu.memory_used_bytes / gpu.memory_total_bytes > thresholds.gpu_memory_pct:
            used = 100.0 * gpu.memory_used_bytes / gpu.memory_total_bytes
            message = f"memory {used:.0f}% > {thresholds.gpu_memory_pct:.0f}%"
            alerts.append(Alert(WARNING, worker.name, f"GPU {gpu.index}", message, GPU_MEMORY))
        hot = gpu.temperature_c is not None and gpu.temperature_c > thresholds.gpu_temperature_c
        if thresholds.gpu_temperature_enabled and hot:
            message = f"temperature {gpu.temperature_c:.0f} °C > {thresholds.gpu_temperature_c:.0f} °C"
            alerts.append(Alert(WARNING, worker.name, f"GPU {gpu.index}", message, GPU_TEMPERATURE))
    return alerts

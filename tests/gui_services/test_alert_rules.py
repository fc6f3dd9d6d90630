"""The alert rules and their lifecycle, on known sequences of fleet states (pure logic, no Qt)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mohawk_engine.schemas import ServerInfo, SessionInfo, SessionSpec, SessionState
from mohawk_engine.schemas.telemetry import DevicesSnapshot, GpuStatus, LatencySummary, MetricsSnapshot, SessionMetrics
from mohawk_gui.services.alert_rules import ACKNOWLEDGED, ACTIVE, PENDING, RESOLVED, AlertBook, NotificationGate
from mohawk_gui.services.alerts import (
    CERT_EXPIRY,
    CRITICAL,
    ERROR_RATE,
    GPU_TEMPERATURE,
    HOST_MEMORY,
    LATENCY_P99,
    SESSION_FAILED,
    WARNING,
    WORKER_OFFLINE,
    Alert,
    evaluate_alerts,
    for_seconds,
)
from mohawk_gui.services.config import AlertSettings, ConsoleConfig
from mohawk_gui.services.fleet_state import FleetState

GIB = 1024**3
NOW = 1_800_000_000.0
SETTINGS = AlertSettings(latency_p99_ms=100, latency_for_s=30, offline_for_s=10, error_rate_pct=5, error_rate_for_s=20)


def _metrics(p99: float = 10.0, success: int = 1000, failures: int = 0) -> MetricsSnapshot:
    window = LatencySummary(count=100, p50_ms=p99 / 3, p99_ms=p99, max_ms=p99)
    session = SessionMetrics(
        session="mlp", state="READY", success_total=success, failures_total={"timeout": failures} if failures else {},
        latency={"10s": window, "1s": window, "60s": window},
    )  # fmt: skip
    return MetricsSnapshot(timestamp=NOW, worker_id="w", sessions=[session])


def _fleet(p99: float = 10.0, state: str = "online") -> FleetState:
    fleet = FleetState()
    fleet.add("alpha", "http://alpha:1")
    fleet.set_state("alpha", state, "connection refused" if state == "offline" else "")
    if state != "offline":
        fleet.workers["alpha"].metrics = _metrics(p99)
    return fleet


def _book(settings: AlertSettings = SETTINGS) -> AlertBook:
    return AlertBook(lambda rule: for_seconds(rule, settings))


def _step(book: AlertBook, fleet: FleetState, at: float, settings: AlertSettings = SETTINGS):
    return book.update(evaluate_alerts(fleet, settings, NOW + at), NOW + at)


def test_p99_fires_only_after_holding_for_its_duration_then_acknowledge_and_resolve():
    book = _book()
    assert not _step(book, _fleet(p99=50), 0).fired
    changes = _step(book, _fleet(p99=400), 1)
    assert not changes.fired and [record.state for record in book.records] == [PENDING]
    assert book.visible() == [], "pending alerts are not shown"
    assert not _step(book, _fleet(p99=420), 30).fired, "29 s above is not yet 30 s"
    fired = _step(book, _fleet(p99=430), 31).fired
    assert [record.alert.key for record in fired] == [(LATENCY_P99, "alpha", "mlp")]
    record = fired[0]
    assert (record.state, record.pending_since, record.fired_at) == (ACTIVE, NOW + 1, NOW + 31)
    assert record.alert.message == "p99 430 ms > 100 ms"
    assert not _step(book, _fleet(p99=440), 40).fired, "an active alert fires once"
    assert book.acknowledge(record.id, NOW + 45) and record.state == ACKNOWLEDGED
    assert record.acknowledged_at == NOW + 45 and not book.unacknowledged()
    assert not book.acknowledge(record.id, NOW + 46), "acknowledging twice does nothing"
    resolved = _step(book, _fleet(p99=20), 50).resolved
    assert resolved == [record] and (record.state, record.resolved_at) == (RESOLVED, NOW + 50)


def test_a_flapping_condition_that_never_holds_long_enough_never_fires():
    book = _book()
    for second in range(0, 120, 10):  # 10 s above, 10 s below, ... (30 s needed)
        changes = _step(book, _fleet(p99=400 if second % 20 == 0 else 20), second)
        assert not changes.fired
    assert book.visible() == [] and book.records == []


def test_a_resolved_alert_fires_again_when_the_condition_returns():
    book = _book(AlertSettings(latency_p99_ms=100, latency_for_s=0))
    settings = AlertSettings(latency_p99_ms=100, latency_for_s=0)
    first = _step(book, _fleet(p99=400), 0, settings).fired[0]
    _step(book, _fleet(p99=10), 5, settings)
    again = _step(book, _fleet(p99=400), 10, settings).fired
    assert len(again) == 1 and again[0].id != first.id and again[0].fired_at == NOW + 10
    assert first.state == RESOLVED and again[0].state == ACTIVE
    assert [record.id for record in book.visible()] == [again[0].id, first.id], "newest first, history kept"


def test_worker_offline_waits_its_duration_and_is_critical():
    book = _book()
    assert not _step(book, _fleet(state="offline"), 0).fired
    assert not _step(book, _fleet(state="offline"), 9.5).fired
    fired = _step(book, _fleet(state="offline"), 10).fired
    assert [(r.alert.rule, r.alert.severity, r.alert.message) for r in fired] == [
        (WORKER_OFFLINE, CRITICAL, "offline: connection refused")
    ]
    assert _step(book, _fleet(), 11).resolved == fired


def test_error_rate_host_memory_gpu_temperature_and_failed_session_conditions():
    fleet = _fleet()
    worker = fleet.workers["alpha"]
    worker.metrics = _metrics(success=900, failures=100)
    gpu = GpuStatus(
        index=1, uuid="u", name="H100", utilization_pct=90, memory_used_bytes=GIB, memory_total_bytes=80 * GIB,
        temperature_c=91,
    )
    worker.devices = DevicesSnapshot(
        timestamp=NOW, worker_id="w", cpu_percent=10, cpu_per_core=[10], memory_used_bytes=95 * GIB,
        memory_total_bytes=100 * GIB, process_rss_bytes=GIB, gpus=[gpu],
    )  # fmt: skip
    spec = SessionSpec(name="broken", model="mlp-tiny")
    failed = SessionInfo(spec=spec, state=SessionState.FAILED, reason="out of memory", created_at=NOW, updated_at=NOW)
    worker.sessions = [failed]
    found = {(alert.rule, alert.subject, alert.severity, alert.message) for alert in evaluate_alerts(fleet, SETTINGS, NOW)}
    assert found == {
        (ERROR_RATE, "mlp", WARNING, "10.0% of requests failed"),
        (HOST_MEMORY, "memory", WARNING, "host memory 95% > 90%"),
        (GPU_TEMPERATURE, "GPU 1", WARNING, "temperature 91 °C > 85 °C"),
        (SESSION_FAILED, "broken", CRITICAL, "failed: out of memory"),
    }
    switches = ("error_rate_enabled", "host_memory_enabled", "gpu_temperature_enabled", "session_failed_enabled")
    off = SETTINGS.model_copy(update=dict.fromkeys(switches, False))
    assert evaluate_alerts(fleet, off, NOW) == [], "each rule has its own switch"


def test_certificate_expiry_warns_within_the_window_and_is_critical_once_expired():
    fleet = _fleet()
    info = dict(version="0.1.0", worker_id="w", model_repository="/m", state_dir="/s", started_at=NOW)
    now = datetime.fromtimestamp(NOW, UTC)

    def cert_alerts(expires: timedelta) -> list[Alert]:
        fleet.workers["alpha"].info = ServerInfo(**info, tls_not_after=now + expires)
        return [alert for alert in evaluate_alerts(fleet, SETTINGS, NOW) if alert.rule == CERT_EXPIRY]

    assert cert_alerts(timedelta(days=30)) == []
    (soon,) = cert_alerts(timedelta(days=3, hours=12))
    assert soon.severity == WARNING and soon.message.startswith("TLS certificate expires in 3.5 days")
    (expired,) = cert_alerts(timedelta(hours=-1))
    assert expired.severity == CRITICAL and "expired" in expired.message
    fleet.workers["alpha"].info = ServerInfo(**info)  # plain HTTP: no certificate, no alert
    assert [alert for alert in evaluate_alerts(fleet, SETTINGS, NOW) if alert.rule == CERT_EXPIRY] == []


def test_notifications_are_rate_limited_and_held_ones_are_summed_up():
    gate = NotificationGate(interval_s=10)
    a, b, c = (Alert(CRITICAL, "alpha", subject, f"{subject} broke", SESSION_FAILED) for subject in "abc")
    assert gate.offer(a, 0) == ("Mohawk critical: alpha / a", "a broke")
    assert gate.offer(b, 3) is None and gate.offer(c, 4) is None
    assert gate.flush(9) is None, "still inside the interval"
    assert gate.flush(10) == ("Mohawk critical: alpha / c", "c broke (+1 more alert)")
    assert gate.flush(30) is None, "nothing held"


def test_the_toml_keeps_old_alert_fields_and_documents_every_new_one():
    config = ConsoleConfig.model_validate({"alerts": {"rtt_ms": 90, "latency_for_s": 5}, "appearance": {"theme": "light"}})
    assert (config.alerts.rtt_ms, config.alerts.latency_for_s, config.appearance.theme) == (90, 5, "light")
    assert all(field.description for field in AlertSettings.model_fields.values())

"""The error-rate rule over a recent window of successive metrics snapshots (pure logic, no Qt)."""

from __future__ import annotations

from mohawk_engine.schemas.telemetry import MetricsSnapshot, SessionMetrics
from mohawk_gui.services.alert_rules import ACTIVE, AlertBook
from mohawk_gui.services.alerts import ERROR_RATE, ErrorRateWindow, evaluate_alerts, for_seconds
from mohawk_gui.services.config import AlertSettings
from mohawk_gui.services.fleet_state import FleetState

NOW = 1_800_000_000.0
SETTINGS = AlertSettings(error_rate_pct=5, error_rate_for_s=20, latency_enabled=False)


def _fleet(at: float, success: int, failures: int) -> FleetState:
    fleet = FleetState()
    fleet.add("alpha", "http://alpha:1")
    fleet.set_state("alpha", "online", "")
    session = SessionMetrics(session="mlp", state="READY", success_total=success, failures_total={"timeout": failures})
    fleet.workers["alpha"].metrics = MetricsSnapshot(timestamp=NOW + at, worker_id="w", sessions=[session])
    return fleet


def _error_alerts(window: ErrorRateWindow, at: float, success: int, failures: int) -> list[str]:
    alerts = evaluate_alerts(_fleet(at, success, failures), SETTINGS, NOW + at, window)
    return [alert.message for alert in alerts if alert.rule == ERROR_RATE]


def test_old_failures_do_not_count_once_they_leave_the_window():
    window = ErrorRateWindow()
    # 500 failures long ago (50% since start), then only successes: the since-start share stays far above 5%.
    assert _error_alerts(window, 0, 500, 500) == [], "one snapshot: no window yet"
    assert _error_alerts(window, 10, 1500, 500) == [], "10 s, 1000 requests, none failed"
    assert _error_alerts(window, 30, 3500, 500) == []
    assert _error_alerts(window, 31, 3600, 500) == []
    since_start = evaluate_alerts(_fleet(31, 3600, 500), SETTINGS, NOW + 31)
    assert [a.message for a in since_start if a.rule == ERROR_RATE] == ["12.2% of requests failed"], "no window: totals"


def test_a_recent_burst_of_failures_alerts_with_the_share_of_the_window():
    window = ErrorRateWindow()
    assert _error_alerts(window, 0, 1000, 0) == []
    assert _error_alerts(window, 10, 1900, 100) == ["10.0% of requests failed in the last 10 s"]
    assert _error_alerts(window, 20, 2800, 200) == ["10.0% of requests failed in the last 20 s"]
    # t=30: the baseline moves to the newest sample at least 20 s old, t=10 (t=0 is dropped)
    assert _error_alerts(window, 30, 3790, 210) == ["5.5% of requests failed in the last 20 s"]
    assert _error_alerts(window, 40, 4790, 210) == [], "t=20..40: 10 failures in 2000 requests, 0.5%"


def test_the_same_snapshot_seen_twice_and_a_counter_reset():
    window = ErrorRateWindow()
    _error_alerts(window, 0, 1000, 0)
    first = _error_alerts(window, 5, 1080, 20)
    assert first == _error_alerts(window, 5, 1080, 20) == ["20.0% of requests failed in the last 5 s"]
    assert _error_alerts(window, 6, 10, 5) == [], "counters went back (restarted worker): a new history starts"
    assert _error_alerts(window, 8, 20, 10) == ["33.3% of requests failed in the last 2 s"]


def test_the_windowed_rule_fires_after_holding_for_its_duration_and_sessions_gone_are_forgotten():
    window = ErrorRateWindow()
    book = AlertBook(lambda rule: for_seconds(rule, SETTINGS))
    fired = []
    for second in range(0, 45, 5):
        fleet = _fleet(second, 100 * second, 10 * second)
        fired += book.update(evaluate_alerts(fleet, SETTINGS, NOW + second, window), NOW + second).fired
    assert [(record.alert.rule, record.state, record.fired_at) for record in fired] == [(ERROR_RATE, ACTIVE, NOW + 25)]
    empty = FleetState()
    evaluate_alerts(empty, SETTINGS, NOW + 50, window)
    assert window.sample(("alpha", "mlp"), NOW + 51, _fleet(51, 10, 0).workers["alpha"].metrics.sessions[0], 20) is None

"""Alerts end to end in the console: wire objects through the hub → the rules → pending → active (badge,
notification) → acknowledged in the panel → resolved when the condition clears → fires again."""

from __future__ import annotations

from PyQt6.QtCore import Qt

from mohawk_engine.schemas import SessionState
from mohawk_gui.models.alerts_table import ALL, COLUMNS
from mohawk_gui.services.alert_rules import PENDING
from mohawk_gui.services.config import AlertSettings
from tests.gui.conftest import resolve, until
from tests.gui.wire import metrics_snapshot, session_info, session_metrics

SLOW = dict(p50=100.0)  # p99 = 3.5 × p50 = 350 ms
FAST = dict(p50=2.0)


def _row(panel, row: int = 0) -> dict[str, str]:
    return {column: panel.model.data(panel.model.index(row, col)) for col, column in enumerate(COLUMNS)}


def test_p99_alert_fires_after_its_duration_is_acknowledged_resolves_and_fires_again(qtbot, window, live_hub):
    window.tracker.set_thresholds(AlertSettings(latency_p99_ms=100, latency_for_s=0.6))
    notified: list[tuple[str, str]] = []
    window.notifier.notified.connect(lambda title, text: notified.append((title, text)))
    live_hub.on_state("local", "online", "")
    live_hub.on_metrics("local", metrics_snapshot(session_metrics("mlp", **SLOW)))
    until(qtbot, lambda: [record.state for record in window.tracker.book.records] == [PENDING])
    assert window.status.alerts.text() == "0 active alerts", "pending: not yet on the badge"
    until(qtbot, lambda: window.status.alerts.text() == "1 active alert", timeout=5)
    assert window.status.alerts.property("level") == "warning"
    assert notified == [("Mohawk warning: local / mlp", "p99 350 ms > 100 ms")]

    qtbot.mouseClick(window.status.alerts, Qt.MouseButton.LeftButton)
    panel = window.alerts_panel
    assert panel is not None and panel.isVisible()
    row = _row(panel)
    assert (row["Severity"], row["Rule"], row["Target"], row["State"]) == ("warning", "p99 latency", "local / mlp", "active")
    assert row["Fired"] and not row["Acknowledged"] and not row["Resolved"]
    assert not panel.acknowledge_button.isEnabled(), "nothing selected yet"

    panel.table.selectRow(0)
    qtbot.mouseClick(panel.acknowledge_button, Qt.MouseButton.LeftButton)
    row = _row(panel)
    assert row["State"] == "acknowledged" and row["Acknowledged"]
    assert window.status.alerts.text() == "0 active alerts · 1 acknowledged"
    assert window.status.alerts.property("level") == "none"

    live_hub.on_metrics("local", metrics_snapshot(session_metrics("mlp", **FAST)))
    until(qtbot, lambda: window.status.alerts.text() == "0 active alerts")
    assert panel.model.rowCount() == 0, "the active filter hides resolved alerts"
    panel.set_scope(ALL)
    row = _row(panel)
    assert row["State"] == "resolved" and row["Resolved"] and row["Acknowledged"]

    live_hub.on_metrics("local", metrics_snapshot(session_metrics("mlp", **SLOW)))
    until(qtbot, lambda: window.status.alerts.text() == "1 active alert", timeout=5)
    assert [_row(panel, r)["State"] for r in range(panel.model.rowCount())] == ["active", "resolved"]
    assert len(notified) == 1 and len(window.notifier.gate.held) == 1, "the second one waits out the rate limit"


def test_critical_alerts_from_the_toml_config_turn_the_badge_red_and_acknowledge_all(qtbot, console, window, live_hub):
    extra = "\n[alerts]\noffline_for_s = 0.0\nnotifications = false\n"
    console.store.path.write_text(console.store.path.read_text() + extra)
    resolve(qtbot, console.apply_config(console.store.load()))
    assert window.tracker.thresholds.offline_for_s == 0.0 and not window.notifier.enabled
    live_hub.on_state("local", "online", "")
    live_hub.on_sessions("local", [session_info("broken", state=SessionState.FAILED, reason="out of memory")])
    until(qtbot, lambda: window.status.alerts.text() == "1 active alert")
    assert window.status.alerts.property("level") == "critical"
    assert "local / broken: failed: out of memory" in window.status.alerts.toolTip()
    live_hub.on_state("local", "offline", "connection refused")
    until(qtbot, lambda: window.status.alerts.text() == "2 active alerts")
    assert window.notifier.gate.held == [], "notifications are off: nothing queued"

    panel = window.open_alerts()
    assert panel.acknowledge_all() == 2
    assert window.status.alerts.text() == "0 active alerts · 2 acknowledged"
    assert not panel.acknowledge_all_button.isEnabled()


def test_alert_settings_are_edited_and_validated_in_the_settings_pane(qtbot, console, window):
    form = window.config.form
    form.fields["alerts.latency_for_s"].setValue(2.5)
    form.fields["alerts.host_memory_enabled"].setChecked(False)
    resolve(qtbot, window.config.save())
    until(qtbot, lambda: window.tracker.thresholds.latency_for_s == 2.5)
    assert window.tracker.thresholds.host_memory_enabled is False
    assert "latency_for_s = 2.5" in console.store.path.read_text()

    form.fields["alerts.gpu_temperature_c"].setValue(500)
    assert window.config.save() is None
    assert "alerts.gpu_temperature_c" in window.config.banner_text.text()
    assert form.fields["alerts.gpu_temperature_c"].property("invalid") is True
    assert console.config.alerts.gpu_temperature_c == 85.0, "nothing applied"

"""LogRingModel, LogFilterProxy and the logs view: bounded tail, filters, pause/resume, NDJSON export."""

from __future__ import annotations

import json

from PyQt6.QtCore import Qt

from mohawk_gui.models.log_entry import from_event, from_record
from mohawk_gui.models.log_filter import LogFilterProxy
from mohawk_gui.models.log_ring import LogRingModel
from mohawk_gui.views.logs_view import LogsView
from tests.gui.wire import log_record, session_event


def test_ring_model_drops_the_oldest_rows_past_its_capacity(qtbot):
    model = LogRingModel(capacity=5)
    model.extend(from_record("w", log_record(f"line {i}")) for i in range(3))
    with qtbot.waitSignals([model.rowsRemoved, model.rowsInserted]):
        model.extend(from_record("w", log_record(f"line {i}")) for i in range(3, 7))
    assert model.rowCount() == 5
    assert [model.data(model.index(r, 4)) for r in range(5)] == [f"line {i}" for i in range(2, 7)]
    model.extend(from_record("w", log_record(f"burst {i}")) for i in range(12))
    assert model.rowCount() == 5 and model.data(model.index(0, 4)) == "burst 7"


def test_filter_proxy_by_worker_session_level_and_text(qtbot):
    model = LogRingModel()
    model.extend(
        [
            from_record("alpha", log_record("engine started")),
            from_record("alpha", log_record("batch took 40 ms", level="WARNING", source="mlp", session="mlp")),
            from_record("beta", log_record("debug noise", level="DEBUG")),
            from_event("beta", session_event(1, "mlp", "failed", "CUDA requested but unavailable")),
        ]
    )
    proxy = LogFilterProxy()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == 4
    proxy.set_min_level("WARNING")
    assert [e.message for e in proxy.visible_entries()] == ["batch took 40 ms", "session failed: CUDA requested but unavailable"]
    proxy.set_worker("beta")
    assert proxy.rowCount() == 1 and proxy.data(proxy.index(0, 2)) == "ERROR"
    proxy.set_worker(None)
    proxy.set_min_level("DEBUG")
    proxy.set_session("mlp")
    assert proxy.rowCount() == 2
    proxy.set_session(None)
    proxy.set_text("NOISE")
    assert [e.worker for e in proxy.visible_entries()] == ["beta"]


def test_logs_view_tails_pauses_resumes_and_exports(qtbot, hub, tmp_path):
    view = LogsView(hub, capacity=100)
    qtbot.addWidget(view)
    hub.on_worker_added("alpha", object())
    assert view.worker_filter.findText("alpha") > 0
    hub.on_log("alpha", log_record("hello from the engine"))
    hub.on_event("alpha", session_event(1, "mlp", "ready"))
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=2000)
    assert view.session_filter.findText("mlp") > 0

    qtbot.mouseClick(view.pause_button, Qt.MouseButton.LeftButton)
    assert view.paused and view.pause_button.text() == "Resume"
    for i in range(150):
        hub.on_log("alpha", log_record(f"while paused {i}"))
    assert view.flush() == 0 and view.model.rowCount() == 2
    assert "100 new lines waiting" in view.status.text() and "50 older lines dropped" in view.status.text()
    qtbot.mouseClick(view.pause_button, Qt.MouseButton.LeftButton)
    assert view.model.rowCount() == 100
    assert view.model.entry(99).message == "while paused 149"

    view.text_filter.setText("paused 14")
    count = view.export_ndjson(tmp_path / "logs.ndjson")
    lines = [json.loads(line) for line in (tmp_path / "logs.ndjson").read_text().splitlines()]
    assert count == len(lines) == 10  # 140..149; "while paused 14" was dropped while paused
    assert lines[0]["worker"] == "alpha" and lines[0]["level"] == "INFO" and "T" in lines[0]["time"]

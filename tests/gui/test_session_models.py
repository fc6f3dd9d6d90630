"""SessionsTableModel and SessionRecorder, driven through FleetHub with real wire objects."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import QSortFilterProxyModel, Qt

from mohawk_engine.schemas import SessionState
from mohawk_gui.models.session_recorder import SessionRecorder, utilization_rows
from mohawk_gui.models.sessions_table import (
    COLUMNS,
    KEY_ROLE,
    METRICS_REFRESH_S,
    SORT_ROLE,
    STATE_COLUMN,
    SessionsTableModel,
)
from mohawk_gui.theme import BAD
from tests.gui.wire import metrics_snapshot, session_event, session_info, session_metrics


def _text(model, row: int, column: str) -> str:
    return model.data(model.index(row, COLUMNS.index(column)))


def test_table_follows_session_lists_and_metrics_per_worker(qtbot, hub):
    model = SessionsTableModel(hub)
    hub.on_sessions("alpha", [session_info("mlp"), session_info("adder", model="add-sub")])
    hub.on_sessions("beta", [session_info("mlp", state=SessionState.FAILED, reason="CUDA unavailable")])
    assert model.rowCount() == 3
    row = model.row_of("beta", "mlp")
    assert _text(model, row, "State") == "FAILED"
    assert model.data(model.index(row, STATE_COLUMN), Qt.ItemDataRole.ForegroundRole).name() == BAD.lower()
    assert model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole) == "CUDA unavailable"
    assert _text(model, model.row_of("alpha", "mlp"), "Placement") == "replicate ×2 on cpu"
    assert _text(model, model.row_of("alpha", "mlp"), "req/s") == "—"

    with qtbot.waitSignal(model.dataChanged) as changed:
        hub.on_metrics("alpha", metrics_snapshot(session_metrics("mlp", rate=1234.0, p50=2.0, queue=7)))
    alpha_mlp = model.row_of("alpha", "mlp")
    assert changed.args[0].row() == alpha_mlp and changed.args[0].column() == COLUMNS.index("req/s")
    assert (_text(model, alpha_mlp, "req/s"), _text(model, alpha_mlp, "p99 (ms)"), _text(model, alpha_mlp, "Queue")) == (
        "1,234",
        "7.00",
        "7",
    )

    with qtbot.waitSignal(model.rowsRemoved):
        hub.on_sessions("alpha", [session_info("mlp")])
    assert model.row_of("alpha", "adder") == -1 and model.rowCount() == 2
    hub.on_worker_removed("beta")
    assert [model.data(model.index(r, 0), KEY_ROLE) for r in range(model.rowCount())] == [("alpha", "mlp")]


def test_table_sorts_numbers_as_numbers(qtbot, hub):
    model = SessionsTableModel(hub)
    hub.on_sessions("alpha", [session_info(name) for name in ("a", "b", "c")])
    hub.on_metrics("alpha", metrics_snapshot(*(session_metrics(n, rate=r) for n, r in (("a", 9.0), ("b", 100.0), ("c", 20.0)))))
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.sort(COLUMNS.index("req/s"), Qt.SortOrder.DescendingOrder)
    assert [proxy.data(proxy.index(r, 1)) for r in range(3)] == ["b", "c", "a"]


def test_recorder_samples_at_most_every_interval_and_labels_replicas(qtbot, hub):
    recorder = SessionRecorder(hub, capacity=8, interval_s=0.5)
    hub.on_sessions("alpha", [session_info("mlp", replicas=2)])
    for step in range(20):
        recorder.record("alpha", metrics_snapshot(session_metrics("mlp", rate=float(step))), 1000.0 + step * 0.25)
    series = recorder.series[("alpha", "mlp")]
    assert len(series.throughput) == 8
    assert list(series.throughput.times()) == [1000.0 + t * 0.5 for t in range(2, 10)]
    assert series.utilization.series == ["cpu #0", "cpu #1"]
    assert series.utilization.latest()["cpu #1"] == pytest.approx(45.0)
    assert series.latency.latest()["p99"] == 7.0


def test_recorder_keeps_events_ordered_and_unique(qtbot, hub):
    recorder = SessionRecorder(hub)
    with qtbot.waitSignal(recorder.events_changed):
        hub.on_event("alpha", session_event(2, "mlp", "ready"))
    recorder.add_events("alpha", "mlp", [session_event(1, "mlp", "loading"), session_event(2, "mlp", "ready")])
    assert [event.kind for event in recorder.series[("alpha", "mlp")].events] == ["loading", "ready"]
    with qtbot.assertNotEmitted(recorder.events_changed):
        recorder.add_events("alpha", "mlp", [session_event(1, "mlp", "loading")])
    hub.on_worker_removed("alpha")
    assert ("alpha", "mlp") not in recorder.series


def test_pipeline_stages_are_rows_when_the_session_reports_them():
    metrics = session_metrics("p").model_copy(update={"stage_busy": [0.5, 0.25]})
    assert utilization_rows(None, metrics) == {"stage 0": 50.0, "stage 1": 25.0}


def test_table_coalesces_fast_metrics_into_few_updates(qtbot, hub):
    model = SessionsTableModel(hub)
    hub.on_sessions("alpha", [session_info("mlp")])
    emitted = []
    model.dataChanged.connect(lambda first, _last: emitted.append(first.row()))
    for step in range(20):  # two seconds of 10 Hz frames arriving at once
        hub.on_metrics("alpha", metrics_snapshot(session_metrics("mlp", rate=100.0 + step)))
    assert len(emitted) == 1, "the first frame shows at once, the rest wait for the refresh interval"
    assert _text(model, 0, "req/s") == "119", "the model itself always holds the latest figures"
    qtbot.waitUntil(lambda: len(emitted) == 2, timeout=int(METRICS_REFRESH_S * 1000) + 1000)
    qtbot.wait(int(METRICS_REFRESH_S * 1000) + 100)
    assert len(emitted) == 2, "one more signal carries every frame that arrived meanwhile"


def test_session_columns_are_fitted_when_rows_change_not_on_every_figure(qtbot, hub):
    from PyQt6.QtWidgets import QHeaderView, QTableView

    from mohawk_gui.views.session_columns import WIDEST_FIGURE, fit_session_columns

    model = SessionsTableModel(hub)
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(model)
    fit_session_columns(table, model)
    header = table.horizontalHeader()
    assert header.sectionResizeMode(0) == QHeaderView.ResizeMode.Interactive, "no re-measuring at every update"
    assert header.sectionResizeMode(COLUMNS.index("Placement")) == QHeaderView.ResizeMode.Stretch
    figure_width = table.fontMetrics().horizontalAdvance(WIDEST_FIGURE)
    assert all(header.sectionSize(c) >= figure_width for c in range(COLUMNS.index("req/s"), len(COLUMNS)))
    hub.on_sessions("alpha", [session_info("a-session-with-a-rather-long-name")])
    qtbot.waitUntil(lambda: header.sectionSize(1) >= table.fontMetrics().horizontalAdvance("a-session-with-a-rather-long-name"))

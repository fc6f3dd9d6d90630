"""The dashboard on a real engine: tiles, sessions summary (click opens the session), live charts."""

from __future__ import annotations

import csv

import pytest
from PyQt6.QtCore import Qt

from mohawk_gui.models.sessions_table import COLUMNS
from mohawk_gui.views.dashboard_view import DashboardView
from tests.gui.conftest import resolve, until, worker_block
from tests.gui.traffic import send_add_sub
from tests.support.deploy import deploy


@pytest.fixture
def view(qtbot, console, tracker, gui_engine):
    """A dashboard on a console connected to the engine; the connections close before the view goes."""
    console.store.path.write_text(console.store.path.read_text() + worker_block("alpha", gui_engine.url))
    console.load_config()
    view = DashboardView(tracker.hub, tracker)
    view.resize(1100, 700)
    view.show()
    resolve(qtbot, console.start())
    yield view
    resolve(qtbot, console.shutdown())
    view.close()
    view.deleteLater()


def _row_of(view: DashboardView, session: str) -> int:
    model = view.sessions_model
    names = [model.data(model.index(row, COLUMNS.index("Session"))) for row in range(model.rowCount())]
    return names.index(session) if session in names else -1


def test_tiles_and_sessions_summary_follow_the_fleet_and_a_click_opens_the_session(qtbot, view, gui_engine):
    until(qtbot, lambda: view.workers_tile.value.text() == "1/1 online")
    assert (view.workers_tile.level, view.workers_tile.detail.text()) == ("ok", "all online") or (
        view.workers_tile.level == "warning" and view.workers_tile.detail.text().startswith("alpha degraded: ")
    )
    assert view.alerts_tile.value.text() == ("0" if view.workers_tile.level == "ok" else "1")

    resolve(qtbot, deploy(gui_engine.url, "dash-addsub", "add-sub"))
    until(qtbot, lambda: _row_of(view, "dash-addsub") >= 0)
    row = _row_of(view, "dash-addsub")
    model = view.sessions_model
    assert model.data(model.index(row, COLUMNS.index("Worker"))) == "alpha"
    assert model.data(model.index(row, COLUMNS.index("Model"))) == "add-sub"
    until(qtbot, lambda: model.data(model.index(_row_of(view, "dash-addsub"), COLUMNS.index("State"))) == "READY")
    until(qtbot, lambda: "ready" in view.sessions_tile.value.text())

    with qtbot.waitSignal(view.session_activated) as opened:
        rect = view.sessions_table.visualRect(model.index(_row_of(view, "dash-addsub"), 1))
        qtbot.mouseClick(view.sessions_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["alpha", "dash-addsub"]


def test_live_charts_fill_while_inferences_run(qtbot, view, tracker, gui_engine, tmp_path):
    resolve(qtbot, deploy(gui_engine.url, "dash-traffic", "add-sub"))
    until(qtbot, lambda: tracker.fleet.workers["alpha"].metrics is not None)

    assert resolve(qtbot, send_add_sub(gui_engine.url, "dash-traffic", requests=200)) == 200
    until(qtbot, lambda: tracker.fleet.workers["alpha"].metrics.requests_per_s > 0, timeout=5)
    view.sample_charts()

    view.throughput_chart.export_csv(tmp_path / "throughput.csv")
    view.latency_chart.export_csv(tmp_path / "latency.csv")
    throughput = list(csv.DictReader((tmp_path / "throughput.csv").open()))
    latency = list(csv.DictReader((tmp_path / "latency.csv").open()))
    assert any(float(row["requests"]) > 0 for row in throughput)
    assert any(float(row["p99"]) >= float(row["p50"]) > 0 for row in latency)
    until(qtbot, lambda: view.strip.meters)
    assert ("alpha", "CPU") in view.strip.meters or any(key[0] == "alpha" for key in view.strip.meters)

"""The Benchmarks view: a load run started from the form against a real engine, saved runs, comparison, exports."""

from __future__ import annotations

import base64
import csv
import re
from datetime import UTC, datetime, timedelta

import pytest
from PyQt6.QtGui import QImage

from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.run_store import RunStore
from mohawk_gui.views.benchmarks_view import BenchmarksView
from tests.gui.conftest import resolve, until
from tests.gui.wire import metrics_snapshot, session_metrics
from tests.support.deploy import deploy
from tests.support.load_results import sample_result

SESSION = "bench-mlp"


@pytest.fixture
def engine_session(qtbot, live_hub, gui_engine) -> str:
    """The session the runs load (deployed once per engine)."""
    client = live_hub.client("local")
    if SESSION not in [info.name for info in resolve(qtbot, client.list_sessions())]:
        resolve(qtbot, deploy(gui_engine.url, SESSION, "mlp-tiny"))
    return SESSION


def _view(qtbot, hub, store: RunStore, url: str = "http://127.0.0.1:9") -> BenchmarksView:
    """The view; with a live hub, the worker's session list arrives as the connection manager would send it."""
    view = BenchmarksView(hub, lambda name: WorkerSettings(name=name, url=url) if name == "local" else None, store)
    qtbot.addWidget(view)
    view.resize(1400, 1000)
    view.show()
    if "local" in hub.workers():
        hub.on_sessions("local", resolve(qtbot, hub.client("local").list_sessions()))
    return view


def test_a_run_started_from_the_form_draws_live_and_is_saved(qtbot, live_hub, gui_engine, engine_session, tmp_path):
    store = RunStore(tmp_path / "runs")
    view = _view(qtbot, live_hub, store, gui_engine.url)
    panel = view.load_tests
    assert panel.form.worker() == "local" and panel.form.session() == SESSION
    assert panel.runs.empty_label.isVisible() and not panel.stop_button.isEnabled()

    panel.form.concurrency_box.setValue(2)
    panel.form.duration_box.setValue(2.0)
    panel.start_button.click()
    assert panel.running and panel.stop_button.isEnabled() and not panel.start_button.isEnabled()
    assert not panel.form.isEnabled()

    live_hub.on_metrics("local", metrics_snapshot(session_metrics(SESSION, rate=900.0, queue=5)))
    live_hub.on_metrics("local", metrics_snapshot(session_metrics("another", rate=1.0)))
    curve = panel.client_charts.throughput.curves["req/s"]
    until(qtbot, lambda: curve.yData is not None and len(curve.yData) >= 1 and curve.yData[-1] > 0, timeout=30)
    assert panel.status_label.text().startswith("Running")
    assert list(panel.server_charts.throughput.data("req/s")[1]) == [900.0]
    assert panel.server_charts.queue.data("queued")[1][-1] == 5.0

    until(qtbot, lambda: panel.runs.model.rowCount() == 1, timeout=30)
    until(qtbot, lambda: panel.start_button.isEnabled())
    saved = store.list()
    assert len(saved) == 1 and saved[0].session == SESSION and saved[0].result.totals.requests > 0
    row = [panel.runs.model.index(0, c).data() for c in range(8)]
    assert row[1:4] == ["local", SESSION, "closed ×2, 2 s"] and float(row[4].replace(",", "")) > 0
    assert panel.status_label.text().startswith("Finished:") and panel.status_label.property("role") == "muted"
    assert not panel.runs.empty_label.isVisible() and not panel.stop_button.isEnabled()


def test_stop_ends_a_run_early_and_keeps_its_partial_result(qtbot, live_hub, gui_engine, engine_session, tmp_path):
    store = RunStore(tmp_path / "runs")
    view = _view(qtbot, live_hub, store, gui_engine.url)
    panel = view.load_tests
    panel.form.duration_box.setValue(60.0)
    panel.start_button.click()
    until(qtbot, lambda: len(panel.client_charts.throughput) >= 1, timeout=30)
    panel.stop_button.click()
    assert panel.status_label.text().startswith("Stopping")
    until(qtbot, lambda: panel.start_button.isEnabled(), timeout=20)
    assert panel.status_label.text().startswith("Stopped early:")
    assert store.list()[0].result.stopped and panel.runs.model.rowCount() == 1


def test_a_failing_run_shows_its_message_in_the_view(qtbot, live_hub, gui_engine, engine_session, tmp_path):
    view = _view(qtbot, live_hub, RunStore(tmp_path / "runs"), gui_engine.url)
    panel = view.load_tests
    panel.form.session_box.setCurrentText("no-such-session")
    panel.form.duration_box.setValue(1.0)
    panel.start_button.click()
    until(qtbot, lambda: panel.start_button.isEnabled(), timeout=30)
    assert panel.status_label.text().startswith("Run failed:") and "no-such-session" in panel.status_label.text()
    assert panel.status_label.property("role") == "error" and panel.runs.model.rowCount() == 0

    panel.form.session_box.setCurrentText(SESSION)
    panel.form.concurrency_box.setValue(1)
    panel.form.processes_box.setValue(4)
    panel.start_button.click()
    assert not panel.running
    assert panel.status_label.text() == "Invalid load: processes (4) cannot exceed the connections to share (1)"

    panel.form.worker_box.addItem("gone")
    panel.form.worker_box.setCurrentText("gone")
    panel.form.session_box.setCurrentText(SESSION)
    panel.start_button.click()
    assert not panel.running and "not connected" in panel.status_label.text()


def test_two_saved_runs_compare_side_by_side_and_export(qtbot, loop, hub, tmp_path):
    store = RunStore(tmp_path / "runs")
    base = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    older = store.save("local", sample_result(started_at=base, throughput=100.0, p99=4.0))
    newer = store.save("local", sample_result(started_at=base + timedelta(minutes=1), throughput=150.0, p99=2.0, errors=1))
    view = _view(qtbot, hub, store)
    panel = view.load_tests
    runs = panel.runs
    assert [runs.model.run(r).id for r in range(2)] == [newer.id, older.id]

    runs.select_rows(0)
    assert not runs.compare_button.isEnabled() and runs.csv_button.isEnabled()
    assert list(panel.client_charts.throughput.data("req/s")[1]) == [150.0, 150.0, 150.0]
    runs.export_csv(tmp_path / "run.csv")
    rows = list(csv.DictReader((tmp_path / "run.csv").open()))
    assert len(rows) == 3 and rows[0]["throughput"] == "150.0" and rows[2]["errors http 503"] == "1"

    runs.export_png(tmp_path / "run.png")
    image = QImage(str(tmp_path / "run.png"))
    assert not image.isNull() and image.width() >= 1000
    runs.export_html(tmp_path / "one.html")
    page = (tmp_path / "one.html").read_text()
    assert "<title>Load test: local/mlp" in page and newer.id in page and "http 503" in page
    assert len(re.findall(r"src='data:image/png;base64,", page)) == 3

    runs.select_rows(0, 1)
    assert runs.compare_button.isEnabled() and not runs.csv_button.isEnabled()
    runs.compare_button.click()
    table = panel.comparison
    assert [r.id for r in table.runs] == [older.id, newer.id]
    assert (table.cell(0, 0), table.cell(0, 1), table.cell(0, 2), table.cell(0, 3)) == ("Throughput (req/s)", "100", "150", "×1.50")
    assert (table.cell(5, 0), table.cell(5, 3)) == ("Latency p99 (ms)", "×0.50")
    assert set(table.throughput.lines) == {"A", "B"} and table.throughput.lines["B"][1] == [150.0, 150.0, 150.0]
    assert table.latency.lines["A"][1] == [4.0, 4.0, 4.0]

    runs.export_html(tmp_path / "report.html")
    page = (tmp_path / "report.html").read_text()
    assert "<style>" in page and "Load tests compared" in page and "×1.50" in page
    assert older.id in page and newer.id in page and "&quot;concurrency&quot;: 4" in page
    assert not re.search(r"""(src|href)=['"](?!data:)""", page), "the report must not load anything external"
    images = re.findall(r"src='data:image/png;base64,([^']+)'", page)
    assert len(images) == 2 and all(base64.b64decode(data).startswith(b"\x89PNG") for data in images)

    runs.select_rows(1)
    runs.delete_button.click()
    assert [run.id for run in store.list()] == [newer.id] and runs.model.rowCount() == 1

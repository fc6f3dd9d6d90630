"""The sessions view: table across workers, detail with charts and events, terminate and clone-and-edit."""

from __future__ import annotations

import time

import pytest
from PyQt6.QtWidgets import QMessageBox

from mohawk_engine.schemas import SessionState
from mohawk_gui.views.sessions_view import SessionsView
from tests.gui.conftest import resolve, until, worker_block
from tests.gui.wire import devices_snapshot, metrics_snapshot, session_event, session_info, session_metrics
from tests.support.deploy import deploy


def _view(qtbot, hub) -> SessionsView:
    view = SessionsView(hub)
    qtbot.addWidget(view)
    view.resize(1200, 900)
    view.show()
    return view


def test_opening_a_session_shows_its_detail_charts_and_events(qtbot, loop, hub):
    view = _view(qtbot, hub)
    hub.on_worker_added("alpha", object())
    assert view.empty_label.isVisible()
    hub.on_sessions("alpha", [session_info("mlp", replicas=2), session_info("adder", model="add-sub")])
    hub.on_sessions("beta", [session_info("mlp", state=SessionState.FAILED, reason="CUDA requested but unavailable")])
    assert view.proxy.rowCount() == 3 and not view.empty_label.isVisible()

    view.open_session("alpha", "mlp")
    assert view.table.currentIndex().isValid() and view.detail.key == ("alpha", "mlp")
    assert view.detail.name_label.text() == "mlp" and view.detail.state_label.text() == "READY"
    assert view.detail.fields["Placement"].text().startswith("replicate ×2 on cpu")
    assert view.detail.fields["Tensors"].text() == "input FP32[-1, 512] → output FP32[-1, 10]"

    start = time.time() - 30
    for step in range(40):
        view.recorder.record("alpha", metrics_snapshot(session_metrics("mlp", rate=100.0 + step)), start + step * 0.5)
    charts = view.detail.charts
    curve = charts.throughput.curves["req/s"]
    qtbot.waitUntil(lambda: curve.yData is not None and len(curve.yData) == 40, timeout=2000)
    assert curve.yData[-1] == 139.0 and charts.utilization.matrix().shape == (2, 40)
    assert charts.latency.data("p99")[1][-1] == 7.0
    assert charts.histogram.heights and sum(
        h * (r - l) for l, r, h in zip(charts.histogram.lefts, charts.histogram.rights, charts.histogram.heights)
    ) == pytest.approx(100.0)
    assert charts.batches.lefts == [0.6, 1.6, 3.6, 7.6]

    hub.on_event("alpha", session_event(7, "mlp", "ready"))
    hub.on_event("alpha", session_event(3, "mlp", "loading", "2 replicas on cpu"))
    texts = view.detail.timeline.texts()
    assert texts[0].endswith("ready") and texts[1].endswith("loading — 2 replicas on cpu")

    view.open_session("beta", "mlp")
    assert view.detail.state_label.text() == "FAILED"
    assert view.detail.fields["Reason"].text() == "CUDA requested but unavailable"
    assert view.detail.terminate_button.isEnabled() and view.detail.clone_button.isEnabled()
    assert charts.throughput.data("req/s")[1].size == 0 and charts.histogram.heights == []


def test_terminate_asks_first_then_stops_the_session_on_the_engine(qtbot, live_hub, gui_engine):
    resolve(qtbot, deploy(gui_engine.url, "view-term", "add-sub"))
    view = _view(qtbot, live_hub)
    live_hub.on_sessions("local", resolve(qtbot, live_hub.client("local").list_sessions()))
    view.open_session("local", "view-term")
    assert view.detail.terminate_button.isEnabled()

    box = view.detail.confirm_terminate()
    assert "view-term" in box.text() and box.defaultButton() is box.button(QMessageBox.StandardButton.Cancel)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert resolve(qtbot, live_hub.client("local").get_session("view-term")).state is SessionState.READY

    view.detail.confirm_terminate().button(QMessageBox.StandardButton.Yes).click()
    until(qtbot, lambda: view.detail.state_label.text() == "STOPPED", timeout=15)
    remaining = resolve(qtbot, live_hub.client("local").list_sessions())
    assert "view-term" not in [info.name for info in remaining if info.state is not SessionState.STOPPED]
    assert not view.detail.terminate_button.isEnabled()


def test_clone_and_edit_opens_the_wizard_with_the_session_settings(qtbot, live_hub):
    view = _view(qtbot, live_hub)
    live_hub.on_sessions("local", [session_info("mlp-big", replicas=3)])
    live_hub.on_devices("local", devices_snapshot())
    view.open_session("local", "mlp-big")
    view.detail.clone_button.click()
    wizard = view.wizard
    assert wizard is not None and wizard.initial.device_map.replicas_per_device == 3
    until(qtbot, lambda: wizard.model_page.model() is not None, timeout=15)
    assert wizard.model_page.session_name() == "mlp-big-copy" and wizard.model_page.model().name == "mlp-tiny"
    assert wizard.batching_page.replicas_per_device.value() == 3
    assert wizard.devices_page.device_list.item(0).text() == "cpu — 52.0 GiB free of 64.0 GiB · 16 cores"
    wizard.close()


def test_a_failed_session_can_be_terminated_to_clear_it(qtbot, live_hub, gui_engine):
    failed = resolve(qtbot, deploy(gui_engine.url, "view-failed", "mlp-tiny", devices=["cuda:0"]))
    assert failed.state is SessionState.FAILED
    view = _view(qtbot, live_hub)
    live_hub.on_sessions("local", resolve(qtbot, live_hub.client("local").list_sessions()))
    view.open_session("local", "view-failed")
    assert view.detail.fields["Reason"].text().startswith("CUDA requested but unavailable")
    view.detail.confirm_terminate().button(QMessageBox.StandardButton.Yes).click()
    until(qtbot, lambda: view.detail.state_label.text() == "STOPPED", timeout=15)
    assert view.detail.message.isHidden()


def test_with_the_console_connected_a_wizard_deploy_appears_in_the_table(qtbot, console, hub, gui_engine):
    console.store.path.write_text(console.store.path.read_text() + worker_block("alpha", gui_engine.url))
    console.load_config()
    view = _view(qtbot, hub)
    resolve(qtbot, console.start())
    until(qtbot, lambda: "alpha" in hub.workers())
    wizard = view.open_wizard("alpha")
    until(qtbot, lambda: wizard.model_page.models, timeout=15)
    wizard.model_page.select_model("add-sub")
    wizard.model_page.name_edit.setText("view-e2e")
    wizard.next()
    wizard.next()
    wizard.next()
    wizard.review_page.start()
    until(qtbot, lambda: wizard.review_page.state is SessionState.READY, timeout=60)
    until(qtbot, lambda: view.model.row_of("alpha", "view-e2e") >= 0)
    assert view.detail.key == ("alpha", "view-e2e")
    until(qtbot, lambda: view.detail.state_label.text() == "READY")
    wizard.close()

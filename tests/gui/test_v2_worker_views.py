"""A plain v2 server in every view: the real engine configured as kind "v2", behind a proxy that hides
Mohawk's /v1 API and /metrics. Controls that need /v1 are disabled with the reason, nothing asks /v1,
and the worker's kind and missing figures are shown where an operator looks."""

from __future__ import annotations

import pytest
from PyQt6.QtCore import Qt

from mohawk_engine.client import EngineClient
from mohawk_gui.services.v2_models import READ_ONLY_REASON
from mohawk_gui.tables.workers_table import VERSION_COLUMN
from tests.gui.conftest import answering, resolve, until, worker_block
from tests.gui_services.path_proxy import PathProxy
from tests.support.deploy import deploy

SESSION = "v2-view-mlp"
WORKER = "tri"
NO_METRICS = "no metrics: GET /metrics answered 404"


async def _deploy_once(url: str) -> None:
    async with EngineClient(url) as client:
        if SESSION in {info.name for info in await client.list_sessions()}:
            return
    await deploy(url, SESSION, "mlp-tiny")


@pytest.fixture
def v2_window(qtbot, console, tracker, window, gui_engine):
    resolve(qtbot, _deploy_once(gui_engine.url), timeout=120)
    proxy = PathProxy("127.0.0.1", gui_engine.port, hide=(b"/v1/", b"/metrics"))
    resolve(qtbot, proxy.__aenter__())
    console.store.path.write_text(console.store.path.read_text() + worker_block(WORKER, proxy.url) + 'kind = "v2"\n')
    console.load_config()
    resolve(qtbot, console.start())
    until(qtbot, lambda: WORKER in tracker.fleet.workers and answering(tracker.fleet.workers[WORKER].state))
    until(qtbot, lambda: tracker.fleet.workers[WORKER].info is not None)
    yield window, proxy
    resolve(qtbot, console.shutdown())
    resolve(qtbot, proxy.__aexit__(None, None, None))


def _v1_paths(proxy: PathProxy) -> list[str]:
    return [path for path in proxy.paths() if not (path.startswith("/v2") or path == "/metrics")]


def test_workers_page_shows_the_kind_and_disables_access_audit_and_model_sync(qtbot, v2_window, tmp_path):
    window, proxy = v2_window
    view = window.workers
    window.show_view("Workers")
    row = view.model.row_of(WORKER)
    version = view.model.index(row, VERSION_COLUMN)
    assert view.model.data(version).startswith("v2: ")
    until(qtbot, lambda: NO_METRICS in view.model.data(view.model.index(row, 0), Qt.ItemDataRole.ToolTipRole))
    assert READ_ONLY_REASON in view.model.data(version, Qt.ItemDataRole.ToolTipRole)

    view.select_worker(WORKER)
    view.tabs.setCurrentWidget(view.access)
    access = view.access
    for button in (access.generate_button, access.refresh_button, access.revoke_button):
        assert not button.isEnabled() and READ_ONLY_REASON in button.toolTip()
    assert access.summary.text() == f"API keys are {READ_ONLY_REASON}"
    view.tabs.setCurrentWidget(view.audit)
    audit = view.audit
    for control in (audit.refresh_button, audit.more_button, audit.text_filter, audit.auto_check):
        assert not control.isEnabled() and READ_ONLY_REASON in control.toolTip()
    assert audit.summary.text() == f"The audit log is {READ_ONLY_REASON}" and not audit.timer.isActive()

    dialog = view.open_sync_dialog()
    sync_row = dialog.rows[WORKER]
    assert not sync_row.check.isChecked() and not sync_row.check.isEnabled()
    assert READ_ONLY_REASON in sync_row.check.toolTip() and READ_ONLY_REASON in sync_row.status.text()
    model = tmp_path / "m.onnx"
    model.write_bytes(b"not pushed")
    dialog.choose_file(model)
    sync_row.check.setChecked(True)  # even ticked by hand, it is not offered
    assert dialog.start() is None and dialog.message.text() == "Tick at least one worker."
    dialog.close()
    assert _v1_paths(proxy) == []


def test_sessions_logs_tuning_and_wizard_say_why_they_are_off(qtbot, v2_window):
    window, proxy = v2_window
    sessions = window.sessions
    window.show_view("Sessions")
    until(qtbot, lambda: window.hub.client(WORKER).metrics_note == NO_METRICS)
    sessions.open_session(WORKER, SESSION)
    detail = sessions.detail
    until(qtbot, lambda: detail.info() is not None)
    assert detail.info().read_only
    for button in (detail.reconfigure_button, detail.clone_button, detail.terminate_button):
        assert not button.isEnabled() and button.toolTip() == READ_ONLY_REASON
    assert NO_METRICS in detail.fields["Notes"].text()

    assert not sessions.new_button.isEnabled() and READ_ONLY_REASON in sessions.new_button.toolTip()
    window.shortcuts["Ctrl+N"].activated.emit()
    assert sessions.wizard is None and sessions.notice.isVisible() and READ_ONLY_REASON in sessions.notice.text()

    logs = window.logs
    window.show_view("Logs")
    tip = logs.worker_filter.itemData(logs.worker_filter.findText(WORKER), Qt.ItemDataRole.ToolTipRole)
    assert tip == f"No log stream from {WORKER}: logs are {READ_ONLY_REASON}"
    logs.flush()
    assert f"no log stream from {WORKER}: logs are {READ_ONLY_REASON}" in logs.status.text()

    window.show_view("Benchmarks")
    tuning = window.benchmarks.tuning
    tuning.form.worker_box.setCurrentText(WORKER)
    assert not tuning.start_button.isEnabled() and READ_ONLY_REASON in tuning.start_button.toolTip()
    tuning.start()
    assert tuning.status_label.text() == f"Tuning on {WORKER} is {READ_ONLY_REASON}"
    tuning.refresh()  # no tuning tasks to poll on a v2 server: nothing is asked (checked at the end)

    tuning.timer.start()
    window.benchmarks.stop_run()
    assert not tuning.timer.isActive(), "closing the console stops the Tuning panel's polling too"
    assert _v1_paths(proxy) == []

"""The Sync model dialog drives ModelSync against a real engine: bars reach 100 %, a worker that
cannot be reached shows why and a Retry button."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from PyQt6.QtCore import Qt

from mohawk_engine.client import EngineClient
from mohawk_gui.views.model_sync_dialog import ModelSyncDialog
from tests.gui.conftest import resolve, until

CHUNK = 1 << 20


@pytest.fixture
def sync_engine(engine_factory, tmp_path: Path):
    repo = tmp_path / "empty-models"
    repo.mkdir()
    process = engine_factory(repo)
    process.start()
    return process


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_dialog_pushes_to_the_ticked_workers(qtbot, loop, hub, sync_engine, demo_repo):
    live, dead = EngineClient(sync_engine.url), EngineClient(f"http://127.0.0.1:{_closed_port()}", timeout=1.0)
    hub.on_worker_added("live", live)
    hub.on_worker_added("dead", dead)
    dialog = ModelSyncDialog(hub, chunk_bytes=CHUNK, retries=0, backoff_s=0.01)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        assert dialog.start() is None and "file" in dialog.message.text()
        dialog.choose_file(demo_repo / "mlp-tiny.onnx")
        assert dialog.name_edit.text() == "mlp-tiny"
        dialog.name_edit.setText("from-dialog")
        qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
        assert dialog.cancel_button.isEnabled() and not dialog.sync_button.isEnabled()
        until(qtbot, lambda: dialog.sync_button.isEnabled(), timeout=30)
        live_row, dead_row = dialog.rows["live"], dialog.rows["dead"]
        assert live_row.bar.value() == 100 and live_row.status.text().startswith("done"), live_row.status.text()
        assert not live_row.retry.isVisible()
        assert dead_row.status.text().startswith("failed: ") and "cannot reach" in dead_row.status.text()
        assert dead_row.retry.isVisible()
        assert "1 worker(s) have the model; 1 did not" == dialog.message.text()
        assert (sync_engine.model_repo / "from-dialog.onnx").read_bytes() == (demo_repo / "mlp-tiny.onnx").read_bytes()
    finally:
        dialog.close()
        resolve(qtbot, live.aclose())
        resolve(qtbot, dead.aclose())


def test_workers_view_opens_the_sync_dialog(qtbot, loop, hub, tracker, console):
    from mohawk_gui.views.workers_view import WorkersView

    client = EngineClient(f"http://127.0.0.1:{_closed_port()}")
    hub.on_worker_added("w1", client)
    view = WorkersView(tracker, console)
    qtbot.addWidget(view)
    view.show()
    try:
        qtbot.mouseClick(view.sync_button, Qt.MouseButton.LeftButton)
        until(qtbot, lambda: view.sync_dialog is not None and view.sync_dialog.isVisible())
        assert list(view.sync_dialog.rows) == ["w1"] and view.sync_dialog.rows["w1"].check.isChecked()
    finally:
        view.sync_dialog.close()
        resolve(qtbot, client.aclose())

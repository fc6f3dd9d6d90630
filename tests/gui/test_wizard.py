"""The session wizard on a real engine: deploy to READY, a FAILED reason in plain words, engine errors, upload."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QWizard

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import DeviceMap, SessionSpec, SessionState
from mohawk_gui.views.wizard import SessionWizard
from mohawk_gui.views.wizard.upload_panel import NO_UPLOAD
from tests.gui.conftest import resolve, until
from tests.support.deploy import deploy


def _open(qtbot, hub, initial: SessionSpec | None = None) -> SessionWizard:
    wizard = SessionWizard(hub, "local", initial)
    qtbot.addWidget(wizard)
    wizard.show()
    until(qtbot, lambda: wizard.model_page.models, timeout=15)
    return wizard


def _to_review(qtbot, wizard: SessionWizard) -> None:
    wizard.next()
    assert wizard.currentPage() is wizard.devices_page
    until(qtbot, lambda: wizard.devices_page.plan is not None or wizard.devices_page.fit_label.text().startswith("The"))
    wizard.next()
    wizard.next()
    assert wizard.currentPage() is wizard.review_page


def test_wizard_deploys_mlp_tiny_and_follows_it_to_ready(qtbot, live_hub):
    wizard = _open(qtbot, live_hub)
    page = wizard.model_page
    page.select_model("mlp-tiny")
    assert "input <i>FP32</i> [-1, 512]" in page.details.text()
    page.name_edit.setText("wiz-mlp")
    assert page.isComplete()

    wizard.next()
    devices = wizard.devices_page
    until(qtbot, lambda: devices.plan is not None, timeout=15)
    assert devices.devices() == ["cpu"] and devices.plan.fits
    assert devices.plan_table.item(0, 0).text() == "cpu" and "Fits" in devices.fit_label.text()

    wizard.next()
    batching = wizard.batching_page
    assert (batching.max_batch_size.value(), batching.max_queue_delay_us.value(), batching.timeout_ms.value()) == (32, 0, 30_000)
    batching.max_batch_size.setValue(16)
    batching.replicas_per_device.setValue(2)
    wizard.next()

    review = wizard.review_page
    request = json.loads(review.request.toPlainText())
    assert request["name"] == "wiz-mlp" and request["model"] == "mlp-tiny"
    assert request["batching"]["max_batch_size"] == 16 and request["device_map"]["replicas_per_device"] == 2
    assert review.request_label.text().endswith("/v1/sessions")
    assert not wizard.button(QWizard.WizardButton.FinishButton).isEnabled()

    with qtbot.waitSignal(wizard.session_started) as started:
        qtbot.mouseClick(review.start_button, Qt.MouseButton.LeftButton)
    assert started.args == ["local", "wiz-mlp"]
    until(qtbot, lambda: review.state is SessionState.READY, timeout=60)
    assert "READY" in review.state_label.text() and review.error.text() == ""
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    info = resolve(qtbot, live_hub.client("local").get_session("wiz-mlp"))
    assert info.state is SessionState.READY and info.spec.batching.max_batch_size == 16


def test_a_deploy_on_a_missing_gpu_shows_the_failed_reason_in_plain_words(qtbot, live_hub):
    initial = SessionSpec(name="wiz-gpu", model="mlp-tiny", device_map=DeviceMap(devices=["cuda:0"]))
    wizard = _open(qtbot, live_hub, initial)
    assert wizard.model_page.model().name == "mlp-tiny" and wizard.model_page.session_name() == "wiz-gpu"
    _to_review(qtbot, wizard)
    assert json.loads(wizard.review_page.request.toPlainText())["device_map"]["devices"] == ["cuda:0"]
    wizard.review_page.start()
    until(qtbot, lambda: wizard.review_page.state is SessionState.FAILED, timeout=60)
    assert "FAILED" in wizard.review_page.state_label.text()
    assert wizard.review_page.error.text().startswith("The session did not start: CUDA requested but unavailable")
    assert "Traceback" not in wizard.review_page.error.text()
    assert wizard.review_page.start_button.isEnabled()


def test_engine_errors_show_in_the_page(qtbot, live_hub, gui_engine):
    resolve(qtbot, deploy(gui_engine.url, "wiz-taken", "add-sub"))
    wizard = _open(qtbot, live_hub, SessionSpec(name="wiz-taken", model="add-sub"))
    assert "exists on this worker" in wizard.model_page.name_problem.text()
    _to_review(qtbot, wizard)
    resolve(qtbot, wizard.review_page.start())
    assert wizard.review_page.error.text() == (
        "The engine refused: session 'wiz-taken' already exists and is READY; delete it first"
    )
    assert wizard.review_page.state is None and wizard.review_page.start_button.isEnabled()


def test_upload_of_a_corrupt_file_shows_the_engines_reason(qtbot, live_hub, tmp_path):
    wizard = _open(qtbot, live_hub)
    wizard.model_page.from_upload.setChecked(True)
    upload = wizard.model_page.upload
    model_file = tmp_path / "my model.onnx"
    model_file.write_bytes(b"\x08\x07" * 5000)
    resolve(qtbot, upload.choose_file(model_file))
    assert upload.name_edit.text() == "my-model"
    assert hashlib.sha256(model_file.read_bytes()).hexdigest() in upload.checksum_label.text()
    resolve(qtbot, upload.upload())
    assert upload.status.text().startswith("Upload failed: model 'my-model' refused:")
    assert "ONNX" in upload.status.text() and upload.status.text() != NO_UPLOAD
    assert upload.upload_button.isEnabled()


class UploadingClient(EngineClient):
    """The client side of the upload contract (PUT /v1/models/{name}), answered with a model the engine has."""

    async def upload_model(self, name: str, path: Path, progress, sha256: str | None = None):
        assert sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        size = path.stat().st_size
        progress(size // 2, size)
        progress(size, size)
        return await self.get_model("add-sub")


def test_upload_reports_progress_then_selects_the_uploaded_model(qtbot, loop, hub, gui_engine, tmp_path):
    client = UploadingClient(gui_engine.url)
    hub.on_worker_added("local", client)
    wizard = _open(qtbot, hub)
    upload = wizard.model_page.upload
    model_file = tmp_path / "add-sub.onnx"
    model_file.write_bytes(b"onnx" * 100)
    resolve(qtbot, upload.choose_file(model_file))
    resolve(qtbot, upload.upload())
    assert upload.progress.value() == 100 and "checksum verified" in upload.status.text()
    until(qtbot, lambda: wizard.model_page.model() is not None and wizard.model_page.model().name == "add-sub")
    resolve(qtbot, client.aclose())

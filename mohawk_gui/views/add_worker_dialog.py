"""Add a worker: kind, URL, token, TLS files; 'Test connection' must pass before it can be saved.

The kind is a Mohawk engine, or any Open Inference Protocol v2 server (Triton, MLServer, KServe)
followed in monitor-and-benchmark mode; 'Auto-detect' asks the server which it is on test.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError
from PyQt6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mohawk_gui.services.config import TlsSettings, WorkerSettings
from mohawk_gui.services.probe import ProbeResult
from mohawk_gui.services.v2_probe import detect_kind, probe_any
from mohawk_gui.theme import BAD, OK, set_role

Probe = Callable[[WorkerSettings], Awaitable[ProbeResult]]
Detect = Callable[[WorkerSettings], Awaitable[str | None]]
AUTO = "auto"
KINDS = (
    ("Auto-detect on test", AUTO),
    ("Mohawk engine", "mohawk"),
    ("Open Inference Protocol v2 server (Triton, MLServer, KServe): monitor and benchmark", "v2"),
)
KIND_NAMES = {"mohawk": "a Mohawk engine", "v2": "a plain Open Inference Protocol v2 server"}


class AddWorkerDialog(QDialog):
    def __init__(
        self, existing_names: set[str], probe: Probe = probe_any, parent: QWidget | None = None, detect: Detect = detect_kind
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add worker")
        self.setMinimumWidth(520)
        self._existing = existing_names
        self._probe = probe
        self._detect = detect
        self._tested: WorkerSettings | None = None
        self._probe_task: asyncio.Future | None = None

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("gpu-box-1")
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("http://host:8003 or https://host:8003")
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("optional; sent as 'Authorization: Bearer …'")
        self.kind_combo = QComboBox()
        for label, kind in KINDS:
            self.kind_combo.addItem(label, kind)
        self.kind_combo.setToolTip(
            "A plain v2 server is monitored (models, stats, /metrics) and load-tested; "
            "deploying, terminating, logs and tuning need Mohawk's /v1 API"
        )
        self.models_edit = QLineEdit()
        self.models_edit.setPlaceholderText("v2 servers without a repository index: model names, comma-separated")
        form = QFormLayout()
        form.addRow("Kind", self.kind_combo)
        form.addRow("Name", self.name_edit)
        form.addRow("URL", self.url_edit)
        form.addRow("API token", self.token_edit)
        form.addRow("Models", self.models_edit)

        tls_box = QGroupBox("TLS (https workers)")
        tls_form = QFormLayout(tls_box)
        self.verify_check = QCheckBox("Verify the worker's certificate")
        self.verify_check.setChecked(True)
        self.ca_edit = self._path_row(tls_form, "CA bundle", "PEM file of the CA that signed the worker")
        self.cert_edit = self._path_row(tls_form, "Client certificate", "for mutual TLS (optional)")
        self.key_edit = self._path_row(tls_form, "Client key", "if not inside the certificate file")
        tls_form.insertRow(0, self.verify_check)

        self.test_button = QPushButton("Test connection")
        self.result_label = QLabel("Test the connection before saving.")
        self.result_label.setWordWrap(True)
        set_role(self.result_label, "muted")
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.result_label, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        set_role(self.save_button, "primary")
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(tls_box)
        layout.addLayout(test_row)
        layout.addWidget(self.buttons)

        self.test_button.clicked.connect(self.test_connection)
        for edit in (
            self.name_edit, self.url_edit, self.token_edit, self.models_edit, self.ca_edit, self.cert_edit, self.key_edit
        ):  # fmt: skip
            edit.textChanged.connect(self._invalidate)
        self.kind_combo.currentIndexChanged.connect(self._invalidate)
        self.verify_check.toggled.connect(self._invalidate)

    def _path_row(self, form: QFormLayout, label: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._browse(edit, label))
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(browse)
        form.addRow(label, row)
        return edit

    def _browse(self, edit: QLineEdit, label: str) -> None:
        path, _ = QFileDialog.getOpenFileName(self, label, str(Path.home()), "PEM files (*.pem *.crt *.key);;All files (*)")
        if path:
            edit.setText(path)

    def settings(self) -> WorkerSettings:
        """The worker as entered; raises ValueError (with a readable message) when a field is invalid."""
        name = self.name_edit.text().strip()
        if name in self._existing:
            raise ValueError(f"a worker named {name!r} already exists")
        try:
            tls = TlsSettings(
                verify=self.verify_check.isChecked(),
                ca=_path_or_none(self.ca_edit),
                cert=_path_or_none(self.cert_edit),
                key=_path_or_none(self.key_edit),
            )
            return WorkerSettings(
                name=name, url=self.url_edit.text().strip(), token=self.token_edit.text() or None, tls=tls,
                kind=self._chosen_kind() or "mohawk", models=self._models(),
            )  # fmt: skip
        except ValidationError as exc:
            problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()]
            raise ValueError("; ".join(problems)) from None

    def _chosen_kind(self) -> str | None:
        """The kind picked, None for auto-detect."""
        kind = self.kind_combo.currentData()
        return None if kind == AUTO else kind

    def _models(self) -> list[str]:
        return [name.strip() for name in self.models_edit.text().split(",") if name.strip()]

    def test_connection(self) -> None:
        try:
            settings = self.settings()
        except ValueError as exc:
            self._show_result(False, str(exc))
            return
        self.test_button.setEnabled(False)
        self._show_result(None, f"Connecting to {settings.url} …")
        self._probe_task = asyncio.ensure_future(self._run_probe(settings))

    async def _run_probe(self, requested: WorkerSettings) -> None:
        try:
            settings, result = await self._detect_and_probe(requested)
        finally:
            self.test_button.setEnabled(True)
        if self._current_or_none() != requested:
            return  # the fields changed while the test ran
        self._tested = settings if result.ok else None
        self.save_button.setEnabled(result.ok)
        self._show_result(result.ok, result.message)

    async def _detect_and_probe(self, settings: WorkerSettings) -> tuple[WorkerSettings, ProbeResult]:
        """Probe as the chosen kind; with auto-detect, ask the server which kind it is first."""
        if self._chosen_kind() is not None:
            return settings, await self._probe(settings)
        kind = await self._detect(settings)
        if kind is None:  # unreachable, or neither kind: the Mohawk probe says why in words
            result = await self._probe(settings)
            note = "neither a Mohawk engine (GET /v1/server) nor a v2 server (GET /v2) answered"
            return settings, replace(result, message=f"{result.message} ({note})")
        settings = settings.model_copy(update={"kind": kind})
        result = await self._probe(settings)
        return settings, replace(result, message=f"{result.message} (detected: {KIND_NAMES[kind]})")

    def _current_or_none(self) -> WorkerSettings | None:
        try:
            return self.settings()
        except ValueError:
            return None

    def _invalidate(self) -> None:
        if self._tested is not None or self.save_button.isEnabled():
            self._tested = None
            self.save_button.setEnabled(False)
            self._show_result(None, "Settings changed: test the connection again before saving.")

    def _show_result(self, ok: bool | None, message: str) -> None:
        self.result_label.setText(message)
        color = {True: OK, False: BAD}.get(ok)
        self.result_label.setStyleSheet(f"color: {color};" if color else "")

    def tested_settings(self) -> WorkerSettings | None:
        return self._tested

    def done(self, result: int) -> None:
        """Closing the dialog abandons a test still in flight."""
        if self._probe_task is not None and not self._probe_task.done():
            self._probe_task.cancel()
        super().done(result)


def _path_or_none(edit: QLineEdit) -> Path | None:
    text = edit.text().strip()
    return Path(text).expanduser() if text else None

"""Sync model: push one local model file to several workers at once, a progress bar and a status
line per worker, Retry for the ones that failed, Cancel for all. The work is ModelSync's."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtGui import QCloseEvent
from PyQt6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.services.model_sync import ModelSync, SyncProgress, SyncState
from mohawk_gui.services.v2_models import read_only_reason
from mohawk_gui.theme import set_role
from mohawk_gui.views.async_tasks import spawn
from mohawk_gui.views.model_file_dialog import pick_model_file
from mohawk_gui.views.wizard.upload_panel import model_name_for


class WorkerRow:
    """One worker's line: tick box, progress bar, status, Retry. A worker that cannot take models (`reason`:
    a plain v2 server) is listed unticked and disabled, with the reason."""

    def __init__(self, worker: str, reason: str | None = None) -> None:
        self.reason = reason
        self.check = QCheckBox(worker)
        self.check.setChecked(reason is None)
        self.check.setEnabled(reason is None)
        self.check.setToolTip(f"Model upload: {reason}" if reason else f"Push the model to {worker}")
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        self.status = QLabel(f"not offered: model upload is {reason}" if reason else "")
        self.status.setWordWrap(True)
        set_role(self.status, "muted")
        self.retry = QPushButton("Retry")
        self.retry.setToolTip("Push again to this worker, continuing its upload where it stopped")
        self.retry.hide()

    def show(self, progress: SyncProgress) -> None:
        self.bar.setFormat("Checksum %p%" if progress.state is SyncState.HASHING else "%p%")
        self.bar.setValue(progress.percent if progress.state is not SyncState.FAILED else self.bar.value())
        self.status.setText(progress.text())
        set_role(self.status, "error" if progress.state is SyncState.FAILED else "muted")
        self.retry.setVisible(progress.state in (SyncState.FAILED, SyncState.CANCELLED))


class ModelSyncDialog(QDialog):
    progressed = pyqtSignal(object)  # SyncProgress, from the service's listener

    def __init__(self, hub: FleetHub, parent: QWidget | None = None, **sync_options: Any) -> None:
        """`sync_options` go to ModelSync (chunk_bytes, retries, backoff_s)."""
        super().__init__(parent)
        self.setWindowTitle("Sync model to workers")
        self.setMinimumWidth(720)
        self.hub = hub
        self.path: Path | None = None
        self.sync = ModelSync(hub.client, self.progressed.emit, **sync_options)
        self.task: asyncio.Future | None = None

        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("An .onnx or TorchScript .pt file on this computer")
        self.browse_button = QPushButton("Browse…")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Name in the workers' repositories")
        self.overwrite = QCheckBox("Replace a model of that name")
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow("File", file_row)
        form.addRow("Name", self.name_edit)
        form.addRow("", self.overwrite)

        self.rows: dict[str, WorkerRow] = {}
        workers_box = QGroupBox("Workers")
        grid = QGridLayout(workers_box)
        for index, worker in enumerate(hub.workers()):
            row = self.rows[worker] = WorkerRow(worker, read_only_reason(hub.client(worker)))
            grid.addWidget(row.check, index, 0)
            grid.addWidget(row.bar, index, 1)
            grid.addWidget(row.status, index, 2)
            grid.addWidget(row.retry, index, 3)
            row.retry.clicked.connect(lambda _=False, name=worker: self.retry(name))
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 2)  # status lines ("done: checksum verified by the worker") are longer than the bar needs
        if not self.rows:
            grid.addWidget(QLabel("No workers connected: add one in the Workers view first."), 0, 0)

        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.sync_button = QPushButton("Sync")
        set_role(self.sync_button, "primary")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop every unfinished push and drop its partial upload")
        self.cancel_button.setEnabled(False)
        self.close_button = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (self.sync_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(workers_box, 1)
        layout.addLayout(buttons)

        self.browse_button.clicked.connect(self._browse)
        self.sync_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.close)
        self.progressed.connect(self._show)

    def choose_file(self, path: Path) -> None:
        self.path = path
        self.path_edit.setText(str(path))
        if not self.name_edit.text().strip():
            self.name_edit.setText(model_name_for(path))

    def start(self) -> asyncio.Future | None:
        """Push the file to the ticked workers; None (with the reason shown) when something is missing."""
        workers = [name for name, row in self.rows.items() if row.check.isChecked() and not row.reason]
        name = self.name_edit.text().strip()
        problem = (
            "Pick a model file first." if self.path is None
            else "Give the model a name." if not name
            else "Tick at least one worker." if not workers
            else None
        )  # fmt: skip
        if problem:
            self._say(problem, error=True)
            return None
        for worker, row in self.rows.items():
            if row.reason:
                continue
            row.bar.setValue(0)
            row.status.setText("" if worker in workers else "skipped")
            row.retry.hide()
        self._set_running(True)
        self._say(f"Pushing {self.path.name} as '{name}' to {len(workers)} worker(s)…")
        self.task = spawn(self._run(self.sync.start(self.path, name, workers, self.overwrite.isChecked())))
        return self.task

    def retry(self, worker: str) -> asyncio.Future:
        self._set_running(True)
        self.task = spawn(self._run(self.sync.retry(worker)))
        return self.task

    def cancel(self) -> asyncio.Future:
        self._say("Cancelling…")
        self.task = spawn(self._run(self.sync.cancel()))
        return self.task

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.sync.running:
            spawn(self.sync.cancel())
        super().closeEvent(event)

    async def _run(self, work) -> None:
        await work
        await self.sync.wait()
        if self.sync.running:
            return
        self._set_running(False)
        states = self.sync.states.values()
        done = sum(p.state is SyncState.DONE for p in states)
        failed = sum(p.state is not SyncState.DONE for p in states)
        self._say(f"{done} worker(s) have the model" + (f"; {failed} did not" if failed else "."), error=bool(failed))

    def _show(self, progress: SyncProgress) -> None:
        row = self.rows.get(progress.worker)
        if row is not None:
            row.show(progress)

    def _set_running(self, running: bool) -> None:
        self.sync_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        offered = [row.check for row in self.rows.values() if not row.reason]
        for widget in (self.browse_button, self.name_edit, self.overwrite, *offered):
            widget.setEnabled(not running)

    def _browse(self) -> None:
        path = pick_model_file(self)
        if path:
            self.choose_file(path)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        set_role(self.message, "error" if error else "muted")

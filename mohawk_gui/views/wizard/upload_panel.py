"""Upload a local ONNX or TorchScript file to the worker's model repository, with progress and checksum."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas import ModelInfo
from mohawk_gui.theme import set_role
from mohawk_gui.views.async_tasks import spawn
from mohawk_gui.views.model_file_dialog import pick_model_file
from mohawk_gui.views.wizard.checksum import file_sha256

MODEL_SUFFIXES = (".onnx", ".pt", ".pth", ".torchscript")
NO_UPLOAD = (
    "This worker cannot receive model files: its engine has no upload endpoint (PUT /v1/models/{name}). "
    "Copy the file into the worker's model repository instead, then pick it from the list."
)


def model_name_for(path: Path) -> str:
    """A repository name from a file name: letters, digits, '_', '.', '-' (at most 64)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", path.stem).strip("-.")[:64] or "model"


class UploadPanel(QWidget):
    uploaded = pyqtSignal(object)  # ModelInfo

    def __init__(self, client: Callable[[], EngineClient], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self.path: Path | None = None
        self.sha256: str | None = None
        self.task: asyncio.Future | None = None
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("An .onnx or TorchScript .pt file on this computer")
        self.browse_button = QPushButton("Browse…")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Name in the worker's repository")
        self.checksum_label = QLabel("")
        set_role(self.checksum_label, "muted")
        self.checksum_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.upload_button = QPushButton("Upload")
        self.upload_button.setEnabled(False)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("File"), 0, 0)
        grid.addWidget(self.path_edit, 0, 1)
        grid.addWidget(self.browse_button, 0, 2)
        grid.addWidget(QLabel("Name"), 1, 0)
        grid.addWidget(self.name_edit, 1, 1)
        grid.addWidget(self.upload_button, 1, 2)
        grid.addWidget(self.checksum_label, 2, 1, 1, 2)
        grid.addWidget(self.progress, 3, 1, 1, 2)
        grid.addWidget(self.status, 4, 1, 1, 2)
        self.browse_button.clicked.connect(self._browse)
        self.upload_button.clicked.connect(self.upload)

    def choose_file(self, path: Path) -> asyncio.Future:
        """Take this file and start its checksum; returns the checksum task."""
        self.path, self.sha256 = path, None
        self.path_edit.setText(str(path))
        self.name_edit.setText(model_name_for(path))
        self.upload_button.setEnabled(False)
        self._say("")
        self.task = spawn(self._checksum(path))
        return self.task

    def upload(self) -> asyncio.Future | None:
        if self.path is None or self.sha256 is None:
            return None
        if not hasattr(self._client(), "upload_model"):
            self._say(NO_UPLOAD, error=True)
            return None
        self.task = spawn(self._upload(self.path, self.name_edit.text().strip(), self.sha256))
        return self.task

    async def _checksum(self, path: Path) -> None:
        loop = asyncio.get_running_loop()
        size = path.stat().st_size
        self.progress.setFormat("Checksum %p%")
        self.progress.setValue(0)
        self.progress.show()

        def report(done: int, total: int) -> None:
            loop.call_soon_threadsafe(self.progress.setValue, int(100 * done / max(total, 1)))

        try:
            self.sha256 = await asyncio.to_thread(file_sha256, path, report)
        except OSError as exc:
            self._say(f"Cannot read {path.name}: {exc.strerror or exc}", error=True)
            self.progress.hide()
            return
        self.progress.setValue(100)
        self.checksum_label.setText(f"{size / 1024**2:,.1f} MiB · SHA-256 {self.sha256}")
        self.upload_button.setEnabled(True)
        if path.suffix.lower() not in MODEL_SUFFIXES:
            self._say(f"'{path.suffix}' is not a usual ONNX or TorchScript suffix; the engine decides.", error=False)

    async def _upload(self, path: Path, name: str, sha256: str) -> None:
        self.upload_button.setEnabled(False)
        self.progress.setFormat("Upload %p%")
        self.progress.setValue(0)
        self._say(f"Uploading {path.name} as '{name}'…")

        def report(sent: int, total: int) -> None:
            self.progress.setValue(int(100 * sent / max(total, 1)))

        try:
            info: ModelInfo = await self._client().upload_model(name, path, progress=report, sha256=sha256)
        except EngineClientError as exc:
            self._say(NO_UPLOAD if exc.status in (404, 405) else f"Upload failed: {exc.message}", error=True)
            return
        finally:
            self.upload_button.setEnabled(True)
        self.progress.setValue(100)
        self._say(f"Uploaded '{info.name}' ({info.format.value}); checksum verified by the worker.")
        self.uploaded.emit(info)

    def _browse(self) -> None:
        path = pick_model_file(self)
        if path:
            self.choose_file(path)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        set_role(self.status, "error" if error else "muted")

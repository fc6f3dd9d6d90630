"""The file dialog for picking a local model file (wizard upload, model sync)."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtWidgets import QFileDialog, QWidget

MODEL_FILES = "Models (*.onnx *.pt *.pth *.torchscript);;All files (*)"


def pick_model_file(parent: QWidget) -> Path | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Model file", "", MODEL_FILES)
    return Path(path) if path else None

"""Wizard page 1: the model (from the worker's repository, or uploaded) and the session's name."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pydantic import ValidationError
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWizardPage,
)

from mohawk_engine.client import EngineClientError
from mohawk_engine.schemas import ModelInfo, SessionSpec
from mohawk_gui.theme import current_theme, set_role
from mohawk_gui.views.async_tasks import spawn
from mohawk_gui.views.wizard.upload_panel import UploadPanel

if TYPE_CHECKING:
    from mohawk_gui.views.wizard.session_wizard import SessionWizard

NAME_ROLE = Qt.ItemDataRole.UserRole


def model_summary(model: ModelInfo) -> str:
    """Format, size, tensors and notes, as rich text for the details pane."""

    def tensors(specs) -> str:
        return "<br>".join(f"&nbsp;&nbsp;{t.name} <i>{t.datatype}</i> [{', '.join(map(str, t.shape))}]" for t in specs)

    lines = [
        f"<b>{model.name}</b> · {model.format.value}",
        f"File {model.path} · {model.size_bytes / 1024**2:,.2f} MiB · weights {model.parameter_bytes / 1024**2:,.2f} MiB",
        "Batchable (dimension 0 is the batch)" if model.batchable else "Not batchable: one request per run",
        f"Inputs:<br>{tensors(model.inputs)}",
        f"Outputs:<br>{tensors(model.outputs)}",
    ]
    if model.cut_points:
        lines.append(f"Can be split into pipeline stages at {len(model.cut_points)} points")
    if model.description:
        lines.append(model.description)
    if model.error:
        lines.append(f"<span style='color:{current_theme().bad}'>Unreadable: {model.error}</span>")
    return "<br>".join(lines)


def name_problem(name: str) -> str | None:
    try:
        SessionSpec(name=name, model="m")
    except ValidationError as exc:
        return exc.errors()[0]["msg"].removeprefix("Value error, ")
    return None


class ModelPage(QWizardPage):
    def __init__(self, wizard: SessionWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Model")
        self.setSubTitle(f"What the session serves, on worker '{wizard.worker}'.")
        self.models: dict[str, ModelInfo] = {}
        self.existing_sessions: set[str] = set()
        self.load_task: asyncio.Future | None = None
        self._name_edited = wizard.initial is not None

        self.from_repository = QRadioButton("From the worker's model repository")
        self.from_upload = QRadioButton("Upload a file from this computer")
        self.from_repository.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.from_repository)
        group.addButton(self.from_upload)
        self.model_list = QListWidget()
        self.details = QLabel("Loading the worker's models…")
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setMinimumWidth(300)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        set_role(self.error, "error")
        self.upload = UploadPanel(lambda: wizard.client)
        self.upload.hide()
        self.name_edit = QLineEdit(wizard.initial.name if wizard.initial else "")
        self.name_edit.setPlaceholderText("Session name (also its model name on the v2 data plane)")
        self.name_problem = QLabel("")
        set_role(self.name_problem, "error")

        browse = QHBoxLayout()
        browse.addWidget(self.model_list, 1)
        browse.addWidget(self.details, 1)
        name_row = QHBoxLayout()
        name_label = QLabel("Session name")
        name_row.addWidget(name_label)
        name_row.addWidget(self.name_edit, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.from_repository)
        layout.addLayout(browse, 1)
        layout.addWidget(self.from_upload)
        layout.addWidget(self.upload)
        layout.addWidget(self.error)
        layout.addLayout(name_row)
        layout.addWidget(self.name_problem)

        self.from_upload.toggled.connect(self.upload.setVisible)
        self.model_list.currentItemChanged.connect(self._model_changed)
        self.name_edit.textEdited.connect(self._name_typed)
        self.name_edit.textChanged.connect(self._check_name)
        self.upload.uploaded.connect(self._uploaded)

    def initializePage(self) -> None:
        if not self.models and self.load_task is None:
            self.load_task = spawn(self.load())

    async def load(self, select: str | None = None) -> None:
        """Fetch the repository and the worker's sessions (for a free default name)."""
        self.error.setText("")
        try:
            client = self._wizard.client
            models = await client.list_models()
            self.existing_sessions = {info.name for info in await client.list_sessions()}
        except EngineClientError as exc:
            self.error.setText(f"Cannot list the worker's models: {exc.message}")
            self.details.setText("")
            self.load_task = None
            return
        except KeyError:
            self.error.setText(f"Worker '{self._wizard.worker}' is not connected")
            self.load_task = None
            return
        self.models = {model.name: model for model in models}
        self.model_list.clear()
        for model in models:
            item = QListWidgetItem(f"{model.name}  ·  {model.format.value}" + ("  (unreadable)" if model.error else ""))
            item.setData(NAME_ROLE, model.name)
            self.model_list.addItem(item)
        wanted = select or (self._wizard.initial.model if self._wizard.initial else None)
        self.select_model(wanted if wanted in self.models else (models[0].name if models else None))
        if not models:
            self.details.setText("The worker's repository is empty: upload a model file below.")
        self._check_name()

    def select_model(self, name: str | None) -> None:
        for row in range(self.model_list.count()):
            if self.model_list.item(row).data(NAME_ROLE) == name:
                self.model_list.setCurrentRow(row)
                return

    def model(self) -> ModelInfo | None:
        item = self.model_list.currentItem()
        return self.models.get(item.data(NAME_ROLE)) if item else None

    def session_name(self) -> str:
        return self.name_edit.text().strip()

    def isComplete(self) -> bool:
        model = self.model()
        return model is not None and model.error is None and name_problem(self.session_name()) is None

    def _model_changed(self) -> None:
        model = self.model()
        self.details.setText(model_summary(model) if model else "")
        if model is not None and not self._name_edited:
            self.name_edit.setText(self._free_name(model.name))
        self.completeChanged.emit()

    def _free_name(self, base: str) -> str:
        name, number = base, 2
        while name in self.existing_sessions:
            name, number = f"{base}-{number}", number + 1
        return name

    def _name_typed(self) -> None:
        self._name_edited = True

    def _check_name(self) -> None:
        name = self.session_name()
        problem = name_problem(name) if name else "a session needs a name"
        if problem is None and name in self.existing_sessions:
            problem = f"'{name}' exists on this worker; starting replaces it only if it has stopped or failed"
            set_role(self.name_problem, "muted")
        else:
            set_role(self.name_problem, "error")
        self.name_problem.setText(problem or "")
        self.completeChanged.emit()

    def _uploaded(self, info: ModelInfo) -> None:
        self.from_repository.setChecked(True)
        self.load_task = spawn(self.load(select=info.name))

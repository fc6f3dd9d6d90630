"""The Access panel's dialogs: generate a key (label and scopes, checked as the engine will) and show
its secret the one time the engine gives it out."""

from __future__ import annotations

from pydantic import ValidationError
from PyQt6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mohawk_engine.schemas.security import SCOPES, ApiKeyCreated, ApiKeyRequest
from mohawk_gui.theme import set_role

SCOPE_HINTS = {
    "read": "read: list sessions, models, metrics, logs",
    "infer": "infer: send inference requests (when the engine asks keys on /v2)",
    "admin": "admin: every change, and managing keys (implies read and infer)",
}
ONCE_WARNING = "Copy the secret now: you will not see it again. The worker keeps only its hash."


class GenerateKeyDialog(QDialog):
    """Create stays disabled until the label and scopes would pass the engine's own validation."""

    def __init__(self, worker: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Generate API key on {worker}")
        self.setMinimumWidth(460)
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("what the key is for, e.g. grafana scraper")
        self.label_edit.setMaxLength(200)
        self.scope_checks: dict[str, QCheckBox] = {}
        scopes = QVBoxLayout()
        for scope in SCOPES:
            check = QCheckBox(SCOPE_HINTS[scope])
            check.setChecked(scope == "read")
            self.scope_checks[scope] = check
            scopes.addWidget(check)
        form = QFormLayout()
        form.addRow("Label", self.label_edit)
        form.addRow("Scopes", scopes)
        self.problem_label = QLabel("")
        self.problem_label.setWordWrap(True)
        set_role(self.problem_label, "error")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("Generate", QDialogButtonBox.ButtonRole.AcceptRole)
        set_role(self.create_button, "primary")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.buttons)
        self.label_edit.textChanged.connect(self.validate)
        for check in self.scope_checks.values():
            check.toggled.connect(self.validate)
        self.validate()

    def selected_scopes(self) -> list[str]:
        return [scope for scope, check in self.scope_checks.items() if check.isChecked()]

    def request(self) -> ApiKeyRequest | None:
        try:
            return ApiKeyRequest(label=self.label_edit.text(), scopes=self.selected_scopes())
        except ValidationError:
            return None

    def validate(self) -> str:
        """The first problem with the form ('' when none), shown under it; Generate is enabled only without one."""
        problem = ""
        try:
            ApiKeyRequest(label=self.label_edit.text(), scopes=self.selected_scopes())
        except ValidationError as exc:
            error = exc.errors()[0]
            field = error["loc"][0] if error["loc"] else "form"
            if field == "label":
                problem = "Label: give the key a name of 1 to 100 characters (not only spaces)."
            else:
                problem = "Scopes: choose at least one of read, infer, admin."
        self.problem_label.setText(problem)
        self.create_button.setEnabled(not problem)
        return problem


class SecretDialog(QDialog):
    """Shows a new key's secret with a Copy button; closing it forgets the secret."""

    def __init__(self, worker: str, created: ApiKeyCreated, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"New API key on {worker}")
        self.setMinimumWidth(700)
        summary = QLabel(f"Key '{created.label}' (prefix {created.prefix}, scopes {', '.join(created.scopes)}) was created.")
        summary.setWordWrap(True)
        self.warning_label = QLabel(ONCE_WARNING)
        self.warning_label.setWordWrap(True)
        set_role(self.warning_label, "error")
        self.secret_edit = QLineEdit(created.secret)
        self.secret_edit.setReadOnly(True)
        self.secret_edit.setCursorPosition(0)
        self.copy_button = QPushButton("Copy")
        set_role(self.copy_button, "primary")
        row = QHBoxLayout()
        row.addWidget(self.secret_edit, 1)
        row.addWidget(self.copy_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addLayout(row)
        layout.addWidget(self.warning_label)
        layout.addWidget(buttons)
        self.copy_button.clicked.connect(self.copy)
        self.finished.connect(self._forget)

    def copy(self) -> None:
        QApplication.clipboard().setText(self.secret_edit.text())
        self.copy_button.setText("Copied")

    def _forget(self) -> None:
        self.secret_edit.clear()

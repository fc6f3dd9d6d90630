"""Access: the selected worker's API keys; generate (secret shown once), revoke (after a confirmation), refresh.

Calls go through the worker's client, so they carry the console's own token for that worker; when
it is refused (401, or 403 without the admin scope) the panel says so and stays usable. A worker whose
ServerInfo says auth is off gets a note: keys can be made there but nothing asks for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PyQt6.QtGui import QShowEvent
from PyQt6.QtWidgets import QAbstractItemView, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas.security import ApiKeyCreated, ApiKeyInfo, ApiKeyRequest, secret_prefix
from mohawk_gui.models.keys_table import KeysTableModel
from mohawk_gui.theme import set_role
from mohawk_gui.views.access_dialogs import GenerateKeyDialog, SecretDialog
from mohawk_gui.views.error_banner import ErrorBanner
from mohawk_gui.views.record_table_view import record_table_view
from mohawk_gui.views.worker_calls import ClientOf, WorkerCalls

TIPS = {
    "generate": "Create an API key on the selected worker (its secret is shown once)",
    "revoke": "Revoke the selected key: clients using it are refused from then on",
    "refresh": "Re-read the worker's API keys",
}
TokenOf = Callable[[str], str | None]
AUTH_OFF_NOTE = "auth is off on this worker: keys can be made but are not required"


async def keys_and_auth(client: EngineClient) -> tuple[list[ApiKeyInfo], bool | None]:
    """The worker's keys and whether it needs them (None: the engine does not say)."""
    keys = await client.keys()
    return keys, (await client.server_info()).auth


class AccessPanel(QWidget):
    """`token_of(worker)` is the console's own token for the worker, to warn before revoking it."""

    def __init__(self, client_of: ClientOf, token_of: TokenOf | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._token_of = token_of
        self.worker: str | None = None
        self._stale = True
        self.generate_dialog: GenerateKeyDialog | None = None
        self.secret_dialog: SecretDialog | None = None
        self.confirm_box: QMessageBox | None = None

        self.generate_button = QPushButton("Generate key…")
        set_role(self.generate_button, "primary")
        self.revoke_button = QPushButton("Revoke…")
        set_role(self.revoke_button, "danger")
        self.refresh_button = QPushButton("Refresh")
        self.summary = QLabel("")
        set_role(self.summary, "muted")
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        for button in (self.generate_button, self.revoke_button, self.refresh_button):
            buttons.addWidget(button)

        self.model = KeysTableModel(self)
        self.table = record_table_view(self.model, QAbstractItemView.SelectionMode.SingleSelection)
        self.message = ErrorBanner()
        self.auth_note = QLabel(AUTH_OFF_NOTE)
        self.auth_note.setToolTip("The engine runs with security.auth off (or 'auto' on a loopback bind)")
        set_role(self.auth_note, "muted")
        self.auth_note.hide()
        self.calls = WorkerCalls(client_of, lambda: self.worker, self.message)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(self.auth_note)
        layout.addWidget(self.table, 1)

        self.generate_button.clicked.connect(self.open_generate_dialog)
        self.revoke_button.clicked.connect(self.confirm_revoke_selected)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def show_worker(self, worker: str | None) -> None:
        """Follow the Workers selection; the keys are fetched when the panel is (or becomes) visible."""
        if worker == self.worker:
            return
        self.worker = worker
        self.model.set_keys([])
        self.summary.clear()
        self.auth_note.hide()
        self.message.dismiss()
        self._stale = True
        self._update_buttons()
        if self.isVisible():
            self.refresh()

    def read_only_reason(self) -> str | None:
        """Why the selected worker has no API keys to manage (a plain v2 server), or None."""
        return self.calls.read_only_reason()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def selected_prefix(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.key_at(rows[0].row()).prefix if rows else None

    def refresh(self) -> asyncio.Future:
        self._stale = False
        return self.calls.call(keys_and_auth, self._show_keys)

    def open_generate_dialog(self) -> GenerateKeyDialog | None:
        if self.worker is None:
            return None
        self.generate_dialog = GenerateKeyDialog(self.worker, self)
        self.generate_dialog.accepted.connect(self._generate_from_dialog)
        self.generate_dialog.open()
        return self.generate_dialog

    def _generate_from_dialog(self) -> None:
        request = self.generate_dialog.request() if self.generate_dialog else None
        if request is not None:
            self.generate(request)

    def generate(self, request: ApiKeyRequest) -> asyncio.Future:
        return self.calls.call(lambda client: client.create_key(request.label, request.scopes), self._show_created)

    def confirm_revoke_selected(self) -> QMessageBox | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.worker is None:
            return None
        key = self.model.key_at(rows[0].row())
        own = self._token_of(self.worker) if self._token_of else None
        warning = (
            f"\n\nThis is the console's own key for {self.worker}: the console loses access to it."
            if own and secret_prefix(own) == key.prefix
            else ""
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Revoke API key",
            f"Revoke key '{key.label}' (prefix {key.prefix}) on {self.worker}? "
            f"Anything using it is refused from then on; this cannot be undone.{warning}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Revoke")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self.revoke(key.prefix) if button is yes else None)
        self.confirm_box = box
        box.open()
        return box

    def revoke(self, prefix: str) -> asyncio.Future:
        return self.calls.call(lambda client: client.revoke_key(prefix), lambda _revoked: self.refresh())

    def _show_keys(self, answer: tuple[list[ApiKeyInfo], bool | None]) -> None:
        keys, auth = answer
        self.auth_note.setVisible(auth is False)
        selected = self.selected_prefix()
        self.model.set_keys(keys)
        active = sum(not key.revoked for key in keys)
        self.summary.setText(f"{active} active key{'s' if active != 1 else ''}, {len(keys) - active} revoked")
        row = self.model.row_of(selected) if selected else -1
        if row >= 0:
            self.table.selectRow(row)

    def _show_created(self, created: ApiKeyCreated) -> None:
        self.secret_dialog = SecretDialog(self.worker or "", created, self)
        self.secret_dialog.open()
        self.refresh()

    def _update_buttons(self) -> None:
        reason = self.read_only_reason()
        usable = self.worker is not None and reason is None
        self.generate_button.setEnabled(usable)
        self.refresh_button.setEnabled(usable)
        prefix = self.selected_prefix()
        key = self.model.key_at(self.model.row_of(prefix)) if prefix else None
        self.revoke_button.setEnabled(usable and key is not None and not key.revoked)
        buttons = {"generate": self.generate_button, "revoke": self.revoke_button, "refresh": self.refresh_button}
        for name, button in buttons.items():
            button.setToolTip(f"API keys: {reason}" if reason else TIPS[name])
        if reason:
            self.summary.setText(f"API keys are {reason}")

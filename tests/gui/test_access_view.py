"""The Workers view's Access and Audit tabs against a real engine with auth on: generate a key (its
secret shown once, and it works), revoke it (after a confirmation; then it is refused), the audit log
of both, and the message a console token without admin gets."""

from __future__ import annotations

from pathlib import Path

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QMessageBox

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas.security import BOOTSTRAP_ENV, new_secret, secret_prefix
from mohawk_gui.models.keys_table import COLUMNS as KEY_COLUMNS
from mohawk_gui.views.audit_panel import AuditPanel
from mohawk_gui.views.workers_view import WorkersView
from tests.gui.conftest import resolve, until
from tests.support.engine_process import EngineProcess


@pytest.fixture(scope="module")
def admin_secret() -> str:
    return new_secret()


@pytest.fixture(scope="module")
def secure_engine(tmp_path_factory: pytest.TempPathFactory, demo_repo: Path, admin_secret: str):
    """An engine that needs keys, whose bootstrap admin key is the console's token."""
    process = EngineProcess(demo_repo, tmp_path_factory.mktemp("secure-state"), "--auth", "on")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(BOOTSTRAP_ENV, admin_secret)
        process.start()
    yield process
    process.kill()


def _block(name: str, url: str, token: str) -> str:
    return f'\n[[workers]]\nname = "{name}"\nurl = "{url}"\ntoken = "{token}"\n'


def _view(qtbot, console, tracker, *blocks: str) -> WorkersView:
    console.store.path.write_text(console.store.path.read_text() + "".join(blocks))
    console.load_config()
    view = WorkersView(tracker, console)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    resolve(qtbot, console.start())
    until(qtbot, lambda: view.selected_worker() is not None)
    return view


def _key_cell(view: WorkersView, prefix: str, column: str) -> str | None:
    row = view.access.model.row_of(prefix)
    return None if row < 0 else view.access.model.data(view.access.model.index(row, KEY_COLUMNS.index(column)))


def _call(qtbot, url: str, secret: str, request):
    client = EngineClient(url, token=secret)
    try:
        return resolve(qtbot, request(client))
    finally:
        resolve(qtbot, client.aclose())


def test_generate_shows_the_secret_once_and_revoke_refuses_it_after(qtbot, loop, console, tracker, secure_engine, admin_secret):
    view = _view(qtbot, console, tracker, _block("secure", secure_engine.url, admin_secret))
    view.tabs.setCurrentWidget(view.access)
    until(qtbot, lambda: _key_cell(view, secret_prefix(admin_secret), "Scopes") == "admin")
    assert view.access.auth_note.isHidden(), "auth is on: no 'auth is off' note"

    dialog = view.access.open_generate_dialog()
    assert not dialog.create_button.isEnabled() and dialog.problem_label.text().startswith("Label")
    dialog.label_edit.setText("ci reader")
    dialog.scope_checks["read"].setChecked(False)
    assert not dialog.create_button.isEnabled() and dialog.problem_label.text().startswith("Scopes")
    dialog.scope_checks["read"].setChecked(True)
    assert dialog.create_button.isEnabled() and dialog.problem_label.text() == ""
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)

    until(qtbot, lambda: view.access.secret_dialog is not None)
    shown = view.access.secret_dialog
    secret = shown.secret_edit.text()
    prefix = secret_prefix(secret)
    assert prefix is not None
    assert "you will not see it again" in shown.warning_label.text()
    qtbot.mouseClick(shown.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == secret
    shown.reject()
    assert shown.secret_edit.text() == "", "closing the dialog forgets the secret"
    until(qtbot, lambda: _key_cell(view, prefix, "Label") == "ci reader")
    assert _key_cell(view, prefix, "Scopes") == "read" and _key_cell(view, prefix, "State") == "active"
    assert isinstance(_call(qtbot, secure_engine.url, secret, lambda c: c.list_sessions()), list)
    with pytest.raises(EngineClientError) as refused:
        _call(qtbot, secure_engine.url, secret, lambda c: c.keys())
    assert refused.value.status == 403, "a read key may not manage keys"

    view.access.table.selectRow(view.access.model.row_of(secret_prefix(admin_secret)))
    box = view.access.confirm_revoke_selected()
    assert "the console's own key for secure" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    view.access.table.selectRow(view.access.model.row_of(prefix))
    box = view.access.confirm_revoke_selected()
    assert "own key" not in box.text()
    assert "'ci reader'" in box.text() and prefix in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert isinstance(_call(qtbot, secure_engine.url, secret, lambda c: c.list_sessions()), list), "Cancel revokes nothing"
    box = view.access.confirm_revoke_selected()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    until(qtbot, lambda: _key_cell(view, prefix, "State") == "revoked")
    assert not view.access.revoke_button.isEnabled()
    with pytest.raises(EngineClientError) as revoked:
        _call(qtbot, secure_engine.url, secret, lambda c: c.list_sessions())
    assert revoked.value.status == 401

    view.tabs.setCurrentWidget(view.audit)
    audit = view.audit
    until(qtbot, lambda: {"key.create", "key.revoke"} <= {record.action for record in audit.model.rows})
    actions = [record.action for record in audit.model.rows]
    assert actions.index("key.revoke") < actions.index("key.create"), "newest first"
    revoke = next(record for record in audit.model.rows if record.action == "key.revoke")
    assert revoke.target == prefix and revoke.result == 200 and revoke.key == secret_prefix(admin_secret)
    audit.action_filter.setCurrentIndex(audit.action_filter.findData("key.revoke"))
    assert {record.action for record in audit.model.rows} == {"key.revoke"}
    audit.action_filter.setCurrentIndex(0)
    audit.text_filter.setText(prefix)
    assert audit.model.rowCount() >= 2 and all(prefix in (r.target or "") for r in audit.model.rows)
    assert audit.timer.isActive(), "auto-refresh runs while the audit tab is visible"
    view.tabs.setCurrentWidget(view.access)
    assert not audit.timer.isActive()


def test_a_console_token_without_admin_gets_a_clear_message(qtbot, loop, console, tracker, secure_engine, admin_secret):
    reader = _call(qtbot, secure_engine.url, admin_secret, lambda c: c.create_key("console reader", ["read"]))
    view = _view(qtbot, console, tracker, _block("reader", secure_engine.url, reader.secret))
    view.tabs.setCurrentWidget(view.access)
    until(qtbot, lambda: view.access.message.isVisible())
    assert "lacks the admin scope" in view.access.message.text()
    assert "set an admin key's secret as reader's token" in view.access.message.text()
    assert view.access.model.rowCount() == 0

    view.tabs.setCurrentWidget(view.audit)
    until(qtbot, lambda: view.audit.message.isVisible())
    assert "lacks the admin scope" in view.audit.message.text()


def test_audit_pages_back_with_load_more_and_polls_only_what_is_new(qtbot, loop, secure_engine, admin_secret):
    admin = EngineClient(secure_engine.url, token=admin_secret)
    stranger = EngineClient(secure_engine.url, token=new_secret())
    clients = {"secure": admin, "stranger": stranger}
    try:
        for label in ("page one", "page two", "page three"):
            resolve(qtbot, admin.create_key(label, ["read"]))
        panel = AuditPanel(clients.__getitem__, page=2)
        qtbot.addWidget(panel)
        panel.show_worker("secure")
        resolve(qtbot, panel.refresh())
        assert panel.model.rowCount() == 2 and panel.more_button.isEnabled()
        assert [record.target for record in panel.model.rows][0] == secret_prefix_of(qtbot, admin, "page three")

        resolve(qtbot, panel.load_more())
        assert panel.limit == 4 and panel.model.rowCount() == 4
        held = {record.id for record in panel.model.rows}

        created = resolve(qtbot, admin.create_key("page four", ["read"]))
        resolve(qtbot, panel.poll())
        assert panel.model.rowCount() == 5 and held < {record.id for record in panel.model.rows}
        assert panel.model.rows[0].target == created.prefix, "the new record comes first"

        panel.show_worker("stranger")
        resolve(qtbot, panel.refresh())
        assert panel.model.rowCount() == 0 and "refused the console's token" in panel.message.text()
    finally:
        for client in clients.values():
            resolve(qtbot, client.aclose())


def secret_prefix_of(qtbot, admin: EngineClient, label: str) -> str:
    return next(key.prefix for key in resolve(qtbot, admin.keys()) if key.label == label)

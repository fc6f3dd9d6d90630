"""The Workers view against a real engine: table, add (tested first), reconnect, remove."""

from __future__ import annotations

import socket

from PyQt6.QtCore import Qt

from mohawk_gui.tables.workers_table import COLUMNS
from mohawk_gui.views.workers_view import WorkersView
from tests.gui.conftest import answering, resolve, until, worker_block


def _cell(view: WorkersView, row: int, column: str) -> str:
    return view.model.data(view.model.index(row, COLUMNS.index(column)))


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _started_view(qtbot, loop, console, tracker, *blocks: str) -> WorkersView:
    console.store.path.write_text(console.store.path.read_text() + "".join(blocks))
    console.load_config()
    view = WorkersView(tracker, console)
    qtbot.addWidget(view)
    resolve(qtbot, console.start())
    return view


def test_the_table_shows_each_worker_state_version_and_rtt(qtbot, loop, console, tracker, gui_engine):
    view = _started_view(
        qtbot, loop, console, tracker,
        worker_block("alpha", gui_engine.url), worker_block("gone", f"http://127.0.0.1:{_closed_port()}"),
    )  # fmt: skip
    until(qtbot, lambda: answering(_cell(view, 0, "State")) and _cell(view, 1, "State").startswith("offline: connection refused; retry"))
    until(qtbot, lambda: _cell(view, 0, "RTT").endswith("ms"))

    assert view.model.rowCount() == 2
    assert _cell(view, 0, "Name") == "alpha" and _cell(view, 0, "URL") == gui_engine.url
    assert _cell(view, 0, "Version") == "Mohawk 0.1.0"
    state_index = view.model.index(1, COLUMNS.index("State"))
    assert view.model.data(state_index, Qt.ItemDataRole.ToolTipRole).startswith("connection refused")
    assert not view.model.data(state_index, Qt.ItemDataRole.DecorationRole).isNull()
    assert view.selected_worker() == "alpha"
    until(qtbot, lambda: answering(view.detail.text().splitlines()[0].removeprefix("alpha: ")))

    view.select_worker("gone")
    assert "gone: offline — connection refused" in view.detail.text()
    assert "offline" in view.device_cards.message.text()


def test_adding_a_worker_needs_a_passing_connection_test_and_saves_it(qtbot, loop, console, tracker, gui_engine):
    view = _started_view(qtbot, loop, console, tracker)
    dialog = view.open_add_dialog()
    dialog.name_edit.setText("beta")
    dialog.url_edit.setText(f"http://127.0.0.1:{_closed_port()}")
    assert not dialog.save_button.isEnabled()

    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    until(qtbot, lambda: dialog.test_button.isEnabled() and "refused" in dialog.result_label.text())
    assert not dialog.save_button.isEnabled()

    dialog.url_edit.setText(gui_engine.url)
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    until(qtbot, dialog.save_button.isEnabled)
    assert dialog.result_label.text().startswith("Connected: mohawk 0.1.0")

    dialog.token_edit.setText("changed")
    assert not dialog.save_button.isEnabled(), "an edit after the test asks for a new test"
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    until(qtbot, dialog.save_button.isEnabled)

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    until(qtbot, lambda: view.model.rowCount() == 1 and answering(_cell(view, 0, "State")))
    saved = console.store.load()
    assert [(w.name, w.url, w.token) for w in saved.workers] == [("beta", gui_engine.url, "changed")]
    assert view.selected_worker() == "beta"


def test_a_duplicate_name_or_bad_url_is_refused_before_any_connection(qtbot, loop, console, tracker, gui_engine):
    view = _started_view(qtbot, loop, console, tracker, worker_block("alpha", gui_engine.url))
    dialog = view.open_add_dialog()
    dialog.name_edit.setText("alpha")
    dialog.url_edit.setText(gui_engine.url)
    dialog.test_connection()
    assert "already exists" in dialog.result_label.text()
    dialog.name_edit.setText("other")
    dialog.url_edit.setText("not a url")
    dialog.test_connection()
    assert "url must look like" in dialog.result_label.text()
    assert not dialog.save_button.isEnabled()


def test_reconnect_and_remove(qtbot, loop, console, tracker, gui_engine):
    view = _started_view(qtbot, loop, console, tracker, worker_block("alpha", gui_engine.url))
    until(qtbot, lambda: view.model.rowCount() == 1 and answering(_cell(view, 0, "State")))

    seen: list[str] = []
    tracker.hub.worker_state.connect(lambda worker, state, reason: seen.append(state))
    qtbot.mouseClick(view.reconnect_button, Qt.MouseButton.LeftButton)
    until(qtbot, lambda: "connecting" in seen and answering(seen[-1]))
    assert answering(_cell(view, 0, "State"))

    view.confirm_remove_selected()
    yes = view.confirm_box.button(view.confirm_box.StandardButton.Yes)
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    until(qtbot, lambda: view.model.rowCount() == 0)
    assert console.store.load().workers == []
    assert "add one" in view.detail.text()

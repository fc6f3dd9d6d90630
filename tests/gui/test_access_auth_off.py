"""The Access tab of a worker with auth off (a loopback engine, security.auth "auto") says that keys can
be made there but are not required; the engine's ServerInfo says so too."""

from __future__ import annotations

from mohawk_gui.views.access_panel import AUTH_OFF_NOTE
from mohawk_gui.views.workers_view import WorkersView
from tests.gui.conftest import resolve, until, worker_block


def test_a_worker_with_auth_off_gets_the_note(qtbot, loop, console, hub, tracker, gui_engine):
    console.store.path.write_text(console.store.path.read_text() + worker_block("open", gui_engine.url))
    console.load_config()
    view = WorkersView(tracker, console)
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    resolve(qtbot, console.start())
    until(qtbot, lambda: view.selected_worker() == "open")
    assert resolve(qtbot, hub.client("open").server_info()).auth is False
    view.tabs.setCurrentWidget(view.access)
    until(qtbot, lambda: view.access.auth_note.isVisible())
    assert view.access.auth_note.text() == AUTH_OFF_NOTE == "auth is off on this worker: keys can be made but are not required"
    assert view.access.generate_button.isEnabled(), "keys can still be made"

    view.access.show_worker(None)
    assert view.access.auth_note.isHidden()

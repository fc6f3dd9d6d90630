"""The main window: sidebar of views, status bar, opening a session from the dashboard."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QShortcut

from mohawk_gui.main_window import VIEW_NAMES
from tests.gui.conftest import resolve, until, worker_block


def test_the_sidebar_lists_the_views_in_order_and_switches_the_content(qtbot, window):
    assert [window.sidebar.item(row).text() for row in range(window.sidebar.count())] == list(VIEW_NAMES)
    assert window.current_view_name() == "Dashboard"
    for row, name in enumerate(VIEW_NAMES):
        rect = window.sidebar.visualItemRect(window.sidebar.item(row))
        qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert window.current_view_name() == name
        assert window.stack.currentWidget() is window.views[name]
    shortcuts = {shortcut.key().toString(): shortcut for shortcut in window.findChildren(QShortcut)}
    assert {f"Ctrl+{n}" for n in range(1, 7)} <= set(shortcuts)  # the full table: tests/gui/test_theme_and_shortcuts.py
    shortcuts["Ctrl+2"].activated.emit()  # the offscreen platform has no active window to send keys to
    assert window.current_view_name() == "Workers"
    assert window.minimumSize().width() == 1280 and window.minimumSize().height() == 720


def test_the_status_bar_counts_workers_versions_and_alerts(qtbot, console, window, gui_engine):
    console.store.path.write_text(console.store.path.read_text() + worker_block("alpha", gui_engine.url))
    console.load_config()
    assert "0/0 workers connected" in window.status.workers.text()
    resolve(qtbot, console.start())
    until(qtbot, lambda: "1/1 workers connected" in window.status.workers.text())
    until(qtbot, lambda: window.status.versions.text() == "engine 0.1.0")
    degraded = window.tracker.fleet.workers["alpha"].state == "degraded"
    assert ("1 active alert" if degraded else "0 active alerts") in window.status.alerts.text()


def test_opening_a_session_from_the_dashboard_shows_it_in_sessions(qtbot, window):
    opened = []
    window.sessions.open_session = lambda worker, session: opened.append((worker, session))
    window.dashboard.session_activated.emit("alpha", "mlp")
    assert window.current_view_name() == "Sessions"
    assert opened == [("alpha", "mlp")]

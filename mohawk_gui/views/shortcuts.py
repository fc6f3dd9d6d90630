"""The console's keyboard shortcuts, from one table: the main window binds them and the help dialog lists
them, so the two cannot drift apart."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PyQt6.QtGui import QKeySequence, QShortcut
from PyQt6.QtWidgets import QWidget


@dataclass(frozen=True)
class Shortcut:
    keys: tuple[str, ...]  # QKeySequence text, portable form ("Ctrl+1"; Ctrl is Cmd on macOS)
    action: str  # the handler's name in the main window's handler table
    description: str


def shortcut_table(view_names: Sequence[str]) -> tuple[Shortcut, ...]:
    views = tuple(
        Shortcut((f"Ctrl+{position}",), f"view:{name}", f"Show {name}") for position, name in enumerate(view_names, start=1)
    )
    return views + (
        Shortcut(("Ctrl+N",), "new_session", "New session: the session wizard on the selected (or first) worker"),
        Shortcut(("F5",), "refresh", "Refresh: reconnect every worker and re-read its data"),
        Shortcut(("Ctrl+F",), "search_logs", "Search the logs: show Logs and focus its text filter"),
        Shortcut(("Ctrl+Shift+A",), "alerts", "Open the alerts panel"),
        Shortcut(("F1", "Ctrl+/"), "help", "This list of shortcuts"),
    )


def bind_shortcuts(
    parent: QWidget, table: Sequence[Shortcut], handlers: dict[str, Callable[[], object]]
) -> dict[str, QShortcut]:
    """One QShortcut per key, keyed by its key text; a table entry without a handler is an error (KeyError)."""
    bound: dict[str, QShortcut] = {}
    for entry in table:
        handler = handlers[entry.action]
        for key in entry.keys:
            shortcut = QShortcut(QKeySequence(key), parent)
            shortcut.activated.connect(handler)
            bound[shortcut.key().toString()] = shortcut
    return bound

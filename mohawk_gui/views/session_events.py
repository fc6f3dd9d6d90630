"""The session detail's events timeline: lifecycle events, newest first, colored by kind."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from PyQt6.QtGui import QColor
from PyQt6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from mohawk_engine.schemas.telemetry import SessionEvent
from mohawk_gui.theme import Theme, current_theme


def kind_color(kind: str, theme: Theme) -> str:
    """An event kind's colour in the theme (the text colour for kinds without one)."""
    colors = {"ready": theme.ok, "failed": theme.bad, "draining": theme.warn, "stopped": theme.muted, "loading": theme.warn}
    return colors.get(kind, theme.text)


def event_text(event: SessionEvent) -> str:
    when = datetime.fromtimestamp(event.timestamp).strftime("%H:%M:%S")
    return f"{when}  {event.kind}" + (f" — {event.detail}" if event.detail else "")


class EventsTimeline(QListWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlternatingRowColors(False)
        self.setMinimumWidth(260)

    def show_events(self, events: Iterable[SessionEvent]) -> None:
        self.clear()
        theme = current_theme()
        for event in sorted(events, key=lambda e: e.id, reverse=True):
            item = QListWidgetItem(event_text(event))
            item.setForeground(QColor(kind_color(event.kind, theme)))
            if event.detail:
                item.setToolTip(event.detail)
            self.addItem(item)
        if not self.count():
            placeholder = QListWidgetItem("No events recorded yet")
            placeholder.setForeground(QColor(theme.muted))
            self.addItem(placeholder)

    def texts(self) -> list[str]:
        return [self.item(row).text() for row in range(self.count())]

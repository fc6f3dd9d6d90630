"""ErrorBanner: a panel's error line, hidden until there is something to say."""

from __future__ import annotations

from PyQt6.QtWidgets import QLabel, QWidget

from mohawk_gui.theme import set_role


class ErrorBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setWordWrap(True)
        set_role(self, "error")
        self.hide()

    def say(self, text: str) -> None:
        self.setText(text)
        self.show()

    def dismiss(self) -> None:
        self.hide()
        self.clear()

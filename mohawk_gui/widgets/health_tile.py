"""A dashboard tile: a title, one big figure, a line of detail, and a colored edge for its level."""

from __future__ import annotations

from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from mohawk_gui.theme import LEVEL_COLORS, set_role


class HealthTile(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "card")
        self.setMinimumHeight(96)
        self._edge = QFrame()
        self._edge.setFixedWidth(4)
        self.title = QLabel(title.upper())
        set_role(self.title, "muted")
        self.value = QLabel("—")
        self.value.setStyleSheet("font-size: 22pt; font-weight: 600;")
        self.detail = QLabel("")
        set_role(self.detail, "muted")
        self.detail.setWordWrap(True)
        body = QVBoxLayout()
        body.setContentsMargins(12, 10, 12, 10)
        body.setSpacing(2)
        body.addWidget(self.title)
        body.addWidget(self.value)
        body.addWidget(self.detail)
        body.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self._edge)
        row.addLayout(body, 1)
        self.level = ""
        self.set_level("idle")

    def show_figure(self, value: str, detail: str, level: str) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.set_level(level)

    def set_level(self, level: str) -> None:
        if level != self.level:
            self.level = level
            color = LEVEL_COLORS.get(level, LEVEL_COLORS["idle"])
            self._edge.setStyleSheet(f"background: {color}; border-top-left-radius: 8px; border-bottom-left-radius: 8px;")

"""The keyboard shortcuts help (F1 or Ctrl+/), listed from the same table the main window binds."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtGui import QKeySequence
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mohawk_gui.views.shortcuts import Shortcut


def key_text(key: str) -> str:
    """The key as this platform shows it (Cmd on macOS)."""
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


class HelpDialog(QDialog):
    def __init__(self, table: Sequence[Shortcut], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(600, 470)  # every shortcut without a scroll bar
        self.table = QTableWidget(len(table), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "Action"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for row, entry in enumerate(table):
            self.table.setItem(row, 0, QTableWidgetItem(" or ".join(key_text(key) for key in entry.keys)))
            self.table.setItem(row, 1, QTableWidgetItem(entry.description))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def rows(self) -> list[tuple[str, str]]:
        return [(self.table.item(row, 0).text(), self.table.item(row, 1).text()) for row in range(self.table.rowCount())]

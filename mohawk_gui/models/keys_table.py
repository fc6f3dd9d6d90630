"""A worker's API keys as a table: label, prefix, scopes, created, last used, state (active / revoked)."""

from __future__ import annotations

import time

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PyQt6.QtGui import QColor

from mohawk_engine.schemas.security import ApiKeyInfo
from mohawk_gui.theme import current_theme

COLUMNS = ("Label", "Prefix", "Scopes", "Created", "Last used", "State")
PREFIX_ROLE = Qt.ItemDataRole.UserRole
ACTIVE, REVOKED = "active", "revoked"


def clock_text(timestamp: float | None, never: str = "never") -> str:
    return never if timestamp is None else time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


class KeysTableModel(QAbstractTableModel):
    """Active keys first (newest first), then the revoked ones; replaced whole on each refresh (few rows)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.keys: list[ApiKeyInfo] = []

    def set_keys(self, keys: list[ApiKeyInfo]) -> None:
        self.beginResetModel()
        self.keys = sorted(keys, key=lambda key: (key.revoked, -key.created))
        self.endResetModel()

    def key_at(self, row: int) -> ApiKeyInfo:
        return self.keys[row]

    def row_of(self, prefix: str) -> int:
        return next((row for row, key in enumerate(self.keys) if key.prefix == prefix), -1)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.keys)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        key = self.keys[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(key, column)
        if role == PREFIX_ROLE:
            return key.prefix
        if role == Qt.ItemDataRole.ForegroundRole and key.revoked:
            return QColor(current_theme().muted)
        if role == Qt.ItemDataRole.ToolTipRole and column == "State" and key.revoked:
            return f"revoked {clock_text(key.revoked_at, 'at an unknown time')}"
        return None

    @staticmethod
    def _text(key: ApiKeyInfo, column: str) -> str:
        return {
            "Label": key.label,
            "Prefix": key.prefix,
            "Scopes": ", ".join(key.scopes),
            "Created": clock_text(key.created),
            "Last used": clock_text(key.last_used),
            "State": REVOKED if key.revoked else ACTIVE,
        }[column]

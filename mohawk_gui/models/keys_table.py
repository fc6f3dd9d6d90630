"""A worker's API keys as a table: label, prefix, scopes, created, last used, state (active / revoked)."""

from __future__ import annotations

import time

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor

from mohawk_engine.schemas.security import ApiKeyInfo
from mohawk_gui.models.record_table import RecordTableModel
from mohawk_gui.theme import current_theme

COLUMNS = ("Label", "Prefix", "Scopes", "Created", "Last used", "State")
PREFIX_ROLE = Qt.ItemDataRole.UserRole
ACTIVE, REVOKED = "active", "revoked"


def clock_text(timestamp: float | None, never: str = "never") -> str:
    return never if timestamp is None else time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


class KeysTableModel(RecordTableModel[ApiKeyInfo]):
    """Active keys first (newest first), then the revoked ones; replaced whole on each refresh (few rows)."""

    columns = COLUMNS

    @property
    def keys(self) -> list[ApiKeyInfo]:
        return list(self.rows)

    def set_keys(self, keys: list[ApiKeyInfo]) -> None:
        self.set_rows(sorted(keys, key=lambda key: (key.revoked, -key.created)))

    def key_at(self, row: int) -> ApiKeyInfo:
        return self.rows[row]

    def row_of(self, prefix: str) -> int:
        return self.row_where(lambda key: key.prefix == prefix)

    def role_data(self, key: ApiKeyInfo, column: int, role: int):
        if role == PREFIX_ROLE:
            return key.prefix
        if role == Qt.ItemDataRole.ForegroundRole and key.revoked:
            return QColor(current_theme().muted)
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[column] == "State" and key.revoked:
            return f"revoked {clock_text(key.revoked_at, 'at an unknown time')}"
        return None

    def cell(self, key: ApiKeyInfo, column: int) -> str:
        return {
            "Label": key.label,
            "Prefix": key.prefix,
            "Scopes": ", ".join(key.scopes),
            "Created": clock_text(key.created),
            "Last used": clock_text(key.last_used),
            "State": REVOKED if key.revoked else ACTIVE,
        }[COLUMNS[column]]

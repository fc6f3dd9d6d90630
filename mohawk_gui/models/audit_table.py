"""A worker's audit log as a table, newest first, with a text and an action filter.

The model keeps every record it was given (merged by id, so overlapping fetches are harmless)
and shows those that pass the filter.
"""

from __future__ import annotations

from PyQt6.QtCore import QObject, Qt
from PyQt6.QtGui import QColor

from mohawk_engine.schemas.security import AuditRecord
from mohawk_gui.models.keys_table import clock_text
from mohawk_gui.models.record_table import RecordTableModel
from mohawk_gui.theme import current_theme

COLUMNS = ("Time", "Key", "Action", "Target", "Result", "Client")
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole
ALL_ACTIONS = ""


class AuditTableModel(RecordTableModel[AuditRecord]):
    columns = COLUMNS

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._records: dict[int, AuditRecord] = {}
        self.text = ""
        self.action = ALL_ACTIONS

    def replace(self, records: list[AuditRecord]) -> None:
        self._records = {record.id: record for record in records}
        self._rebuild()

    def merge(self, records: list[AuditRecord]) -> int:
        """Adds records not seen yet; returns how many were new."""
        new = [record for record in records if record.id not in self._records]
        self._records.update((record.id, record) for record in new)
        if new:
            self._rebuild()
        return len(new)

    def set_filter(self, text: str, action: str = ALL_ACTIONS) -> None:
        """`text` matches any column (case-insensitive); `action` must equal the record's action unless empty."""
        self.text, self.action = text.strip().lower(), action
        self._rebuild()

    def newest_timestamp(self) -> float | None:
        return max((record.timestamp for record in self._records.values()), default=None)

    def actions(self) -> list[str]:
        return sorted({record.action for record in self._records.values()})

    def holds(self, record_id: int) -> bool:
        return record_id in self._records

    def total(self) -> int:
        return len(self._records)

    def _rebuild(self) -> None:
        ordered = sorted(self._records.values(), key=lambda record: record.id, reverse=True)
        self.set_rows(record for record in ordered if self._passes(record))

    def _passes(self, record: AuditRecord) -> bool:
        if self.action and record.action != self.action:
            return False
        if not self.text:
            return True
        return any(self.text in _text(record, column).lower() for column in COLUMNS)

    def cell(self, record: AuditRecord, column: int) -> str:
        return _text(record, COLUMNS[column])

    def role_data(self, record: AuditRecord, column: int, role: int):
        if role == RECORD_ID_ROLE:
            return record.id
        if role == Qt.ItemDataRole.ForegroundRole and COLUMNS[column] == "Result" and record.result >= 400:
            return QColor(current_theme().bad)
        return None


def _text(record: AuditRecord, column: str) -> str:
    return {
        "Time": clock_text(record.timestamp),
        "Key": record.key,
        "Action": record.action,
        "Target": record.target or "",
        "Result": str(record.result),
        "Client": record.client or "",
    }[column]

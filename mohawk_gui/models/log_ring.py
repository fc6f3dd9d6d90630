"""LogRingModel: a bounded ring buffer of log lines and session events as a Qt table model."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from PyQt6.QtCore import QModelIndex, QObject, Qt
from PyQt6.QtGui import QColor

from mohawk_gui.models.log_entry import LogEntry
from mohawk_gui.models.record_table import RecordTableModel
from mohawk_gui.theme import tone

COLUMNS = ("Time", "Worker", "Level", "Source", "Message")
ENTRY_ROLE = Qt.ItemDataRole.UserRole
LEVEL_COLORS = {"DEBUG": "muted", "WARNING": "warn", "ERROR": "bad", "CRITICAL": "bad"}  # theme tones


class LogRingModel(RecordTableModel[LogEntry]):
    """Holds at most `capacity` entries; appending past it drops the oldest (rows removed at the top)."""

    columns = COLUMNS

    def __init__(self, capacity: int = 10_000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.rows: deque[LogEntry] = deque()

    def entry(self, row: int) -> LogEntry:
        return self.rows[row]

    def entries(self) -> list[LogEntry]:
        return list(self.rows)

    def append(self, entry: LogEntry) -> None:
        self.extend((entry,))

    def extend(self, entries: Iterable[LogEntry]) -> None:
        """Append in one model change (one insert, at most one removal), however many entries."""
        batch = list(entries)[-self.capacity :]
        if not batch:
            return
        overflow = len(self.rows) + len(batch) - self.capacity
        if overflow > 0:
            self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
            for _ in range(overflow):
                self.rows.popleft()
            self.endRemoveRows()
        first = len(self.rows)
        self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)
        self.rows.extend(batch)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self.rows.clear()
        self.endResetModel()

    def cell(self, entry: LogEntry, column: int) -> str:
        return (entry.time_text(), entry.worker, entry.level, entry.source, entry.message)[column]

    def role_data(self, entry: LogEntry, column: int, role: int):
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 2 and entry.level in LEVEL_COLORS:
                return QColor(tone(LEVEL_COLORS[entry.level]))
            if column == 3 and entry.kind == "event":
                return QColor(tone("accent"))
            if column in (0, 1):
                return QColor(tone("muted"))
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return f"{entry.logger}\n{entry.message}" if entry.logger else entry.message
        return None

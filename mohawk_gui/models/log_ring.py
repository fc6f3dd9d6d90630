"""LogRingModel: a bounded ring buffer of log lines and session events as a Qt table model."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PyQt6.QtGui import QColor

from mohawk_gui.models.log_entry import LogEntry
from mohawk_gui.theme import ACCENT, BAD, MUTED, WARN

COLUMNS = ("Time", "Worker", "Level", "Source", "Message")
ENTRY_ROLE = Qt.ItemDataRole.UserRole
LEVEL_COLORS = {"DEBUG": MUTED, "WARNING": WARN, "ERROR": BAD, "CRITICAL": BAD}


class LogRingModel(QAbstractTableModel):
    """Holds at most `capacity` entries; appending past it drops the oldest (rows removed at the top)."""

    def __init__(self, capacity: int = 10_000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._entries: deque[LogEntry] = deque()

    def entry(self, row: int) -> LogEntry:
        return self._entries[row]

    def entries(self) -> list[LogEntry]:
        return list(self._entries)

    def append(self, entry: LogEntry) -> None:
        self.extend((entry,))

    def extend(self, entries: Iterable[LogEntry]) -> None:
        """Append in one model change (one insert, at most one removal), however many entries."""
        batch = list(entries)[-self.capacity :]
        if not batch:
            return
        overflow = len(self._entries) + len(batch) - self.capacity
        if overflow > 0:
            self.beginRemoveRows(QModelIndex(), 0, overflow - 1)
            for _ in range(overflow):
                self._entries.popleft()
            self.endRemoveRows()
        first = len(self._entries)
        self.beginInsertRows(QModelIndex(), first, first + len(batch) - 1)
        self._entries.extend(batch)
        self.endInsertRows()

    def clear(self) -> None:
        self.beginResetModel()
        self._entries.clear()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (entry.time_text(), entry.worker, entry.level, entry.source, entry.message)[column]
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 2 and entry.level in LEVEL_COLORS:
                return QColor(LEVEL_COLORS[entry.level])
            if column == 3 and entry.kind == "event":
                return QColor(ACCENT)
            if column in (0, 1):
                return QColor(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return f"{entry.logger}\n{entry.message}" if entry.logger else entry.message
        return None

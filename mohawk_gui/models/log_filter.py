"""LogFilterProxy: the logs view's filters (worker, session, minimum level, text) over LogRingModel."""

from __future__ import annotations

from PyQt6.QtCore import QModelIndex, QObject, QSortFilterProxyModel

from mohawk_gui.models.log_entry import LEVEL_RANK, LogEntry
from mohawk_gui.models.log_ring import LogRingModel


class LogFilterProxy(QSortFilterProxyModel):
    """Empty or None filters let everything through; the text filter is a case-insensitive substring
    of the message, source or logger."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker: str | None = None
        self.session: str | None = None
        self.min_level = "DEBUG"
        self.text = ""

    def set_worker(self, worker: str | None) -> None:
        self._change("worker", worker or None)

    def set_session(self, session: str | None) -> None:
        self._change("session", session or None)

    def set_min_level(self, level: str) -> None:
        if level not in LEVEL_RANK:
            raise ValueError(f"unknown level {level!r}")
        self._change("min_level", level)

    def set_text(self, text: str) -> None:
        self._change("text", text.strip().lower())

    def accepts(self, entry: LogEntry) -> bool:
        if self.worker is not None and entry.worker != self.worker:
            return False
        if self.session is not None and self.session not in (entry.session, entry.source):
            return False
        if entry.rank < LEVEL_RANK[self.min_level]:
            return False
        if self.text:
            return any(self.text in field.lower() for field in (entry.message, entry.source, entry.logger))
        return True

    def visible_entries(self) -> list[LogEntry]:
        source = self.sourceModel()
        return [source.entry(self.mapToSource(self.index(row, 0)).row()) for row in range(self.rowCount())]

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        source = self.sourceModel()
        if not isinstance(source, LogRingModel) or source_row >= source.rowCount():
            return False
        return self.accepts(source.entry(source_row))

    def _change(self, attribute: str, value: object) -> None:
        if getattr(self, attribute) == value:
            return
        self.beginFilterChange()
        setattr(self, attribute, value)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

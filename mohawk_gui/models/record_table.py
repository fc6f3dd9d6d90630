"""RecordTableModel: the shared part of the console's read-only tables, one row per record in a list.

A subclass names its `columns`, says what a cell shows (`cell`) and what it answers for other roles
(`role_data`: colours, tooltips, the record itself); the base answers rows, columns, headers, the
right alignment of `numeric_columns`, and the model signals when the rows are replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, MutableSequence
from typing import Any, Generic, TypeVar

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

R = TypeVar("R")
DISPLAY = Qt.ItemDataRole.DisplayRole
RIGHT_ALIGNED = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RecordTableModel(QAbstractTableModel, Generic[R]):
    columns: tuple[str, ...] = ()
    numeric_columns: frozenset[int] = frozenset()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: MutableSequence[R] = []

    def set_rows(self, rows: Iterable[R]) -> None:
        """Replaces every row in one model reset (the tables are small: a reset is cheap)."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def update_rows(self, rows: Iterable[R], key: Callable[[R], Hashable]) -> None:
        """Replaces the rows; when their keys are the same, in order, only the cells change (selection survives)."""
        rows = list(rows)
        if [key(record) for record in rows] != [key(record) for record in self.rows]:
            self.set_rows(rows)
            return
        self.rows = rows
        self.refresh()

    def refresh(self) -> None:
        """Every cell of every row may show something new."""
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.columns) - 1))

    def row_where(self, predicate: Callable[[R], bool]) -> int:
        """The first row whose record passes `predicate`; -1 when none does."""
        return next((row for row, record in enumerate(self.rows) if predicate(record)), -1)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return self.columns[section]
        return None

    def data(self, index: QModelIndex, role: int = DISPLAY) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        record, column = self.rows[index.row()], index.column()
        if role == DISPLAY:
            return self.cell(record, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.numeric_columns:
            return RIGHT_ALIGNED
        return self.role_data(record, column, role)

    def cell(self, record: R, column: int) -> Any:
        """The text `column` shows for `record`."""
        raise NotImplementedError

    def role_data(self, record: R, column: int, role: int) -> Any:
        """What a role other than display answers for a cell; None: the view's default."""
        return None

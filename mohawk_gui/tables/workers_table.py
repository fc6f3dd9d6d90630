"""One row per worker: name, URL, state, RTT, version, devices, sessions, load."""

from __future__ import annotations

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PyQt6.QtGui import QColor, QIcon, QPainter, QPixmap

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.services.fleet_state import WorkerStatus
from mohawk_gui.tables.formatting import DASH, devices_text, load_text, ms_text, sessions_text
from mohawk_gui.theme import STATE_COLORS

COLUMNS = ("Name", "URL", "State", "RTT", "Version", "Devices", "Sessions", "Load")
STATE_COLUMN = COLUMNS.index("State")
WORKER_ROLE = Qt.ItemDataRole.UserRole


_DOTS: dict[str, QIcon] = {}


def state_dot(state: str) -> QIcon:
    """A small filled circle in the state's color (kept visible on selected rows, unlike text color)."""
    if state not in _DOTS:
        pixmap = QPixmap(12, 12)
        pixmap.fill(QColor(0, 0, 0, 0))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(STATE_COLORS.get(state, "#888888")))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        _DOTS[state] = QIcon(pixmap)
    return _DOTS[state]


class WorkersTableModel(QAbstractTableModel):
    def __init__(self, tracker: FleetTracker, parent=None) -> None:
        super().__init__(parent)
        self._tracker = tracker
        self._rows: list[str] = list(tracker.fleet.workers)
        tracker.workers_changed.connect(self._reset)
        tracker.changed.connect(self._refresh)

    def worker_at(self, row: int) -> str:
        return self._rows[row]

    def row_of(self, worker: str) -> int:
        return self._rows.index(worker) if worker in self._rows else -1

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        worker = self._tracker.fleet.workers.get(self._rows[index.row()])
        if worker is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(worker, index.column())
        if role == WORKER_ROLE:
            return worker.name
        if index.column() == STATE_COLUMN:
            if role == Qt.ItemDataRole.ToolTipRole:
                return worker.reason or worker.state
            if role == Qt.ItemDataRole.DecorationRole:
                return state_dot(worker.state)
        return None

    @staticmethod
    def _text(worker: WorkerStatus, column: int) -> str:
        values = (
            worker.name,
            worker.url,
            f"{worker.state}: {worker.reason}" if worker.reason else worker.state,
            ms_text(worker.rtt_ms),
            worker.version or DASH,
            devices_text(worker),
            sessions_text(worker),
            load_text(worker),
        )
        return values[column]

    def _reset(self) -> None:
        self.beginResetModel()
        self._rows = list(self._tracker.fleet.workers)
        self.endResetModel()

    def _refresh(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

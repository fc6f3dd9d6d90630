"""SessionsTableModel: every session of every worker, one row each, kept current from the hub."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, QTimer
from PyQt6.QtGui import QColor

from mohawk_engine.schemas import SessionInfo, SessionState
from mohawk_engine.schemas.telemetry import MetricsSnapshot, SessionMetrics
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.models.session_text import latency_of, placement_text
from mohawk_gui.theme import tone

COLUMNS = ("Worker", "Session", "Model", "Format", "State", "Placement", "req/s", "p99 (ms)", "Queue")
STATE_COLUMN = COLUMNS.index("State")
FIRST_METRIC_COLUMN = COLUMNS.index("req/s")
METRICS_REFRESH_S = 0.5  # the table's figures change at most this often; charts carry the 10 Hz detail
KEY_ROLE = Qt.ItemDataRole.UserRole  # (worker, session)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # the raw value (numbers sort as numbers)
# The theme tone per state: the colour itself is read from the current theme when a cell paints.
STATE_COLORS = {
    SessionState.READY: "ok",
    SessionState.LOADING: "warn",
    SessionState.DRAINING: "warn",
    SessionState.FAILED: "bad",
    SessionState.STOPPED: "idle",
}


@dataclass
class SessionRow:
    worker: str
    info: SessionInfo
    metrics: SessionMetrics | None = None
    _values: tuple | None = field(default=None, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.worker, self.info.name)

    def update(self, info: SessionInfo | None = None, metrics: SessionMetrics | None = None) -> None:
        self.info = info or self.info
        self.metrics = metrics or self.metrics
        self._values = None

    def values(self) -> tuple:
        """Raw values per column; None where there is no figure yet. Cached: views ask for them per cell."""
        if self._values is None:
            self._values = self._compute_values()
        return self._values

    def _compute_values(self) -> tuple:
        metrics = self.metrics
        latency = latency_of(metrics) if metrics else None
        return (
            self.worker,
            self.info.name,
            self.info.spec.model,
            self.info.format or "",
            self.info.state.value,
            placement_text(self.info),
            metrics.requests_per_s if metrics else None,
            latency.p99_ms if latency and latency.count else None,
            metrics.queue_depth if metrics else None,
        )


def _cell_text(column: int, value: object) -> str:
    if value is None:
        return "—"
    if column == FIRST_METRIC_COLUMN:
        return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"
    if column == FIRST_METRIC_COLUMN + 1:
        return f"{value:.0f}" if value >= 100 else f"{value:.2f}"
    return str(value)


class SessionsTableModel(QAbstractTableModel):
    """Rows follow `hub.sessions` (a worker's full list) and `hub.metrics`; a removed worker's rows go."""

    def __init__(self, hub: FleetHub, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[SessionRow] = []
        self._index: dict[tuple[str, str], int] = {}
        self._changed_rows: set[int] = set()
        self._last_emit = 0.0
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.timeout.connect(self._emit_metrics_changed)
        hub.sessions.connect(self.set_sessions)
        hub.metrics.connect(self.set_metrics)
        hub.worker_removed.connect(self.forget_worker)

    def row_of(self, worker: str, session: str) -> int:
        """The row of a session, -1 when it is not in the table."""
        return self._index.get((worker, session), -1)

    def row(self, row: int) -> SessionRow:
        return self._rows[row]

    def find(self, worker: str, session: str) -> SessionRow | None:
        row = self.row_of(worker, session)
        return self._rows[row] if row >= 0 else None

    def forget_worker(self, worker: str) -> None:
        self.set_sessions(worker, [])

    def set_sessions(self, worker: str, sessions: list[SessionInfo]) -> None:
        wanted = {info.name: info for info in sessions}
        for row in range(len(self._rows) - 1, -1, -1):
            if self._rows[row].worker == worker and self._rows[row].info.name not in wanted:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
        self._reindex()
        for name, info in wanted.items():
            row = self.row_of(worker, name)
            if row >= 0:
                self._rows[row].update(info=info)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            else:
                self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
                self._rows.append(SessionRow(worker, info))
                self._index[(worker, name)] = len(self._rows) - 1
                self.endInsertRows()

    def set_metrics(self, worker: str, snapshot: MetricsSnapshot) -> None:
        """Figures are kept at once; views hear of them at most every METRICS_REFRESH_S, in one signal."""
        for metrics in snapshot.sessions:
            row = self.row_of(worker, metrics.session)
            if row >= 0:
                self._rows[row].update(metrics=metrics)
                self._changed_rows.add(row)
        if not self._changed_rows or self._flush_timer.isActive():
            return
        wait_s = self._last_emit + METRICS_REFRESH_S - time.monotonic()
        if wait_s <= 0:
            self._emit_metrics_changed()
        else:
            self._flush_timer.start(int(wait_s * 1000) + 1)

    def _emit_metrics_changed(self) -> None:
        rows = [row for row in self._changed_rows if row < len(self._rows)]
        self._changed_rows.clear()
        self._last_emit = time.monotonic()
        if rows:
            self.dataChanged.emit(self.index(min(rows), FIRST_METRIC_COLUMN), self.index(max(rows), len(COLUMNS) - 1))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section >= FIRST_METRIC_COLUMN:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell_text(column, row.values()[column])
        if role == SORT_ROLE:
            value = row.values()[column]
            return -1.0 if value is None and column >= FIRST_METRIC_COLUMN else value
        if role == KEY_ROLE:
            return row.key
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= FIRST_METRIC_COLUMN:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == STATE_COLUMN:
                return QColor(tone(STATE_COLORS.get(row.info.state, "idle")))
            if column == 0:
                return QColor(tone("muted"))
        if role == Qt.ItemDataRole.ToolTipRole and row.info.reason:
            return row.info.reason
        return None

    def _reindex(self) -> None:
        self._changed_rows.clear()  # row numbers moved; the next figures mark rows afresh
        self._index = {row.key: position for position, row in enumerate(self._rows)}

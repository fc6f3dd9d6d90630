"""One row per worker: name, URL, state, RTT, version, devices, sessions, load, certificate expiry."""

from __future__ import annotations

from datetime import datetime, timezone

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PyQt6.QtGui import QColor, QIcon, QPainter, QPixmap

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.services.fleet_state import WorkerStatus
from mohawk_gui.tables.formatting import DASH, devices_text, load_text, ms_text, sessions_text
from mohawk_gui.theme import STATE_COLORS, current_theme

COLUMNS = ("Name", "URL", "State", "RTT", "Version", "Devices", "Sessions", "Load", "Certificate")
STATE_COLUMN = COLUMNS.index("State")
CERT_COLUMN = COLUMNS.index("Certificate")
CERT_OK, CERT_WARN, CERT_EXPIRED = "ok", "warn", "expired"
DAY_S = 86_400
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


def certificate_expiry(worker: WorkerStatus) -> datetime | None:
    """The serving certificate's end (aware, UTC when the engine sent none); None over HTTP or from older engines."""
    # `tls_not_after` is new in ServerInfo: getattr keeps older schemas (and engines) working.
    not_after = getattr(worker.info, "tls_not_after", None) if worker.info else None
    if not isinstance(not_after, datetime):
        return None
    return not_after if not_after.tzinfo else not_after.replace(tzinfo=timezone.utc)


def certificate_level(not_after: datetime, now: float, warning_days: float) -> str:
    left_s = not_after.timestamp() - now
    if left_s <= 0:
        return CERT_EXPIRED
    return CERT_WARN if left_s <= warning_days * DAY_S else CERT_OK


def certificate_text(not_after: datetime | None, now: float) -> str:
    """Reads "expires in 213 d", "expires in 5 h" or "expired 3 d ago"; a dash without a certificate."""
    if not_after is None:
        return DASH
    left_s = not_after.timestamp() - now
    span = abs(left_s)
    amount = f"{span // DAY_S:.0f} d" if span >= DAY_S else f"{max(span // 3600, 1):.0f} h"
    return f"expires in {amount}" if left_s > 0 else f"expired {amount} ago"


def certificate_tooltip(worker: WorkerStatus, not_after: datetime | None, now: float, warning_days: float) -> str:
    if not_after is None:
        if worker.url.startswith("https://") and worker.info is not None:
            return "This worker does not report its certificate (an engine older than this console)"
        return "No certificate: plain HTTP" if worker.url.startswith("http://") else "Not known until the worker answers"
    subject = getattr(worker.info, "tls_subject", None) or "The worker's certificate"
    until = f"{subject} is valid until {not_after.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC"
    level = certificate_level(not_after, now, warning_days)
    if level == CERT_EXPIRED:
        return f"Expired: clients that verify it refuse the worker. {until}; renew it now."
    if level == CERT_WARN:
        return f"Renew soon: {until}, within the {warning_days:g}-day warning ([alerts] cert_expiry_days)."
    return f"{until}; the console warns {warning_days:g} days ahead."


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
        if index.column() == CERT_COLUMN:
            return self._certificate_data(worker, role)
        if index.column() == STATE_COLUMN:
            if role == Qt.ItemDataRole.ToolTipRole:
                return worker.reason or worker.state
            if role == Qt.ItemDataRole.DecorationRole:
                return state_dot(worker.state)
        return None

    def _certificate_data(self, worker: WorkerStatus, role: int):
        not_after = certificate_expiry(worker)
        warning_days = self._tracker.thresholds.cert_expiry_days
        if role == Qt.ItemDataRole.ToolTipRole:
            return certificate_tooltip(worker, not_after, self._tracker.clock(), warning_days)
        if role == Qt.ItemDataRole.ForegroundRole and not_after is not None:
            level = certificate_level(not_after, self._tracker.clock(), warning_days)
            theme = current_theme()
            return {CERT_WARN: QColor(theme.warn), CERT_EXPIRED: QColor(theme.bad)}.get(level)
        return None

    def _text(self, worker: WorkerStatus, column: int) -> str:
        values = (
            worker.name,
            worker.url,
            f"{worker.state}: {worker.reason}" if worker.reason else worker.state,
            ms_text(worker.rtt_ms),
            worker.version or DASH,
            devices_text(worker),
            sessions_text(worker),
            load_text(worker),
            certificate_text(certificate_expiry(worker), self._tracker.clock()),
        )
        return values[column]

    def _reset(self) -> None:
        self.beginResetModel()
        self._rows = list(self._tracker.fleet.workers)
        self.endResetModel()

    def _refresh(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

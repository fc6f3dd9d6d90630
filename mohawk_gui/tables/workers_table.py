"""One row per worker: name, URL, state, RTT, version, devices, sessions, load, certificate expiry."""

from __future__ import annotations

from datetime import datetime, timezone

from PyQt6.QtCore import QModelIndex, Qt
from PyQt6.QtGui import QColor, QIcon, QPainter, QPixmap

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.models.record_table import RecordTableModel
from mohawk_gui.services.fleet_state import WorkerStatus
from mohawk_gui.services.v2_models import read_only_reason
from mohawk_gui.tables.formatting import DASH, devices_text, load_text, ms_text, sessions_text
from mohawk_gui.theme import STATE_COLORS, current_theme

COLUMNS = ("Name", "URL", "State", "RTT", "Version", "Devices", "Sessions", "Load", "Certificate")
STATE_COLUMN = COLUMNS.index("State")
VERSION_COLUMN = COLUMNS.index("Version")
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


def version_text(worker: WorkerStatus, v2: bool) -> str:
    """The worker's kind with its server and version: "Mohawk 0.1.0", or "v2: triton 2.51" for a plain v2 server."""
    if worker.info is None:
        return "v2 server" if v2 else DASH
    return f"v2: {worker.info.name} {worker.info.version}" if v2 else f"Mohawk {worker.info.version}"


def kind_tooltip(reason: str | None, metrics_note: str | None) -> str:
    """What an operator should know about a worker's kind: monitor only, and why figures may be missing."""
    if reason is None:
        return "A Mohawk engine: every console action is available"
    lines = [f"Plain Open Inference Protocol v2 server, monitor and benchmark only: actions are {reason}"]
    if metrics_note:
        lines.append(f"No live figures: {metrics_note}")
    return "\n".join(lines)


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


class WorkersTableModel(RecordTableModel[str]):
    """Rows are worker names; each cell reads the worker's current status from the tracker."""

    columns = COLUMNS

    def __init__(self, tracker: FleetTracker, parent=None) -> None:
        super().__init__(parent)
        self._tracker = tracker
        self.rows = list(tracker.fleet.workers)
        tracker.workers_changed.connect(self._reset)
        tracker.changed.connect(self.refresh)

    def worker_at(self, row: int) -> str:
        return self.rows[row]

    def row_of(self, worker: str) -> int:
        return self.row_where(lambda name: name == worker)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        worker = self._tracker.fleet.workers.get(self.rows[index.row()])
        if worker is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(worker, index.column())
        if role == WORKER_ROLE:
            return worker.name
        if index.column() == CERT_COLUMN:
            return self._certificate_data(worker, role)
        if index.column() in (0, VERSION_COLUMN) and role == Qt.ItemDataRole.ToolTipRole:
            client = self._client(worker.name)
            return kind_tooltip(read_only_reason(client), getattr(client, "metrics_note", None))
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
            version_text(worker, read_only_reason(self._client(worker.name)) is not None),
            devices_text(worker),
            sessions_text(worker),
            load_text(worker),
            certificate_text(certificate_expiry(worker), self._tracker.clock()),
        )
        return values[column]

    def _client(self, worker: str) -> object | None:
        try:
            return self._tracker.hub.client(worker)
        except KeyError:
            return None

    def _reset(self) -> None:
        self.set_rows(self._tracker.fleet.workers)

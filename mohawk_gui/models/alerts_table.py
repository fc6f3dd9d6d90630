"""The alerts panel's table: one row per alert that fired (active, acknowledged, resolved), newest first."""

from __future__ import annotations

import time

from PyQt6.QtCore import QObject, Qt
from PyQt6.QtGui import QColor

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.models.record_table import RecordTableModel
from mohawk_gui.services.alert_rules import ACTIVE, AlertRecord
from mohawk_gui.services.alerts import CRITICAL, RULE_TITLES
from mohawk_gui.theme import tone

COLUMNS = ("Severity", "Rule", "Target", "State", "Fired", "Acknowledged", "Resolved", "Detail")
RECORD_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ACTIVE_ONLY, ALL = "active", "all"


def clock_text(timestamp: float | None) -> str:
    return "" if timestamp is None else time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


class AlertsTableModel(RecordTableModel[AlertRecord]):
    """Rebuilt from the tracker's alert book whenever an alert moves (a few rows: a reset is cheap)."""

    columns = COLUMNS

    def __init__(self, tracker: FleetTracker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.scope = ACTIVE_ONLY
        tracker.alerts_changed.connect(self.reload)
        self.reload()

    def set_scope(self, scope: str) -> None:
        """ACTIVE_ONLY: fired and not resolved (active or acknowledged); ALL: the resolved ones too."""
        self.scope = scope
        self.reload()

    def reload(self, *_args) -> None:
        records = self.tracker.book.visible()
        self.set_rows(records if self.scope == ALL else [record for record in records if record.firing])

    def role_data(self, record: AlertRecord, column: int, role: int):
        name = COLUMNS[column]
        if role == RECORD_ID_ROLE:
            return record.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(record.alert)
        if role == Qt.ItemDataRole.ForegroundRole and name in ("Severity", "State"):
            if name == "Severity":
                return QColor(tone("bad" if record.alert.severity == CRITICAL else "warn"))
            return None if record.state == ACTIVE else QColor(tone("muted"))
        return None

    def cell(self, record: AlertRecord, column: int) -> str:
        alert = record.alert
        return {
            "Severity": alert.severity,
            "Rule": RULE_TITLES.get(alert.rule, alert.rule),
            "Target": f"{alert.worker} / {alert.subject}" if alert.subject != "worker" else alert.worker,
            "State": record.state,
            "Fired": clock_text(record.fired_at),
            "Acknowledged": clock_text(record.acknowledged_at),
            "Resolved": clock_text(record.resolved_at),
            "Detail": alert.message,
        }[COLUMNS[column]]

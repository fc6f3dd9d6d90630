"""Audit: the selected worker's audit log (newest first), filtered by text and action.

Refresh reloads the newest `limit` records; while the panel is visible a timer fetches only what
came after the newest one held (`since`); "Load more" raises the limit by a page to reach older ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QHideEvent, QShowEvent
from PyQt6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas.security import AuditRecord
from mohawk_gui.models.audit_table import ALL_ACTIONS, AuditTableModel
from mohawk_gui.theme import set_role
from mohawk_gui.views.error_banner import ErrorBanner
from mohawk_gui.views.record_table_view import record_table_view
from mohawk_gui.views.worker_calls import WorkerCalls

PAGE = 100
MAX_LIMIT = 10_000  # the engine's own cap on one answer
AUTO_REFRESH_MS = 5000
SINCE_OVERLAP_S = 1.0  # fetch a little before the newest record held: records are merged by id anyway
TIPS = {
    "text": "Show only entries whose key, action, target or client contain this text",
    "action": "Show one kind of action, or all",
    "auto": "While this panel is shown, fetch new entries periodically",
    "refresh": "Re-read the worker's audit log now",
    "more": "Fetch the next page of older entries",
}


class AuditPanel(QWidget):
    def __init__(
        self,
        client_of: Callable[[str], EngineClient],
        auto_refresh_ms: int = AUTO_REFRESH_MS,
        page: int = PAGE,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker: str | None = None
        self.page = page
        self.limit = page
        self.exhausted = False
        self._stale = True

        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter: key, action, target, client …")
        self.text_filter.setClearButtonEnabled(True)
        self.action_filter = QComboBox()
        self.action_filter.addItem("All actions", ALL_ACTIONS)
        self.action_filter.setMinimumContentsLength(18)
        self.auto_check = QCheckBox("Auto-refresh")
        self.auto_check.setChecked(True)
        self.refresh_button = QPushButton("Refresh")
        self.more_button = QPushButton("Load more")
        bar = QHBoxLayout()
        bar.addWidget(self.text_filter, 1)
        bar.addWidget(self.action_filter)
        bar.addWidget(self.auto_check)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.more_button)

        self.model = AuditTableModel(self)
        self.table = record_table_view(self.model)
        self.summary = QLabel("")
        set_role(self.summary, "muted")
        self.message = ErrorBanner()
        self.calls = WorkerCalls(client_of, lambda: self.worker, self.message)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

        self.timer = QTimer(self)
        self.timer.setInterval(auto_refresh_ms)
        self.timer.timeout.connect(self.poll)
        self.text_filter.textChanged.connect(self._apply_filter)
        self.action_filter.currentIndexChanged.connect(self._apply_filter)
        self.auto_check.toggled.connect(self._update_timer)
        self.refresh_button.clicked.connect(self.refresh)
        self.more_button.clicked.connect(self.load_more)
        self._update_summary()

    def show_worker(self, worker: str | None) -> None:
        if worker == self.worker:
            return
        self.worker = worker
        self.limit = self.page
        self.exhausted = False
        self.model.replace([])
        self._refresh_actions()
        self.message.hide()
        self._stale = True
        self._update_summary()
        self._update_timer()
        if self.isVisible():
            self.refresh()

    def read_only_reason(self) -> str | None:
        """Why the selected worker has no audit log to read (a plain v2 server), or None."""
        return self.calls.read_only_reason()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._update_timer()
        if self._stale:
            self.refresh()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.timer.stop()

    def refresh(self) -> asyncio.Future:
        """The newest `limit` records, replacing what the table held."""
        self._stale = False
        limit = self.limit
        return self.calls.call(lambda client: client.audit(limit=limit), lambda records: self._replaced(records, limit))

    def load_more(self) -> asyncio.Future:
        self.limit = min(self.limit + self.page, MAX_LIMIT)
        return self.refresh()

    def poll(self) -> asyncio.Future | None:
        """Only the records after the newest one held (a full refresh when none is held yet)."""
        if self.calls.in_flight:
            return None
        newest = self.model.newest_timestamp()
        if newest is None:
            return self.refresh()
        since = newest - SINCE_OVERLAP_S
        return self.calls.call(lambda client: client.audit(limit=self.page, since=since), self._merged)

    def _merged(self, records: list[AuditRecord]) -> None:
        if len(records) >= self.page and not any(self.model.holds(record.id) for record in records):
            self.refresh()  # more came than one answer holds: reload rather than leave a gap
            return
        if self.model.merge(records):
            self._refresh_actions()
            self._update_summary()

    def _replaced(self, records: list[AuditRecord], limit: int) -> None:
        self.model.replace(records)
        self.exhausted = len(records) < limit or limit >= MAX_LIMIT
        self._refresh_actions()
        self._update_summary()

    def _apply_filter(self) -> None:
        self.model.set_filter(self.text_filter.text(), self.action_filter.currentData() or ALL_ACTIONS)
        self._update_summary()

    def _refresh_actions(self) -> None:
        """The action list follows the records held; the chosen action stays chosen."""
        chosen = self.action_filter.currentData() or ALL_ACTIONS
        actions = self.model.actions()
        if chosen and chosen not in actions:
            actions = sorted([*actions, chosen])
        self.action_filter.blockSignals(True)
        self.action_filter.clear()
        self.action_filter.addItem("All actions", ALL_ACTIONS)
        for action in actions:
            self.action_filter.addItem(action, action)
        self.action_filter.setCurrentIndex(max(self.action_filter.findData(chosen), 0))
        self.action_filter.blockSignals(False)

    def _update_summary(self) -> None:
        reason = self.read_only_reason()
        shown, held = self.model.rowCount(), self.model.total()
        more = "" if self.exhausted else "; Load more for older ones"
        summary = f"The audit log is {reason}" if reason else f"{shown} of {held} record{'s' if held != 1 else ''} shown{more}"
        self.summary.setText(summary)
        usable = self.worker is not None and reason is None
        self.more_button.setEnabled(usable and not self.exhausted)
        self.refresh_button.setEnabled(usable)
        controls = {
            "text": self.text_filter, "action": self.action_filter, "auto": self.auto_check,
            "refresh": self.refresh_button, "more": self.more_button,
        }  # fmt: skip
        for name, control in controls.items():
            control.setToolTip(f"Audit log: {reason}" if reason else TIPS[name])
            if name in ("text", "action", "auto"):
                control.setEnabled(reason is None)

    def _update_timer(self) -> None:
        if self.auto_check.isChecked() and self.isVisible() and self.read_only_reason() is None:
            self.timer.start()
        else:
            self.timer.stop()

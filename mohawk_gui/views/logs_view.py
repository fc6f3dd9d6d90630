"""Logs: the live tail of every worker's log lines and session events, filtered, pausable, exportable."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from mohawk_engine.schemas import SessionInfo
from mohawk_engine.schemas.telemetry import LogRecord, SessionEvent
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.models.log_entry import LEVELS, LogEntry, from_event, from_record
from mohawk_gui.models.log_filter import LogFilterProxy
from mohawk_gui.models.log_ring import COLUMNS, LogRingModel
from mohawk_gui.services.v2_models import read_only_reason
from mohawk_gui.theme import set_role
from mohawk_gui.views.page import page_layout

FLUSH_MS = 200
ALL_WORKERS = "All workers"
ALL_SESSIONS = "All sessions"


class LogsView(QWidget):
    """New lines are gathered and added to the model at most every FLUSH_MS; while paused they wait in a
    bounded buffer (the oldest are dropped past the model's capacity)."""

    def __init__(self, hub: FleetHub, capacity: int = 10_000, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.model = LogRingModel(capacity, self)
        self.proxy = LogFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.pending: deque[LogEntry] = deque(maxlen=capacity)
        self.dropped = 0
        self.paused = False
        self._sessions: set[str] = set()
        layout, header = page_layout(self, "Logs", "Live log lines and session events from every worker.")

        self.worker_filter = QComboBox()
        self.worker_filter.setToolTip("Show the lines of one worker, or of all")
        self.worker_filter.addItem(ALL_WORKERS)
        self.session_filter = QComboBox()
        self.session_filter.setToolTip("Show the lines of one session (or the engine's own), or of all")
        self.session_filter.addItem(ALL_SESSIONS)
        self.session_filter.setMinimumWidth(160)
        self.level_filter = QComboBox()
        self.level_filter.setToolTip("Lowest log level shown")
        self.level_filter.addItems([f"{level} and above" for level in LEVELS])
        self.level_filter.setCurrentIndex(LEVELS.index("INFO"))
        self.text_filter = QLineEdit()
        self.text_filter.setToolTip("Show only lines whose message, source or logger contain this text (Ctrl+F)")
        self.text_filter.setPlaceholderText("Filter text (message, source, logger)")
        self.text_filter.setClearButtonEnabled(True)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.pause_button.setToolTip("Stop the tail from moving; new lines wait and appear on resume")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Empty the console's log view (the workers keep their logs)")
        self.export_button = QPushButton("Export NDJSON…")
        self.export_button.setToolTip("Save the lines the filters show, one JSON object per line")
        for button in (self.pause_button, self.clear_button, self.export_button):
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        filters.addWidget(self.worker_filter)
        filters.addWidget(self.session_filter)
        filters.addWidget(self.level_filter)
        filters.addWidget(self.text_filter, 1)
        layout.addLayout(filters)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(24)
        columns = self.table.horizontalHeader()
        for column, width in zip(range(len(COLUMNS) - 1), (100, 110, 80, 150)):
            columns.resizeSection(column, width)
        columns.setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.status = QLabel("")
        set_role(self.status, "muted")
        layout.addWidget(self.status)

        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush)
        self._flush_timer.start()
        hub.log.connect(self.on_log)
        hub.event.connect(self.on_event)
        hub.sessions.connect(self.on_sessions)
        hub.worker_added.connect(self._worker_added)
        hub.worker_removed.connect(self._worker_removed)
        for worker in hub.workers():
            self._worker_added(worker)
        self.worker_filter.currentIndexChanged.connect(self._filters_changed)
        self.session_filter.currentIndexChanged.connect(self._filters_changed)
        self.level_filter.currentIndexChanged.connect(self._filters_changed)
        self.text_filter.textChanged.connect(self._filters_changed)
        self.pause_button.toggled.connect(self.set_paused)
        self.clear_button.clicked.connect(self.clear)
        self.export_button.clicked.connect(self._ask_export)
        self._filters_changed()

    def on_log(self, worker: str, record: LogRecord) -> None:
        self._add(from_record(worker, record))

    def on_event(self, worker: str, event: SessionEvent) -> None:
        self._add(from_event(worker, event))

    def on_sessions(self, worker: str, sessions: list[SessionInfo]) -> None:
        self._remember_sessions(info.name for info in sessions)

    def flush(self) -> int:
        """Move waiting lines into the table (not while paused); keeps the view at the bottom if it was."""
        if self.paused or not self.pending:
            self._show_status()
            return 0
        scrollbar = self.table.verticalScrollBar()
        at_bottom = scrollbar.value() >= scrollbar.maximum() - 2
        batch = list(self.pending)
        self.pending.clear()
        self.model.extend(batch)
        if at_bottom:
            self.table.scrollToBottom()
        self._show_status()
        return len(batch)

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.pause_button.setChecked(paused)
        self.pause_button.setText("Resume" if paused else "Pause")
        if not paused:
            self.flush()
            self.dropped = 0
        self._show_status()

    def clear(self) -> None:
        self.model.clear()
        self.pending.clear()
        self.dropped = 0
        self._show_status()

    def export_ndjson(self, path: str | Path) -> int:
        """Write the lines the filters show (oldest first); returns how many."""
        entries = self.proxy.visible_entries()
        with open(path, "w", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(json.dumps(entry.to_json_dict(), ensure_ascii=False) + "\n")
        return len(entries)

    def _add(self, entry: LogEntry) -> None:
        if len(self.pending) == self.pending.maxlen:
            self.dropped += 1
        self.pending.append(entry)
        self._worker_added(entry.worker)
        if entry.session:
            self._remember_sessions((entry.session,))

    def _remember_sessions(self, names) -> None:
        new = set(names) - self._sessions
        if new:
            self._sessions |= new
            current = self.session_filter.currentText()
            self.session_filter.blockSignals(True)
            self.session_filter.clear()
            self.session_filter.addItems([ALL_SESSIONS, *sorted(self._sessions)])
            self.session_filter.setCurrentText(current)
            self.session_filter.blockSignals(False)

    def _worker_added(self, worker: str) -> None:
        if self.worker_filter.findText(worker) < 0:
            self.worker_filter.addItem(worker)
            reason = self._no_stream_reason(worker)
            if reason:
                tip = f"No log stream from {worker}: logs are {reason}"
                self.worker_filter.setItemData(self.worker_filter.findText(worker), tip, Qt.ItemDataRole.ToolTipRole)

    def _no_stream_reason(self, worker: str) -> str | None:
        """Why a worker sends no log lines or events (a plain v2 server has no log stream), or None."""
        try:
            return read_only_reason(self.hub.client(worker))
        except KeyError:
            return None

    def log_note(self) -> str:
        """Which of the workers shown send no log stream, and why; empty when all of them do."""
        selected = self.worker_filter.currentText()
        workers = self.hub.workers() if selected == ALL_WORKERS else [selected]
        silent = [worker for worker in workers if self._no_stream_reason(worker)]
        if not silent:
            return ""
        return f"no log stream from {', '.join(silent)}: logs are {self._no_stream_reason(silent[0])}"

    def _worker_removed(self, worker: str) -> None:
        index = self.worker_filter.findText(worker)
        if index > 0 and self.worker_filter.currentIndex() != index:
            self.worker_filter.removeItem(index)

    def _filters_changed(self) -> None:
        worker = self.worker_filter.currentText()
        session = self.session_filter.currentText()
        self.proxy.set_worker(None if worker == ALL_WORKERS else worker)
        self.proxy.set_session(None if session == ALL_SESSIONS else session)
        self.proxy.set_min_level(LEVELS[self.level_filter.currentIndex()])
        self.proxy.set_text(self.text_filter.text())
        self._show_status()

    def _show_status(self) -> None:
        parts = [f"{self.proxy.rowCount():,} of {self.model.rowCount():,} lines shown (keeps the last {self.model.capacity:,})"]
        if self.paused:
            parts.append(f"paused: {len(self.pending):,} new lines waiting")
            if self.dropped:
                parts.append(f"{self.dropped:,} older lines dropped while paused")
        note = self.log_note()
        if note:
            parts.append(note)
        text = " · ".join(parts)
        if text != self.status.text():
            self.status.setText(text)

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export logs", "mohawk-logs.ndjson", "NDJSON (*.ndjson *.jsonl)")
        if path:
            count = self.export_ndjson(path)
            self.status.setText(f"Exported {count:,} lines to {path}")

"""SessionTargetForm: the worker and session boxes that the load and tuning forms start with.

The worker box lists the hub's workers; the session box, editable for a typed name, lists the chosen
worker's sessions that `offers` accepts (the live ones), and keeps what was typed when the list changes.
"""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QComboBox, QWidget

from mohawk_engine.schemas import SessionInfo, SessionState
from mohawk_gui.adapters.hub import FleetHub

GONE = (SessionState.STOPPED, SessionState.FAILED)


class SessionTargetForm(QWidget):
    """A subclass lays out `worker_box` and `session_box` with its own fields, then calls `follow(hub)`."""

    target_changed = pyqtSignal(str, str)  # worker, session

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions: dict[str, list[str]] = {}
        self.worker_box = QComboBox()
        self.worker_box.setToolTip("The worker that serves the session")
        self.session_box = QComboBox()
        self.session_box.setToolTip("The session (its model name on the v2 endpoint)")
        self.session_box.setEditable(True)
        self.session_box.lineEdit().setPlaceholderText("session name")
        self.worker_box.currentTextChanged.connect(self._fill_sessions)
        self.worker_box.currentTextChanged.connect(self._target_changed)
        self.session_box.currentTextChanged.connect(self._target_changed)

    def follow(self, hub: FleetHub) -> None:
        """Track the hub's workers and sessions; call it once every field exists (the boxes fill at once)."""
        hub.worker_added.connect(self.add_worker)
        hub.worker_removed.connect(self.remove_worker)
        hub.sessions.connect(self.set_sessions)
        for worker in hub.workers():
            self.add_worker(worker)

    def offers(self, info: SessionInfo) -> bool:
        """Whether the session box lists this session."""
        return info.state not in GONE

    def worker(self) -> str:
        return self.worker_box.currentText()

    def session(self) -> str:
        return self.session_box.currentText().strip()

    def select(self, worker: str, session: str) -> None:
        self.worker_box.setCurrentText(worker)
        self.session_box.setCurrentText(session)

    def add_worker(self, worker: str) -> None:
        if self.worker_box.findText(worker) < 0:
            self.worker_box.addItem(worker)

    def remove_worker(self, worker: str) -> None:
        self.sessions.pop(worker, None)
        index = self.worker_box.findText(worker)
        if index >= 0:
            self.worker_box.removeItem(index)

    def set_sessions(self, worker: str, sessions: list[SessionInfo]) -> None:
        names = sorted(info.name for info in sessions if self.offers(info))
        if self.sessions.get(worker) == names:
            return
        self.sessions[worker] = names
        self.add_worker(worker)
        if worker == self.worker():
            self._fill_sessions(worker)

    def _fill_sessions(self, worker: str) -> None:
        typed = self.session()
        self.session_box.blockSignals(True)
        self.session_box.clear()
        self.session_box.addItems(self.sessions.get(worker, []))
        self.session_box.setCurrentText(typed)
        self.session_box.blockSignals(False)
        if not typed and self.session_box.count():
            self.session_box.setCurrentIndex(0)

    def _target_changed(self) -> None:
        self.target_changed.emit(self.worker(), self.session())

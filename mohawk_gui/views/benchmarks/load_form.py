"""The load form: which worker and session, and the load shape (the LoadSpec's operator-facing fields)."""

from __future__ import annotations

from PyQt6.QtCore import pyqtSignal
from PyQt6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QSpinBox, QWidget

from mohawk_engine.schemas import SessionInfo, SessionState
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.services.load_runs import LoadShape

GONE = (SessionState.STOPPED, SessionState.FAILED)


def _spin(low: int, high: int, value: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setGroupSeparatorShown(True)
    return box


def _double(low: float, high: float, value: float, suffix: str, decimals: int = 1) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(decimals)
    box.setRange(low, high)
    box.setValue(value)
    box.setSuffix(suffix)
    return box


def _choice(*items: str) -> QComboBox:
    box = QComboBox()
    box.addItems(items)
    return box


class LoadForm(QWidget):
    """Workers and their live sessions follow the hub; the session box also takes a typed name."""

    target_changed = pyqtSignal(str, str)  # worker, session

    def __init__(self, hub: FleetHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sessions: dict[str, list[str]] = {}
        self.worker_box = QComboBox()
        self.session_box = QComboBox()
        self.session_box.setEditable(True)
        self.session_box.lineEdit().setPlaceholderText("session name")
        self.mode_box = _choice("closed", "open")
        self.mode_box.setToolTip("Closed loop keeps N requests in flight; open loop sends at a fixed rate")
        self.concurrency_box = _spin(1, 4096, 4)
        self.rate_box = _double(0.1, 1_000_000, 100.0, " req/s")
        self.arrival_box = _choice("constant", "poisson")
        self.bound_box = _choice("duration", "requests")
        self.duration_box = _double(0.5, 86_400, 10.0, " s")
        self.requests_box = _spin(1, 1_000_000_000, 1000)
        self.warmup_box = _double(0, 3600, 0.0, " s")
        self.payload_box = _choice("binary", "JSON")
        self.payload_box.setToolTip("Binary tensor data (the fast path) or JSON tensors")
        self.processes_box = _spin(1, 64, 1)
        self.processes_box.setToolTip("Load generator processes sharing the load (for loads one core cannot drive)")
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        for label, field in (
            ("Worker", self.worker_box), ("Session", self.session_box), ("Mode", self.mode_box),
            ("Concurrency", self.concurrency_box), ("Rate", self.rate_box), ("Arrivals", self.arrival_box),
            ("Bound", self.bound_box), ("Duration", self.duration_box), ("Requests", self.requests_box),
            ("Warm-up", self.warmup_box), ("Payload", self.payload_box), ("Processes", self.processes_box),
        ):  # fmt: skip
            form.addRow(label, field)
        self.mode_box.currentTextChanged.connect(self._enable_fields)
        self.bound_box.currentTextChanged.connect(self._enable_fields)
        self.worker_box.currentTextChanged.connect(self._fill_sessions)
        self.worker_box.currentTextChanged.connect(self._target_changed)
        self.session_box.currentTextChanged.connect(self._target_changed)
        hub.worker_added.connect(self.add_worker)
        hub.worker_removed.connect(self.remove_worker)
        hub.sessions.connect(self.set_sessions)
        for worker in hub.workers():
            self.add_worker(worker)
        self._enable_fields()

    def worker(self) -> str:
        return self.worker_box.currentText()

    def session(self) -> str:
        return self.session_box.currentText().strip()

    def shape(self) -> LoadShape:
        closed = self.mode_box.currentText() == "closed"
        by_duration = self.bound_box.currentText() == "duration"
        return LoadShape(
            mode="closed" if closed else "open",
            concurrency=self.concurrency_box.value(),
            rate=None if closed else self.rate_box.value(),
            arrival=self.arrival_box.currentText(),
            duration_s=self.duration_box.value() if by_duration else None,
            requests=None if by_duration else self.requests_box.value(),
            warmup_s=self.warmup_box.value(),
            binary=self.payload_box.currentText() == "binary",
            processes=self.processes_box.value(),
        )

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
        names = sorted(info.name for info in sessions if info.state not in GONE)
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

    def _enable_fields(self) -> None:
        closed = self.mode_box.currentText() == "closed"
        self.concurrency_box.setEnabled(closed)
        self.rate_box.setEnabled(not closed)
        self.arrival_box.setEnabled(not closed)
        by_duration = self.bound_box.currentText() == "duration"
        self.duration_box.setEnabled(by_duration)
        self.requests_box.setEnabled(not by_duration)

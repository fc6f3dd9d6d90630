"""The load form: which worker and session, and the load shape (the LoadSpec's operator-facing fields)."""

from __future__ import annotations

from PyQt6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QSpinBox, QWidget

from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.services.load_runs import LoadShape
from mohawk_gui.views.session_target_form import SessionTargetForm


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


class LoadForm(SessionTargetForm):
    """Workers and their live sessions follow the hub; the session box also takes a typed name."""

    def __init__(self, hub: FleetHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.mode_box = _choice("closed", "open")
        self.mode_box.setToolTip("Closed loop keeps N requests in flight; open loop sends at a fixed rate")
        self.concurrency_box = _spin(1, 4096, 4)
        self.concurrency_box.setToolTip("Closed loop: requests kept in flight at once")
        self.rate_box = _double(0.1, 1_000_000, 100.0, " req/s")
        self.rate_box.setToolTip("Open loop: requests sent per second, whether or not replies have come")
        self.arrival_box = _choice("constant", "poisson")
        self.arrival_box.setToolTip("Open loop: evenly spaced sends, or Poisson arrivals at the same mean rate")
        self.bound_box = _choice("duration", "requests")
        self.bound_box.setToolTip("End the run after a time, or after a number of requests")
        self.duration_box = _double(0.5, 86_400, 10.0, " s")
        self.duration_box.setToolTip("Seconds measured, after the warm-up")
        self.requests_box = _spin(1, 1_000_000_000, 1000)
        self.requests_box.setToolTip("Requests measured, after the warm-up")
        self.warmup_box = _double(0, 3600, 0.0, " s")
        self.warmup_box.setToolTip("Seconds of load sent first and left out of the results")
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
        self.follow(hub)
        self._enable_fields()

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

    def _enable_fields(self) -> None:
        closed = self.mode_box.currentText() == "closed"
        self.concurrency_box.setEnabled(closed)
        self.rate_box.setEnabled(not closed)
        self.arrival_box.setEnabled(not closed)
        by_duration = self.bound_box.currentText() == "duration"
        self.duration_box.setEnabled(by_duration)
        self.requests_box.setEnabled(not by_duration)

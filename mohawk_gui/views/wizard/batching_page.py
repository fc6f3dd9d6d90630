"""Wizard page 3: dynamic batching and concurrency, starting from the engine's defaults."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PyQt6.QtWidgets import QCheckBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWizardPage

from mohawk_engine.schemas import BatchingConfig, DeviceMap
from mohawk_gui.theme import set_role

if TYPE_CHECKING:
    from mohawk_gui.views.wizard.session_wizard import SessionWizard

HINTS = {
    "max_batch_size": "Requests merged into one run at most.",
    "max_queue_delay_us": "How long a batch may wait for more requests once a replica is free (0: never wait).",
    "max_queue_size": "Requests waiting beyond this are refused at once (HTTP 503).",
    "timeout_ms": "A request that has not finished in this time fails.",
    "replicas_per_device": "Copies of the model per device (replicate).",
    "threads_per_replica": "Intra-op threads per copy; 'auto' lets the runtime decide.",
}


def _spin(low: int, high: int, value: int, suffix: str = "", step: int = 1) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSingleStep(step)
    spin.setSuffix(suffix)
    spin.setGroupSeparatorShown(True)
    return spin


class BatchingPage(QWizardPage):
    def __init__(self, wizard: SessionWizard) -> None:
        super().__init__()
        self.setTitle("Batching and concurrency")
        self.setSubTitle("How requests are grouped and how many copies serve them. The defaults suit most models.")
        batching = wizard.initial.batching if wizard.initial else BatchingConfig()
        device_map = wizard.initial.device_map if wizard.initial else DeviceMap()
        self.enabled = QCheckBox("Dynamic batching")
        self.enabled.setChecked(batching.enabled)
        self.max_batch_size = _spin(1, 65_536, batching.max_batch_size)
        self.max_queue_delay_us = _spin(0, 10_000_000, batching.max_queue_delay_us, " µs", 100)
        self.max_queue_size = _spin(1, 1_000_000, batching.max_queue_size, step=64)
        self.timeout_ms = _spin(1, 3_600_000, batching.timeout_ms, " ms", 1000)
        self.replicas_per_device = _spin(1, 64, device_map.replicas_per_device)
        self.threads_per_replica = _spin(0, 256, device_map.threads_per_replica)
        self.threads_per_replica.setSpecialValueText("auto")
        self.note = QLabel("")
        self.note.setWordWrap(True)
        set_role(self.note, "muted")

        form = QFormLayout()
        form.addRow("", self.enabled)
        for label, name in (
            ("Max batch size", "max_batch_size"),
            ("Max queue delay", "max_queue_delay_us"),
            ("Max queue size", "max_queue_size"),
            ("Request timeout", "timeout_ms"),
            ("Replicas per device", "replicas_per_device"),
            ("Threads per replica", "threads_per_replica"),
        ):
            field = getattr(self, name)
            field.setToolTip(HINTS[name])
            hint = QLabel(HINTS[name])
            set_role(hint, "muted")
            hint.setWordWrap(True)
            form.addRow(label, field)
            form.addRow("", hint)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self.enabled.toggled.connect(self._enabled_changed)
        self._enabled_changed(self.enabled.isChecked())
        self._wizard = wizard

    def initializePage(self) -> None:
        model = self._wizard.model_page.model()
        if model is not None and not model.batchable:
            self.note.setText(f"'{model.name}' has no batch dimension: each request runs on its own.")
        else:
            self.note.setText("")

    def batching(self) -> BatchingConfig:
        return BatchingConfig(
            enabled=self.enabled.isChecked(),
            max_batch_size=self.max_batch_size.value(),
            max_queue_delay_us=self.max_queue_delay_us.value(),
            max_queue_size=self.max_queue_size.value(),
            timeout_ms=self.timeout_ms.value(),
        )

    def concurrency(self) -> dict[str, int]:
        return {
            "replicas_per_device": self.replicas_per_device.value(),
            "threads_per_replica": self.threads_per_replica.value(),
        }

    def _enabled_changed(self, enabled: bool) -> None:
        for field in (self.max_batch_size, self.max_queue_delay_us):
            field.setEnabled(enabled)

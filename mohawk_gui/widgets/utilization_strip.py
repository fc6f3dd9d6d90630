"""The dashboard's per-GPU strip: one compact meter per GPU across the fleet (the CPU where a worker has none)."""

from __future__ import annotations

from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from mohawk_gui.services.fleet_state import FleetState
from mohawk_gui.tables.formatting import bytes_text
from mohawk_gui.theme import set_role
from mohawk_gui.widgets.meter import Meter


class DeviceMeter(QFrame):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "card")
        self.setFixedWidth(210)
        self.title = QLabel(title)
        self.meter = Meter()
        self.text = QLabel("—")
        set_role(self.text, "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        layout.addWidget(self.title)
        layout.addWidget(self.meter)
        layout.addWidget(self.text)


class UtilizationStrip(QScrollArea):
    """Entries are keyed by (worker, device); the row is rebuilt only when that set changes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFixedHeight(104)
        self._content = QWidget()
        self._row = QHBoxLayout(self._content)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(10)
        self.setWidget(self._content)
        self.meters: dict[tuple[str, str], DeviceMeter] = {}
        self._empty = QLabel("No devices reported yet")
        set_role(self._empty, "muted")
        self._row.addWidget(self._empty)
        self._row.addStretch(1)

    def update_from(self, fleet: FleetState) -> None:
        entries: dict[tuple[str, str], tuple[float, str, str]] = {}  # key -> (percent, text, tooltip)
        for worker in fleet:
            if not worker.reachable or worker.devices is None:
                continue
            snapshot = worker.devices
            for gpu in snapshot.gpus:
                used = f"{bytes_text(gpu.memory_used_bytes)} / {bytes_text(gpu.memory_total_bytes)}"
                entries[(worker.name, f"GPU {gpu.index}")] = (
                    gpu.utilization_pct, f"{gpu.utilization_pct:.0f}% · {used}", gpu.name
                )
            if not snapshot.gpus:
                why = f"No GPU on {worker.name}: {snapshot.gpu_state}" if snapshot.gpu_state else "No GPU"
                entries[(worker.name, "CPU")] = (snapshot.cpu_percent, f"{snapshot.cpu_percent:.0f}% · no GPU", why)
        if set(entries) != set(self.meters):
            self._rebuild(list(entries))
        for key, (percent, text, tooltip) in entries.items():
            meter = self.meters[key]
            meter.meter.set_fraction(percent / 100.0)
            meter.text.setText(text)
            meter.setToolTip(tooltip)

    def _rebuild(self, keys: list[tuple[str, str]]) -> None:
        for meter in self.meters.values():
            meter.deleteLater()
        self.meters = {}
        for index, key in enumerate(keys):
            meter = DeviceMeter(f"{key[0]} · {key[1]}")
            self.meters[key] = meter
            self._row.insertWidget(index, meter)
        self._empty.setVisible(not keys)

"""Cards for one worker's devices: the CPU (with system memory) and each GPU, with live meters."""

from __future__ import annotations

from PyQt6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from mohawk_engine.schemas.telemetry import DevicesSnapshot, GpuStatus
from mohawk_gui.tables.formatting import bytes_text
from mohawk_gui.theme import set_role
from mohawk_gui.widgets.meter import Meter


class DeviceCard(QFrame):
    """Title, a utilization meter, a memory meter and one line of detail."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        set_role(self, "card")
        self.setMinimumWidth(260)
        self.setMaximumWidth(480)
        self.title = QLabel(title)
        set_role(self.title, "section")
        self.utilization = Meter(warn_at=0.85, bad_at=0.97)
        self.utilization_text = QLabel("—")
        self.memory = Meter(warn_at=0.85, bad_at=0.95)
        self.memory_text = QLabel("—")
        self.detail = QLabel("")
        set_role(self.detail, "muted")
        self.detail.setWordWrap(True)
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 12, 14, 12)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.addWidget(self.title, 0, 0, 1, 3)
        for row, (name, meter, text) in enumerate(
            (("Utilization", self.utilization, self.utilization_text), ("Memory", self.memory, self.memory_text)), start=1
        ):
            label = QLabel(name)
            set_role(label, "muted")
            grid.addWidget(label, row, 0)
            grid.addWidget(meter, row, 1)
            grid.addWidget(text, row, 2)
        grid.addWidget(self.detail, 3, 0, 1, 3)
        grid.setColumnStretch(1, 1)

    def show_values(self, utilization_pct: float, used_bytes: int, total_bytes: int, detail: str) -> None:
        self.utilization.set_fraction(utilization_pct / 100.0)
        self.utilization_text.setText(f"{utilization_pct:.0f}%")
        self.memory.set_fraction(used_bytes / total_bytes if total_bytes else 0.0)
        self.memory_text.setText(f"{bytes_text(used_bytes)} / {bytes_text(total_bytes)}")
        self.detail.setText(detail)


def cpu_card_values(snapshot: DevicesSnapshot) -> tuple[float, int, int, str]:
    cores = len(snapshot.cpu_per_core)
    busiest = max(snapshot.cpu_per_core, default=0.0)
    detail = f"{cores} cores, busiest {busiest:.0f}% · engine process {bytes_text(snapshot.process_rss_bytes)}"
    if not snapshot.gpus and snapshot.gpu_state:
        detail += f"\nNo GPUs: {snapshot.gpu_state}"
    return snapshot.cpu_percent, snapshot.memory_used_bytes, snapshot.memory_total_bytes, detail


def gpu_card_values(gpu: GpuStatus) -> tuple[float, int, int, str]:
    parts = []
    if gpu.temperature_c is not None:
        parts.append(f"{gpu.temperature_c:.0f} °C")
    if gpu.power_w is not None:
        parts.append(f"{gpu.power_w:.0f} W")
    count = len(gpu.processes)
    parts.append(f"{count} process{'es' if count != 1 else ''}")
    return gpu.utilization_pct, gpu.memory_used_bytes, gpu.memory_total_bytes, " · ".join(parts)


def gpu_title(gpu: GpuStatus) -> str:
    return f"GPU {gpu.index} · {gpu.name}"

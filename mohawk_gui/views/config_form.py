"""The config pane's form: every console setting as a field; values go through the pydantic model."""

from __future__ import annotations

from typing import get_args

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pydantic.fields import FieldInfo

from mohawk_gui.services.config import RESTART_REQUIRED, ConsoleConfig
from mohawk_gui.theme import set_role
from mohawk_gui.views.workers_config_table import WorkersConfigTable

# (section, key, label, kind, suffix)
FIELDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("refresh", "heartbeat_s", "Heartbeat", "float", " s"),
    ("refresh", "sessions_s", "Session list", "float", " s"),
    ("refresh", "metrics_hz", "Live metrics", "float", " Hz"),
    ("refresh", "devices_hz", "Device utilization", "float", " Hz"),
    ("refresh", "request_timeout_s", "Request timeout", "float", " s"),
    ("refresh", "reconnect_max_s", "Longest reconnect wait", "float", " s"),
    ("refresh", "chart_span_s", "Chart history", "int", " s"),
    ("alerts", "offline_enabled", "Worker offline", "bool", ""),
    ("alerts", "offline_for_s", "    for at least", "float", " s"),
    ("alerts", "session_failed_enabled", "Session FAILED", "bool", ""),
    ("alerts", "latency_enabled", "Session p99 latency", "bool", ""),
    ("alerts", "latency_p99_ms", "    above", "float", " ms"),
    ("alerts", "latency_for_s", "    for at least", "float", " s"),
    ("alerts", "error_rate_enabled", "Failed requests", "bool", ""),
    ("alerts", "error_rate_pct", "    above", "float", " %"),
    ("alerts", "error_rate_for_s", "    for at least", "float", " s"),
    ("alerts", "host_memory_enabled", "Host memory", "bool", ""),
    ("alerts", "host_memory_pct", "    above", "float", " %"),
    ("alerts", "host_memory_for_s", "    for at least", "float", " s"),
    ("alerts", "gpu_temperature_enabled", "GPU temperature", "bool", ""),
    ("alerts", "gpu_temperature_c", "    above", "float", " °C"),
    ("alerts", "gpu_temperature_for_s", "    for at least", "float", " s"),
    ("alerts", "cert_expiry_enabled", "TLS certificate expiry", "bool", ""),
    ("alerts", "cert_expiry_days", "    within", "float", " days"),
    ("alerts", "rtt_ms", "Worker round trip above", "float", " ms"),
    ("alerts", "gpu_memory_pct", "GPU memory above", "float", " %"),
    ("alerts", "queue_depth", "Session queue deeper than", "int", ""),
    ("alerts", "notifications", "Desktop notifications", "bool", ""),
    ("alerts", "notify_interval_s", "    at most one per", "float", " s"),
    ("appearance", "theme", "Theme", "choice", ""),
    ("bundled_engine", "enabled", "Start a local engine when no worker is listed", "bool", ""),
    ("bundled_engine", "keep_running", "Keep it running when the console exits", "bool", ""),
    ("bundled_engine", "port", "Port (0 picks a free one)", "int", ""),
    ("bundled_engine", "demo_models", "Write the demo models", "bool", ""),
    ("bundled_engine", "data_dir", "Data folder (empty: user data dir)", "path", ""),
    ("bundled_engine", "start_timeout_s", "Start timeout", "float", " s"),
)
SECTION_TITLES = {
    "refresh": "Refresh rates",
    "alerts": "Alert rules",
    "bundled_engine": "Local engine",
    "appearance": "Appearance",
}


def field_info(path: str) -> FieldInfo:
    section, key = path.split(".")
    return ConsoleConfig.model_fields[section].annotation.model_fields[key]


def field_tooltip(path: str, label: str, suffix: str) -> str:
    """The setting's pydantic description (the same text documents the TOML), its unit and its TOML key."""
    description = field_info(path).description or label.strip(" …")
    unit = f" (in{suffix})" if suffix.strip() else ""
    return f"{description}{unit}.\nTOML: {path}"


class ConfigForm(QScrollArea):
    edited = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(4, 4, 12, 4)

        workers_box = QGroupBox("Workers")
        workers_layout = QVBoxLayout(workers_box)
        self.workers = WorkersConfigTable()
        add, remove = QPushButton("Add row"), QPushButton("Remove selected")
        add.setToolTip("Add an empty worker row: fill in its name and URL, then Save")
        remove.setToolTip("Remove the selected worker rows (Save to apply)")
        add.clicked.connect(lambda: (self.workers.add_row(), self.edited.emit()))
        remove.clicked.connect(lambda: (self.workers.remove_selected(), self.edited.emit()))
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        workers_layout.addWidget(self.workers)
        workers_layout.addLayout(buttons)
        layout.addWidget(workers_box)
        self.workers.itemChanged.connect(lambda item: self.edited.emit())

        self.fields: dict[str, QWidget] = {}
        grid = QGridLayout()
        grid.setSpacing(10)
        forms = {}
        for position, (section, title) in enumerate(SECTION_TITLES.items()):
            box = QGroupBox(title)
            forms[section] = QFormLayout(box)
            forms[section].setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
            grid.addWidget(box, position // 2, position % 2, Qt.AlignmentFlag.AlignTop)  # short boxes keep their height
        for section, key, label, kind, suffix in FIELDS:
            path = f"{section}.{key}"
            widget = self._field(kind, suffix, path)
            widget.setToolTip(field_tooltip(path, label, suffix))
            self.fields[path] = widget
            forms[section].addRow(label, self._with_badge(widget, path))
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.setWidget(content)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def _with_badge(self, widget: QWidget, path: str) -> QWidget:
        """Settings that apply only after a restart carry a 'restart required' badge beside the field."""
        if path not in RESTART_REQUIRED:
            return widget
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(widget)
        badge = QLabel("restart required")
        badge.setToolTip("Takes effect after the console restarts")
        set_role(badge, "badge")
        row.addWidget(badge, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addStretch(1)
        return holder

    def _field(self, kind: str, suffix: str, path: str) -> QWidget:
        if kind == "choice":
            widget = QComboBox()
            widget.addItems([str(option) for option in get_args(field_info(path).annotation)])
            widget.currentIndexChanged.connect(self.edited)
        elif kind == "bool":
            widget = QCheckBox()
            widget.toggled.connect(self.edited)
        elif kind == "path":
            widget = QLineEdit()
            widget.setMinimumWidth(260)
            widget.setPlaceholderText("user data dir")
            widget.textEdited.connect(self.edited)
        else:
            widget = QSpinBox() if kind == "int" else QDoubleSpinBox()
            widget.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
            widget.setMinimumWidth(110)
            widget.setRange(0, 1_000_000)
            if kind == "float":
                widget.setDecimals(2)
            widget.setSuffix(suffix)
            widget.valueChanged.connect(self.edited)
        return widget

    def load(self, config: ConsoleConfig) -> None:
        self.blockSignals(True)
        self.workers.blockSignals(True)
        self.workers.load(config.workers)
        for path, widget in self.fields.items():
            section, key = path.split(".")
            value = getattr(getattr(config, section), key)
            if isinstance(widget, QComboBox):
                widget.setCurrentText(str(value))
            elif isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QLineEdit):
                widget.setText("" if value is None else str(value))
            else:
                widget.setValue(value)
        self.workers.blockSignals(False)
        self.blockSignals(False)
        self.mark_invalid(set())

    def values(self) -> dict:
        """The form as plain data, for `ConsoleConfig.model_validate`."""
        data: dict = {"workers": self.workers.values()}
        for path, widget in self.fields.items():
            section, key = path.split(".")
            if isinstance(widget, QComboBox):
                value = widget.currentText()
            elif isinstance(widget, QCheckBox):
                value = widget.isChecked()
            elif isinstance(widget, QLineEdit):
                value = widget.text().strip() or None
            else:
                value = widget.value()
            data.setdefault(section, {})[key] = value
        return data

    def mark_invalid(self, paths: set[str]) -> None:
        for path, widget in self.fields.items():
            invalid = path in paths
            if widget.property("invalid") != invalid:
                widget.setProperty("invalid", invalid)
                widget.style().unpolish(widget)
                widget.style().polish(widget)

"""Wizard page 2: devices and strategy, with the engine's placement plan and a will-it-fit answer."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWizardPage,
)

from mohawk_engine.client import EngineClientError
from mohawk_engine.schemas import PlacementPlan
from mohawk_engine.schemas.telemetry import DevicesSnapshot
from mohawk_gui.models.session_text import bytes_text
from mohawk_gui.theme import current_theme, set_role
from mohawk_gui.views.async_tasks import spawn
from mohawk_gui.views.wizard.device_options import DeviceOption, device_options

if TYPE_CHECKING:
    from mohawk_gui.views.wizard.session_wizard import SessionWizard

NAME_ROLE = Qt.ItemDataRole.UserRole
PLAN_DELAY_MS = 250
STRATEGIES = {
    "replicate": "Whole copies of the model on each device; each batch goes to the least busy copy.",
    "pipeline": "The model is cut into one stage per listed device; micro-batches flow through the stages.",
    "auto": "Replicate on the device with the most free memory when the model fits there, else pipeline.",
}
PLAN_COLUMNS = ("Device", "Role", "#", "Estimated", "Free")


class DevicesPage(QWizardPage):
    def __init__(self, wizard: SessionWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Devices and strategy")
        self.setSubTitle("Where the session runs. The engine plans the placement and says whether it fits.")
        self.snapshot: DevicesSnapshot | None = wizard.devices
        self.plan: PlacementPlan | None = None
        self.plan_task: asyncio.Future | None = None
        initial = wizard.initial.device_map if wizard.initial else None
        self._wanted = list(initial.devices) if initial else ["cpu"]

        self.device_list = QListWidget()
        self.device_list.setMaximumHeight(130)
        self.strategy = QComboBox()
        self.strategy.addItems(list(STRATEGIES))
        self.strategy.setCurrentText(initial.strategy if initial else "replicate")
        self.strategy_help = QLabel(STRATEGIES[self.strategy.currentText()])
        self.strategy_help.setWordWrap(True)
        set_role(self.strategy_help, "muted")
        self.plan_table = QTableWidget(0, len(PLAN_COLUMNS))
        self.plan_table.setHorizontalHeaderLabels(PLAN_COLUMNS)
        self.plan_table.verticalHeader().hide()
        self.plan_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.plan_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.fit_label = QLabel("")
        self.fit_label.setWordWrap(True)
        self.notes = QLabel("")
        self.notes.setWordWrap(True)
        set_role(self.notes, "muted")

        form = QFormLayout()
        form.addRow("Devices", self.device_list)
        form.addRow("Strategy", self.strategy)
        form.addRow("", self.strategy_help)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        plan_title = QLabel("Placement plan")
        set_role(plan_title, "section")
        layout.addWidget(plan_title)
        layout.addWidget(self.plan_table, 1)
        layout.addWidget(self.fit_label)
        layout.addWidget(self.notes)

        self._plan_timer = QTimer(self)
        self._plan_timer.setSingleShot(True)
        self._plan_timer.setInterval(PLAN_DELAY_MS)
        self._plan_timer.timeout.connect(self.request_plan)
        self.strategy.currentTextChanged.connect(self._strategy_changed)
        self.device_list.itemChanged.connect(self._devices_changed)
        wizard.hub.devices.connect(self._devices_snapshot)
        self._fill_devices()

    def initializePage(self) -> None:
        spawn(self._fetch_devices())
        self.request_plan()

    def devices(self) -> list[str]:
        return [
            item.data(NAME_ROLE)
            for item in (self.device_list.item(row) for row in range(self.device_list.count()))
            if item.checkState() == Qt.CheckState.Checked
        ]

    def set_devices(self, names: list[str]) -> None:
        self._wanted = list(names)
        self._fill_devices()

    def isComplete(self) -> bool:
        return bool(self.devices())

    def request_plan(self) -> asyncio.Future | None:
        """Ask the engine for the plan of the spec as it stands (replaces a plan request in flight)."""
        self._plan_timer.stop()
        if self.plan_task is not None and not self.plan_task.done():
            self.plan_task.cancel()
        spec = self._wizard.draft_spec()
        if spec is None:
            self._show_plan(None, "Pick at least one device.")
            return None
        self.fit_label.setText("Planning…")
        set_role(self.fit_label, "muted")
        self.plan_task = spawn(self._plan(spec))
        return self.plan_task

    async def _plan(self, spec) -> None:
        try:
            plan = await self._wizard.client.plan_session(spec)
        except EngineClientError as exc:
            self._show_plan(None, f"The engine cannot plan this: {exc.message}")
        except KeyError:
            self._show_plan(None, f"Worker '{self._wizard.worker}' is not connected")
        else:
            self._show_plan(plan, None)

    def _show_plan(self, plan: PlacementPlan | None, problem: str | None) -> None:
        self.plan = plan
        self.plan_table.setRowCount(0)
        if plan is None:
            self.fit_label.setText(problem or "")
            set_role(self.fit_label, "error")
            self.notes.setText("")
            return
        for placement in plan.placements:
            row = self.plan_table.rowCount()
            self.plan_table.insertRow(row)
            cells = (
                placement.device,
                placement.role,
                str(placement.index),
                bytes_text(placement.estimated_bytes),
                bytes_text(placement.free_bytes),
            )
            for column, text in enumerate(cells):
                self.plan_table.setItem(row, column, QTableWidgetItem(text))
        verdict = "Fits" if plan.fits else "Will not fit"
        theme = current_theme()
        self.fit_label.setText(
            f"<span style='color:{theme.ok if plan.fits else theme.bad}'><b>{verdict}</b></span>"
            f"<span style='color:{theme.muted}'> · {plan.strategy} · about {bytes_text(plan.estimated_bytes)} in all</span>"
        )
        set_role(self.fit_label, "")
        self.notes.setText("\n".join(plan.notes))

    async def _fetch_devices(self) -> None:
        """The worker's devices now, when its client offers them; otherwise the hub's next snapshot."""
        try:
            fetch = getattr(self._wizard.client, "devices", None)
            if fetch is not None:
                self._devices_snapshot(self._wizard.worker, await fetch())
        except (KeyError, EngineClientError):
            return

    def _devices_snapshot(self, worker: str, snapshot: DevicesSnapshot) -> None:
        if worker != self._wizard.worker:
            return
        self._wanted = self.devices() or self._wanted
        self.snapshot = snapshot
        self._fill_devices()

    def _fill_devices(self) -> None:
        options = device_options(self.snapshot, self._wanted)
        if [self._option_of(row) for row in range(self.device_list.count())] == options:
            return
        self.device_list.blockSignals(True)
        self.device_list.clear()
        for option in options:
            item = QListWidgetItem(option.label())
            item.setData(NAME_ROLE, option.name)
            item.setData(NAME_ROLE + 1, option)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if option.name in self._wanted else Qt.CheckState.Unchecked)
            if not option.reported:
                item.setForeground(Qt.GlobalColor.gray)
            self.device_list.addItem(item)
        self.device_list.blockSignals(False)
        self.completeChanged.emit()

    def _option_of(self, row: int) -> DeviceOption:
        return self.device_list.item(row).data(NAME_ROLE + 1)

    def _devices_changed(self) -> None:
        self._wanted = self.devices()
        self.completeChanged.emit()
        self._plan_timer.start()

    def _strategy_changed(self, strategy: str) -> None:
        self.strategy_help.setText(STRATEGIES[strategy])
        self._plan_timer.start()

"""Workers: the fleet table, add / remove / reconnect, and the selected worker's tabs: device cards,
Access (its API keys) and Audit (its audit log)."""

from __future__ import annotations

import asyncio
import logging

from PyQt6.QtCore import QItemSelectionModel, Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.services.config_store import ConfigInvalid
from mohawk_gui.services.console import Console
from mohawk_gui.tables.workers_table import STATE_COLUMN, WorkersTableModel
from mohawk_gui.theme import set_role
from mohawk_gui.views.access_panel import AccessPanel
from mohawk_gui.views.add_worker_dialog import AddWorkerDialog
from mohawk_gui.views.audit_panel import AuditPanel
from mohawk_gui.views.device_cards_panel import DeviceCardsPanel
from mohawk_gui.views.model_sync_dialog import ModelSyncDialog
from mohawk_gui.views.page import page_layout, section_label
from mohawk_gui.views.record_table_view import record_table_view

log = logging.getLogger(__name__)


class WorkersView(QWidget):
    def __init__(self, tracker: FleetTracker, console: Console, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tracker = tracker
        self.console = console
        self.dialog: AddWorkerDialog | None = None
        self.confirm_box: QMessageBox | None = None
        layout, header = page_layout(self, "Workers", "Engines this console connects to, their state and their devices.")
        self.add_button = QPushButton("Add worker…")
        self.add_button.setToolTip("Connect another worker: test its URL and token, then save it to the config")
        set_role(self.add_button, "primary")
        self.reconnect_button = QPushButton("Reconnect")
        self.reconnect_button.setToolTip("Drop and re-open the selected worker's connection (F5: every worker)")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Disconnect the selected worker and remove it from the config")
        set_role(self.remove_button, "danger")
        self.sync_button = QPushButton("Sync model…")
        self.sync_button.setToolTip("Push a model file to several workers at once, verified and resumable")
        self.sync_dialog: ModelSyncDialog | None = None
        for button in (self.add_button, self.sync_button, self.reconnect_button, self.remove_button):
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignBottom)

        self.model = WorkersTableModel(tracker, self)
        # A long offline reason elides in the State column; the detail line under the table has it whole.
        self.table = record_table_view(self.model, QAbstractItemView.SelectionMode.SingleSelection, STATE_COLUMN)

        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        set_role(self.detail, "muted")
        self.action_message = QLabel("")
        self.action_message.setWordWrap(True)
        set_role(self.action_message, "error")
        self.action_message.hide()

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table)
        top_layout.addWidget(self.detail)
        top_layout.addWidget(self.action_message)
        devices = QWidget()
        devices_layout = QVBoxLayout(devices)
        devices_layout.setContentsMargins(8, 8, 8, 8)
        self.devices_title = section_label("Devices")
        devices_layout.addWidget(self.devices_title)
        self.device_cards = DeviceCardsPanel()
        devices_layout.addWidget(self.device_cards)
        self.access = AccessPanel(tracker.hub.client, self._token_of)
        self.audit = AuditPanel(tracker.hub.client)
        self.tabs = QTabWidget()
        self.tabs.addTab(devices, "Devices")
        self.tabs.addTab(self.access, "Access")
        self.tabs.addTab(self.audit, "Audit")
        self.tabs.setTabToolTip(1, "The selected worker's API keys: generate, revoke")
        self.tabs.setTabToolTip(2, "The selected worker's audit log of changes")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([220, 430])
        splitter.setChildrenCollapsible(False)
        layout.addWidget(splitter, 1)

        self.add_button.clicked.connect(self.open_add_dialog)
        self.reconnect_button.clicked.connect(self.reconnect_selected)
        self.remove_button.clicked.connect(self.confirm_remove_selected)
        self.sync_button.clicked.connect(self.open_sync_dialog)
        self.table.selectionModel().selectionChanged.connect(self.refresh_selection)
        self.model.modelReset.connect(self._select_first_if_none)
        tracker.changed.connect(self.refresh_selection)
        self._select_first_if_none()

    def _token_of(self, worker: str) -> str | None:
        manager = self.console.manager
        return manager.connection(worker).settings.token if worker in manager.names() else None

    def selected_worker(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.worker_at(rows[0].row()) if rows else None

    def select_worker(self, worker: str) -> None:
        row = self.model.row_of(worker)
        if row >= 0:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            self.table.selectionModel().select(self.model.index(row, 0), flags)

    def _select_first_if_none(self) -> None:
        if self.selected_worker() is None and self.model.rowCount():
            self.select_worker(self.model.worker_at(0))
        self.refresh_selection()

    def refresh_selection(self) -> None:
        name = self.selected_worker()
        worker = self.tracker.fleet.workers.get(name) if name else None
        self.reconnect_button.setEnabled(worker is not None)
        self.remove_button.setEnabled(worker is not None)
        self.devices_title.setText(f"Devices of {name}" if name else "Devices")
        self.device_cards.show_worker(worker)
        self.access.show_worker(name if worker is not None else None)
        self.audit.show_worker(name if worker is not None else None)
        if worker is None:
            self.detail.setText("No worker selected." if self.model.rowCount() else "No workers: add one to begin.")
            return
        lines = [f"{worker.name}: {worker.state}" + (f" — {worker.reason}" if worker.reason else "")]
        if worker.info is not None:
            lines.append(f"worker id {worker.info.worker_id} · model repository {worker.info.model_repository}")
        if worker.health is not None:
            checks = [f"{check.name}: {check.message}" for check in worker.health.checks if check.status != "ok"]
            if checks:
                lines.append("health: " + "; ".join(checks))
        self.detail.setText("\n".join(lines))

    def open_add_dialog(self) -> AddWorkerDialog:
        self.dialog = AddWorkerDialog(set(self.tracker.fleet.workers) | {w.name for w in self.console.config.workers}, parent=self)
        self.dialog.accepted.connect(self._add_tested_worker)
        self.dialog.open()
        return self.dialog

    def open_sync_dialog(self) -> ModelSyncDialog:
        self.sync_dialog = ModelSyncDialog(self.tracker.hub, parent=self)
        self.sync_dialog.open()
        return self.sync_dialog

    def _add_tested_worker(self) -> None:
        settings = self.dialog.tested_settings() if self.dialog else None
        if settings is not None:
            self._run(self.console.add_worker(settings), f"Could not add {settings.name}", select=settings.name)

    def reconnect_selected(self) -> None:
        name = self.selected_worker()
        if name:
            self._run(self.console.reconnect(name), f"Could not reconnect {name}")

    def confirm_remove_selected(self) -> None:
        name = self.selected_worker()
        if not name:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Remove worker",
            f"Remove {name} from the console? Its sessions keep running on the worker.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        yes = box.button(QMessageBox.StandardButton.Yes)
        box.buttonClicked.connect(lambda button: self.remove_worker(name) if button is yes else None)
        self.confirm_box = box
        box.open()

    def remove_worker(self, name: str) -> asyncio.Future:
        return self._run(self.console.remove_worker(name), f"Could not remove {name}")

    def _run(self, action, failure: str, select: str | None = None) -> asyncio.Future:
        self.action_message.hide()

        async def run() -> None:
            try:
                await action
            except (ConfigInvalid, OSError, ValueError, KeyError) as exc:
                self.action_message.setText(f"{failure}: {exc}")
                self.action_message.show()
                return
            if select:
                self.select_worker(select)

        return asyncio.ensure_future(run())

"""Sessions: one table across workers, the selected session's detail, and the session wizard."""

from __future__ import annotations

from PyQt6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QSortFilterProxyModel, Qt
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QWidget,
)

from mohawk_engine.schemas import SessionSpec
from mohawk_engine.schemas.telemetry import DevicesSnapshot
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.models.session_recorder import SessionRecorder
from mohawk_gui.views.session_columns import fit_session_columns
from mohawk_gui.models.sessions_table import KEY_ROLE, SORT_ROLE, SessionsTableModel
from mohawk_gui.services.v2_models import READ_ONLY_REASON
from mohawk_gui.theme import set_role
from mohawk_gui.views.error_banner import ErrorBanner
from mohawk_gui.views.page import page_layout
from mohawk_gui.views.session_detail import SessionDetail
from mohawk_gui.views.wizard import SessionWizard


class SessionsView(QWidget):
    def __init__(self, hub: FleetHub, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.wizard: SessionWizard | None = None
        self.devices: dict[str, DevicesSnapshot] = {}
        layout, header = page_layout(self, "Sessions", "Every session on every worker; select one for its detail.")
        self.new_button = QPushButton("New session…")
        set_role(self.new_button, "primary")
        self.new_button.setToolTip("Deploy a model on a worker with the session wizard")
        header.addWidget(self.new_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.empty_label = QLabel("No sessions yet. Deploy one with “New session…”.")
        set_role(self.empty_label, "muted")
        self.notice = ErrorBanner()

        self.model = SessionsTableModel(hub, self)
        self.recorder = SessionRecorder(hub, parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        fit_session_columns(self.table, self.model)
        self.table.setMinimumHeight(110)

        self.detail = SessionDetail(hub, self.recorder)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.detail)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail.setMinimumHeight(640)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([170, 600])
        layout.addWidget(self.empty_label)
        layout.addWidget(self.notice)
        layout.addWidget(splitter, 1)

        self.new_button.clicked.connect(self._new_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.detail.clone_requested.connect(self.open_wizard)
        self.model.rowsInserted.connect(self._rows_changed)
        self.model.rowsRemoved.connect(self._rows_changed)
        hub.devices.connect(self.devices.__setitem__)
        hub.worker_added.connect(self._worker_added)
        hub.worker_removed.connect(self._worker_removed)
        self._rows_changed()

    def open_session(self, worker: str, session: str) -> None:
        """Show this session's detail and select its row (once the worker has listed it)."""
        self.detail.show_session((worker, session))
        self._select(worker, session)

    def open_wizard(self, worker: str, initial: SessionSpec | None = None) -> SessionWizard | None:
        """The wizard on `worker`; a plain v2 server cannot deploy, so the first worker that can is used
        instead, or none at all (the notice says why)."""
        deployable = self._deployable_workers()
        if worker in self.hub.workers() and worker not in deployable:
            if not deployable:
                self.notice.say(f"Deploy wizard on {worker}: {READ_ONLY_REASON}")
                return None
            worker = deployable[0]
        self.notice.hide()
        if self.wizard is not None:
            self.wizard.close()
        self.wizard = SessionWizard(self.hub, worker, initial, self, devices=self.devices.get(worker))
        self.wizard.session_started.connect(self.open_session)
        self.wizard.open()
        return self.wizard

    def _new_clicked(self) -> None:
        """One worker: straight to the wizard; several: pick one (the selected session's first)."""
        workers = self._deployable_workers()
        if len(workers) == 1:
            self.open_wizard(workers[0])
        elif workers:
            self._worker_menu(workers, preferred=self.detail.key[0] if self.detail.key else None)

    def _worker_menu(self, workers: list[str], preferred: str | None = None) -> None:
        menu = QMenu(self)
        for worker in sorted(workers, key=lambda name: name != preferred):
            menu.addAction(f"Deploy on {worker}", lambda w=worker: self.open_wizard(w))
        menu.popup(self.new_button.mapToGlobal(QPoint(0, self.new_button.height())))

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        key = self.proxy.data(current, KEY_ROLE) if current.isValid() else None
        if key is not None and key != self.detail.key:
            self.detail.show_session(key)

    def _select(self, worker: str, session: str) -> None:
        row = self.model.row_of(worker, session)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )

    def _rows_changed(self) -> None:
        self.empty_label.setVisible(self.model.rowCount() == 0)
        if self.detail.key is not None and self.table.currentIndex().row() < 0:
            self._select(*self.detail.key)
        self._update_actions()

    def _worker_added(self, _worker: str) -> None:
        self._update_actions()

    def _worker_removed(self, worker: str) -> None:
        self.devices.pop(worker, None)
        self._update_actions()

    def _deployable_workers(self) -> list[str]:
        """Workers with Mohawk's /v1 API: a plain v2 server (read-only client) cannot deploy."""
        return [worker for worker in self.hub.workers() if not getattr(self.hub.client(worker), "read_only", False)]

    def _update_actions(self) -> None:
        deployable = self._deployable_workers()
        self.new_button.setEnabled(bool(deployable))
        only_v2 = bool(self.hub.workers()) and not deployable
        self.new_button.setToolTip(
            f"Deploy wizard: {READ_ONLY_REASON}" if only_v2 else "Deploy a model on a worker with the session wizard"
        )

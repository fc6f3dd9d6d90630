"""The "Tuning" tab: create tasks, follow them (polled while one runs), their experiments and chart, apply."""

from __future__ import annotations

from PyQt6.QtCore import QItemSelection, Qt, QTimer
from PyQt6.QtGui import QShowEvent
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mohawk_engine.client import EngineClientError
from mohawk_engine.schemas import SessionSpec
from mohawk_engine.schemas.tuning import Experiment, TuningStatus, TuningTaskInfo, TuningTaskRequest
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.models.experiments_table import PARAMS_COLUMN, STATUS_COLUMN, ExperimentsModel
from mohawk_gui.models.tuning_tasks import TuningTasksModel
from mohawk_gui.services.v2_models import read_only_reason
from mohawk_gui.theme import set_role
from mohawk_gui.views.async_tasks import spawn
from mohawk_gui.views.page import section_label
from mohawk_gui.views.tuning.apply_dialog import ApplyDialog, Proposal
from mohawk_gui.views.tuning.form_values import FormError
from mohawk_gui.views.tuning.front_chart import TuningChart
from mohawk_gui.views.tuning.tuning_form import TuningForm

POLL_MS = 1000
FORM_WIDTH = 320
START_TIP = "Queue a tuning task on the worker: it runs the experiments and keeps the best settings"


def _table(model) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fit_experiment_columns(table: QTableView) -> None:
    """Figures fit their contents; Params and Status share the rest and elide (their tooltips hold the
    full text), so the table never scrolls sideways beside the chart."""
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    for column in (PARAMS_COLUMN, STATUS_COLUMN):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setWordWrap(False)


def with_params(experiment: Experiment) -> Proposal:
    """The proposal for one experiment: the session's current spec with the candidate's batching and device map."""

    def propose(current: SessionSpec) -> SessionSpec:
        params = experiment.params
        return current.model_copy(update={"batching": params.batching, "device_map": params.device_map})

    return propose


class TuningPanel(QWidget):
    def __init__(self, hub: FleetHub, parent: QWidget | None = None, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self.hub = hub
        self.form = TuningForm(hub)
        self.start_button = QPushButton("Start")
        set_role(self.start_button, "primary")
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tasks = TuningTasksModel(self)
        self.tasks_table = _table(self.tasks)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Cancel the selected task: its current candidate is torn down")
        set_role(self.cancel_button, "danger")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete a finished task and its experiments")
        self.apply_best_button = QPushButton("Apply best")
        self.apply_best_button.setToolTip("Apply the best experiment's settings to the running session, without downtime")
        set_role(self.apply_best_button, "primary")
        self.experiments = ExperimentsModel(self)
        self.experiments_table = _table(self.experiments)
        fit_experiment_columns(self.experiments_table)
        self.apply_experiment_button = QPushButton("Apply selected experiment…")
        self.apply_experiment_button.setToolTip("Apply this experiment's batching and device map to the session")
        self.chart = TuningChart()
        self.apply_dialog: ApplyDialog | None = None
        self._polling = False
        self.timer = QTimer(self)
        self.timer.setInterval(poll_ms)
        self.timer.timeout.connect(self.refresh)
        self._build()
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.apply_best_button.clicked.connect(self.apply_best)
        self.apply_experiment_button.clicked.connect(self.apply_experiment)
        self.tasks_table.selectionModel().selectionChanged.connect(self._task_selected)
        self.tasks.modelReset.connect(self._tasks_reset)
        self.tasks.dataChanged.connect(lambda *_: self._show_selected())
        self.experiments_table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.form.worker_box.currentTextChanged.connect(self._worker_changed)
        self._show_selected()
        self._update_start()

    def _build(self) -> None:
        form_card = QFrame()
        set_role(form_card, "card")
        card = QVBoxLayout(form_card)
        card.setContentsMargins(12, 10, 12, 10)
        card.addWidget(section_label("New tuning task"))
        card.addWidget(self.form)
        card.addWidget(self.start_button)
        card.addWidget(self.status_label)
        card.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form_card)
        scroll.setFixedWidth(FORM_WIDTH)
        task_buttons = QHBoxLayout()
        task_buttons.addWidget(section_label("Tasks"), 1)
        for button in (self.cancel_button, self.delete_button, self.apply_best_button):
            task_buttons.addWidget(button)
        tasks = QWidget()
        tasks_box = QVBoxLayout(tasks)
        tasks_box.setContentsMargins(0, 0, 0, 0)
        tasks_box.addLayout(task_buttons)
        tasks_box.addWidget(self.tasks_table, 1)
        experiment_buttons = QHBoxLayout()
        experiment_buttons.addWidget(section_label("Experiments"), 1)
        experiment_buttons.addWidget(self.apply_experiment_button)
        experiments = QWidget()
        experiments_box = QVBoxLayout(experiments)
        experiments_box.setContentsMargins(0, 0, 0, 0)
        experiments_box.addLayout(experiment_buttons)
        experiments_box.addWidget(self.experiments_table, 1)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(experiments)
        lower.addWidget(self.chart)
        lower.setSizes([600, 420])  # the experiments' columns fit at 1440 wide
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(tasks)
        right.addWidget(lower)
        right.setSizes([160, 500])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(scroll)
        layout.addWidget(right, 1)

    # Tasks: create, follow, cancel, delete

    def start(self) -> None:
        worker = self.form.worker()
        if not worker:
            self.show_status("Pick a worker first.", True)
            return
        reason = self.read_only_reason()
        if reason:
            self.show_status(f"Tuning on {worker} is {reason}", True)
            return
        try:
            request = self.form.request()
        except FormError as exc:
            self.show_status(str(exc), True)
            return
        self.start_button.setEnabled(False)
        self.show_status(f"Queueing a tuning task for '{request.session}' …")
        spawn(self._create(worker, request))

    async def _create(self, worker: str, request: TuningTaskRequest) -> None:
        try:
            info = await self.hub.client(worker).create_tuning_task(request)
        except EngineClientError as exc:
            self.show_status(f"The engine refused the task: {exc.message}", True)
        except KeyError:
            self.show_status(f"Worker '{worker}' is not connected", True)
        else:
            if worker == self.form.worker():
                self.tasks.upsert(info)
                self.select_task(info.id)
                self.timer.start()
            self.show_status(f"Task {info.id} queued: {info.progress.total} experiment(s).")
        finally:
            self._update_start()

    def refresh(self) -> None:
        """Fetch the worker's tasks (one fetch at a time); the timer keeps polling while any task runs."""
        worker = self.form.worker()
        if worker and not self._polling and self.read_only_reason() is None:
            self._polling = True
            spawn(self._poll(worker))

    async def _poll(self, worker: str) -> None:
        try:
            tasks = await self.hub.client(worker).tuning_tasks()
        except (EngineClientError, KeyError):
            self.timer.stop()
            return
        finally:
            self._polling = False
        if worker != self.form.worker():
            return
        self.tasks.set_tasks(tasks)
        if self.tasks.any_running():
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()

    def cancel_selected(self) -> None:
        info = self.selected_task()
        if info is None or info.status.finished:
            return
        self.cancel_button.setEnabled(False)
        self.show_status(f"Cancelling task {info.id} …")
        spawn(self._task_action(self.form.worker(), info.id, "cancel"))

    def delete_selected(self) -> None:
        info = self.selected_task()
        if info is None or not info.status.finished:
            return
        self.delete_button.setEnabled(False)
        spawn(self._task_action(self.form.worker(), info.id, "delete"))

    async def _task_action(self, worker: str, task_id: int, action: str) -> None:
        try:
            client = self.hub.client(worker)
            if action == "cancel":
                self.tasks.upsert(await client.cancel_tuning_task(task_id))
                self.show_status(f"Task {task_id} cancelled.")
            else:
                await client.delete_tuning_task(task_id)
                self.tasks.remove(task_id)
                self.show_status(f"Task {task_id} deleted.")
        except EngineClientError as exc:
            self.show_status(f"Could not {action} task {task_id}: {exc.message}", True)
        except KeyError:
            self.show_status(f"Worker '{worker}' is not connected", True)
        self._update_buttons()

    # Selection and display

    def selected_task(self) -> TuningTaskInfo | None:
        rows = self.tasks_table.selectionModel().selectedRows()
        return self.tasks.task(rows[0].row()) if rows else None

    def selected_experiment(self) -> Experiment | None:
        rows = self.experiments_table.selectionModel().selectedRows()
        return self.experiments.experiment(rows[0].row()) if rows else None

    def select_task(self, task_id: int) -> None:
        row = self.tasks.row_of(task_id)
        if row >= 0:
            self.tasks_table.selectRow(row)

    def _task_selected(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_selected()

    def _tasks_reset(self) -> None:
        """A reset loses the selection: keep the task that was shown when it is still listed."""
        shown = self.experiments.task_id
        if shown is not None and self.tasks.row_of(shown) >= 0:
            self.select_task(shown)
        self._show_selected()

    def _show_selected(self) -> None:
        info = self.selected_task()
        self.experiments.show_task(info)
        self.chart.show_task(info)
        self._update_buttons()

    def _update_buttons(self) -> None:
        info = self.selected_task()
        self.cancel_button.setEnabled(info is not None and not info.status.finished)
        self.delete_button.setEnabled(info is not None and info.status.finished)
        self.apply_best_button.setText(f"Apply best to {info.session}" if info else "Apply best")
        self.apply_best_button.setEnabled(
            info is not None and info.status is TuningStatus.COMPLETED and info.best_spec is not None
        )
        experiment = self.selected_experiment()
        self.apply_experiment_button.setEnabled(info is not None and experiment is not None and experiment.status == "ok")

    # Apply

    def apply_best(self) -> ApplyDialog | None:
        info = self.selected_task()
        if info is None or info.best_spec is None:
            return None
        best = info.best_spec
        return self._open_apply(info.session, lambda _current: best, f"Apply best (experiment #{info.best})")

    def apply_experiment(self) -> ApplyDialog | None:
        info, experiment = self.selected_task(), self.selected_experiment()
        if info is None or experiment is None:
            return None
        return self._open_apply(info.session, with_params(experiment), f"Apply experiment #{experiment.index}")

    def _open_apply(self, session: str, propose: Proposal, title: str) -> ApplyDialog:
        dialog = ApplyDialog(self.hub, self.form.worker(), session, propose, title=title, parent=self)
        dialog.applied.connect(lambda _w, info: self.show_status(f"Applied: '{info.name}' version {info.version} serves."))
        self.apply_dialog = dialog
        dialog.open()
        return dialog

    def show_status(self, text: str, error: bool = False) -> None:
        self.status_label.setText(text)
        set_role(self.status_label, "error" if error else "muted")

    def _worker_changed(self, _worker: str) -> None:
        self.tasks.set_tasks([])
        self._update_start()
        self.refresh()

    def read_only_reason(self) -> str | None:
        """Why the chosen worker cannot tune (a plain v2 server has no tuning tasks), or None."""
        try:
            return read_only_reason(self.hub.client(self.form.worker())) if self.form.worker() else None
        except KeyError:
            return None

    def _update_start(self) -> None:
        reason = self.read_only_reason()
        self.start_button.setEnabled(reason is None)
        self.start_button.setToolTip(f"Tuning: {reason}" if reason else START_TIP)
        if reason:
            self.show_status(f"Tuning on {self.form.worker()} is {reason}")
        elif self.status_label.text().startswith("Tuning on "):
            self.show_status("")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def stop(self) -> None:
        """Stop polling (the console is closing); tasks keep running on their worker."""
        self.timer.stop()

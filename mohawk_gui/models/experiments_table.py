"""ExperimentsModel: a tuning task's experiments, in the order they ran."""

from __future__ import annotations

from PyQt6.QtCore import QModelIndex, QObject, Qt
from PyQt6.QtGui import QColor

from mohawk_engine.schemas.tuning import Experiment, TuningTaskInfo
from mohawk_gui.models.record_table import RecordTableModel
from mohawk_gui.models.runs_table import number_text
from mohawk_gui.theme import tone

COLUMNS = ("#", "Params", "Concurrency", "req/s", "p50 (ms)", "p99 (ms)", "Memory (MB)", "Status")
# What the header shows: compact, so every column fits beside the chart at 1440 wide; the tooltip has the name.
HEADERS = ("#", "Params", "Conc.", "req/s", "p50 ms", "p99 ms", "Mem MB", "Status")
FIRST_NUMBER_COLUMN = COLUMNS.index("Concurrency")
PARAMS_COLUMN = COLUMNS.index("Params")
STATUS_COLUMN = COLUMNS.index("Status")
EXPERIMENT_ROLE = Qt.ItemDataRole.UserRole  # the Experiment

_SHORT = {
    "max_batch_size": "batch",
    "max_queue_delay_us": "delay µs",
    "replicas_per_device": "replicas",
    "threads_per_replica": "threads",
    "provider": "provider",
    "strategy": "strategy",
}


def overrides_text(overrides: dict[str, int | str]) -> str:
    """{'max_batch_size': 8, 'replicas_per_device': 2} -> 'batch 8, replicas 2'."""
    return ", ".join(f"{_SHORT.get(name, name)} {value}" for name, value in overrides.items()) or "base settings"


def status_text(experiment: Experiment, best: int | None, pareto: list[int]) -> str:
    """'ok', 'ok, best', 'ok, over limits', 'failed: <reason>'."""
    if experiment.status != "ok":
        return f"{experiment.status}: {experiment.reason}" if experiment.reason else experiment.status
    marks = ["best"] if experiment.index == best else []
    marks += ["Pareto"] if experiment.index in pareto and experiment.index != best else []
    marks += [] if experiment.feasible else ["over limits"]
    return ", ".join(["ok", *marks])


def experiment_values(experiment: Experiment, best: int | None = None, pareto: list[int] | None = None) -> tuple:
    return (
        str(experiment.index),
        overrides_text(experiment.overrides),
        str(experiment.concurrency),
        number_text(experiment.throughput, 1),
        number_text(experiment.p50_ms),
        number_text(experiment.p99_ms),
        number_text(experiment.memory_mb, 1),
        status_text(experiment, best, pareto or []),
    )


class ExperimentsModel(RecordTableModel[Experiment]):
    columns = COLUMNS
    numeric_columns = frozenset(range(FIRST_NUMBER_COLUMN, STATUS_COLUMN))

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._best: int | None = None
        self._pareto: list[int] = []
        self.task_id: int | None = None

    def show_task(self, info: TuningTaskInfo | None) -> None:
        """Another task resets; news of the same task appends its new experiments (selection survives)."""
        experiments = list(info.experiments) if info else []
        task_id = info.id if info else None
        known = len(self.rows)
        same = task_id == self.task_id and [e.index for e in experiments[:known]] == [e.index for e in self.rows]
        self._best, self._pareto = (info.best, list(info.pareto)) if info else (None, [])
        if not same:
            self.task_id = task_id
            self.set_rows(experiments)
            return
        self.rows[:known] = experiments[:known]
        self.refresh()
        if len(experiments) > known:
            self.beginInsertRows(QModelIndex(), known, len(experiments) - 1)
            self.rows = experiments
            self.endInsertRows()

    def experiment(self, row: int) -> Experiment:
        return self.rows[row]

    def cell(self, experiment: Experiment, column: int) -> str:
        return experiment_values(experiment, self._best, self._pareto)[column]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section]
        return None

    def role_data(self, experiment: Experiment, column: int, role: int):
        if role == EXPERIMENT_ROLE:
            return experiment
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS_COLUMN:
            if experiment.status != "ok":
                return QColor(tone("bad"))
            return QColor(tone("ok")) if experiment.index == self._best else None
        if role == Qt.ItemDataRole.ToolTipRole:
            params = experiment.params
            shown = self.cell(experiment, column) if column in (PARAMS_COLUMN, STATUS_COLUMN) else ""
            return (f"{shown}\n" if shown else "") + (
                f"batching: {params.batching.model_dump()}\ndevice map: {params.device_map.model_dump()}"
                + (f"\n{experiment.reason}" if experiment.reason else "")
            )  # the elided Params and Status cells' full text comes first
        return None

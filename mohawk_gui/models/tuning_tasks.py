"""TuningTasksModel: a worker's tuning tasks, newest first, one row each (kept in place across polls)."""

from __future__ import annotations

from datetime import datetime

from PyQt6.QtCore import Qt

from mohawk_engine.schemas.tuning import Experiment, TuningStatus, TuningTaskInfo
from mohawk_gui.models.record_table import RecordTableModel

COLUMNS = ("ID", "Session", "Status", "Progress", "Best", "Created")
TASK_ROLE = Qt.ItemDataRole.UserRole  # the TuningTaskInfo

_OBJECTIVE_FIGURE = {
    "maximize_throughput": ("throughput", "{:,.1f} req/s"),
    "minimize_p99": ("p99_ms", "p99 {:.2f} ms"),
    "minimize_mean_latency": ("mean_ms", "mean {:.2f} ms"),
}


def best_experiment(info: TuningTaskInfo) -> Experiment | None:
    if info.best is None:
        return None
    return next((e for e in info.experiments if e.index == info.best), None)


def best_text(info: TuningTaskInfo) -> str:
    """The best experiment's figure under the task's objective; '—' while there is none."""
    best = best_experiment(info)
    if best is None:
        return "—"
    attribute, template = _OBJECTIVE_FIGURE[info.request.objective]
    value = getattr(best, attribute)
    return f"#{best.index}: " + (template.format(value) if value is not None else "—")


def progress_text(info: TuningTaskInfo) -> str:
    text = f"{info.progress.done}/{info.progress.total}"
    return f"{text} ({info.progress.current})" if info.progress.current and not info.status.finished else text


def task_values(info: TuningTaskInfo) -> tuple[str, ...]:
    return (
        str(info.id),
        info.session,
        info.status.value,
        progress_text(info),
        best_text(info),
        datetime.fromtimestamp(info.created).strftime("%Y-%m-%d %H:%M:%S"),
    )


class TuningTasksModel(RecordTableModel[TuningTaskInfo]):
    columns = COLUMNS

    def set_tasks(self, tasks: list[TuningTaskInfo]) -> None:
        """Replace the list; rows whose task ids are unchanged are updated in place (selection survives)."""
        self.update_rows(sorted(tasks, key=lambda info: info.id, reverse=True), key=lambda info: info.id)

    def upsert(self, info: TuningTaskInfo) -> None:
        """One task's news (e.g. the answer to create or cancel)."""
        others = [t for t in self.rows if t.id != info.id]
        self.set_tasks([*others, info])

    def remove(self, task_id: int) -> None:
        self.set_tasks([t for t in self.rows if t.id != task_id])

    def task(self, row: int) -> TuningTaskInfo:
        return self.rows[row]

    def tasks(self) -> list[TuningTaskInfo]:
        return list(self.rows)

    def row_of(self, task_id: int) -> int:
        return self.row_where(lambda info: info.id == task_id)

    def any_running(self) -> bool:
        return any(not info.status.finished for info in self.rows)

    def cell(self, info: TuningTaskInfo, column: int) -> str:
        return task_values(info)[column]

    def role_data(self, info: TuningTaskInfo, column: int, role: int):
        if role == TASK_ROLE:
            return info
        if role == Qt.ItemDataRole.ToolTipRole and info.error:
            return info.error
        if role == Qt.ItemDataRole.ToolTipRole and info.status is TuningStatus.RUNNING:
            return info.progress.current
        return None

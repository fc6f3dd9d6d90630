"""RunsTableModel: the saved load-test runs, newest first, one row each."""

from __future__ import annotations

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from mohawk_bench.spec import LoadSpec
from mohawk_gui.services.run_store import SavedRun

COLUMNS = ("Time", "Worker", "Session", "Shape", "req/s", "p50 (ms)", "p99 (ms)", "Errors")
FIRST_NUMBER_COLUMN = COLUMNS.index("req/s")
RUN_ROLE = Qt.ItemDataRole.UserRole  # the SavedRun


def shape_text(spec: LoadSpec) -> str:
    """'closed ×4, 10 s' / 'open 200/s poisson, 5,000 req' (+ ', warm-up 2 s', ', JSON', ', 2 procs')."""
    load = f"closed ×{spec.concurrency}" if spec.mode == "closed" else f"open {spec.rate:g}/s {spec.arrival}"
    bound = f"{spec.duration_s:g} s" if spec.duration_s is not None else f"{spec.requests:,} req"
    extras = [f"warm-up {spec.warmup_s:g} s"] if spec.warmup_s else []
    extras += [] if spec.binary else ["JSON"]
    extras += [f"{spec.processes} procs"] if spec.processes > 1 else []
    return ", ".join([load, bound, *extras])


def number_text(value: float | None, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.{decimals}f}"


def run_values(run: SavedRun) -> tuple:
    """Raw values per column (None: no figure)."""
    result = run.result
    return (
        result.started_at.astimezone().strftime("%Y-%m-%d %H:%M:%S") + (" (stopped)" if result.stopped else ""),
        run.worker,
        run.session,
        shape_text(result.spec),
        result.totals.throughput,
        result.latency.p50_ms,
        result.latency.p99_ms,
        result.totals.errors,
    )


class RunsTableModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._runs: list[SavedRun] = []

    def set_runs(self, runs: list[SavedRun]) -> None:
        self.beginResetModel()
        self._runs = list(runs)
        self.endResetModel()

    def add(self, run: SavedRun) -> None:
        """A new run goes on top (it is the newest)."""
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._runs.insert(0, run)
        self.endInsertRows()

    def remove(self, run_id: str) -> None:
        for row, run in enumerate(self._runs):
            if run.id == run_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._runs[row]
                self.endRemoveRows()
                return

    def run(self, row: int) -> SavedRun:
        return self._runs[row]

    def runs(self) -> list[SavedRun]:
        return list(self._runs)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._runs)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        run = self._runs[index.row()]
        column = index.column()
        if role == RUN_ROLE:
            return run
        value = run_values(run)[column]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == FIRST_NUMBER_COLUMN:
                return number_text(value, 1)
            if column in (FIRST_NUMBER_COLUMN + 1, FIRST_NUMBER_COLUMN + 2):
                return number_text(value)
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= FIRST_NUMBER_COLUMN:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{run.id}: {run.result.totals.requests:,} requests in {run.result.totals.duration_s:.1f} s"
        return None

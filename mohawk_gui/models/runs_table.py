"""RunsTableModel: the saved load-test runs, newest first, one row each."""

from __future__ import annotations

from PyQt6.QtCore import QModelIndex, Qt

from mohawk_bench.spec import LoadSpec
from mohawk_gui.models.record_table import RecordTableModel
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


class RunsTableModel(RecordTableModel[SavedRun]):
    columns = COLUMNS
    numeric_columns = frozenset(range(FIRST_NUMBER_COLUMN, len(COLUMNS)))

    def set_runs(self, runs: list[SavedRun]) -> None:
        self.set_rows(runs)

    def add(self, run: SavedRun) -> None:
        """A new run goes on top (it is the newest)."""
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.rows.insert(0, run)
        self.endInsertRows()

    def remove(self, run_id: str) -> None:
        row = self.row_where(lambda run: run.id == run_id)
        if row >= 0:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def run(self, row: int) -> SavedRun:
        return self.rows[row]

    def runs(self) -> list[SavedRun]:
        return list(self.rows)

    def cell(self, run: SavedRun, column: int) -> str:
        value = run_values(run)[column]
        if column == FIRST_NUMBER_COLUMN:
            return number_text(value, 1)
        if column in (FIRST_NUMBER_COLUMN + 1, FIRST_NUMBER_COLUMN + 2):
            return number_text(value)
        return str(value)

    def role_data(self, run: SavedRun, column: int, role: int):
        if role == RUN_ROLE:
            return run
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{run.id}: {run.result.totals.requests:,} requests in {run.result.totals.duration_s:.1f} s"
        return None

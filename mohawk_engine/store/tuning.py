"""Tuning tasks and their experiments in the state database.

Its own connection to the same SQLite file (WAL mode lets every connection write safely).
A task's `candidate` column names the candidate session deployed right now, written before
it is created, so that after a crash the engine knows which stored session to drop.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mohawk_engine.schemas import SessionSpec
from mohawk_engine.schemas.tuning import Experiment, TuningStatus, TuningTaskRequest
from mohawk_engine.store.connection import open_wal

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tuning_tasks (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    session   TEXT NOT NULL,
    request   TEXT NOT NULL,
    base_spec TEXT NOT NULL,
    status    TEXT NOT NULL,
    total     INTEGER NOT NULL,
    error     TEXT,
    candidate TEXT,
    created   REAL NOT NULL,
    updated   REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tuning_experiments (
    task_id INTEGER NOT NULL REFERENCES tuning_tasks(id) ON DELETE CASCADE,
    idx     INTEGER NOT NULL,
    record  TEXT NOT NULL,
    PRIMARY KEY (task_id, idx)
);
"""
_COLUMNS = "id, session, request, base_spec, status, total, error, candidate, created, updated"


@dataclass
class TaskRecord:
    id: int
    session: str
    request: TuningTaskRequest
    base_spec: SessionSpec
    status: TuningStatus
    total: int
    error: str | None
    candidate: str | None
    created: float
    updated: float


class TuningStore:
    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_wal(path, _SCHEMA, foreign_keys=True)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create(self, request: TuningTaskRequest, base_spec: SessionSpec, total: int) -> TaskRecord:
        now = time.time()
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO tuning_tasks(session, request, base_spec, status, total, created, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (request.session, request.model_dump_json(), base_spec.model_dump_json(), TuningStatus.PENDING.value,
                 total, now, now),
            )  # fmt: skip
        return self.get(cursor.lastrowid)

    def get(self, task_id: int) -> TaskRecord | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM tuning_tasks WHERE id = ?", (task_id,)).fetchone()
        return None if row is None else _record(row)

    def tasks(self, statuses: tuple[TuningStatus, ...] | None = None) -> list[TaskRecord]:
        """Oldest first."""
        query, args = f"SELECT {_COLUMNS} FROM tuning_tasks", []
        if statuses:
            query += f" WHERE status IN ({', '.join('?' * len(statuses))})"
            args = [s.value for s in statuses]
        with self._lock:
            rows = self._db.execute(query + " ORDER BY id", args).fetchall()
        return [_record(r) for r in rows]

    def set_status(self, task_id: int, status: TuningStatus, error: str | None = None) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE tuning_tasks SET status = ?, error = ?, updated = ? WHERE id = ?",
                (status.value, error, time.time(), task_id),
            )

    def set_candidate(self, task_id: int, name: str | None) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE tuning_tasks SET candidate = ?, updated = ? WHERE id = ?", (name, time.time(), task_id)
            )

    def leftover_candidates(self) -> list[str]:
        """Candidate sessions that were deployed when the engine last stopped."""
        with self._lock:
            rows = self._db.execute("SELECT candidate FROM tuning_tasks WHERE candidate IS NOT NULL").fetchall()
        return [r[0] for r in rows]

    def add_experiment(self, task_id: int, experiment: Experiment) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO tuning_experiments(task_id, idx, record) VALUES (?, ?, ?)",
                (task_id, experiment.index, experiment.model_dump_json()),
            )
            self._db.execute("UPDATE tuning_tasks SET updated = ? WHERE id = ?", (time.time(), task_id))

    def experiments(self, task_id: int) -> list[Experiment]:
        with self._lock:
            rows = self._db.execute(
                "SELECT record FROM tuning_experiments WHERE task_id = ? ORDER BY idx", (task_id,)
            ).fetchall()
        return [Experiment.model_validate_json(r[0]) for r in rows]

    def delete(self, task_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM tuning_tasks WHERE id = ?", (task_id,))


def _record(row: tuple) -> TaskRecord:
    task_id, session, request, base_spec, status, total, error, candidate, created, updated = row
    return TaskRecord(
        id=task_id,
        session=session,
        request=TuningTaskRequest.model_validate_json(request),
        base_spec=SessionSpec.model_validate_json(base_spec),
        status=TuningStatus(status),
        total=total,
        error=error,
        candidate=candidate,
        created=created,
        updated=updated,
    )

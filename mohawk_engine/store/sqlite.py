"""The engine's state in one SQLite file (WAL mode): sessions and engine identity."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

from mohawk_engine.schemas import SessionInfo, SessionSpec, SessionState
from mohawk_engine.store.connection import open_wal

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    name       TEXT PRIMARY KEY,
    spec       TEXT NOT NULL,
    state      TEXT NOT NULL,
    reason     TEXT,
    version    INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
"""


class StateStore:
    """Thread-safe access to the state database; every call is one short transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = open_wal(path, _SCHEMA, timeout=5.0)  # sqlite3's default wait, as before

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def worker_id(self) -> str:
        """A stable id for this engine, created on first start."""
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key='worker_id'").fetchone()
            if row:
                return row[0]
            worker_id = f"mohawk-{uuid.uuid4().hex[:12]}"
            self._db.execute("INSERT INTO meta(key, value) VALUES ('worker_id', ?)", (worker_id,))
            return worker_id

    def save_session(self, spec: SessionSpec, state: SessionState, reason: str | None, version: int) -> None:
        now = time.time()
        with self._lock:
            self._db.execute(
                """
                INSERT INTO sessions(name, spec, state, reason, version, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET
                    spec=excluded.spec, state=excluded.state, reason=excluded.reason,
                    version=excluded.version, updated_at=excluded.updated_at
                """,
                (spec.name, spec.model_dump_json(), state.value, reason, version, now, now),
            )

    def set_state(self, name: str, state: SessionState, reason: str | None = None) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE sessions SET state=?, reason=?, updated_at=? WHERE name=?",
                (state.value, reason, time.time(), name),
            )

    def forget_session(self, name: str) -> None:
        """Drop a session's row so it is never restored (tuning candidates: they are not operators' sessions)."""
        with self._lock:
            self._db.execute("DELETE FROM sessions WHERE name=?", (name,))

    def sessions(self) -> list[SessionInfo]:
        with self._lock:
            rows = self._db.execute(
                "SELECT spec, state, reason, version, created_at, updated_at FROM sessions ORDER BY created_at"
            ).fetchall()
        return [
            SessionInfo(
                spec=SessionSpec.model_validate_json(spec),
                state=SessionState(state),
                reason=reason,
                version=version,
                created_at=created,
                updated_at=updated,
            )
            for spec, state, reason, version, created, updated in rows
        ]

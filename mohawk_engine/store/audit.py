"""The audit log: every mutating control call, allowed or refused, in the state database.

Its own connection to the same SQLite file (WAL mode). The table keeps the newest
MAX_RECORDS rows; older ones are pruned every PRUNE_EVERY inserts.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from mohawk_engine.schemas.security import AuditRecord
from mohawk_engine.store.connection import open_wal

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp REAL NOT NULL,
    key       TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT,
    result    INTEGER NOT NULL,
    client    TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_time ON audit(timestamp);
"""
MAX_RECORDS = 100_000
PRUNE_EVERY = 1000


class AuditLog:
    def __init__(self, path: Path, max_records: int = MAX_RECORDS) -> None:
        self._lock = threading.Lock()
        self._max = max_records
        self._db = open_wal(path, _SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record(self, key: str, action: str, target: str | None, result: int, client: str | None) -> int:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO audit(timestamp, key, action, target, result, client) VALUES (?, ?, ?, ?, ?, ?)",
                (time.time(), key, action, target, result, client),
            )
            record_id = cursor.lastrowid
            if record_id % PRUNE_EVERY == 0:
                self._db.execute("DELETE FROM audit WHERE id <= ?", (record_id - self._max,))
        return record_id

    def query(self, limit: int = 100, since: float | None = None) -> list[AuditRecord]:
        """Newest first; `since` keeps records after that Unix time."""
        sql = "SELECT id, timestamp, key, action, target, result, client FROM audit"
        args: list = []
        if since is not None:
            sql += " WHERE timestamp > ?"
            args.append(since)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [
            AuditRecord(id=r[0], timestamp=r[1], key=r[2], action=r[3], target=r[4], result=r[5], client=r[6])
            for r in rows
        ]

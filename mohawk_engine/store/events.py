"""Session lifecycle events and the history of sessions that are gone, in the state database.

Its own connection to the same SQLite file (WAL mode lets both write safely).
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from mohawk_engine.schemas.telemetry import SessionEvent, SessionHistory
from mohawk_engine.store.connection import open_wal

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    timestamp REAL NOT NULL,
    session   TEXT NOT NULL,
    kind      TEXT NOT NULL,
    detail    TEXT
);
CREATE INDEX IF NOT EXISTS events_by_session ON events(session, id);
CREATE TABLE IF NOT EXISTS history (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    session   TEXT NOT NULL,
    ended_at  REAL NOT NULL,
    record    TEXT NOT NULL
);
"""
MAX_EVENTS = 100_000
MAX_HISTORY = 1_000


class EventLog:
    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._db = open_wal(path, _SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add(self, session: str, kind: str, detail: str | None = None) -> SessionEvent:
        now = time.time()
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO events(timestamp, session, kind, detail) VALUES (?, ?, ?, ?)", (now, session, kind, detail)
            )
            event_id = cursor.lastrowid
            if event_id % 1000 == 0:
                self._db.execute("DELETE FROM events WHERE id <= ?", (event_id - MAX_EVENTS,))
        return SessionEvent(id=event_id, timestamp=now, session=session, kind=kind, detail=detail)

    def events(self, session: str | None = None, after_id: int = 0, limit: int = 500) -> list[SessionEvent]:
        query = "SELECT id, timestamp, session, kind, detail FROM events WHERE id > ?"
        args: list = [after_id]
        if session is not None:
            query += " AND session = ?"
            args.append(session)
        query += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        return [SessionEvent(id=r[0], timestamp=r[1], session=r[2], kind=r[3], detail=r[4]) for r in reversed(rows)]

    def has_session(self, session: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM events WHERE session = ? LIMIT 1", (session,)).fetchone() is not None

    def add_history(self, entry: SessionHistory) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO history(session, ended_at, record) VALUES (?, ?, ?)",
                (entry.session, entry.ended_at, entry.model_dump_json()),
            )
            self._db.execute(
                "DELETE FROM history WHERE id NOT IN (SELECT id FROM history ORDER BY id DESC LIMIT ?)", (MAX_HISTORY,)
            )

    def history(self, limit: int = 100) -> list[SessionHistory]:
        with self._lock:
            rows = self._db.execute("SELECT record FROM history ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [SessionHistory.model_validate(json.loads(r[0])) for r in rows]

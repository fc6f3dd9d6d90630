"""Opening a connection to the state database, as every store does.

Each store keeps its own connection to the same SQLite file; WAL mode lets all of them (and
`mohawk-engine keys ...` from another process) write safely. Autocommit: every statement is
its own transaction unless a store opens one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_wal(path: Path, schema: str, *, timeout: float = 10.0, foreign_keys: bool = False) -> sqlite3.Connection:
    """A connection usable from any thread (callers serialise it), WAL mode, `schema` applied.

    `timeout` is how long a write waits for another connection's lock before failing.
    """
    db = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=timeout)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    if foreign_keys:
        db.execute("PRAGMA foreign_keys=ON")
    db.executescript(schema)
    return db

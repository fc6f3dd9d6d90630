"""open_wal: the one way the engine's stores open the state database."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from mohawk_engine.store.connection import open_wal

SCHEMA = """
CREATE TABLE IF NOT EXISTS parent (id INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS child (parent INTEGER REFERENCES parent(id));
"""


def test_connection_is_wal_autocommit_with_the_schema(tmp_path: Path):
    path = tmp_path / "state.db"
    db = open_wal(path, SCHEMA)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 0
    db.execute("INSERT INTO parent(id) VALUES (1)")
    other = sqlite3.connect(path)  # autocommit: another connection sees the row at once
    assert other.execute("SELECT id FROM parent").fetchall() == [(1,)]
    other.close()
    again = open_wal(path, SCHEMA)  # the schema is idempotent; the data stays
    assert again.execute("SELECT count(*) FROM parent").fetchone()[0] == 1
    again.close()
    db.close()


def test_foreign_keys_on_when_asked(tmp_path: Path):
    db = open_wal(tmp_path / "state.db", SCHEMA, foreign_keys=True)
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db.execute("INSERT INTO child(parent) VALUES (7)")
    db.close()


def test_connection_is_usable_from_another_thread(tmp_path: Path):
    db = open_wal(tmp_path / "state.db", SCHEMA)
    errors: list[sqlite3.Error] = []

    def insert() -> None:
        try:
            db.execute("INSERT INTO parent(id) VALUES (2)")
        except sqlite3.Error as exc:
            errors.append(exc)

    worker = threading.Thread(target=insert)
    worker.start()
    worker.join()
    assert errors == [] and db.execute("SELECT id FROM parent").fetchall() == [(2,)]
    db.close()

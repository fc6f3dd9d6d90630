"""API keys in the state database: only each secret's SHA-256 is kept, never the secret.

Its own connection to the same SQLite file (WAL mode lets every connection write safely),
so `mohawk-engine keys ...` can change keys while an engine runs and the engine sees it
on the next request.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mohawk_engine.schemas.security import SCOPES, ApiKeyCreated, ApiKeyInfo, new_secret, secret_prefix
from mohawk_engine.store.connection import open_wal

BOOTSTRAP_LABEL = "console (bundled)"
LAST_USED_EVERY_S = 5.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    prefix     TEXT PRIMARY KEY,
    label      TEXT NOT NULL,
    scopes     TEXT NOT NULL,
    hash       TEXT NOT NULL,
    created    REAL NOT NULL,
    last_used  REAL,
    revoked_at REAL
);
"""
_COLUMNS = "prefix, label, scopes, created, last_used, revoked_at"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def expand_scopes(scopes: list[str] | tuple[str, ...]) -> frozenset[str]:
    """What the scopes allow: admin implies read and infer."""
    return frozenset(SCOPES) if "admin" in scopes else frozenset(scopes)


@dataclass(frozen=True, slots=True)
class KeyIdentity:
    """A caller that presented a valid, unrevoked key."""

    prefix: str
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


class KeyStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = open_wal(path, _SCHEMA)
        self._last_used_written: dict[str, float] = {}
        self._ephemeral: dict[str, KeyIdentity] = {}  # secret's hash -> identity, for keys kept only in memory

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create(self, label: str, scopes: list[str]) -> ApiKeyCreated:
        """A new key; its secret is in the answer and nowhere else."""
        while True:
            secret = new_secret()
            prefix = secret_prefix(secret)
            now = time.time()
            try:
                with self._lock:
                    self._db.execute(
                        "INSERT INTO api_keys(prefix, label, scopes, hash, created) VALUES (?, ?, ?, ?, ?)",
                        (prefix, label, ",".join(scopes), hash_secret(secret), now),
                    )
            except sqlite3.IntegrityError:
                continue  # a prefix already taken (1 in 4 billion): draw again
            return ApiKeyCreated(prefix=prefix, label=label, scopes=scopes, created=now, secret=secret)

    def ensure(self, secret: str, label: str = BOOTSTRAP_LABEL) -> ApiKeyInfo:
        """Make `secret` a valid admin key (the bundled console's), whatever state its prefix was in."""
        prefix = secret_prefix(secret)
        if prefix is None:
            raise ValueError("not an API key secret: expected mhk_<8 hex characters>_<at least 20 random characters>")
        with self._lock:
            self._db.execute(
                """
                INSERT INTO api_keys(prefix, label, scopes, hash, created) VALUES (?, ?, 'admin', ?, ?)
                ON CONFLICT(prefix) DO UPDATE SET
                    label=excluded.label, scopes='admin', hash=excluded.hash, revoked_at=NULL
                """,
                (prefix, label, hash_secret(secret), time.time()),
            )
        return self.get(prefix)

    def get(self, prefix: str) -> ApiKeyInfo | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM api_keys WHERE prefix = ?", (prefix,)).fetchone()
        return _info(row) if row else None

    def list(self) -> list[ApiKeyInfo]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM api_keys ORDER BY created").fetchall()
        return [_info(row) for row in rows]

    def revoke(self, prefix: str) -> ApiKeyInfo | None:
        """Revoke the key (at once, for every later request); None when there is no such key."""
        with self._lock:
            self._db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE prefix = ? AND revoked_at IS NULL", (time.time(), prefix)
            )
        return self.get(prefix)

    def issue_ephemeral(self, scopes: list[str]) -> str:
        """A key that lives only in this process's memory (never in SQLite) until `revoke_ephemeral`."""
        secret = new_secret()
        self._ephemeral[hash_secret(secret)] = KeyIdentity(secret_prefix(secret), expand_scopes(scopes))
        return secret

    def revoke_ephemeral(self, secret: str) -> None:
        self._ephemeral.pop(hash_secret(secret), None)

    def authenticate(self, secret: str) -> KeyIdentity | None:
        """The key `secret` belongs to, when it is valid and not revoked; None otherwise."""
        prefix = secret_prefix(secret)
        if prefix is None:
            return None
        if self._ephemeral and (ephemeral := self._ephemeral.get(hash_secret(secret))) is not None:
            return ephemeral
        with self._lock:
            row = self._db.execute(
                "SELECT hash, scopes, revoked_at FROM api_keys WHERE prefix = ?", (prefix,)
            ).fetchone()
        if row is None or row[2] is not None or not hmac.compare_digest(row[0], hash_secret(secret)):
            return None
        self._touch(prefix)
        return KeyIdentity(prefix, expand_scopes(row[1].split(",")))

    def _touch(self, prefix: str) -> None:
        """Record last use, at most every few seconds per key: a write per request would cost more than auth."""
        now = time.time()
        if now - self._last_used_written.get(prefix, 0.0) < LAST_USED_EVERY_S:
            return
        self._last_used_written[prefix] = now
        with self._lock:
            self._db.execute("UPDATE api_keys SET last_used = ? WHERE prefix = ?", (now, prefix))

    def count_active(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NULL").fetchone()[0]


def _info(row: tuple) -> ApiKeyInfo:
    prefix, label, scopes, created, last_used, revoked_at = row
    return ApiKeyInfo(
        prefix=prefix,
        label=label,
        scopes=scopes.split(","),
        created=created,
        last_used=last_used,
        revoked=revoked_at is not None,
        revoked_at=revoked_at,
    )

"""Structured engine logs: JSON lines to a rotating file, and a ring buffer for REST and the stream.

Records logged with `extra={"session": name}` are attributed to that session; everything
else comes from "engine".
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

from mohawk_engine.schemas.telemetry import LogRecord

LEVELS = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}
Listener = Callable[[LogRecord], None]


def to_record(record: logging.LogRecord) -> LogRecord:
    session = getattr(record, "session", None)
    level = record.levelname if record.levelname in LEVELS else "INFO"
    message = record.getMessage()
    if record.exc_info and record.exc_info[1] is not None:
        message = f"{message}: {record.exc_info[1]}"
    return LogRecord(
        timestamp=record.created,
        level=level,
        source=session or "engine",
        logger=record.name,
        message=message,
        session=session,
    )


class LogHub(logging.Handler):
    """A logging handler keeping the last `capacity` records and telling listeners of each new one."""

    def __init__(self, capacity: int = 5000) -> None:
        super().__init__(logging.DEBUG)
        self._records: deque[LogRecord] = deque(maxlen=capacity)
        self._listeners: list[Listener] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        entry = to_record(record)
        with self._guard:
            self._records.append(entry)
            listeners = list(self._listeners)
        for listener in listeners:
            listener(entry)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._guard:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._guard:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def query(
        self,
        since: float | None = None,
        level: str | None = None,
        source: str | None = None,
        text: str | None = None,
        limit: int = 1000,
    ) -> list[LogRecord]:
        floor = LEVELS.get((level or "DEBUG").upper(), 10)
        needle = text.lower() if text else None
        with self._guard:
            records = list(self._records)
        matches = [
            r
            for r in records
            if (since is None or r.timestamp > since)
            and LEVELS[r.level] >= floor
            and (source is None or r.source == source)
            and (needle is None or needle in r.message.lower())
        ]
        return matches[-limit:]


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(to_record(record).model_dump(), separators=(",", ":"))


def install_logging(level: str, log_file: Path, max_bytes: int, backups: int, hub: LogHub) -> None:
    """Human-readable lines on stderr, JSON lines in a rotating file, and the hub for the API."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    log_file.parent.mkdir(parents=True, exist_ok=True)
    file_handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=max_bytes, backupCount=backups)
    file_handler.setFormatter(JsonLinesFormatter())
    for handler in (file_handler, hub):
        root.addHandler(handler)

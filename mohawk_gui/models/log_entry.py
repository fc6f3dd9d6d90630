"""One line of the logs view: an engine log record or a session lifecycle event, tagged with its worker."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from mohawk_engine.schemas.telemetry import LogRecord, SessionEvent

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}
EVENT_LEVELS = {"failed": "ERROR", "draining": "WARNING"}


@dataclass(frozen=True, slots=True)
class LogEntry:
    worker: str
    timestamp: float
    level: str
    source: str
    message: str
    session: str | None = None
    logger: str = ""
    kind: str = "log"  # "log" or "event"

    @property
    def rank(self) -> int:
        return LEVEL_RANK.get(self.level, LEVEL_RANK["INFO"])

    def time_text(self) -> str:
        return datetime.fromtimestamp(self.timestamp).strftime("%H:%M:%S.%f")[:-3]

    def to_json_dict(self) -> dict:
        """What an NDJSON export line holds: every field plus an ISO-8601 local time."""
        return {**asdict(self), "time": datetime.fromtimestamp(self.timestamp).astimezone().isoformat()}


def from_record(worker: str, record: LogRecord) -> LogEntry:
    return LogEntry(
        worker=worker,
        timestamp=record.timestamp,
        level=record.level,
        source=record.source,
        message=record.message,
        session=record.session or (record.source if record.source != "engine" else None),
        logger=record.logger,
    )


def from_event(worker: str, event: SessionEvent) -> LogEntry:
    message = f"session {event.kind}" + (f": {event.detail}" if event.detail else "")
    return LogEntry(
        worker=worker,
        timestamp=event.timestamp,
        level=EVENT_LEVELS.get(event.kind, "INFO"),
        source=event.session,
        message=message,
        session=event.session,
        logger="events",
        kind="event",
    )

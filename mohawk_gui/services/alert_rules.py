"""The alerts' lifecycle: pending → active (fired) → acknowledged (by the operator) → resolved (condition
cleared), with the time of each step. Fed the conditions that hold now (`alerts.evaluate_alerts`) at each
evaluation; a condition fires only once it has held for its rule's "for" duration, so a flapping condition
that never holds that long never fires. A resolved alert stays in the history; if its condition returns, a
new alert starts pending again (and fires again)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from mohawk_gui.services.alerts import Alert

PENDING = "pending"
ACTIVE = "active"
ACKNOWLEDGED = "acknowledged"
RESOLVED = "resolved"
HISTORY_LIMIT = 500  # resolved alerts kept for the panel; the oldest go first


@dataclass
class AlertRecord:
    """One alert through its lifecycle. `alert` is the latest reading of its condition (message updates)."""

    id: int
    alert: Alert
    state: str
    pending_since: float
    fired_at: float | None = None
    acknowledged_at: float | None = None
    resolved_at: float | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.alert.key

    @property
    def firing(self) -> bool:
        """Fired and not resolved: active or acknowledged."""
        return self.state in (ACTIVE, ACKNOWLEDGED)


@dataclass
class Changes:
    fired: list[AlertRecord] = field(default_factory=list)
    resolved: list[AlertRecord] = field(default_factory=list)
    updated: bool = False  # anything the panel shows changed (incl. messages and pending ones)


class AlertBook:
    """Every alert the console knows of; `update` at each evaluation, `acknowledge` from the operator."""

    def __init__(self, for_seconds: Callable[[str], float]) -> None:
        self.for_seconds = for_seconds
        self.records: list[AlertRecord] = []
        self._ids = itertools.count(1)

    def open_records(self) -> dict[tuple[str, str, str], AlertRecord]:
        return {record.key: record for record in self.records if record.state != RESOLVED}

    def update(self, conditions: Iterable[Alert], now: float) -> Changes:
        """Move every alert along its lifecycle, given the conditions that hold at `now`."""
        changes = Changes()
        open_records = self.open_records()
        seen: set[tuple[str, str, str]] = set()
        for alert in conditions:
            seen.add(alert.key)
            record = open_records.get(alert.key)
            if record is None:
                record = AlertRecord(next(self._ids), alert, PENDING, pending_since=now)
                self.records.append(record)
                changes.updated = True
            elif record.alert != alert:
                record.alert = alert
                changes.updated = True
            if record.state == PENDING and now - record.pending_since >= self.for_seconds(alert.rule):
                record.state, record.fired_at = ACTIVE, now
                changes.fired.append(record)
        for key, record in open_records.items():
            if key in seen:
                continue
            if record.state == PENDING:
                self.records.remove(record)  # cleared before it fired: nothing to report
            else:
                record.state, record.resolved_at = RESOLVED, now
                changes.resolved.append(record)
            changes.updated = True
        changes.updated = changes.updated or bool(changes.fired)
        self._trim()
        return changes

    def acknowledge(self, record_id: int, now: float) -> bool:
        """The operator has seen an active alert; False when it is not active (pending, already seen, resolved)."""
        record = self.get(record_id)
        if record is None or record.state != ACTIVE:
            return False
        record.state, record.acknowledged_at = ACKNOWLEDGED, now
        return True

    def get(self, record_id: int) -> AlertRecord | None:
        return next((record for record in self.records if record.id == record_id), None)

    def firing(self) -> list[AlertRecord]:
        return [record for record in self.records if record.firing]

    def unacknowledged(self) -> list[AlertRecord]:
        return [record for record in self.records if record.state == ACTIVE]

    def visible(self) -> list[AlertRecord]:
        """What the panel lists under "all": everything but the pending ones, newest first."""
        shown = [record for record in self.records if record.state != PENDING]
        return sorted(shown, key=lambda record: record.fired_at or 0.0, reverse=True)

    def _trim(self) -> None:
        resolved = [record for record in self.records if record.state == RESOLVED]
        for record in resolved[: max(0, len(resolved) - HISTORY_LIMIT)]:
            self.records.remove(record)


class NotificationGate:
    """Rate limit for desktop notifications: at most one per `interval_s`; alerts that fire in between
    are counted and summed up in the next one that may show."""

    def __init__(self, interval_s: float) -> None:
        self.interval_s = interval_s
        self._last: float | None = None
        self.held: list[Alert] = []

    def offer(self, alert: Alert, now: float) -> tuple[str, str] | None:
        """(title, text) to show now, or None when this alert is held for later."""
        if self._last is not None and now - self._last < self.interval_s:
            self.held.append(alert)
            return None
        return self._message([*self.held, alert], now)

    def flush(self, now: float) -> tuple[str, str] | None:
        """The held alerts' summary, once the interval has passed (called from a timer)."""
        if not self.held or (self._last is not None and now - self._last < self.interval_s):
            return None
        return self._message(self.held, now)

    def _message(self, alerts: list[Alert], now: float) -> tuple[str, str]:
        self._last = now
        self.held = []
        latest = alerts[-1]
        title = f"Mohawk {latest.severity}: {latest.worker} / {latest.subject}"
        more = f" (+{len(alerts) - 1} more alert{'s' if len(alerts) > 2 else ''})" if len(alerts) > 1 else ""
        return title, latest.message + more

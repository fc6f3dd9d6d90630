"""Frames of the stream's periodic topics (metrics, devices, health), built once for every client.

However many clients subscribe, a topic's data is gathered and encoded at most once per
`max_age_s` (per session filter); each client then only sends the ready text.
"""

from __future__ import annotations

import time

from mohawk_engine.engine import Engine
from mohawk_engine.schemas.telemetry import StreamMessage

PERIODIC = ("metrics", "devices", "health")


class SharedFrames:
    def __init__(self, engine: Engine, max_age_s: float = 0.05, max_entries: int = 256) -> None:
        self._engine = engine
        self._max_age = max_age_s
        self._max_entries = max_entries
        self._cache: dict[tuple[str, str, str | None], tuple[float, str]] = {}

    def frame(self, topic: str, kind: str, session: str | None) -> str:
        """The encoded StreamMessage of `kind` ("snapshot" or "update") for a periodic topic."""
        key = (topic, kind, session)
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is None or now - cached[0] >= self._max_age:
            self._make_room(now)
            cached = (now, self._encode(topic, kind, session))
            self._cache[key] = cached
        return cached[1]

    def _make_room(self, now: float) -> None:
        """Session filters come from clients: stale entries go, so the cache never grows without bound."""
        if len(self._cache) >= self._max_entries:
            self._cache = {k: v for k, v in self._cache.items() if now - v[0] < self._max_age}
            if len(self._cache) >= self._max_entries:
                self._cache.clear()

    def _encode(self, topic: str, kind: str, session: str | None) -> str:
        engine = self._engine
        if topic == "metrics":
            data = engine.metrics()
            if session is not None:
                data.sessions = [m for m in data.sessions if m.session == session]
        elif topic == "devices":
            data = engine.devices()
        else:
            data = engine.health_report()
        message = StreamMessage(
            topic=topic, type=kind, timestamp=time.time(), worker_id=engine.worker_id, session=session, data=data
        )
        return message.model_dump_json()

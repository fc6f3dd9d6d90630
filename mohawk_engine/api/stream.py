"""GET /v1/stream: one WebSocket carrying metrics, devices, health, events and logs.

The client sends StreamCommand messages (subscribe / unsubscribe a topic, with a rate and
an optional session filter). Each subscribe is answered with a "snapshot" frame, then
"update" frames: periodic topics are built fresh at each due time (so a slow client only
ever gets the latest figures, never a backlog), events and logs are gathered between
frames in a bounded buffer per client (overflow drops the oldest and says how many).
A client that cannot take a frame within the send timeout is disconnected.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from dataclasses import dataclass, field

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError

from mohawk_engine.engine import Engine
from mohawk_engine.schemas.telemetry import LogRecord, SessionEvent, StreamCommand, StreamMessage

DEFAULT_RATES_HZ = {"metrics": 2.0, "devices": 1.0, "health": 0.5, "events": 4.0, "logs": 4.0}
PERIODIC = ("metrics", "devices", "health")
SNAPSHOT_EVENTS = 100
SNAPSHOT_LOGS = 200
CLOSE_TRY_AGAIN_LATER = 1013


@dataclass
class Subscription:
    rate_hz: float
    session: str | None
    due: float = 0.0
    buffer: deque = field(default_factory=deque)
    dropped: int = 0


class SharedSnapshots:
    """Periodic topics' data, built at most once per `max_age_s` however many clients ask."""

    def __init__(self, engine: Engine, max_age_s: float = 0.05) -> None:
        self._engine = engine
        self._max_age = max_age_s
        self._cache: dict[tuple[str, str | None], tuple[float, dict]] = {}

    def get(self, topic: str, session: str | None) -> dict:
        key = (topic, session)
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is None or now - cached[0] >= self._max_age:
            cached = (now, self._build(topic, session))
            self._cache[key] = cached
        return cached[1]

    def _build(self, topic: str, session: str | None) -> dict:
        engine = self._engine
        if topic == "metrics":
            snapshot = engine.metrics()
            if session is not None:
                snapshot.sessions = [m for m in snapshot.sessions if m.session == session]
            return snapshot.model_dump(mode="json")
        if topic == "devices":
            return engine.devices().model_dump(mode="json")
        return engine.health_report().model_dump(mode="json")


class StreamClient:
    """One connected WebSocket client: its subscriptions and its buffered events and logs."""

    def __init__(self, websocket: WebSocket, engine: Engine, snapshots: SharedSnapshots | None = None) -> None:
        self._ws = websocket
        self._engine = engine
        self._snapshots = snapshots or SharedSnapshots(engine)
        telemetry = engine.config.telemetry
        self._send_timeout = telemetry.stream_send_timeout_s
        self._buffer_limit = telemetry.stream_buffer_records
        self._subs: dict[str, Subscription] = {}
        self._wake = asyncio.Event()

    async def serve(self) -> None:
        unsubscribe_logs = self._engine.log_hub.subscribe(self._on_log)
        listeners = self._engine.sessions.event_listeners
        listeners.append(self._on_event)
        sender = asyncio.create_task(self._send_loop())
        try:
            await self._receive_loop(sender)
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await sender
            unsubscribe_logs()
            if self._on_event in listeners:
                listeners.remove(self._on_event)

    async def _receive_loop(self, sender: asyncio.Task) -> None:
        while not sender.done():
            receive = asyncio.ensure_future(self._ws.receive_text())
            done, _ = await asyncio.wait({receive, sender}, return_when=asyncio.FIRST_COMPLETED)
            if receive not in done:
                receive.cancel()
                return
            try:
                text = receive.result()
            except (WebSocketDisconnect, RuntimeError):
                return
            await self._command(text)

    async def _command(self, text: str) -> None:
        try:
            command = StreamCommand.model_validate_json(text)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'message'}: {e['msg']}" for e in exc.errors())
            await self._send(self._message("control", "error", f"invalid command: {problems}"))
            return
        if command.op == "unsubscribe":
            self._subs.pop(command.topic, None)
            await self._send(self._message("control", "unsubscribed", {"topic": command.topic}))
            return
        rate = command.rate_hz or DEFAULT_RATES_HZ[command.topic]
        subscription = Subscription(rate, command.session, buffer=deque(maxlen=self._buffer_limit))
        subscription.due = time.monotonic() + 1.0 / rate
        self._subs[command.topic] = subscription
        await self._send(self._message("control", "subscribed", {"topic": command.topic, "rate_hz": rate}))
        await self._send(self._message(command.topic, "snapshot", self._snapshot(command.topic, subscription),
                                       command.session))  # fmt: skip
        self._wake.set()

    def _snapshot(self, topic: str, sub: Subscription):
        if topic in PERIODIC:
            return self._periodic(topic, sub)
        if topic == "events":
            if sub.session is None:
                events = self._engine.events.events(limit=SNAPSHOT_EVENTS)
            else:
                events = self._engine.events.events(session=sub.session, limit=SNAPSHOT_EVENTS)
            return [e.model_dump(mode="json") for e in events]
        logs = self._engine.log_hub.query(source=sub.session, limit=SNAPSHOT_LOGS)
        return [r.model_dump(mode="json") for r in logs]

    def _periodic(self, topic: str, sub: Subscription) -> dict:
        return self._snapshots.get(topic, sub.session)

    async def _send_loop(self) -> None:
        while True:
            now = time.monotonic()
            for topic, sub in list(self._subs.items()):
                if now >= sub.due:
                    sub.due = max(sub.due + 1.0 / sub.rate_hz, now)
                    await self._flush(topic, sub)
            next_due = min((s.due for s in self._subs.values()), default=now + 1.0)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(0.0, next_due - time.monotonic()))

    async def _flush(self, topic: str, sub: Subscription) -> None:
        if topic in PERIODIC:
            await self._send(self._message(topic, "update", self._periodic(topic, sub), sub.session))
            return
        if sub.dropped:
            dropped, sub.dropped = sub.dropped, 0
            await self._send(self._message(topic, "dropped", {"count": dropped}, sub.session))
        if sub.buffer:
            items = [sub.buffer.popleft() for _ in range(len(sub.buffer))]
            await self._send(self._message(topic, "update", [i.model_dump(mode="json") for i in items], sub.session))

    def _on_event(self, event: SessionEvent) -> None:
        self._buffer("events", event, event.session)

    def _on_log(self, record: LogRecord) -> None:
        self._buffer("logs", record, record.source)

    def _buffer(self, topic: str, item, source: str | None) -> None:
        sub = self._subs.get(topic)
        if sub is None or (sub.session is not None and sub.session != source):
            return
        if len(sub.buffer) == sub.buffer.maxlen:
            sub.dropped += 1
        sub.buffer.append(item)

    def _message(self, topic: str, kind: str, data, session: str | None = None) -> str:
        return StreamMessage(
            topic=topic, type=kind, timestamp=time.time(), worker_id=self._engine.worker_id, session=session, data=data
        ).model_dump_json()

    async def _send(self, text: str) -> None:
        try:
            await asyncio.wait_for(self._ws.send_text(text), self._send_timeout)
        except TimeoutError:
            with contextlib.suppress(Exception):
                await self._ws.close(CLOSE_TRY_AGAIN_LATER, "client too slow: a frame waited past the send timeout")
            raise


def build_stream_router() -> APIRouter:
    router = APIRouter(tags=["observability"])
    shared: dict[int, SharedSnapshots] = {}

    @router.websocket("/v1/stream")
    async def stream(websocket: WebSocket) -> None:
        await websocket.accept()
        engine = websocket.app.state.engine
        snapshots = shared.setdefault(id(engine), SharedSnapshots(engine))
        client = StreamClient(websocket, engine, snapshots)
        with contextlib.suppress(WebSocketDisconnect, TimeoutError):
            await client.serve()

    return router

"""WS /v1/stream: one WebSocket carrying metrics, devices, health, events and logs.

The client sends StreamCommand messages (subscribe / unsubscribe a topic, with a rate and
an optional session filter). Each subscribe is answered with a "subscribed" control frame
and a "snapshot" frame, then "update" frames at the topic's rate. Periodic topics are built
fresh at each due time and never queued: while a send waits, nothing piles up behind it,
and the next frame carries the latest figures. Events and logs are gathered between frames
in a bounded buffer per client, whose overflow drops the oldest and is reported in a
"dropped" frame. A client whose frames wait longer than the send timeout is disconnected
with close code 1013; one that stops reading altogether also stops answering the server's
pings and is cut off by them (see api/server.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from dataclasses import dataclass, field

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import ValidationError
from starlette.websockets import WebSocketDisconnected

from mohawk_engine.api.stream_frames import PERIODIC, SharedFrames
from mohawk_engine.engine import Engine
from mohawk_engine.schemas.telemetry import HealthCheck, LogRecord, SessionEvent, StreamCommand, StreamMessage

log = logging.getLogger("mohawk.stream")

DEFAULT_RATES_HZ = {"metrics": 2.0, "devices": 1.0, "health": 0.5, "events": 4.0, "logs": 4.0}
SNAPSHOT_EVENTS = 100
SNAPSHOT_LOGS = 200
CLOSE_TRY_AGAIN_LATER = 1013


def next_tick(now: float, rate_hz: float) -> float:
    """The next multiple of the period: topics at one rate, on any client, fall due together
    and share one build of their frame."""
    tick = (math.floor(now * rate_hz) + 1) / rate_hz
    return tick if tick > now else tick + 1.0 / rate_hz  # float rounding must never give a tick in the past


class SlowClient(Exception):
    """The client did not take a frame within the send timeout."""


@dataclass
class Subscription:
    rate_hz: float
    session: str | None
    due: float = 0.0
    buffer: deque = field(default_factory=deque)
    dropped: int = 0


class StreamClient:
    """One connected WebSocket client: its subscriptions and its buffered events and logs."""

    def __init__(self, websocket: WebSocket, engine: Engine, frames: SharedFrames | None = None) -> None:
        self._ws = websocket
        self._engine = engine
        self._frames = frames or SharedFrames(engine)
        telemetry = engine.config.telemetry
        self._send_timeout = telemetry.stream_send_timeout_s
        self._buffer_limit = telemetry.stream_buffer_records
        self._subs: dict[str, Subscription] = {}
        self._wake = asyncio.Event()

    async def serve(self) -> None:
        """Run until the client leaves; a client too slow to keep up is closed with 1013."""
        unsubscribe_logs = self._engine.log_hub.subscribe(self._on_log)
        listeners = self._engine.sessions.event_listeners
        listeners.append(self._on_event)
        try:
            await self._run()
        except (WebSocketDisconnect, WebSocketDisconnected):
            pass  # the client left
        except SlowClient as exc:
            log.warning("stream client %s disconnected: %s", _peer(self._ws), exc)
            with contextlib.suppress(Exception):  # the close frame gets as long as any other frame
                async with asyncio.timeout(self._send_timeout):
                    await self._ws.close(CLOSE_TRY_AGAIN_LATER, str(exc))
        finally:
            unsubscribe_logs()
            if self._on_event in listeners:
                listeners.remove(self._on_event)

    async def _run(self) -> None:
        sender = asyncio.create_task(self._send_loop())
        try:
            while not sender.done():
                receive = asyncio.ensure_future(self._ws.receive())
                await asyncio.wait({receive, sender}, return_when=asyncio.FIRST_COMPLETED)
                if not receive.done():
                    receive.cancel()
                    break
                message = receive.result()
                if message["type"] == "websocket.disconnect":
                    return
                await self._command(message.get("text"))
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
        sender.result()

    async def _command(self, text: str | None) -> None:
        if text is None:
            await self._send(self._message("control", "error", "commands are JSON text frames, not binary"))
            return
        try:
            command = StreamCommand.model_validate_json(text)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'message'}: {e['msg']}" for e in exc.errors())
            await self._send(self._message("control", "error", f"invalid command: {problems}"))
            return
        topic = command.topic
        if command.op == "unsubscribe":
            self._subs.pop(topic, None)
            await self._send(self._message("control", "unsubscribed", {"topic": topic}))
            return
        if command.session is not None and topic in ("devices", "health"):
            await self._send(self._message("control", "error", f"topic '{topic}' has no session filter; "
                                           "only metrics, events and logs have one"))  # fmt: skip
            return
        rate = command.rate_hz or DEFAULT_RATES_HZ[topic]
        subscription = Subscription(rate, command.session, buffer=deque(maxlen=self._buffer_limit))
        subscription.due = next_tick(time.monotonic(), rate)
        self._subs[topic] = subscription
        acknowledgement = {"topic": topic, "rate_hz": rate, "session": command.session}
        await self._send(self._message("control", "subscribed", acknowledgement), self._snapshot(topic, subscription))
        self._wake.set()

    def _snapshot(self, topic: str, sub: Subscription) -> str:
        if topic in PERIODIC:
            return self._frames.frame(topic, "snapshot", sub.session)
        if topic == "events":
            items = self._engine.events.events(session=sub.session, limit=SNAPSHOT_EVENTS)
        else:
            items = self._engine.log_hub.query(source=sub.session, limit=SNAPSHOT_LOGS)
        return self._message(topic, "snapshot", [i.model_dump(mode="json") for i in items], sub.session)

    async def _send_loop(self) -> None:
        while True:
            now = time.monotonic()
            frames: list[str] = []
            for topic, sub in list(self._subs.items()):
                if now >= sub.due:
                    sub.due = next_tick(now, sub.rate_hz)
                    frames += self._due_frames(topic, sub)
            if frames:
                await self._send(*frames)
            next_due = min((s.due for s in self._subs.values()), default=now + 1.0)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(max(0.0, next_due - time.monotonic())):
                    await self._wake.wait()

    def _due_frames(self, topic: str, sub: Subscription) -> list[str]:
        """The latest figures of a periodic topic; for events and logs, what arrived since the last frame."""
        if topic in PERIODIC:
            return [self._frames.frame(topic, "update", sub.session)]
        frames = []
        if sub.dropped:
            dropped, sub.dropped = sub.dropped, 0
            frames.append(self._message(topic, "dropped", {"count": dropped}, sub.session))
        if sub.buffer:
            items = [sub.buffer.popleft() for _ in range(len(sub.buffer))]
            frames.append(self._message(topic, "update", [i.model_dump(mode="json") for i in items], sub.session))
        return frames

    def _on_event(self, event: SessionEvent) -> None:
        self._buffer("events", event, event.session)

    def _on_log(self, record: LogRecord) -> None:
        self._buffer("logs", record, record.source)

    def _buffer(self, topic: str, item: SessionEvent | LogRecord, source: str | None) -> None:
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

    async def _send(self, *texts: str) -> None:
        """Send frames in order; all of them must be taken within the send timeout."""
        try:
            async with asyncio.timeout(self._send_timeout):
                for text in texts:
                    await self._ws.send_text(text)
        except TimeoutError:
            raise SlowClient(f"too slow: frames waited more than {self._send_timeout:g} s to be sent") from None


def _peer(websocket: WebSocket) -> str:
    client = websocket.client
    return f"{client.host}:{client.port}" if client else "unknown"


class StreamHub:
    """The connected stream clients: at most `stream_max_clients`, counted in the health report."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._frames = SharedFrames(engine)
        self._clients: set[StreamClient] = set()
        self._limit = engine.config.telemetry.stream_max_clients
        engine.health.register("stream_clients", self.health_check)

    async def serve(self, websocket: WebSocket) -> None:
        await websocket.accept()
        if len(self._clients) >= self._limit:
            await websocket.close(CLOSE_TRY_AGAIN_LATER, f"too many stream clients ({self._limit}); try again later")
            return
        client = StreamClient(websocket, self._engine, self._frames)
        self._clients.add(client)
        try:
            await client.serve()
        finally:
            self._clients.discard(client)

    def health_check(self) -> HealthCheck:
        count = len(self._clients)
        full = count >= self._limit
        message = f"{count} of at most {self._limit} stream client(s)" + (", new ones are turned away" if full else "")
        return HealthCheck(name="stream_clients", status="warning" if full else "ok", message=message, value=count)


def build_stream_router(engine: Engine) -> APIRouter:
    router = APIRouter(tags=["observability"])
    hub = StreamHub(engine)

    @router.websocket("/v1/stream")
    async def stream(websocket: WebSocket) -> None:
        await hub.serve(websocket)

    return router

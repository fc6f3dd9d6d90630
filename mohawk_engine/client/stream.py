"""A Qt-free asyncio client for the engine's /v1/stream WebSocket.

    async with EngineStream("http://127.0.0.1:8003", token=None, ssl=None) as stream:
        await stream.subscribe("metrics", rate_hz=10)
        await stream.subscribe("events", session="mlp-tiny")
        await stream.unsubscribe("metrics")
        async for message in stream:
            ...

Each item is a `StreamMessage` (topic, type, timestamp, worker_id, session, data). For
"snapshot" and "update" frames `data` is parsed by topic:

    metrics -> MetricsSnapshot          devices -> DevicesSnapshot      health -> HealthReport
    events  -> list[SessionEvent]       logs    -> list[LogRecord]

A subscribe is answered by a "control"/"subscribed" frame ({"topic", "rate_hz", "session"})
and then a "snapshot" of the topic; updates follow at the topic's rate (events and logs
only when there are new ones). Other frames keep a dict or a string in `data`:
"control"/"unsubscribed" ({"topic"}), "control"/"error" (the problem, as text; the
connection stays open) and "<topic>"/"dropped" ({"count": n}: events or log records the
engine dropped because this client fell behind). Iteration ends when the connection
closes; `close_code` then says why (1013: the client was too slow, or the engine has too
many stream clients).
"""

from __future__ import annotations

import ssl as ssl_module

import websockets
from pydantic import TypeAdapter

from mohawk_engine.schemas.telemetry import (
    DevicesSnapshot,
    HealthReport,
    LogRecord,
    MetricsSnapshot,
    SessionEvent,
    StreamCommand,
    StreamMessage,
)

_PARSERS = {
    "metrics": TypeAdapter(MetricsSnapshot),
    "devices": TypeAdapter(DevicesSnapshot),
    "health": TypeAdapter(HealthReport),
    "events": TypeAdapter(list[SessionEvent]),
    "logs": TypeAdapter(list[LogRecord]),
}


def stream_url(base_url: str) -> str:
    base = base_url.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base.removeprefix("https://") + "/v1/stream"
    return "ws://" + base.removeprefix("http://") + "/v1/stream"


class EngineStream:
    def __init__(
        self, base_url: str, *, token: str | None = None, ssl: ssl_module.SSLContext | None = None, max_size: int = 2**24
    ) -> None:
        self.url = stream_url(base_url)
        self.close_code: int | None = None
        self.close_reason: str = ""
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._ssl = ssl
        self._max_size = max_size
        self._ws = None

    async def __aenter__(self) -> "EngineStream":
        options = {"additional_headers": self._headers, "max_size": self._max_size, "open_timeout": 10, "close_timeout": 2}
        if self.url.startswith("wss://"):
            options["ssl"] = self._ssl or ssl_module.create_default_context()
        self._ws = await websockets.connect(self.url, **options)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    def _connection(self):
        if self._ws is None:
            raise RuntimeError("EngineStream is not connected: use `async with EngineStream(...) as stream`")
        return self._ws

    async def subscribe(self, topic: str, rate_hz: float | None = None, session: str | None = None) -> None:
        """Follow `topic` at `rate_hz` updates per second (the engine's default when None), optionally one session's."""
        command = StreamCommand(op="subscribe", topic=topic, rate_hz=rate_hz, session=session)
        await self._connection().send(command.model_dump_json(exclude_none=True))

    async def unsubscribe(self, topic: str) -> None:
        await self._connection().send(StreamCommand(op="unsubscribe", topic=topic).model_dump_json(exclude_none=True))

    async def send_raw(self, text: str | bytes) -> None:
        """Send any frame as a command (the engine answers a bad one with an "error" frame)."""
        await self._connection().send(text)

    def __aiter__(self) -> "EngineStream":
        return self

    async def __anext__(self) -> StreamMessage:
        try:
            text = await self._connection().recv()
        except websockets.ConnectionClosed as closed:
            frame = closed.rcvd
            self.close_code, self.close_reason = (frame.code, frame.reason) if frame else (1006, "connection lost")
            raise StopAsyncIteration from None
        return parse_message(text)


def parse_message(text: str | bytes) -> StreamMessage:
    message = StreamMessage.model_validate_json(text)
    if message.type in ("snapshot", "update") and message.topic in _PARSERS:
        message.data = _PARSERS[message.topic].validate_python(message.data)
    return message

"""A Qt-free asyncio client for the engine's /v1/stream WebSocket.

    async with EngineStream("http://127.0.0.1:8003", token=None) as stream:
        await stream.subscribe("metrics", rate_hz=10)
        await stream.subscribe("events", session="mlp-tiny")
        async for message in stream:
            ...

Each item is a StreamMessage whose `data` is parsed by topic for "snapshot" and "update"
frames: metrics -> MetricsSnapshot, devices -> DevicesSnapshot, health -> HealthReport,
events -> list[SessionEvent], logs -> list[LogRecord]. "control" frames (subscribed,
unsubscribed, error) and "dropped" frames ({"count": n}) keep their dict. Iteration ends
when the engine closes the connection.
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
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._ssl = ssl
        self._max_size = max_size
        self._ws = None

    async def __aenter__(self) -> "EngineStream":
        options = {"additional_headers": self._headers, "max_size": self._max_size, "open_timeout": 10}
        if self.url.startswith("wss://"):
            options["ssl"] = self._ssl or ssl_module.create_default_context()
        self._ws = await websockets.connect(self.url, **options)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def subscribe(self, topic: str, rate_hz: float | None = None, session: str | None = None) -> None:
        command = StreamCommand(op="subscribe", topic=topic, rate_hz=rate_hz, session=session)
        await self._ws.send(command.model_dump_json(exclude_none=True))

    async def unsubscribe(self, topic: str) -> None:
        await self._ws.send(StreamCommand(op="unsubscribe", topic=topic).model_dump_json(exclude_none=True))

    async def send_raw(self, text: str) -> None:
        """Send any text as a command (the engine answers bad ones with an "error" frame)."""
        await self._ws.send(text)

    def __aiter__(self) -> "EngineStream":
        return self

    async def __anext__(self) -> StreamMessage:
        try:
            text = await self._ws.recv()
        except websockets.ConnectionClosed:
            raise StopAsyncIteration from None
        return parse_message(text)


def parse_message(text: str | bytes) -> StreamMessage:
    message = StreamMessage.model_validate_json(text)
    if message.type in ("snapshot", "update") and message.topic in _PARSERS:
        message.data = _PARSERS[message.topic].validate_python(message.data)
    return message

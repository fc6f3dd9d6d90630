"""The engine's /v1/stream WebSocket: subscribe to the live topics and hand each message on."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Mapping

from mohawk_engine.client.stream import EngineStream
from mohawk_engine.schemas.telemetry import StreamMessage


async def follow_stream(
    base_url: str,
    token: str | None,
    context: ssl.SSLContext | None,
    rates_hz: Mapping[str, float | None],
    handle: Callable[[StreamMessage], None],
    on_open: Callable[[], None] = lambda: None,
) -> None:
    """Subscribe to each topic at its rate and hand every message to `handle` until the stream ends."""
    async with EngineStream(base_url, token=token, ssl=context) as stream:
        for topic, rate_hz in rates_hz.items():
            await stream.subscribe(topic, rate_hz=rate_hz)
        on_open()
        async for message in stream:
            handle(message)

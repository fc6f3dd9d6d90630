"""The engine's /v1/stream WebSocket, when the installed client offers it (mohawk_engine.client.stream)."""

from __future__ import annotations

import importlib.util
import ssl
from collections.abc import Callable, Mapping

from mohawk_engine.schemas.telemetry import StreamMessage

STREAM_MODULE = "mohawk_engine.client.stream"


def stream_supported() -> bool:
    return importlib.util.find_spec(STREAM_MODULE) is not None


async def follow_stream(
    base_url: str,
    token: str | None,
    context: ssl.SSLContext | None,
    rates_hz: Mapping[str, float | None],
    handle: Callable[[StreamMessage], None],
    on_open: Callable[[], None] = lambda: None,
) -> None:
    """Subscribe to each topic at its rate and hand every message to `handle` until the stream ends."""
    from mohawk_engine.client.stream import EngineStream

    async with EngineStream(base_url, token=token, ssl=context) as stream:
        for topic, rate_hz in rates_hz.items():
            await stream.subscribe(topic, rate_hz=rate_hz)
        on_open()
        async for message in stream:
            handle(message)

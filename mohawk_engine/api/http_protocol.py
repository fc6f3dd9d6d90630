"""uvicorn's httptools protocol, with each response's head and body sent in one write.

uvicorn writes a response's head (status line and headers) and its body with two separate
`transport.write` calls, so with TCP_NODELAY every response costs two send system calls and
two packets, and the client wakes up for a head it cannot use yet. For a small model that is
a good share of the whole request. `CoalescingTransport` holds a head written alone until
the body follows, which for uvicorn is in the same turn of the event loop; a head with no
body after it (HEAD, 204, a WebSocket handshake) goes out at the end of that turn.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

_HEAD_START = b"HTTP/1.1 "
_HEAD_END = b"\r\n\r\n"


class CoalescingTransport:
    """Wraps a transport; everything but `write` and `close` goes straight to it."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        if self._held is not None:
            data, self._held = self._held + data, None
        elif data.startswith(_HEAD_START) and data.endswith(_HEAD_END):
            self._held = data
            self._loop.call_soon(self.flush)
            return
        self._transport.write(data)

    def flush(self) -> None:
        if self._held is not None:
            held, self._held = self._held, None
            self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str):
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(CoalescingTransport(transport, self.loop))

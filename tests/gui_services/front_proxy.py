"""A TCP forwarder in front of a real engine: adds TLS (and mutual TLS), keeps the request heads it
saw, and can refuse the /v1/stream WebSocket (as a proxy that does not pass WebSockets would)."""

from __future__ import annotations

import asyncio
import contextlib
import ssl

REFUSAL = b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"


class FrontProxy:
    def __init__(self, target_port: int, context: ssl.SSLContext | None = None, refuse_stream: bool = False) -> None:
        self.target_port = target_port
        self.context = context
        self.refuse_stream = refuse_stream
        self.request_heads: list[bytes] = []
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task] = set()
        self.port = 0

    async def __aenter__(self) -> FrontProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.context)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._server.close()
        for connection in list(self._pipes):
            connection.cancel()

    @property
    def url(self) -> str:
        return f"{'https' if self.context else 'http'}://localhost:{self.port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            first = await reader.read(65536)
            if self.refuse_stream and first.startswith(b"GET /v1/stream"):
                writer.write(REFUSAL)
                await writer.drain()
                writer.close()
                return
            self._record(first)
            try:
                upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
            except OSError:
                writer.close()
                return
            upstream_writer.write(first)
            upstream = asyncio.ensure_future(self._pipe(upstream_reader, writer, record=False))
            downstream = asyncio.ensure_future(self._pipe(reader, upstream_writer, record=True))
            self._pipes.update((upstream, downstream))
            await asyncio.wait([upstream, downstream], return_when=asyncio.FIRST_COMPLETED)
            for task in (upstream, downstream):
                task.cancel()
                self._pipes.discard(task)
            for stream in (writer, upstream_writer):
                with contextlib.suppress(Exception):
                    stream.close()

    def _record(self, data: bytes) -> None:
        if data and len(self.request_heads) < 50:
            self.request_heads.append(data[:2048])

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, record: bool) -> None:
        with contextlib.suppress(ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                if record:
                    self._record(data)
                writer.write(data)
                await writer.drain()

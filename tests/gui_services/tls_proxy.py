"""A TLS-terminating TCP forwarder in front of a real engine: https (and mutual TLS) for tests."""

from __future__ import annotations

import asyncio
import contextlib
import ssl


class TlsProxy:
    """Listens with TLS on a loopback port and forwards bytes to `target_port`; keeps the first request heads."""

    def __init__(self, target_port: int, context: ssl.SSLContext) -> None:
        self.target_port = target_port
        self.context = context
        self.request_heads: list[bytes] = []
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task] = set()
        self.port = 0

    async def __aenter__(self) -> "TlsProxy":
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.context)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._server.close()
        for connection in list(self._pipes):
            connection.cancel()

    @property
    def url(self) -> str:
        return f"https://localhost:{self.port}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
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

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, record: bool) -> None:
        with contextlib.suppress(ConnectionError, ssl.SSLError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                if record and len(self.request_heads) < 50:
                    self.request_heads.append(data[:2048])
                writer.write(data)
                await writer.drain()

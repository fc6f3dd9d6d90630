"""A forwarder in front of a real engine that records every request line it passes and can hide
paths (answers 404 and closes, as a server without that endpoint would)."""

from __future__ import annotations

import asyncio
import contextlib
import re

NOT_FOUND = b'HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\ncontent-length: 21\r\nconnection: close\r\n\r\n{"error":"not found"}'
_REQUEST_LINE = re.compile(rb"^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) (\S+) HTTP/1\.1\r\n", re.MULTILINE)


class PathProxy:
    def __init__(self, target_host: str, target_port: int, hide: tuple[bytes, ...] = ()) -> None:
        self.target = (target_host, target_port)
        self.hide = hide
        self.requests: list[tuple[str, str]] = []  # (method, path) in the order they passed
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task] = set()
        self.port = 0

    async def __aenter__(self) -> PathProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._server.close()
        for task in list(self._tasks):
            task.cancel()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def paths(self) -> list[str]:
        return [path for _, path in self.requests]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        back = asyncio.ensure_future(self._back(upstream_reader, writer))
        self._tasks.add(back)
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                lines = [(m.group(1).decode(), m.group(2).decode()) for m in _REQUEST_LINE.finditer(data)]
                self.requests.extend(lines)
                if any(path.encode().startswith(hidden) for _, path in lines for hidden in self.hide):
                    writer.write(NOT_FOUND)
                    await writer.drain()
                    break
                upstream_writer.write(data)
                await upstream_writer.drain()
        back.cancel()
        self._tasks.discard(back)
        for stream in (writer, upstream_writer):
            with contextlib.suppress(Exception):
                stream.close()

    async def _back(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()

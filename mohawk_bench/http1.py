"""One keep-alive HTTP/1.1 connection carrying one pre-encoded request at a time.

The reply is parsed in `data_received` and handed to a callback with its outcome (None for
a proper v2 response, else an error kind and a detail), so a request costs one write, one
read and no task switch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from mohawk_bench.response import Head, classify, dechunk, parse_head

OnResponse = Callable[[str | None, str | None], None]
MAX_HEAD_BYTES = 64 * 1024


class Connection(asyncio.Protocol):
    def __init__(self, on_response: OnResponse) -> None:
        self.transport: asyncio.Transport | None = None
        self.open = False
        self.waiting = False
        self._on_response = on_response
        self._pending: bytearray | None = None
        self._head: Head | None = None
        self._body_start = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.open = True

    def send(self, payload: bytes) -> None:
        self.waiting = True
        self.transport.write(payload)

    def fail(self, kind: str, detail: str) -> None:
        """End the request in flight with an error and drop the connection."""
        self.open = False
        self._complete(kind, detail)
        if self.transport is not None:
            self.transport.abort()

    def close(self) -> None:
        self.open = False
        self.waiting = False
        if self.transport is not None:
            self.transport.abort()

    def data_received(self, data: bytes) -> None:
        if not self.waiting:
            self.close()
            return
        if self._pending is not None:
            self._pending += data
            data = self._pending
        if self._head is None and not self._read_head(data):
            return
        self._read_body(data)

    def _read_head(self, data: bytes | bytearray) -> bool:
        end = data.find(b"\r\n\r\n")
        if end < 0:
            if len(data) > MAX_HEAD_BYTES:
                self.fail("bad_response", "response head larger than 64 KiB")
            elif self._pending is None:
                self._pending = bytearray(data)
            return False
        try:
            self._head = parse_head(bytes(data[:end]))
        except ValueError as exc:
            self.fail("bad_response", f"malformed HTTP response: {exc}")
            return False
        self._body_start = end + 4
        return True

    def _read_body(self, data: bytes | bytearray) -> None:
        head = self._head
        start = self._body_start
        if head.chunked:  # takes precedence over a Content-Length (RFC 9112 6.3)
            try:
                decoded = dechunk(data, start)
            except ValueError as exc:
                self.fail("bad_response", f"malformed chunked body: {exc}")
                return
            if decoded is None:
                self._keep(data)
                return
            body, end = decoded
        elif head.content_length is not None:
            end = start + head.content_length
            if len(data) < end:
                self._keep(data)
                return
            body = memoryview(data)[start:end]
        else:
            self._keep(data)  # the body runs to the end of the connection
            return
        if len(data) != end:
            self.fail("bad_response", "bytes after the end of the response")
            return
        self._finish(head, body)

    def _keep(self, data: bytes | bytearray) -> None:
        if self._pending is None:
            self._pending = bytearray(data)

    def _finish(self, head: Head, body: bytes | memoryview) -> None:
        kind, detail = classify(head.status, body, head.header_length)
        if head.close:
            self.open = False
        self._complete(kind, detail)
        if head.close and self.transport is not None:
            self.transport.close()

    def _complete(self, kind: str | None, detail: str | None) -> None:
        self._pending = None
        self._head = None
        if self.waiting:
            self.waiting = False
            self._on_response(kind, detail)

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        head = self._head
        if self.waiting and head is not None and head.content_length is None and not head.chunked:
            # a body without a length runs to the end of the connection
            data = self._pending or b""
            self._finish(head, memoryview(bytes(data))[self._body_start :])
        elif self.waiting:
            self._complete("connection", f"connection closed by the server{f': {exc}' if exc else ''}")

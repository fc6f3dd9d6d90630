"""A lane: one connection slot that (re)connects when needed and carries one request at a time."""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

from mohawk_bench.http1 import Connection


@dataclass(frozen=True)
class Target:
    """Where a lane connects and the request bytes it sends."""

    host: str
    port: int
    ssl: ssl.SSLContext | None
    payload: bytes
    timeout_s: float


OnDone = Callable[["Lane", "str | None", "str | None"], None]


class Lane:
    def __init__(self, target: Target, on_done: OnDone | None = None) -> None:
        self.target = target
        self.busy = False
        self.measured = False
        self.started_at = 0.0
        self.sent_at: float | None = None
        self.on_done = on_done
        self._connection: Connection | None = None
        self._connecting: asyncio.Task | None = None

    async def connect(self) -> tuple[str, str] | None:
        """Open the connection; None on success, else (error kind, detail)."""
        target = self.target
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(target.timeout_s):
                _, connection = await loop.create_connection(
                    lambda: Connection(self._on_response),
                    target.host,
                    target.port,
                    ssl=target.ssl,
                    server_hostname=target.host if target.ssl else None,
                )
        except TimeoutError:
            return "timeout", f"no connection within {target.timeout_s:g} s"
        except (OSError, ssl.SSLError) as exc:
            return "connection", f"cannot connect to {target.host}:{target.port}: {exc}"
        self._connection = connection
        return None

    def submit(self, started_at: float, measured: bool) -> None:
        """Send the request now (or once connected); latency counts from `started_at`."""
        self.busy = True
        self.started_at = started_at
        self.measured = measured
        connection = self._connection
        if connection is not None and connection.open:
            self.sent_at = time.monotonic()
            connection.send(self.target.payload)
        else:
            self.sent_at = None
            self._connecting = asyncio.get_running_loop().create_task(self._connect_and_send())

    async def _connect_and_send(self) -> None:
        failure = await self.connect()
        self._connecting = None
        if not self.busy:
            return
        if failure is not None:
            self._done(*failure)
            return
        self.sent_at = time.monotonic()
        self._connection.send(self.target.payload)

    def expire(self, now: float) -> None:
        """Fail the request in flight with a timeout once it has waited `timeout_s` for its reply."""
        sent_at = self.sent_at
        if self.busy and sent_at is not None and now - sent_at > self.target.timeout_s:
            self._connection.fail("timeout", f"no response within {self.target.timeout_s:g} s")

    def _on_response(self, kind: str | None, detail: str | None) -> None:
        self._done(kind, detail)

    def _done(self, kind: str | None, detail: str | None) -> None:
        self.busy = False
        self.sent_at = None
        self.on_done(self, kind, detail)

    def close(self) -> None:
        """Drop the connection; a request in flight ends without being reported."""
        self.busy = False
        if self._connecting is not None:
            self._connecting.cancel()
        if self._connection is not None:
            self._connection.close()

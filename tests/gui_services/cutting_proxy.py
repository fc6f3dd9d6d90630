"""A FrontProxy that cuts the first connection carrying more than `cut_after` request bytes (once),
as a dropped link would, and counts every request byte it forwards. It can listen on a chosen port."""

from __future__ import annotations

import asyncio
import contextlib

from tests.gui_services.front_proxy import FrontProxy


class CuttingProxy(FrontProxy):
    def __init__(self, target_port: int, cut_after: int | None = None, port: int = 0) -> None:
        super().__init__(target_port)
        self.cut_after = cut_after
        self.listen_port = port
        self.forwarded = 0  # request bytes passed on, across all connections
        self.cuts = 0

    async def __aenter__(self) -> CuttingProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.listen_port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await super().__aexit__(*exc_info)
        await asyncio.sleep(0.05)  # the connection handlers see their pipes cancelled and close

    def _cuts_here(self, incoming: int) -> bool:
        return self.cut_after is not None and self.cuts == 0 and self.forwarded + incoming >= self.cut_after

    def _record(self, data: bytes) -> None:
        self.forwarded += len(data)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, record: bool) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while data := await reader.read(65536):
                if record and self._cuts_here(len(data)):
                    room = self.cut_after - self.forwarded
                    writer.write(data[:room])
                    self._record(data[:room])
                    await writer.drain()
                    self.cuts += 1
                    return  # FrontProxy closes both sides
                if record:
                    self._record(data)
                writer.write(data)
                await writer.drain()

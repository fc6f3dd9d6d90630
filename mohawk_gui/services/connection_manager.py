"""All workers' connections: add, remove, reconnect, and apply a new configuration."""

from __future__ import annotations

import asyncio
import random

from mohawk_gui.services.config import RefreshSettings, WorkerSettings
from mohawk_gui.services.connection import WorkerConnection
from mohawk_gui.services.listener import FleetListener
from mohawk_gui.services.v2_monitor import V2Monitor


class ConnectionManager:
    """Owns one `WorkerConnection` per worker; everything it learns goes to `listener`."""

    def __init__(
        self,
        listener: FleetListener,
        refresh: RefreshSettings | None = None,
        *,
        initial_backoff_s: float = 0.5,
        rng: random.Random | None = None,
    ) -> None:
        self._listener = listener
        self.refresh = refresh or RefreshSettings()
        self._initial_backoff_s = initial_backoff_s
        self._rng = rng
        self._connections: dict[str, WorkerConnection] = {}

    def names(self) -> list[str]:
        return list(self._connections)

    def connection(self, name: str) -> WorkerConnection:
        return self._connections[name]

    def add_worker(self, settings: WorkerSettings) -> WorkerConnection:
        if settings.name in self._connections:
            raise ValueError(f"a worker named {settings.name!r} is already connected")
        monitor = V2Monitor if settings.kind == "v2" else WorkerConnection
        connection = monitor(
            settings, self.refresh, self._listener, initial_backoff_s=self._initial_backoff_s, rng=self._rng
        )
        self._connections[settings.name] = connection
        self._listener.on_worker_added(settings.name, connection.client)
        self._listener.on_state(settings.name, connection.state, None)
        connection.start()
        return connection

    async def remove_worker(self, name: str) -> None:
        connection = self._connections.pop(name, None)
        if connection is None:
            return
        await connection.stop()
        self._listener.on_worker_removed(name)

    async def reconnect(self, name: str) -> None:
        await self._connections[name].reconnect()

    async def apply(self, workers: list[WorkerSettings], refresh: RefreshSettings, keep: set[str] = frozenset()) -> None:
        """Make the connections match `workers` (names in `keep`, such as the bundled engine, stay).

        Changed workers, and all of them when the refresh settings changed, are reconnected.
        """
        wanted = {worker.name: worker for worker in workers}
        refresh_changed = refresh != self.refresh
        self.refresh = refresh
        for name, connection in list(self._connections.items()):
            if name in keep and name not in wanted:
                if refresh_changed:
                    await self._replace(connection.settings)
                continue
            if name not in wanted:
                await self.remove_worker(name)
            elif wanted[name] != connection.settings or refresh_changed:
                await self._replace(wanted[name])
        for name, settings in wanted.items():
            if name not in self._connections:
                self.add_worker(settings)

    async def _replace(self, settings: WorkerSettings) -> None:
        await self.remove_worker(settings.name)
        self.add_worker(settings)

    async def close(self) -> None:
        await asyncio.gather(*(self.remove_worker(name) for name in list(self._connections)))

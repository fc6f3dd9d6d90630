"""The console's orchestration: load the config, start the bundled engine or connect the workers,
apply config changes, shut down cleanly. Qt-free; the window calls it on the qasync loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from mohawk_gui.services.bundled_engine import BundledEngine, BundledEngineError
from mohawk_gui.services.config import ConsoleConfig, WorkerSettings
from mohawk_gui.services.config_store import ConfigInvalid, ConfigStore
from mohawk_gui.services.connection_manager import ConnectionManager
from mohawk_gui.services.listener import FleetListener

log = logging.getLogger(__name__)

LOCAL_WORKER = "local"


class Console:
    def __init__(self, store: ConfigStore, listener: FleetListener, *, initial_backoff_s: float = 0.5) -> None:
        self.store = store
        self.config = ConsoleConfig()
        self.config_problems: list[str] = []
        self.manager = ConnectionManager(listener, self.config.refresh, initial_backoff_s=initial_backoff_s)
        self.bundled: BundledEngine | None = None
        self.notice: Callable[[str], None] = lambda message: None
        self.config_changed: list[Callable[[ConsoleConfig], None]] = []

    def load_config(self) -> ConsoleConfig:
        """The saved config; an invalid file leaves the defaults in force and its problems in `config_problems`."""
        try:
            self.config = self.store.load()
            self.config_problems = []
        except ConfigInvalid as exc:
            self.config_problems = exc.problems
            self.notice(f"{self.store.path} is invalid; using defaults until it is fixed")
        self.manager.refresh = self.config.refresh
        return self.config

    async def start(self) -> None:
        """Connect the configured workers, or start the bundled engine when there are none."""
        for worker in self.config.workers:
            self.manager.add_worker(worker)
        if not self.config.workers and self.config.bundled_engine.enabled:
            await self.start_bundled_engine()

    async def start_bundled_engine(self) -> None:
        options = self.config.bundled_engine
        self.bundled = BundledEngine(
            options.data_dir,
            port=options.port,
            demo_models=options.demo_models,
            die_with_console=not options.keep_running,
        )
        self.notice(f"Starting the local engine in {self.bundled.data_dir} …")
        try:
            url = await self.bundled.start(options.start_timeout_s)
        except BundledEngineError as exc:
            self.notice(f"The local engine did not start: {str(exc).splitlines()[0]}")
            log.error("%s", exc)
            return
        state = "already running" if self.bundled.adopted else "started"
        self.notice(f"Local engine {state} at {url}")
        self.manager.add_worker(WorkerSettings(name=LOCAL_WORKER, url=url, token=self.bundled.token))

    def local_workers(self) -> set[str]:
        """Workers that are not in the config (the bundled engine)."""
        return {LOCAL_WORKER} if self.bundled is not None and LOCAL_WORKER in self.manager.names() else set()

    async def apply_config(self, config: ConsoleConfig) -> None:
        """Use a config just saved: reconnect what changed, tell the listeners."""
        self.config = config
        self.config_problems = []
        await self.manager.apply(config.workers, config.refresh, keep=self.local_workers())
        for callback in self.config_changed:
            callback(config)

    async def add_worker(self, worker: WorkerSettings) -> None:
        """Save the worker into the config file (validated, atomically), then connect it."""
        config = self.config.model_copy(deep=True)
        config.workers.append(worker)
        saved = self.store.save(config)
        await self.apply_config(saved)

    async def remove_worker(self, name: str) -> None:
        if self.config.worker(name) is None:
            await self.manager.remove_worker(name)
            return
        config = self.config.model_copy(deep=True)
        config.workers = [worker for worker in config.workers if worker.name != name]
        saved = self.store.save(config)
        await self.apply_config(saved)

    async def reconnect(self, name: str) -> None:
        await self.manager.reconnect(name)

    def stop_bundled_engine_now(self) -> None:
        """Stop the bundled engine synchronously, unless it is to keep running or already stopped."""
        if self.bundled is not None and not self.config.bundled_engine.keep_running and self.bundled.running():
            self.bundled.stop()

    async def shutdown(self) -> None:
        """Close every connection; stop the bundled engine unless the config keeps it running."""
        await self.manager.close()
        if self.bundled is not None and not self.config.bundled_engine.keep_running:
            self.notice("Stopping the local engine …")
            await asyncio.get_running_loop().run_in_executor(None, self.bundled.stop)

"""The engine's parts wired together: repository, devices, state store and sessions."""

from __future__ import annotations

import logging
import time

from mohawk_engine import __version__
from mohawk_engine.config import EngineConfig
from mohawk_engine.placement.devices import DeviceInventory
from mohawk_engine.repository.repository import ModelRepository
from mohawk_engine.schemas import ServerInfo
from mohawk_engine.sessions.manager import SessionManager
from mohawk_engine.store.sqlite import StateStore

log = logging.getLogger("mohawk.engine")


class Engine:
    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.started_at = time.time()
        self.state_dir = config.paths.state_dir.resolve()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.repository = ModelRepository(config.paths.model_repository.resolve())
        self.inventory = DeviceInventory()
        self.store = StateStore(self.state_dir / "mohawk.sqlite3")
        self.worker_id = self.store.worker_id()
        self.sessions = SessionManager(self.repository, self.inventory, self.store, config.runtime.warmup_batches)
        self.live = False

    def server_info(self) -> ServerInfo:
        return ServerInfo(
            version=__version__,
            worker_id=self.worker_id,
            model_repository=str(self.repository.root),
            state_dir=str(self.state_dir),
            started_at=self.started_at,
        )

    async def start(self) -> None:
        if self.config.runtime.torch_threads:
            import torch

            torch.set_num_threads(self.config.runtime.torch_threads)
        await self.sessions.restore()
        self.live = True

    async def stop(self) -> None:
        self.live = False
        await self.sessions.shutdown()
        self.store.close()

"""The engine's parts wired together: repository, devices, state store and sessions."""

from __future__ import annotations

import logging
import time

from mohawk_engine import __version__
from mohawk_engine.config import EngineConfig, TelemetryConfig
from mohawk_engine.placement.devices import DeviceInventory
from mohawk_engine.repository.repository import ModelRepository
from mohawk_engine.schemas import ServerInfo
from mohawk_engine.schemas.telemetry import DevicesSnapshot, HealthReport, MetricsSnapshot
from mohawk_engine.sessions.manager import SessionManager
from mohawk_engine.store.events import EventLog
from mohawk_engine.store.sqlite import StateStore
from mohawk_engine.telemetry.devices import DeviceSampler
from mohawk_engine.telemetry.health import HealthMonitor, Thresholds
from mohawk_engine.telemetry.logs import LogHub

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
        telemetry = config.telemetry
        self.log_hub = LogHub(telemetry.log_buffer_records)
        self.events = EventLog(self.store.path)
        self.sessions = SessionManager(
            self.repository,
            self.inventory,
            self.store,
            config.runtime.warmup_batches,
            events=self.events,
            last_logs=lambda name: self.log_hub.query(source=name, limit=20),
        )
        self._device_sampler = DeviceSampler(self.worker_id, self.inventory)
        self._devices: DevicesSnapshot | None = None
        self.health = HealthMonitor(
            self.worker_id,
            self.state_dir,
            self.devices,
            lambda: [(s.metrics(), s.spec.batching.max_queue_size) for s in self.sessions.all_sessions()],
            _thresholds(telemetry),
        )
        self.live = False

    def metrics(self) -> MetricsSnapshot:
        sessions = [s.metrics() for s in self.sessions.all_sessions()]
        return MetricsSnapshot(
            timestamp=time.time(),
            worker_id=self.worker_id,
            requests_per_s=sum(m.requests_per_s for m in sessions),
            items_per_s=sum(m.items_per_s for m in sessions),
            sessions=sessions,
        )

    def devices(self) -> DevicesSnapshot:
        """At most two fresh samples a second, however many readers ask."""
        if self._devices is None or time.time() - self._devices.timestamp >= 0.5:
            self._devices = self._device_sampler.sample()
        return self._devices

    def health_report(self) -> HealthReport:
        return self.health.report()

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
        self.events.close()
        self.store.close()


def _thresholds(telemetry: TelemetryConfig) -> Thresholds:
    return Thresholds(
        memory_pct=(telemetry.memory_warning_pct, telemetry.memory_critical_pct),
        cpu_pct=(telemetry.cpu_warning_pct, telemetry.cpu_critical_pct),
        disk_free_pct=(telemetry.disk_free_warning_pct, telemetry.disk_free_critical_pct),
        gpu_memory_pct=(telemetry.gpu_memory_warning_pct, telemetry.gpu_memory_critical_pct),
        queue_fill_pct=(telemetry.queue_warning_pct, telemetry.queue_critical_pct),
    )

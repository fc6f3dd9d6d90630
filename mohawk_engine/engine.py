"""The engine's parts wired together: repository, devices, state store and sessions."""

from __future__ import annotations

import logging
import os
import time

from mohawk_engine import __version__
from mohawk_engine.config import EngineConfig, TelemetryConfig
from mohawk_engine.placement.devices import DeviceInventory
from mohawk_engine.repository.repository import ModelRepository
from mohawk_engine.schemas import ServerInfo
from mohawk_engine.schemas.security import BOOTSTRAP_ENV
from mohawk_engine.schemas.telemetry import DevicesSnapshot, HealthReport, MetricsSnapshot
from mohawk_engine.security.certs import serving_identity
from mohawk_engine.sessions.manager import SessionManager
from mohawk_engine.store.audit import AuditLog
from mohawk_engine.store.events import EventLog
from mohawk_engine.store.keys import KeyStore
from mohawk_engine.store.sqlite import StateStore
from mohawk_engine.store.tuning import TuningStore
from mohawk_engine.telemetry.devices import DeviceSampler
from mohawk_engine.telemetry.health import HealthMonitor, Thresholds
from mohawk_engine.telemetry.logs import LogHub
from mohawk_engine.tuning.access import BenchAccess
from mohawk_engine.tuning.runner import TuningRunner
from mohawk_engine.tuning.service import TuningService

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
        self.keys = KeyStore(self.store.path)
        self.audit = AuditLog(self.store.path)
        if bootstrap := os.environ.get(BOOTSTRAP_ENV):
            self.keys.ensure(bootstrap)  # the bundled console's admin key
        self.sessions = SessionManager(
            self.repository,
            self.inventory,
            self.store,
            config.runtime.warmup_batches,
            events=self.events,
            last_logs=lambda name: self.log_hub.query(source=name, limit=20),
        )
        self.url: str | None = None  # set by the server once it listens; tuning measures the engine through it
        self._tuning_store = TuningStore(self.store.path)
        security = config.security
        access = BenchAccess(
            self.keys,
            security.auth_enabled(config.server.host) and security.v2_auth,
            config.tls.client_ca_file,
            config.tls.tuning_certificate,
        )
        self._tuning_runner = TuningRunner(
            self.sessions, self._tuning_store, self.store, self.record_event, lambda: self.url, access
        )
        self.tuning = TuningService(
            self.sessions, self._tuning_store, self._tuning_runner, self.record_event, access
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
        tls = config.tls
        self.tls_identity = serving_identity(tls.cert_file, tls.key_file) if tls.cert_file and tls.key_file else None

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
            tls_not_after=self.tls_identity.not_after if self.tls_identity else None,
            tls_subject=self.tls_identity.subject if self.tls_identity else None,
            auth=self.config.security.auth_enabled(self.config.server.host),
        )

    def record_event(self, session: str, kind: str, detail: str | None = None) -> None:
        """Put an event on a session's timeline from outside the session manager; live streams get it too."""
        event = self.events.add(session, kind, detail)
        for listener in list(self.sessions.event_listeners):
            listener(event)

    async def start(self) -> None:
        if self.config.runtime.torch_threads:
            import torch

            torch.set_num_threads(self.config.runtime.torch_threads)
        self._tuning_runner.drop_leftovers()
        await self.sessions.restore()
        self._tuning_runner.start()
        self.live = True

    async def stop(self) -> None:
        self.live = False
        await self._tuning_runner.stop()
        await self.sessions.shutdown()
        self._tuning_store.close()
        self.events.close()
        self.keys.close()
        self.audit.close()
        self.store.close()


def _thresholds(telemetry: TelemetryConfig) -> Thresholds:
    return Thresholds(
        memory_pct=(telemetry.memory_warning_pct, telemetry.memory_critical_pct),
        cpu_pct=(telemetry.cpu_warning_pct, telemetry.cpu_critical_pct),
        cpu_sustain_s=telemetry.cpu_sustain_s,
        disk_free_pct=(telemetry.disk_free_warning_pct, telemetry.disk_free_critical_pct),
        gpu_memory_pct=(telemetry.gpu_memory_warning_pct, telemetry.gpu_memory_critical_pct),
        queue_fill_pct=(telemetry.queue_warning_pct, telemetry.queue_critical_pct),
    )

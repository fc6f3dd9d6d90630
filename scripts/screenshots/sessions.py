"""The sessions and logs views with ten minutes of generated history, and the session wizard's pages.

Sessions are deployed on a real engine through the console's own client (one on a GPU this
machine lacks, so it fails). The session's chart history, its events and the log lines are
generated with realistic figures, so the views look as they do after a while of load.
"""

from __future__ import annotations

import math
import random
import time

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import BatchingConfig, DeviceMap, SessionSpec
from mohawk_engine.schemas.telemetry import (
    DevicesSnapshot,
    LatencySummary,
    LogRecord,
    MetricsSnapshot,
    SessionEvent,
    SessionMetrics,
)
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.views.logs_view import LogsView
from mohawk_gui.views.sessions_view import SessionsView
from mohawk_gui.views.wizard import SessionWizard
from screenshots.common import Shots, settle, wait_for

WORKER = "lab-1"
HISTORY_S = 600
VIEW_SIZE = (1250, 860)  # the main window's content area at 1440x900


def _metrics(name: str, phase: float, replicas: int) -> SessionMetrics:
    load = 0.55 + 0.35 * math.sin(phase / 70) + 0.02 * random.random()
    rate = 900 * load
    p50 = 1.4 + 1.2 * load + 0.05 * random.random()
    window = LatencySummary(
        count=int(rate * 10), p50_ms=p50, p90_ms=p50 * 1.7, p95_ms=p50 * 2.0, p99_ms=p50 * 2.9 + 0.2 * random.random(),
        max_ms=p50 * 5.5,
    )  # fmt: skip
    return SessionMetrics(
        session=name, state="READY", requests_per_s=rate, items_per_s=rate * 7.6, success_total=int(rate * phase),
        latency={"1s": window, "10s": window, "60s": window.model_copy(update={"count": int(rate * 60)})},
        batch_sizes={1: 120, 2: 260, 4: 410, 8: 520, 16: 180, 32: 22}, mean_batch_size=6.8,
        queue_depth=int(14 * load * random.random()), in_flight=replicas,
        replica_busy=[min(1.0, load * (0.8 + 0.15 * i) + 0.05 * random.random()) for i in range(replicas)],
    )  # fmt: skip


def _history(view: SessionsView, name: str, replicas: int) -> None:
    now = time.time()
    for step in range(HISTORY_S * 2):
        moment = now - HISTORY_S + step * 0.5
        snapshot = MetricsSnapshot(timestamp=moment, worker_id=WORKER, sessions=[_metrics(name, step * 0.5, replicas)])
        view.recorder.record(WORKER, snapshot, moment)
    view.hub.on_metrics(WORKER, snapshot)


def _events(hub: FleetHub, name: str, started: float) -> None:
    for number, (offset, kind, detail) in enumerate(
        [
            (0.0, "requested", "replicate ×2 on cpu"),
            (0.1, "loading", "placing 2 replicas"),
            (1.4, "warmed", "warm-up batches 1, 8, 32 in 212 ms"),
            (1.5, "ready", None),
            (305.0, "reconfigured", "max_queue_delay_us 0 → 200"),
        ],
        start=1,
    ):
        hub.on_event(WORKER, SessionEvent(id=number, timestamp=started + offset, session=name, kind=kind, detail=detail))


def _devices() -> DevicesSnapshot:
    return DevicesSnapshot(
        timestamp=time.time(), worker_id=WORKER, cpu_percent=41.0, cpu_per_core=[41.0] * 16,
        memory_used_bytes=21 * 1024**3, memory_total_bytes=64 * 1024**3, process_rss_bytes=1_300 * 1024**2,
    )  # fmt: skip


def _logs(hub: FleetHub) -> None:
    now = time.time() - 120
    lines = [
        ("lab-1", "INFO", "engine", "mohawk_engine.api", "listening on http://127.0.0.1:8003"),
        ("lab-1", "INFO", "mlp-tiny", "mohawk_engine.sessions", "session mlp-tiny: LOADING"),
        ("lab-1", "INFO", "mlp-tiny", "mohawk_engine.replicas", "replica 0 on cpu ready (4 threads)"),
        ("lab-1", "INFO", "mlp-tiny", "mohawk_engine.replicas", "replica 1 on cpu ready (4 threads)"),
        ("lab-1", "INFO", "mlp-tiny", "mohawk_engine.sessions", "session mlp-tiny: READY"),
        ("gpu-box-2", "INFO", "engine", "mohawk_engine.placement", "2 GPUs: NVIDIA H100 80GB HBM3 ×2"),
        ("gpu-box-2", "INFO", "resnet", "mohawk_engine.sessions", "session resnet: READY"),
        ("lab-1", "WARNING", "mlp-tiny", "mohawk_engine.batching", "queue 80% full (820 of 1024); requests wait 4.1 ms"),
        ("lab-1", "ERROR", "mlp-gpu", "mohawk_engine.sessions",
         "session mlp-gpu: FAILED (CUDA requested but unavailable: cuda:0: no NVIDIA driver found)"),
        ("gpu-box-2", "WARNING", "engine", "mohawk_engine.telemetry", "GPU 1 at 83 °C"),
        ("lab-1", "INFO", "add-sub", "mohawk_engine.sessions", "session add-sub: READY"),
        ("gpu-box-2", "INFO", "resnet", "mohawk_engine.batching", "batch 32 formed in 0.4 ms"),
        ("lab-1", "WARNING", "add-sub", "mohawk_engine.protocol", "bad input: INPUT1 has shape [1, 8], expected [-1, 16]"),
    ]  # fmt: skip
    for step in range(6):
        for index, (worker, level, source, logger, message) in enumerate(lines):
            record = LogRecord(
                timestamp=now + step * 15 + index, level=level, source=source, logger=logger, message=message,
                session=None if source == "engine" else source,
            )  # fmt: skip
            hub.on_log(worker, record)


async def _deploy(client: EngineClient) -> None:
    for spec in (
        SessionSpec(name="mlp-tiny", model="mlp-tiny", device_map=DeviceMap(replicas_per_device=2, threads_per_replica=4)),
        SessionSpec(name="add-sub", model="add-sub", batching=BatchingConfig(max_batch_size=16, max_queue_delay_us=200)),
        SessionSpec(name="mlp-gpu", model="mlp-tiny", device_map=DeviceMap(devices=["cuda:0"])),
    ):
        await client.create_session(spec)
        await client.wait_for_state(spec.name)


async def _wizard_pages(hub: FleetHub, shots: Shots) -> None:
    wizard = SessionWizard(hub, WORKER, devices=_devices())
    wizard.resize(860, 660)
    wizard.show()
    await wait_for(lambda: wizard.model_page.models, "the model list")
    wizard.model_page.select_model("mlp-tiny")
    wizard.model_page.name_edit.setText("mlp-tiny-2")
    await settle()
    shots.save(wizard, "wizard-1-model.png")
    wizard.next()
    await wait_for(lambda: wizard.devices_page.plan is not None, "the placement plan")
    await settle()
    shots.save(wizard, "wizard-2-devices.png")
    wizard.next()
    wizard.batching_page.max_queue_delay_us.setValue(200)
    await settle()
    shots.save(wizard, "wizard-3-batching.png")
    wizard.next()
    await wizard.review_page.start()
    await settle()
    shots.save(wizard, "wizard-4-ready.png")
    wizard.close()

    initial = SessionSpec(name="mlp-gpu", model="mlp-tiny", device_map=DeviceMap(devices=["cuda:0"]))
    failing = SessionWizard(hub, WORKER, initial, devices=_devices())
    failing.resize(860, 660)
    failing.show()
    await wait_for(lambda: failing.model_page.models, "the model list")
    failing.next()
    await wait_for(lambda: failing.devices_page.plan is not None, "the placement plan")
    await settle()
    shots.save(failing, "wizard-2-will-not-fit.png")
    failing.next()
    failing.next()
    await failing.review_page.start()
    await settle()
    shots.save(failing, "wizard-4-failed.png")
    failing.close()


async def capture_sessions(url: str, token: str | None, shots: Shots, size: tuple[int, int] = VIEW_SIZE) -> None:
    random.seed(7)
    hub = FleetHub()
    client = EngineClient(url, token=token)
    hub.on_worker_added(WORKER, client)
    await _deploy(client)
    sessions = SessionsView(hub)
    logs = LogsView(hub)
    hub.on_sessions(WORKER, await client.list_sessions())
    _history(sessions, "mlp-tiny", replicas=2)
    _events(hub, "mlp-tiny", time.time() - HISTORY_S - 30)
    hub.on_devices(WORKER, _devices())
    _logs(hub)
    sessions.resize(*size)
    sessions.show()
    sessions.open_session(WORKER, "mlp-tiny")
    await settle(1.0)
    shots.save(sessions, "session-detail.png")
    shots.save(sessions.detail, "session-charts.png")
    sessions.open_session(WORKER, "mlp-gpu")
    await settle(0.6)
    shots.save(sessions, "session-failed.png")
    logs.resize(*size)
    logs.show()
    await settle(0.6)
    shots.save(logs, "logs-tail.png")
    logs.level_filter.setCurrentIndex(2)
    logs.session_filter.setCurrentText("mlp-tiny")
    await settle(0.4)
    shots.save(logs, "logs-filtered.png")
    await _wizard_pages(hub, shots)
    await client.aclose()



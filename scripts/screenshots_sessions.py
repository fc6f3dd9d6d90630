"""Screenshots of the sessions view, the session wizard's pages and the logs view.

    xvfb-run -a .venv/bin/python scripts/screenshots_sessions.py [--out docs/screenshots]

Starts an engine with the demo models in a temporary folder and deploys sessions on it
through the console's own client (one of them on a GPU this machine lacks, so it fails).
The session's ten-minute chart history, its events and the log lines are generated with
realistic figures, so the views look as they do after a while of load.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import tempfile
import time
from pathlib import Path

import qasync
from PyQt6.QtWidgets import QApplication, QWidget

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
from mohawk_gui.services.bundled_engine import BundledEngine
from mohawk_gui.theme import apply_theme
from mohawk_gui.views.logs_view import LogsView
from mohawk_gui.views.sessions_view import SessionsView
from mohawk_gui.views.wizard import SessionWizard

WORKER = "lab-1"
HISTORY_S = 600


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


async def _settle(seconds: float = 0.4) -> None:
    await asyncio.sleep(seconds)


def _save(widget: QWidget, out: Path, name: str) -> None:
    widget.grab().save(str(out / name))
    print(out / name)


async def _wait(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the view did not reach the expected state")
        await asyncio.sleep(0.05)


async def _wizard_pages(hub: FleetHub, out: Path) -> None:
    wizard = SessionWizard(hub, WORKER, devices=_devices())
    wizard.resize(860, 660)
    wizard.show()
    await _wait(lambda: wizard.model_page.models)
    wizard.model_page.select_model("mlp-tiny")
    wizard.model_page.name_edit.setText("mlp-tiny-2")
    await _settle()
    _save(wizard, out, "wizard-1-model.png")
    wizard.next()
    await _wait(lambda: wizard.devices_page.plan is not None)
    await _settle()
    _save(wizard, out, "wizard-2-devices.png")
    wizard.next()
    wizard.batching_page.max_queue_delay_us.setValue(200)
    await _settle()
    _save(wizard, out, "wizard-3-batching.png")
    wizard.next()
    await wizard.review_page.start()
    await _settle()
    _save(wizard, out, "wizard-4-ready.png")
    wizard.close()

    initial = SessionSpec(name="mlp-gpu", model="mlp-tiny", device_map=DeviceMap(devices=["cuda:0"]))
    failing = SessionWizard(hub, WORKER, initial, devices=_devices())
    failing.resize(860, 660)
    failing.show()
    await _wait(lambda: failing.model_page.models)
    failing.next()
    await _wait(lambda: failing.devices_page.plan is not None)
    await _settle()
    _save(failing, out, "wizard-2-will-not-fit.png")
    failing.next()
    failing.next()
    await failing.review_page.start()
    await _settle()
    _save(failing, out, "wizard-4-failed.png")
    failing.close()


async def _capture(url: str, out: Path, size: tuple[int, int]) -> None:
    hub = FleetHub()
    client = EngineClient(url)
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
    await _settle(1.0)
    _save(sessions, out, "session-detail.png")
    _save(sessions.detail, out, "session-charts.png")
    sessions.open_session(WORKER, "mlp-gpu")
    await _settle(0.6)
    _save(sessions, out, "session-failed.png")
    logs.resize(*size)
    logs.show()
    await _settle(0.6)
    _save(logs, out, "logs-tail.png")
    logs.level_filter.setCurrentIndex(2)
    logs.session_filter.setCurrentText("mlp-tiny")
    await _settle(0.4)
    _save(logs, out, "logs-filtered.png")
    await _wizard_pages(hub, out)
    await client.aclose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--size", default="1250x860", help="view size (the main window's content area)")
    args = parser.parse_args()
    size = tuple(int(part) for part in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    random.seed(7)
    app = QApplication(sys.argv[:1])
    apply_theme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory(prefix="mohawk-shots-") as scratch:
        engine = BundledEngine(Path(scratch) / "engine")
        try:
            url = loop.run_until_complete(engine.start())
            loop.run_until_complete(_capture(url, args.out, size))
        finally:
            engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

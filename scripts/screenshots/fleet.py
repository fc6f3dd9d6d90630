"""The main window against a live engine (auth on) and a worker that is down: every view and dialog."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from PyQt6.QtWidgets import QApplication

from mohawk_engine.client import EngineClient
from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.main_window import MainWindow
from mohawk_gui.services.bundled_engine import BundledEngine
from mohawk_gui.services.config_store import ConfigStore
from mohawk_gui.services.console import Console
from screenshots.admin import capture_admin
from screenshots.benchmarks import capture_benchmarks
from screenshots.common import Shots, settle, wait_for
from screenshots.traffic import deploy, traffic
from screenshots.views import capture_dialogs, capture_light_theme, capture_views

CONFIG = """\
# Screenshot fleet: one live engine (auth on, the console holds an admin key), one that is down.
[[workers]]
name = "lab-1"
url = "{url}"
token = "{token}"

[[workers]]
name = "gpu-box-2"
url = "http://127.0.0.1:{closed_port}"

[refresh]
heartbeat_s = 1.0
metrics_hz = 10.0
chart_span_s = 300

[alerts]
offline_for_s = 0
latency_p99_ms = 1.0
latency_for_s = 2
notifications = false
"""


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _window(url: str, token: str | None, scratch: Path) -> MainWindow:
    store = ConfigStore(scratch / "console.toml")
    store.path.write_text(CONFIG.format(url=url, token=token or "", closed_port=_closed_port()))
    hub = FleetHub()
    console = Console(store, hub)
    console.load_config()
    tracker = FleetTracker(hub, console.config.alerts)
    window = MainWindow(hub, tracker, console)
    window.resize(1440, 900)
    window.show()
    return window


async def capture_fleet(url: str, engine: BundledEngine, shots: Shots, traffic_s: float, scratch: Path) -> None:
    window = _window(url, engine.token, scratch)
    console = window.console
    await console.start()
    async with EngineClient(url, token=engine.token) as client:
        await deploy(client)
        load = asyncio.ensure_future(traffic(url, engine.token))
        try:
            await wait_for(lambda: "lab-1" in window.hub.workers(), "lab-1 to connect")
            await settle(traffic_s)
            await capture_views(window, shots)
            await capture_dialogs(window, shots, url, engine.token)
            await capture_benchmarks(window, shots)
            await capture_admin(window, shots, client, engine.model_repo)
            await capture_light_theme(window, shots, QApplication.instance())
        finally:
            load.cancel()
            await asyncio.gather(load, return_exceptions=True)
    await console.shutdown()

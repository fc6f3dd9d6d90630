"""Take screenshots of every console view against a real local engine with live traffic.

    xvfb-run -a .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--size 1440x900]

Starts an engine with the demo models in a temporary folder, deploys two sessions, sends
inferences for a while so the charts have data, adds a second worker that is down (so its
offline state shows), then grabs each view.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import tempfile
from pathlib import Path

import httpx
import qasync
from PyQt6.QtWidgets import QApplication

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import BatchingConfig, DeviceMap, SessionSpec
from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.main_window import VIEW_NAMES, MainWindow
from mohawk_gui.services.bundled_engine import BundledEngine
from mohawk_gui.services.config_store import ConfigStore
from mohawk_gui.services.console import Console
from mohawk_gui.theme import apply_theme

CONFIG = """\
# Screenshot fleet: one live engine, one that is down.
[[workers]]
name = "lab-1"
url = "{url}"

[[workers]]
name = "gpu-box-2"
url = "http://127.0.0.1:{closed_port}"

[refresh]
heartbeat_s = 1.0
metrics_hz = 10.0
chart_span_s = 300
"""


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def _deploy(url: str) -> None:
    async with EngineClient(url) as client:
        for spec in (
            SessionSpec(name="mlp-tiny", model="mlp-tiny", device_map=DeviceMap(replicas_per_device=2)),
            SessionSpec(name="add-sub", model="add-sub", batching=BatchingConfig(max_batch_size=16, max_queue_delay_us=500)),
        ):
            await client.create_session(spec)
        for name in ("mlp-tiny", "add-sub"):
            await client.wait_for_state(name)


async def _traffic(url: str, seconds: float) -> None:
    add_sub = {
        "inputs": [
            {"name": "INPUT0", "shape": [4, 16], "datatype": "FP32", "data": [1.0] * 64},
            {"name": "INPUT1", "shape": [4, 16], "datatype": "FP32", "data": [2.0] * 64},
        ]
    }
    mlp = {"inputs": [{"name": "input", "shape": [8, 512], "datatype": "FP32", "data": [0.1] * 4096}]}
    deadline = asyncio.get_running_loop().time() + seconds
    async with httpx.AsyncClient(base_url=url, timeout=10) as client:

        async def lane(session: str, body: dict, pause: float) -> None:
            while asyncio.get_running_loop().time() < deadline:
                await client.post(f"/v2/models/{session}/infer", json=body)
                await asyncio.sleep(pause)

        await asyncio.gather(*(lane("add-sub", add_sub, 0.005) for _ in range(3)), *(lane("mlp-tiny", mlp, 0.01) for _ in range(2)))


async def _capture(window: MainWindow, out: Path, traffic_s: float, url: str) -> None:
    """Traffic keeps running while the views are grabbed, so the live figures are not idle."""
    await _deploy(url)
    traffic = asyncio.ensure_future(_traffic(url, traffic_s + 2.0 * len(VIEW_NAMES)))
    await asyncio.sleep(traffic_s)
    for name in VIEW_NAMES:
        window.show_view(name)
        if name == "Workers":
            window.workers.select_worker("lab-1")
        if name == "Sessions":
            window.sessions.open_session("lab-1", "mlp-tiny")
        await asyncio.sleep(1.0)
        _save(window, out / f"{name.lower()}.png")
    await _capture_dialogs(window, out, url)
    await traffic


async def _capture_dialogs(window: MainWindow, out: Path, url: str) -> None:
    """The add-worker dialog after a passing connection test, and the config pane refusing bad input."""
    window.show_view("Workers")
    dialog = window.workers.open_add_dialog()
    dialog.name_edit.setText("lab-1-mirror")
    dialog.url_edit.setText(url)
    dialog.test_connection()
    while not dialog.save_button.isEnabled():
        await asyncio.sleep(0.1)
    _save(dialog, out / "add-worker.png")
    dialog.reject()
    window.show_view("Config")
    window.config.form.fields["refresh.heartbeat_s"].setValue(0)
    window.config.form.workers.add_row(["gpu box 3", "gpu-box-3:8003", "", True, None, None, None])
    window.config.save()
    await asyncio.sleep(0.5)
    _save(window, out / "config-invalid.png")
    window.config.reload()


def _save(widget, path: Path) -> None:
    widget.grab().save(str(path))
    print(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--size", default="1440x900")
    parser.add_argument("--traffic-seconds", type=float, default=20.0)
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    app = QApplication(sys.argv[:1])
    apply_theme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory(prefix="mohawk-shots-") as scratch:
        engine = BundledEngine(Path(scratch) / "engine")
        try:
            url = loop.run_until_complete(engine.start())
            store = ConfigStore(Path(scratch) / "console.toml")
            store.path.write_text(CONFIG.format(url=url, closed_port=_closed_port()))
            hub = FleetHub()
            console = Console(store, hub)
            console.load_config()
            tracker = FleetTracker(hub, console.config.alerts)
            window = MainWindow(hub, tracker, console)
            window.resize(width, height)
            window.show()

            async def run() -> None:
                await console.start()
                await _capture(window, args.out, args.traffic_seconds, url)
                await console.shutdown()

            loop.run_until_complete(run())
        finally:
            engine.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

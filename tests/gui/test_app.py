"""The app's first run: no workers configured, so it starts the bundled engine, connects, and stops it on close."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.app import run_console
from mohawk_gui.main_window import MainWindow
from mohawk_gui.services.config_store import ConfigStore
from mohawk_gui.services.console import LOCAL_WORKER, Console
from tests.gui.conftest import FAST_REFRESH, until


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"


def test_a_first_run_starts_the_bundled_engine_shows_it_online_and_stops_it_on_close(qtbot, loop, hub, tmp_path):
    store = ConfigStore(tmp_path / "console.toml")
    store.path.write_text(FAST_REFRESH.replace("enabled = false", f'enabled = true\ndata_dir = "{tmp_path / "data"}"'))
    console = Console(store, hub, initial_backoff_s=0.1)
    console.load_config()
    tracker = FleetTracker(hub, interval_ms=50)
    window = MainWindow(hub, tracker, console)
    qtbot.addWidget(window)
    running = asyncio.ensure_future(run_console(window, console))

    until(qtbot, lambda: window.isVisible())
    until(qtbot, lambda: LOCAL_WORKER in tracker.fleet.workers and tracker.fleet.workers[LOCAL_WORKER].reachable, 60)
    assert window.status.notice.text().startswith("Local engine started at http://127.0.0.1:")
    assert (tmp_path / "data" / "models" / "mlp-tiny.onnx").exists()
    until(qtbot, lambda: "1/1 workers connected" in window.status.workers.text())
    pid = console.bundled.pid

    window.close()
    until(qtbot, running.done, 30)
    assert running.exception() is None
    assert not _alive(pid)
    assert store.load().workers == [], "the bundled engine is not written into the config"


def test_the_console_script_parses_its_arguments():
    script = Path(sys.executable).with_name("mohawk-gui")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "--config" in result.stdout

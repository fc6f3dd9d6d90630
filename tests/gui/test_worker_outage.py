"""A worker killed under the running console: it shows offline with the reason, the UI stays responsive,
and it comes back online by itself after the engine restarts."""

from __future__ import annotations

import asyncio
import time

from PyQt6.QtCore import QTimer

from tests.gui.conftest import answering, resolve, until, worker_block


class StallMeter:
    """Ticks a Qt timer every 10 ms and keeps the longest gap between ticks (an event-loop stall)."""

    def __init__(self) -> None:
        self.longest_s = 0.0
        self._last = time.monotonic()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest_s = max(self.longest_s, now - self._last)
        self._last = now

    def stop(self) -> None:
        self._timer.stop()


def test_a_killed_worker_shows_offline_without_stalling_the_ui_and_comes_back(
    qtbot, console, window, engine_factory, model_repo
):
    engine = engine_factory(model_repo)
    engine.start()
    port = engine.port
    console.store.path.write_text(console.store.path.read_text() + worker_block("lab", engine.url))
    console.load_config()
    resolve(qtbot, console.start())
    workers = window.show_view("Workers")
    until(qtbot, lambda: answering(workers.model.data(workers.model.index(0, 2))))
    until(qtbot, lambda: "1/1 workers connected" in window.status.workers.text())

    meter = StallMeter()
    engine.kill()
    until(qtbot, lambda: "offline: connection refused" in workers.model.data(workers.model.index(0, 2)))
    until(qtbot, lambda: "0/1 workers connected" in window.status.workers.text())
    until(qtbot, lambda: "1 active alert" in window.status.alerts.text())
    assert window.dashboard.workers_tile.level == "critical"

    restarted = asyncio.get_running_loop().run_in_executor(None, lambda: engine.start(port=port))  # off the UI thread
    resolve(qtbot, restarted)
    until(qtbot, lambda: answering(workers.model.data(workers.model.index(0, 2))), timeout=20)
    until(qtbot, lambda: "1/1 workers connected" in window.status.workers.text())
    meter.stop()
    assert meter.longest_s < 0.1, f"the UI stalled for {meter.longest_s * 1000:.0f} ms"

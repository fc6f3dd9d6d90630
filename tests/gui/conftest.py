"""Fixtures for the console's views: the qasync loop on pytest-qt's QApplication, a console on a real engine.

The async pattern, one for every view test: the `loop` fixture installs a qasync loop on
pytest-qt's QApplication and marks it running without ever running it, so views may call
asyncio.ensure_future (as they do in the app) and the work moves whenever Qt processes events.
Tests then wait with Qt, never with asyncio: `resolve(qtbot, coroutine)` to get a result,
`until(qtbot, condition)` for a state (both are qtbot.waitUntil underneath). No test is
`async def`: pytest-asyncio's own loop would not run Qt's events.

Views that only render hub signals are driven by calling FleetHub's `on_*` methods with real
wire objects (tests/gui/wire.py); `live_hub` is a hub with one worker, "local", whose client
talks to the shared real engine (`gui_engine`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
import qasync

from mohawk_engine.client import EngineClient
from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.services.config_store import ConfigStore
from mohawk_gui.services.console import Console
from mohawk_gui.theme import apply_theme
from tests.support.engine_process import EngineProcess

FAST_REFRESH = """\
[refresh]
heartbeat_s = 0.2
sessions_s = 0.3
metrics_hz = 10.0
devices_hz = 5.0
reconnect_max_s = 1.0

[bundled_engine]
enabled = false
"""


@pytest.fixture(scope="session")
def gui_engine(tmp_path_factory: pytest.TempPathFactory, demo_repo: Path):
    """One engine for all view tests (they only read from it, or deploy sessions under their own names)."""
    process = EngineProcess(demo_repo, tmp_path_factory.mktemp("gui-state"))
    process.start()
    yield process
    process.kill()


@pytest.fixture
def loop(qapp):
    """A qasync loop that counts as running for the whole test, as it does in the app, so Qt's event
    processing (qtbot.waitUntil, clicks) drives the asyncio tasks. (QEventLoop.stop() would call
    QApplication.exit(), which leaves later tests' event processing dead; so it is never 'run'.)"""
    apply_theme(qapp)
    event_loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(event_loop)
    asyncio.events._set_running_loop(event_loop)
    yield event_loop
    asyncio.events._set_running_loop(None)
    event_loop.close()
    asyncio.set_event_loop(None)


def resolve(qtbot, awaitable: Awaitable, timeout: float = 30.0):
    """Run a coroutine (or wait for a future) on the qasync loop while Qt processes events."""
    future = asyncio.ensure_future(awaitable)
    qtbot.waitUntil(future.done, timeout=int(timeout * 1000))
    return future.result()


def until(qtbot, condition: Callable[[], object], timeout: float = 10.0) -> None:
    qtbot.waitUntil(lambda: bool(condition()), timeout=int(timeout * 1000))


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "console.toml"
    path.write_text(FAST_REFRESH)
    return path


@pytest.fixture
def hub(qapp) -> FleetHub:
    return FleetHub()


@pytest.fixture
def live_hub(qtbot, loop, hub: FleetHub, gui_engine: EngineProcess) -> FleetHub:
    """The hub with worker "local" on the shared real engine (no connection manager: tests feed the streams)."""
    client = EngineClient(gui_engine.url)
    hub.on_worker_added("local", client)
    yield hub
    resolve(qtbot, client.aclose())


@pytest.fixture
def tracker(hub: FleetHub) -> FleetTracker:
    return FleetTracker(hub, interval_ms=50)


@pytest.fixture
def console(qtbot, loop, config_path: Path, hub: FleetHub):
    console = Console(ConfigStore(config_path), hub, initial_backoff_s=0.1)
    console.load_config()
    yield console
    resolve(qtbot, console.shutdown())


@pytest.fixture
def window(qtbot, console, tracker):
    """The main window on the test's console. It outlives the console's connections, as in the app
    (views listen to the hub until the end), so they close before it goes."""
    from mohawk_gui.main_window import MainWindow

    window = MainWindow(tracker.hub, tracker, console)
    window.resize(1280, 720)
    window.show()
    yield window
    resolve(qtbot, console.shutdown())
    window.close()
    window.deleteLater()


def answering(state_text: str | None) -> bool:
    """A worker's state text that means it answers: online, or degraded (a busy test machine can make
    the engine report itself degraded, e.g. CPU above its health threshold)."""
    return state_text == "online" or (state_text or "").startswith("degraded")


def worker_block(name: str, url: str) -> str:
    return f'\n[[workers]]\nname = "{name}"\nurl = "{url}"\n'

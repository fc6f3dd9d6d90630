"""`mohawk-gui`: the desktop console. asyncio runs on Qt's event loop (qasync)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import signal
import sys
from pathlib import Path

import platformdirs
import qasync
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

from mohawk_gui.adapters.fleet_tracker import FleetTracker
from mohawk_gui.adapters.hub import FleetHub
from mohawk_gui.main_window import MainWindow
from mohawk_gui.services.bundled_engine import APP_NAME
from mohawk_gui.services.config_store import ConfigStore
from mohawk_gui.services.console import Console
from mohawk_gui.theme import apply_theme
from mohawk_gui.views.async_tasks import cancel_all

log = logging.getLogger("mohawk_gui")


def _log_unhandled(kind: type[BaseException], value: BaseException, traceback) -> None:
    """An error in a slot is logged; the console keeps running (PyQt would otherwise abort)."""
    log.error("unhandled error", exc_info=(kind, value, traceback))


def settle_heap() -> None:
    """Move everything built at start-up out of the garbage collector's sight.

    The console creates many short-lived objects (a wire model per frame); each full
    collection would otherwise walk the whole UI too and pause it for tens of milliseconds.
    """
    gc.collect()
    gc.freeze()


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "console.toml"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mohawk-gui", description="Mohawk operations console")
    parser.add_argument("--config", type=Path, default=None, help=f"console config (default {default_config_path()})")
    return parser


async def run_console(window: MainWindow, console: Console) -> None:
    """Show the window at once, connect in the background, and shut down cleanly when it closes."""
    closed = asyncio.Event()
    window.close_requested.connect(closed.set)
    window.show()
    starting = asyncio.ensure_future(console.start())
    await closed.wait()
    starting.cancel()
    await cancel_all()  # views' requests in flight end before their clients close
    await console.shutdown()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    sys.excepthook = _log_unhandled
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Mohawk Console")
    app.setQuitOnLastWindowClosed(False)
    apply_theme(app)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)

    store = ConfigStore(args.config or default_config_path())
    store.ensure_exists()
    hub = FleetHub()
    console = Console(store, hub)
    config = console.load_config()
    apply_theme(app, config.appearance.theme)
    tracker = FleetTracker(hub, config.alerts)
    window = MainWindow(hub, tracker, console)
    window.resize(1440, 900)
    QTimer.singleShot(1000, settle_heap)  # once the window has painted: not on the way to the first paint

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: window.close())
    wake = QTimer()
    wake.start(250)  # lets Python run its signal handlers while Qt waits
    wake.timeout.connect(lambda: None)
    try:
        with loop:
            loop.run_until_complete(run_console(window, console))
    finally:
        console.stop_bundled_engine_now()  # when Qt quit under us (display lost): no engine left behind
    return 0


if __name__ == "__main__":
    sys.exit(main())

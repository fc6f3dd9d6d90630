"""LoadRunner: the load-run service as Qt signals, one run at a time, driven on the qasync loop."""

from __future__ import annotations

import asyncio
import logging

from PyQt6.QtCore import QObject, pyqtSignal

from mohawk_bench.results import ProgressSample
from mohawk_bench.spec import LoadSpec
from mohawk_gui.services.load_runs import LoadRun
from mohawk_gui.services.run_store import RunStore, SavedRun

log = logging.getLogger(__name__)


class LoadRunner(QObject):
    started = pyqtSignal(str, object)  # worker, LoadSpec
    sample = pyqtSignal(object)  # ProgressSample
    finished = pyqtSignal(object)  # SavedRun
    failed = pyqtSignal(str)  # why, in words
    running_changed = pyqtSignal(bool)

    def __init__(self, store: RunStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.run: LoadRun | None = None
        self._task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, worker: str, spec: LoadSpec) -> None:
        """Start a run on the qasync loop; RuntimeError while another one runs."""
        if self.running:
            raise RuntimeError("a load run is already in progress; stop it first")
        self.run = LoadRun(worker, spec, self, self.store)
        self._task = asyncio.ensure_future(self.run.run())
        self._task.add_done_callback(self._done)
        self.started.emit(worker, spec)
        self.running_changed.emit(True)

    def stop(self) -> None:
        if self.run is not None and self.running:
            self.run.stop()

    # LoadRunListener
    def on_sample(self, sample: ProgressSample) -> None:
        self.sample.emit(sample)

    def on_finished(self, run: SavedRun) -> None:
        self.finished.emit(run)

    def on_failed(self, message: str) -> None:
        self.failed.emit(message)

    def _done(self, task: asyncio.Task) -> None:
        if not task.cancelled() and task.exception() is not None:
            log.error("load run failed", exc_info=task.exception())
            self.failed.emit(f"the load run failed unexpectedly: {task.exception()}")
        self.running_changed.emit(False)

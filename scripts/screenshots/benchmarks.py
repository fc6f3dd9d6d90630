"""Benchmarks: two short load runs started from the view, the two compared, a small tuning task run
to completion on the engine, and its Apply dialog."""

from __future__ import annotations

from mohawk_engine.schemas.tuning import TuningStatus
from mohawk_gui.main_window import MainWindow
from mohawk_gui.views.benchmarks.load_tests import LoadTestsPanel
from mohawk_gui.views.tuning import TuningPanel
from screenshots.common import Shots, settle, wait_for

WORKER, SESSION = "lab-1", "mlp-tiny"
RUNS = ((2, 5.0), (8, 5.0))  # concurrency, seconds


async def _load_run(panel: LoadTestsPanel, concurrency: int, seconds: float) -> None:
    saved = panel.runs.model.rowCount()
    panel.form.concurrency_box.setValue(concurrency)
    panel.form.duration_box.setValue(seconds)
    panel.form.warmup_box.setValue(1.0)
    panel.start()
    await wait_for(lambda: panel.runs.model.rowCount() > saved or "failed" in panel.status_label.text(), "a load run")
    if panel.runs.model.rowCount() == saved:
        raise RuntimeError(panel.status_label.text())


async def _load_tests(window: MainWindow, shots: Shots) -> None:
    panel = window.benchmarks.load_tests
    window.benchmarks.tabs.setCurrentWidget(panel)
    await wait_for(lambda: SESSION in panel.form.sessions.get(WORKER, []), "the load form's sessions")
    panel.form.select(WORKER, SESSION)
    for concurrency, seconds in RUNS:
        await _load_run(panel, concurrency, seconds)
    await settle(1.0)
    shots.save(window, "benchmarks-load-test.png")
    panel.runs.select_rows(0, 1)
    panel.runs.compare()
    await settle(1.0)
    shots.save(window, "benchmarks-compare.png")


def _finished(panel: TuningPanel) -> bool:
    return panel.tasks.rowCount() > 0 and all(task.status.finished for task in panel.tasks.tasks())


async def _tuning(window: MainWindow, shots: Shots) -> None:
    panel = window.benchmarks.tuning
    window.benchmarks.tabs.setCurrentWidget(panel)
    form = panel.form
    form.worker_box.setCurrentText(WORKER)
    await wait_for(lambda: SESSION in form.sessions.get(WORKER, []), "the tuning form's sessions")
    form.session_box.setCurrentText(SESSION)
    form.lists["max_batch_size"].setText("1, 16")
    form.concurrency_edit.setText("1, 16")  # low and high load: a front of more than one point
    form.duration_box.setValue(1.0)
    form.warmup_box.setValue(0.3)
    panel.start()
    await wait_for(lambda: panel.tasks.rowCount() > 0, "the tuning task to be queued")
    await wait_for(lambda: _finished(panel), "the tuning task to finish", timeout=180)
    task = panel.tasks.tasks()[0]
    if task.status is not TuningStatus.COMPLETED:
        raise RuntimeError(f"tuning task {task.id} ended {task.status.value}: {task.error}")
    panel.select_task(task.id)
    await settle(1.0)
    shots.save(window, "tuning.png")
    dialog = panel.apply_best()
    await wait_for(lambda: dialog.current is not None, "the apply dialog to read the session")
    await settle(0.5)
    shots.save(dialog, "tuning-apply.png")
    dialog.reject()


async def capture_benchmarks(window: MainWindow, shots: Shots) -> None:
    window.show_view("Benchmarks")
    await _load_tests(window, shots)
    await _tuning(window, shots)

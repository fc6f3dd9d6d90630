"""The Tuning tab on a real engine: a grid draws its experiments and front, cancel, apply live, reconfigure."""

from __future__ import annotations

import csv

import pytest
from PyQt6.QtGui import QImage

from mohawk_engine.schemas import SessionState
from mohawk_engine.schemas.tuning import TuningStatus
from mohawk_gui.models.session_recorder import SessionRecorder
from mohawk_gui.views.session_detail import SessionDetail
from mohawk_gui.views.tuning import ApplyDialog, TuningPanel
from tests.gui.conftest import resolve, until
from tests.support.deploy import deploy
from tests.support.light_load import LightLoad

SESSION = "tune-mlp"


@pytest.fixture
def tuned_session(qtbot, live_hub, gui_engine) -> str:
    """The session the tasks tune (deployed once per engine)."""
    if SESSION not in [info.name for info in resolve(qtbot, live_hub.client("local").list_sessions())]:
        resolve(qtbot, deploy(gui_engine.url, SESSION, "mlp-tiny"))
    return SESSION


def _panel(qtbot, hub) -> TuningPanel:
    panel = TuningPanel(hub, poll_ms=250)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    panel.show()
    hub.on_sessions("local", resolve(qtbot, hub.client("local").list_sessions()))
    return panel


def _fill(panel: TuningPanel, batch_sizes: str, duration_s: float, p99_limit: float = 0.0) -> None:
    form = panel.form
    form.session_box.setCurrentText(SESSION)
    form.lists["max_batch_size"].setText(batch_sizes)
    form.concurrency_edit.setText("2")
    form.duration_box.setValue(duration_s)
    form.warmup_box.setValue(0.1)
    form.p99_box.setValue(p99_limit)


def _selected_status(panel: TuningPanel) -> TuningStatus | None:
    info = panel.selected_task()
    return info.status if info else None


def test_a_grid_draws_experiments_and_front_and_its_best_applies_live(
    qtbot, live_hub, gui_engine, tuned_session, tmp_path
):
    panel = _panel(qtbot, live_hub)
    _fill(panel, "1, 8", 0.5, p99_limit=1000.0)
    assert panel.form.summary_label.text().startswith("2 experiment(s) (2 candidate(s) × 1 load level(s))")
    counts: list[int] = []
    panel.tasks.dataChanged.connect(lambda *_: counts.append(len(panel.chart.measured())))
    panel.start_button.click()
    until(qtbot, lambda: panel.tasks.rowCount() >= 1 and panel.selected_task() is not None, timeout=10)
    until(qtbot, lambda: _selected_status(panel) is TuningStatus.COMPLETED, timeout=45)

    info = panel.selected_task()
    assert info.session == SESSION and info.progress.done == 2 and len(info.experiments) == 2
    assert panel.experiments.rowCount() == 2 and counts == sorted(counts) and counts[-1] == 2
    row = [panel.experiments.index(1, c).data() for c in range(8)]
    assert row[1] == "batch 8" and row[2] == "2" and float(row[3].replace(",", "")) > 0 and row[7].startswith("ok")
    assert len(panel.chart.points.data) == 2 and len(panel.chart.front.xData) == len(info.pareto) >= 1
    assert list(panel.chart.best.data["data"]) == [e for e in info.experiments if e.index == info.best]
    assert panel.chart.p99_limit.isVisible() and panel.chart.p99_limit.value() == 1000.0
    assert "★ best #" in panel.chart.latest_label.text() and "p99 ≤ 1000 ms" in panel.chart.latest_label.text()
    second = info.experiments[1]
    tip = panel.chart.points.opts["tip"](x=second.p99_ms, y=second.throughput, data=second)
    assert tip.startswith("#1: batch 8, concurrency 2\n") and f"p99 {second.p99_ms:.2f} ms" in tip
    panel.chart.export_csv(tmp_path / "tuning.csv")
    exported = list(csv.DictReader((tmp_path / "tuning.csv").open()))
    assert [r["params"] for r in exported] == ["batch 1", "batch 8"]
    assert [r["best"] for r in exported] == [str(e.index == info.best) for e in info.experiments]
    panel.chart.export_png(tmp_path / "tuning.png")
    assert QImage(str(tmp_path / "tuning.png")).width() > 100
    task_row = [panel.tasks.index(panel.tasks.row_of(info.id), c).data() for c in range(6)]
    assert task_row[1:4] == [SESSION, "completed", "2/2"] and task_row[4].startswith(f"#{info.best}: ")
    assert panel.apply_best_button.isEnabled() and panel.apply_best_button.text() == f"Apply best to {SESSION}"
    assert not panel.cancel_button.isEnabled() and panel.delete_button.isEnabled()

    client = live_hub.client("local")
    before = resolve(qtbot, client.get_session(SESSION))
    dialog = panel.apply_best()
    until(qtbot, lambda: dialog.apply_button.isEnabled())
    assert "max batch size" in dialog.diff_label.text()  # the session batches up to 32; the grid tried 1 and 8
    with LightLoad(gui_engine.url, SESSION) as load:
        until(qtbot, lambda: load.ok > 0, timeout=10)
        dialog.apply_button.click()
        until(qtbot, lambda: dialog.result_info is not None or dialog.status_label.property("role") == "error", 60)
        served = load.ok
        until(qtbot, lambda: load.ok > served + 5, timeout=10)
    assert load.failures == [], load.failures[:3]
    after = resolve(qtbot, client.get_session(SESSION))
    assert after.version == before.version + 1 and after.state is SessionState.READY
    assert after.spec.batching == info.best_spec.batching
    assert dialog.status_label.text() == f"Version {after.version} is READY."
    live_hub.on_sessions("local", resolve(qtbot, client.list_sessions()))
    assert dialog.status_label.text() == f"Version {after.version} is READY." and "version" in panel.status_label.text()

    panel.delete_button.click()
    until(qtbot, lambda: panel.tasks.row_of(info.id) < 0)
    assert panel.experiments.rowCount() == 0 and panel.chart.measured() == []


def test_cancel_stops_a_long_task(qtbot, live_hub, gui_engine, tuned_session):
    panel = _panel(qtbot, live_hub)
    _fill(panel, "1, 2, 4", 30.0)
    panel.start_button.click()
    until(qtbot, lambda: _selected_status(panel) is TuningStatus.RUNNING, timeout=20)
    assert panel.cancel_button.isEnabled() and not panel.delete_button.isEnabled()
    assert not panel.apply_best_button.isEnabled()
    panel.cancel_button.click()
    until(qtbot, lambda: _selected_status(panel) is TuningStatus.CANCELLED, timeout=20)
    assert panel.status_label.text() == f"Task {panel.selected_task().id} cancelled."
    assert not panel.cancel_button.isEnabled() and not panel.apply_best_button.isEnabled()
    until(qtbot, lambda: not panel.timer.isActive(), timeout=5)  # nothing runs: polling stops
    panel.delete_button.click()
    until(qtbot, lambda: panel.tasks.rowCount() == 0 or panel.selected_task() is None)


def test_bad_lists_show_what_is_wrong_and_create_nothing(qtbot, live_hub, tuned_session):
    panel = _panel(qtbot, live_hub)
    before = len(resolve(qtbot, live_hub.client("local").tuning_tasks()))
    _fill(panel, "1, eight", 1.0)
    assert panel.form.summary_label.property("role") == "error"
    assert "Max batch sizes: 'eight' is not a whole number" in panel.form.summary_label.text()
    panel.start_button.click()
    assert panel.status_label.property("role") == "error" and "'eight'" in panel.status_label.text()

    panel.form.lists["max_batch_size"].setText("")
    panel.form.lists["providers"].setText("cpu, tpu")
    panel.start_button.click()
    assert panel.status_label.text() == "Providers: 'tpu' is not one of cpu, cuda, tensorrt"
    panel.form.lists["providers"].setText("")
    panel.start_button.click()
    assert "search space is empty" in panel.status_label.text()
    panel.form.lists["replicas_per_device"].setText("1, 99")
    panel.start_button.click()
    assert "Replicas per device: 99 is out of range; expected whole numbers from 1 to 64" in panel.status_label.text()
    assert len(resolve(qtbot, live_hub.client("local").tuning_tasks())) == before


def test_reconfigure_from_the_session_detail_uses_the_same_live_path(qtbot, live_hub, tuned_session):
    recorder = SessionRecorder(live_hub)
    detail = SessionDetail(live_hub, recorder)
    qtbot.addWidget(detail)
    detail.show()
    client = live_hub.client("local")
    live_hub.on_sessions("local", resolve(qtbot, client.list_sessions()))
    detail.show_session(("local", SESSION))
    until(qtbot, detail.reconfigure_button.isEnabled)
    before = resolve(qtbot, client.get_session(SESSION))

    dialog = detail.open_reconfigure()
    assert dialog.form.isVisible() and not dialog.apply_button.isEnabled()  # nothing changed yet
    delay = dialog.edits[("batching", "max_queue_delay_us")]
    delay.setValue(before.spec.batching.max_queue_delay_us + 250)
    assert "queue delay (µs)" in dialog.diff_label.text() and dialog.apply_button.isEnabled()
    dialog.apply_button.click()
    until(qtbot, lambda: dialog.result_info is not None, timeout=60)
    after = resolve(qtbot, client.get_session(SESSION))
    assert after.version == before.version + 1
    assert after.spec.batching.max_queue_delay_us == before.spec.batching.max_queue_delay_us + 250
    assert dialog.status_label.text() == f"Version {after.version} is READY."


def test_the_engines_refusal_is_shown_in_the_dialog(qtbot, live_hub, tuned_session):
    dialog = ApplyDialog(live_hub, "local", SESSION, lambda c: c.model_copy(update={"model": "no-such-model"}),
                         title="Apply")  # fmt: skip
    qtbot.addWidget(dialog)
    until(qtbot, dialog.apply_button.isEnabled)
    assert "no-such-model" in dialog.diff_label.text()
    dialog.apply_button.click()
    until(qtbot, lambda: dialog.status_label.property("role") == "error", timeout=30)
    message = dialog.status_label.text()
    assert message.startswith("The engine did not apply it: ") and "no-such-model" in message
    assert dialog.result_info is None and dialog.apply_button.isEnabled()

    missing = ApplyDialog(live_hub, "local", "no-such-session", lambda c: c, title="Apply")
    qtbot.addWidget(missing)
    until(qtbot, lambda: missing.status_label.property("role") == "error")
    assert "Cannot read session 'no-such-session'" in missing.status_label.text() and not missing.apply_button.isEnabled()

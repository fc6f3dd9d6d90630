"""At 1440x900 the tuning Experiments table fits beside its chart: compact headers (full names in their
tooltips), figures sized to contents, Params and Status elided with the full text in the tooltip."""

from __future__ import annotations

import time

from PyQt6.QtCore import Qt

from mohawk_engine.schemas import BatchingConfig, DeviceMap
from mohawk_engine.schemas.tuning import CandidateParams, Experiment
from mohawk_gui.models.experiments_table import PARAMS_COLUMN, STATUS_COLUMN
from mohawk_gui.views.tuning.panel import TuningPanel

OVERRIDES = {"max_batch_size": 64, "max_queue_delay_us": 2500, "replicas_per_device": 2, "threads_per_replica": 4}


def _experiment(index: int, status: str = "ok", reason: str | None = None) -> Experiment:
    now = time.time()
    return Experiment(
        index=index, candidate=index, overrides=OVERRIDES, concurrency=8, status=status, reason=reason,
        params=CandidateParams(batching=BatchingConfig(), device_map=DeviceMap()), throughput=12345.6, p50_ms=1.23,
        p99_ms=4.56, memory_mb=1234.5, feasible=True, started=now, finished=now,
    )  # fmt: skip


def test_experiments_fit_without_scrolling_sideways_and_tooltips_hold_the_full_text(qtbot, hub):
    panel = TuningPanel(hub)
    qtbot.addWidget(panel)
    reason = "replica ran out of memory while warming up with batch 64 on cuda:0"
    panel.experiments.set_rows([_experiment(0), _experiment(1, "failed", reason)])
    panel.resize(1220, 840)  # the page's share of a 1440x900 window, beside the sidebar
    panel.show()
    qtbot.waitExposed(panel)
    table, model = panel.experiments_table, panel.experiments
    assert table.horizontalScrollBar().maximum() == 0, "no sideways scrolling"
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Conc."
    assert model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "Concurrency"
    params_tip = model.data(model.index(0, PARAMS_COLUMN), Qt.ItemDataRole.ToolTipRole)
    assert params_tip.startswith("batch 64, delay µs 2500, replicas 2, threads 4\n")
    status_tip = model.data(model.index(1, STATUS_COLUMN), Qt.ItemDataRole.ToolTipRole)
    assert status_tip.startswith(f"failed: {reason}\n")

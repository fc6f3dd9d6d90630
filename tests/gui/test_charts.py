"""Charts: bounded ring buffers, throttled redraws, CSV/PNG export, histogram and heatmap."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PyQt6.QtGui import QImage

from mohawk_engine.schemas.telemetry import LatencyHistogram, LatencySummary
from mohawk_gui.models.distributions import batch_bars, latency_bands, latency_bars
from mohawk_gui.models.series_ring import SeriesRing
from mohawk_gui.widgets.charts import REDRAW_MS, LiveChart
from mohawk_gui.widgets.heatmap import HeatmapChart
from mohawk_gui.widgets.histogram import HistogramChart


def test_ring_keeps_the_last_capacity_rows_in_order_with_gaps_as_nan():
    ring = SeriesRing(["a", "b"], capacity=4)
    for step in range(6):
        ring.append(float(step), {"a": step * 10.0} if step % 2 else {"a": step * 10.0, "b": 1.0})
    assert list(ring.times()) == [2.0, 3.0, 4.0, 5.0]
    assert list(ring.values("a")) == [20.0, 30.0, 40.0, 50.0]
    assert np.isnan(ring.values("b")[1]) and ring.values("b")[2] == 1.0
    assert ring.latest()["a"] == 50.0


def test_live_chart_memory_is_bounded_and_csv_holds_every_series(qtbot, tmp_path):
    chart = LiveChart("Throughput", "per s", ["requests", "items"], capacity=50)
    qtbot.addWidget(chart)
    for step in range(500):
        chart.append(1000.0 + step, {"requests": float(step), "items": 2.0 * step})
    assert len(chart) == 50
    chart.export_csv(tmp_path / "t.csv")
    rows = list(csv.DictReader((tmp_path / "t.csv").open()))
    assert len(rows) == 50
    assert rows[0]["timestamp"] == "1450.000" and float(rows[-1]["items"]) == 998.0


def test_live_chart_redraws_at_most_every_tick_however_fast_data_comes(qtbot):
    chart = LiveChart("Latency", "ms", ["p50", "p99"], capacity=100)
    qtbot.addWidget(chart)
    chart.show()
    qtbot.waitExposed(chart)
    for step in range(200):
        chart.append(float(step), {"p50": 1.0, "p99": 3.25})
    assert chart.redraws == 0
    qtbot.waitUntil(lambda: chart.redraws == 1, timeout=REDRAW_MS * 10)
    x, y = chart.curves["p99"].getData()
    assert len(x) == 100 and y[-1] == 3.25
    assert "p99 <b>3.25</b>" in chart.latest_label.text() and "p50 <b>1</b>" in chart.latest_label.text()


def test_live_chart_png_export_and_ring_swap(qtbot, tmp_path):
    chart = LiveChart("Queue", "requests", ["queued"], capacity=10)
    qtbot.addWidget(chart)
    chart.resize(400, 220)
    chart.append(1.0, {"queued": 4.0})
    chart.export_png(tmp_path / "q.png")
    assert QImage(str(tmp_path / "q.png")).width() == 400
    other = SeriesRing(["queued"], 10)
    other.append(2.0, {"queued": 9.0})
    chart.set_ring(other)
    assert chart.data("queued")[1][-1] == 9.0
    with pytest.raises(ValueError):
        chart.set_ring(SeriesRing(["other"], 10))


def test_latency_bands_keep_each_share_of_requests():
    summary = LatencySummary(count=1000, p50_ms=2.0, p90_ms=4.0, p95_ms=4.0, p99_ms=8.0, max_ms=20.0)
    lefts, rights, heights = latency_bands(summary)
    assert lefts == [0.0, 2.0, 4.0, 8.0] and rights == [2.0, 4.0, 8.0, 20.0]
    areas = [h * (r - l) for l, r, h in zip(lefts, rights, heights)]
    assert areas == pytest.approx([50, 40, 9, 1])
    assert latency_bands(LatencySummary()) == ([], [], [])
    assert batch_bars({4: 3, 1: 7}) == ([0.6, 3.6], [1.4, 4.4], [7.0, 3.0])


def test_latency_bars_follow_the_engines_bins():
    histogram = LatencyHistogram(edges_ms=[1.0, 2.0, 4.0, 8.0], counts=[30, 60, 10])
    lefts, rights, heights = latency_bars(histogram)
    assert lefts == [1.0, 2.0, 4.0] and rights == [2.0, 4.0, 8.0]
    areas = [h * (r - l) for l, r, h in zip(lefts, rights, heights)]
    assert areas == pytest.approx([30, 60, 10]), "each bar's area is its percent of requests"
    assert latency_bars(LatencyHistogram()) == ([], [], [])


def test_histogram_draws_bars_and_markers_and_exports_them(qtbot, tmp_path):
    chart = HistogramChart("Latency distribution", "ms", "requests / ms")
    qtbot.addWidget(chart)
    chart.show()
    chart.set_bars([0.0, 2.0], [2.0, 5.0], [250.0, 30.0])
    chart.set_markers({"p50": 2.0, "p99": 5.0})
    assert [line.value() for line in chart._lines] == [2.0, 5.0]
    assert list(chart.bars.opts["height"]) == [250.0, 30.0]
    chart.export_csv(tmp_path / "h.csv")
    assert (tmp_path / "h.csv").read_text().splitlines() == ["from,to,value", "0.0,2.0,250.0", "2.0,5.0,30.0"]
    with pytest.raises(ValueError):
        chart.set_bars([0.0], [1.0, 2.0], [1.0])


def test_heatmap_rows_follow_the_replicas_and_export(qtbot, tmp_path):
    chart = HeatmapChart("Replica utilization", capacity=20)
    qtbot.addWidget(chart)
    chart.show()
    for step in range(30):
        chart.append(100.0 + step, {"replica 0 · cpu": 10.0, "replica 1 · cpu": 90.0})
    chart.redraw()
    assert chart.matrix().shape == (2, 20)
    assert chart.image.image.shape == (2, 20)
    assert "mean now <b>50</b>" in chart.latest_label.text()
    chart.export_csv(tmp_path / "u.csv")
    rows = list(csv.reader((tmp_path / "u.csv").open()))
    assert rows[0] == ["timestamp", "replica 0 · cpu", "replica 1 · cpu"] and len(rows) == 21
    chart.append(200.0, {"stage 0 · cpu": 50.0})
    assert chart.rows == ["stage 0 · cpu"] and chart.matrix().shape == (1, 1)


def test_charts_made_together_redraw_on_different_ticks():
    from mohawk_gui.widgets.charts import STAGGER_MS, STAGGER_STEPS, staggered_redraw_ms

    delays = [staggered_redraw_ms() for _ in range(STAGGER_STEPS)]
    assert len(set(delays)) == STAGGER_STEPS, "six charts fed by one sample paint in six passes, not one"
    assert min(delays) >= REDRAW_MS and max(delays) <= REDRAW_MS + STAGGER_MS * (STAGGER_STEPS - 1)

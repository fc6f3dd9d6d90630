"""Device cards (Workers) and the utilization strip (Dashboard) render the devices the hub reports."""

from __future__ import annotations

import time

import pytest

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas.telemetry import DevicesSnapshot, GpuProcess, GpuStatus
from mohawk_gui.theme import BAD
from mohawk_gui.views.dashboard_view import DashboardView
from mohawk_gui.views.workers_view import WorkersView
from tests.gui.conftest import resolve, until

GIB = 1024**3


def _gpu(index: int, utilization: float, used_gib: float) -> GpuStatus:
    return GpuStatus(
        index=index, uuid=f"GPU-{index}", name="NVIDIA H100 80GB HBM3", utilization_pct=utilization,
        memory_used_bytes=int(used_gib * GIB), memory_total_bytes=80 * GIB, temperature_c=61, power_w=310,
        processes=[GpuProcess(pid=4242, used_bytes=int(used_gib * GIB))],
    )  # fmt: skip


def _devices() -> DevicesSnapshot:
    return DevicesSnapshot(
        timestamp=time.time(), worker_id="w", cpu_percent=37.0, cpu_per_core=[30.0, 44.0], memory_used_bytes=20 * GIB,
        memory_total_bytes=128 * GIB, process_rss_bytes=2 * GIB, gpus=[_gpu(0, 71, 40), _gpu(1, 99, 77)],
    )  # fmt: skip


@pytest.fixture
def gpu_worker(qtbot, loop, hub):
    client = EngineClient("http://gpu-a:8003")
    hub.on_worker_added("gpu-a", client)
    hub.on_state("gpu-a", "online", None)
    hub.on_devices("gpu-a", _devices())
    yield "gpu-a"
    resolve(qtbot, client.aclose())


def test_device_cards_show_the_cpu_and_each_gpu_live(qtbot, console, tracker, gpu_worker):
    view = WorkersView(tracker, console)
    qtbot.addWidget(view)
    until(qtbot, lambda: set(view.device_cards.cards) == {"CPU", "GPU 0", "GPU 1"})
    cards = view.device_cards.cards
    assert cards["GPU 1"].title.text() == "GPU 1 · NVIDIA H100 80GB HBM3"
    assert cards["GPU 1"].utilization_text.text() == "99%"
    assert cards["GPU 1"].memory_text.text() == "77.0 GiB / 80.0 GiB"
    assert cards["GPU 1"].memory.color() == BAD
    assert cards["GPU 0"].detail.text() == "61 °C · 310 W · 1 process"
    assert cards["CPU"].memory_text.text() == "20.0 GiB / 128.0 GiB"
    assert cards["CPU"].detail.text().startswith("2 cores, busiest 44%")
    assert view.model.data(view.model.index(0, 5)) == "CPU + 2 GPU"

    tracker.hub.on_devices("gpu-a", _devices().model_copy(update={"gpus": [_gpu(0, 5, 1), _gpu(1, 10, 2)]}))
    until(qtbot, lambda: cards["GPU 1"].utilization_text.text() == "10%")

    tracker.hub.on_state("gpu-a", "offline", "timed out")
    until(qtbot, lambda: not view.device_cards.cards)
    assert "gpu-a is offline" in view.device_cards.message.text()


def test_the_dashboard_strip_and_alerts_follow_the_gpus(qtbot, hub, tracker, gpu_worker):
    view = DashboardView(hub, tracker)
    qtbot.addWidget(view)
    until(qtbot, lambda: set(view.strip.meters) == {("gpu-a", "GPU 0"), ("gpu-a", "GPU 1")})
    assert view.strip.meters[("gpu-a", "GPU 1")].text.text() == "99% · 77.0 GiB / 80.0 GiB"
    assert view.devices_tile.value.text() == "3"
    assert "busiest GPU 99%" in view.devices_tile.detail.text()
    until(qtbot, lambda: view.alerts_tile.value.text() == "1")
    assert "GPU 1: memory 96% > 90%" in view.alerts_tile.detail.text()
    assert view.alerts_tile.level == "warning"

"""GPU telemetry from NVML's answers, its Prometheus lines, and the no-driver state.

No GPU here: NVML is replaced by a stand-in that answers like nvidia-ml-py does.
"""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace

from prometheus_client.parser import text_string_to_metric_families

from mohawk_engine.telemetry.devices import DeviceSampler
from mohawk_engine.telemetry.prometheus import exposition

GIB = 2**30
# perf_analyzer's --collect-metrics parser (triton_client_backend.cc), per metric and GPU.
PERF_ANALYZER = r"\n{name}\{{gpu_uuid=\"([^\"]+)\"\}} (\d+\.?\d*)"


class FakeNvml:
    NVML_TEMPERATURE_GPU = 0

    def __init__(self, broken: set[int] = frozenset()) -> None:
        self.broken = set(broken)

    def nvmlDeviceGetCount(self) -> int:
        return 2

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        if index in self.broken:
            raise RuntimeError("GPU is lost")
        return index

    def nvmlDeviceGetMemoryInfo(self, handle: int):
        return SimpleNamespace(used=(handle + 1) * 3 * GIB, total=80 * GIB, free=0)

    def nvmlDeviceGetName(self, handle: int) -> bytes:
        return b"NVIDIA H100 80GB HBM3"

    def nvmlDeviceGetUUID(self, handle: int) -> str:
        return f"GPU-0000000{handle}-aaaa-bbbb-cccc-dddddddddddd"

    def nvmlDeviceGetUtilizationRates(self, handle: int):
        return SimpleNamespace(gpu=41 + handle)

    def nvmlDeviceGetTemperature(self, handle: int, sensor: int) -> int:
        if handle == 1:
            raise RuntimeError("Not Supported")
        return 38

    def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
        return 81_619  # milliwatts

    def nvmlDeviceGetComputeRunningProcesses(self, handle: int):
        return [SimpleNamespace(pid=4242, usedGpuMemory=GIB), SimpleNamespace(pid=7, usedGpuMemory=None)]


def sampler(nvml, reason: str | None = None) -> DeviceSampler:
    return DeviceSampler("w", SimpleNamespace(nvml=lambda: nvml, gpu_unavailable_reason=reason))


def test_gpu_figures_and_a_figure_a_gpu_does_not_report():
    snapshot = sampler(FakeNvml()).sample()
    first, second = snapshot.gpus
    assert snapshot.gpu_state is None
    assert first.uuid.startswith("GPU-00000000") and first.name == "NVIDIA H100 80GB HBM3"
    assert (first.utilization_pct, first.memory_used_bytes, first.memory_total_bytes) == (41.0, 3 * GIB, 80 * GIB)
    assert first.temperature_c == 38 and first.power_w == 81.619
    assert [(p.pid, p.used_bytes) for p in first.processes] == [(4242, GIB), (7, 0)]
    assert second.temperature_c is None and second.utilization_pct == 42
    assert snapshot.cpu_per_core and snapshot.memory_total_bytes > snapshot.memory_used_bytes > 0
    assert snapshot.process_rss_bytes > 0


def test_without_a_driver_the_state_says_so_on_every_snapshot():
    devices = sampler(None, "no NVIDIA driver found (NVML Shared Library Not Found)")
    for _ in range(2):
        snapshot = devices.sample()
        assert snapshot.gpus == [] and snapshot.gpu_state.startswith("no NVIDIA driver")


def test_a_gpu_that_stops_answering_is_reported_once(caplog):
    nvml = FakeNvml(broken={1})
    devices = sampler(nvml)
    with caplog.at_level(logging.INFO, logger="mohawk.devices"):
        states = [devices.sample().gpu_state for _ in range(3)]
        nvml.broken.clear()
        recovered = devices.sample()
    assert states == ["GPU 1 does not answer: GPU is lost"] * 3
    assert len(recovered.gpus) == 2 and recovered.gpu_state is None
    assert [r.levelname for r in caplog.records] == ["WARNING", "INFO"], "one warning, one recovery, no repeats"


def test_gpu_lines_read_by_perf_analyzer_and_by_prometheus():
    snapshot = sampler(FakeNvml()).sample()
    text = exposition(lambda: [], lambda: snapshot).decode()
    uuid = snapshot.gpus[0].uuid
    expected = {
        "nv_gpu_utilization": "0.41",
        "nv_gpu_memory_used_bytes": str(3 * GIB),
        "nv_gpu_memory_total_bytes": str(80 * GIB),
        "nv_gpu_power_usage": "81.619",
    }
    for name, value in expected.items():
        found = dict(re.findall(PERF_ANALYZER.format(name=name), text))
        assert found[uuid] == value, name
        assert len(found) == 2
    families = {f.name: f for f in text_string_to_metric_families(text)}
    assert families["nv_gpu_memory_total_bytes"].samples[0].labels == {"gpu_uuid": uuid}

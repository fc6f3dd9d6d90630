"""Device telemetry: the host through psutil, NVIDIA GPUs through NVML (nvidia-ml-py).

NVML comes from the engine's device inventory, which initialises it once. Without an
NVIDIA driver every snapshot says so in `gpu_state` and NVML is never retried; a GPU
that stops answering is reported the same way, and logged once, not on every sample.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any, Protocol

import psutil

from mohawk_engine.schemas.telemetry import DevicesSnapshot, GpuProcess, GpuStatus

log = logging.getLogger("mohawk.devices")


class NvmlSource(Protocol):
    """The device inventory: the initialised pynvml module, or None with the reason kept."""

    gpu_unavailable_reason: str | None

    def nvml(self) -> Any: ...


class DeviceSampler:
    def __init__(self, worker_id: str, source: NvmlSource) -> None:
        self._worker_id = worker_id
        self._source = source
        self._process = psutil.Process(os.getpid())
        self._failure: str | None = None
        psutil.cpu_percent(percpu=True)  # the first call only starts the measurement

    def sample(self) -> DevicesSnapshot:
        per_core = psutil.cpu_percent(percpu=True)
        memory = psutil.virtual_memory()
        gpus, gpu_state = self._gpus()
        return DevicesSnapshot(
            timestamp=time.time(),
            worker_id=self._worker_id,
            cpu_percent=sum(per_core) / len(per_core) if per_core else 0.0,
            cpu_per_core=per_core,
            memory_used_bytes=memory.total - memory.available,
            memory_total_bytes=memory.total,
            process_rss_bytes=self._process.memory_info().rss,
            gpus=gpus,
            gpu_state=gpu_state,
        )

    def _gpus(self) -> tuple[list[GpuStatus], str | None]:
        nvml = self._source.nvml()
        if nvml is None:
            return [], self._source.gpu_unavailable_reason or "no NVIDIA driver"
        gpus, problems = [], []
        try:
            count = nvml.nvmlDeviceGetCount()
        except Exception as exc:
            count, problems = 0, [f"NVML cannot count GPUs: {exc}"]
        for index in range(count):
            try:
                gpus.append(gpu_status(nvml, index))
            except Exception as exc:
                problems.append(f"GPU {index} does not answer: {exc}")
        failure = "; ".join(problems) or None
        if failure != self._failure:
            self._failure = failure
            if failure:
                log.warning("GPU telemetry: %s", failure)
            else:
                log.info("GPU telemetry: every GPU answers again")
        return gpus, failure


def gpu_status(nvml: Any, index: int) -> GpuStatus:
    """One GPU's figures; the ones a GPU does not report (temperature, power, processes) are left out."""
    handle = nvml.nvmlDeviceGetHandleByIndex(index)
    memory = nvml.nvmlDeviceGetMemoryInfo(handle)
    return GpuStatus(
        index=index,
        uuid=_text(nvml.nvmlDeviceGetUUID(handle)),
        name=_text(nvml.nvmlDeviceGetName(handle)),
        utilization_pct=float(nvml.nvmlDeviceGetUtilizationRates(handle).gpu),
        memory_used_bytes=int(memory.used),
        memory_total_bytes=int(memory.total),
        temperature_c=_optional(lambda: float(nvml.nvmlDeviceGetTemperature(handle, nvml.NVML_TEMPERATURE_GPU))),
        power_w=_optional(lambda: nvml.nvmlDeviceGetPowerUsage(handle) / 1000.0),
        processes=_optional(
            lambda: [
                GpuProcess(pid=p.pid, used_bytes=int(p.usedGpuMemory or 0))
                for p in nvml.nvmlDeviceGetComputeRunningProcesses(handle)
            ]
        )
        or [],
    )


def _text(value: str | bytes) -> str:
    return value if isinstance(value, str) else value.decode()


def _optional(read: Callable[[], Any]) -> Any:
    """Some GPUs do not report every figure; a missing one is None, not an error."""
    try:
        return read()
    except Exception:
        return None

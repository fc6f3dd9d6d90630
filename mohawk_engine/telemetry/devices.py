"""Device telemetry: the host through psutil, NVIDIA GPUs through NVML (nvidia-ml-py).

Without an NVIDIA driver the sampler says so once, as a state on every snapshot
(`gpu_state`), and logs it once; it never retries NVML on every sample.
"""

from __future__ import annotations

import logging
import os
import time

import psutil

from mohawk_engine.schemas.telemetry import DevicesSnapshot, GpuProcess, GpuStatus

log = logging.getLogger("mohawk.devices")


class DeviceSampler:
    def __init__(self, worker_id: str) -> None:
        self._worker_id = worker_id
        self._process = psutil.Process(os.getpid())
        self._nvml = None
        self.gpu_state: str | None = None
        self._start_nvml()
        psutil.cpu_percent(percpu=True)

    def _start_nvml(self) -> None:
        try:
            import pynvml

            pynvml.nvmlInit()
        except Exception as exc:
            self.gpu_state = f"no NVIDIA driver ({exc})"
            log.info("GPU telemetry off: %s", self.gpu_state)
            return
        self._nvml = pynvml

    def sample(self) -> DevicesSnapshot:
        per_core = psutil.cpu_percent(percpu=True)
        memory = psutil.virtual_memory()
        return DevicesSnapshot(
            timestamp=time.time(),
            worker_id=self._worker_id,
            cpu_percent=sum(per_core) / len(per_core) if per_core else 0.0,
            cpu_per_core=per_core,
            memory_used_bytes=memory.total - memory.available,
            memory_total_bytes=memory.total,
            process_rss_bytes=self._process.memory_info().rss,
            gpus=self._gpus(),
            gpu_state=self.gpu_state,
        )

    def _gpus(self) -> list[GpuStatus]:
        nvml = self._nvml
        if nvml is None:
            return []
        try:
            return [self._gpu(nvml, index) for index in range(nvml.nvmlDeviceGetCount())]
        except Exception as exc:
            log.warning("NVML sample failed: %s", exc)
            return []

    @staticmethod
    def _gpu(nvml, index: int) -> GpuStatus:
        handle = nvml.nvmlDeviceGetHandleByIndex(index)
        memory = nvml.nvmlDeviceGetMemoryInfo(handle)
        name = nvml.nvmlDeviceGetName(handle)
        uuid = nvml.nvmlDeviceGetUUID(handle)
        return GpuStatus(
            index=index,
            uuid=uuid if isinstance(uuid, str) else uuid.decode(),
            name=name if isinstance(name, str) else name.decode(),
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


def _optional(read):
    """Some GPUs do not report every figure; a missing one is None, not an error."""
    try:
        return read()
    except Exception:
        return None

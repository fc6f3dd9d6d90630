"""The devices this machine offers and how much memory each has free.

The CPU's memory is the host's available memory. GPUs come from NVML (nvidia-ml-py); on a
machine without an NVIDIA driver there are none, which is said once in the log.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import psutil

log = logging.getLogger("mohawk.devices")


@dataclass(frozen=True)
class DeviceMemory:
    name: str
    total_bytes: int
    free_bytes: int
    label: str


class DeviceInventory:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._nvml_ready: bool | None = None
        self.gpu_unavailable_reason: str | None = None

    def nvml(self):
        """The pynvml module once initialised, or None (with the reason kept) when there is no driver."""
        with self._lock:
            if self._nvml_ready is None:
                try:
                    import pynvml

                    pynvml.nvmlInit()
                    self._nvml_ready = True
                except Exception as exc:
                    self._nvml_ready = False
                    self.gpu_unavailable_reason = f"no NVIDIA driver found ({exc})"
                    log.info("GPU telemetry off: %s", self.gpu_unavailable_reason)
            if not self._nvml_ready:
                return None
            import pynvml

            return pynvml

    def gpu_count(self) -> int:
        nvml = self.nvml()
        return nvml.nvmlDeviceGetCount() if nvml else 0

    def memory(self, device: str) -> DeviceMemory | None:
        """Memory of `device` ("cpu" or "cuda:N"), or None when this machine has no such device."""
        if device == "cpu":
            vm = psutil.virtual_memory()
            return DeviceMemory("cpu", vm.total, vm.available, f"CPU ({psutil.cpu_count()} cores)")
        index = int(device.split(":", 1)[1])
        nvml = self.nvml()
        if nvml is None or index >= nvml.nvmlDeviceGetCount():
            return None
        handle = nvml.nvmlDeviceGetHandleByIndex(index)
        info = nvml.nvmlDeviceGetMemoryInfo(handle)
        name = nvml.nvmlDeviceGetName(handle)
        return DeviceMemory(device, int(info.total), int(info.free), name if isinstance(name, str) else name.decode())

    def missing_reason(self, device: str) -> str:
        if self.gpu_unavailable_reason:
            return f"CUDA requested but unavailable: {device}: {self.gpu_unavailable_reason}"
        return f"CUDA requested but unavailable: {device} does not exist; this machine has {self.gpu_count()} GPU(s)"

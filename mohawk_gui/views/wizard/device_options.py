"""The devices a session may use on a worker, with free memory, from its devices snapshot."""

from __future__ import annotations

from dataclasses import dataclass

from mohawk_engine.schemas.telemetry import DevicesSnapshot

GIB = 1024**3


@dataclass(frozen=True)
class DeviceOption:
    name: str  # as a device map names it: "cpu", "cuda:0"
    description: str
    free_bytes: int | None = None
    reported: bool = True  # False: named by the initial spec, but absent from the worker's snapshot

    def label(self) -> str:
        return f"{self.name} — {self.description}"


def _gib(count: int) -> str:
    return f"{count / GIB:.1f} GiB"


def device_options(snapshot: DevicesSnapshot | None, wanted: list[str] = ()) -> list[DeviceOption]:
    """CPU first, then GPUs by index; devices in `wanted` that the worker did not report are kept, marked."""
    options: list[DeviceOption] = []
    if snapshot is None:
        options.append(DeviceOption("cpu", "host memory (figures not reported yet)"))
    else:
        free = snapshot.memory_total_bytes - snapshot.memory_used_bytes
        cores = len(snapshot.cpu_per_core)
        options.append(
            DeviceOption("cpu", f"{_gib(free)} free of {_gib(snapshot.memory_total_bytes)} · {cores} cores", free)
        )
        for gpu in sorted(snapshot.gpus, key=lambda g: g.index):
            gpu_free = gpu.memory_total_bytes - gpu.memory_used_bytes
            options.append(
                DeviceOption(
                    f"cuda:{gpu.index}",
                    f"{gpu.name} · {_gib(gpu_free)} free of {_gib(gpu.memory_total_bytes)} · {gpu.utilization_pct:.0f}% busy",
                    gpu_free,
                )
            )
    known = {option.name for option in options}
    for name in wanted:
        if name not in known:
            options.append(DeviceOption(name, "not reported by this worker", None, reported=False))
            known.add(name)
    return options

"""Short human-readable figures for tables and cards."""

from __future__ import annotations

from mohawk_gui.services.fleet_state import WorkerStatus

DASH = "—"


def bytes_text(count: int | None) -> str:
    if count is None:
        return DASH
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return DASH


def rate_text(per_s: float | None, unit: str = "req/s") -> str:
    if per_s is None:
        return DASH
    return f"{per_s:,.0f} {unit}" if per_s >= 100 else f"{per_s:.1f} {unit}"


def ms_text(ms: float | None) -> str:
    if ms is None:
        return DASH
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms"


def devices_text(worker: WorkerStatus) -> str:
    if worker.devices is None:
        return DASH
    return f"CPU + {worker.gpu_count} GPU" if worker.gpu_count else "CPU"


def sessions_text(worker: WorkerStatus) -> str:
    if not worker.sessions:
        return "0" if worker.reachable else DASH
    return f"{worker.ready_sessions()} ready / {len(worker.sessions)}"


def load_text(worker: WorkerStatus) -> str:
    parts = []
    if worker.metrics is not None:
        parts.append(rate_text(worker.metrics.requests_per_s))
    if worker.devices is not None:
        parts.append(f"CPU {worker.devices.cpu_percent:.0f}%")
        if worker.devices.gpus:
            mean = sum(gpu.utilization_pct for gpu in worker.devices.gpus) / len(worker.devices.gpus)
            parts.append(f"GPU {mean:.0f}%")
    return " · ".join(parts) or DASH

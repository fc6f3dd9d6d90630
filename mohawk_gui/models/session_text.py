"""Short texts that describe a session: placement, batching, latency window."""

from __future__ import annotations

from mohawk_engine.schemas import SessionInfo
from mohawk_engine.schemas.telemetry import LatencySummary, SessionMetrics

LATENCY_WINDOW = "10s"


def bytes_text(count: int | None) -> str:
    """'7.6 MiB', '22.6 GiB'; '—' when unknown."""
    if count is None:
        return "—"
    value = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def placement_text(info: SessionInfo) -> str:
    """The strategy that runs (the plan's, for 'auto') and where: 'replicate ×2 on cpu'."""
    device_map = info.spec.device_map
    strategy = info.plan.strategy if info.plan else device_map.strategy
    devices = ", ".join(device_map.devices)
    if strategy == "replicate" and device_map.replicas_per_device > 1:
        return f"replicate ×{device_map.replicas_per_device} on {devices}"
    return f"{strategy} on {devices}"


def batching_text(info: SessionInfo) -> str:
    batching = info.spec.batching
    if not batching.enabled:
        return "off (one request per run)"
    return (
        f"up to {batching.max_batch_size}, wait {batching.max_queue_delay_us} µs, "
        f"queue {batching.max_queue_size}, timeout {batching.timeout_ms} ms"
    )


def latency_of(metrics: SessionMetrics, window: str = LATENCY_WINDOW) -> LatencySummary | None:
    """The window's latency summary, the 1 s one when the window is missing."""
    return metrics.latency.get(window) or metrics.latency.get("1s")

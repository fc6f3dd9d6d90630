"""Real wire objects (pydantic) with realistic figures, to drive FleetHub's signals in view tests."""

from __future__ import annotations

import time

from mohawk_engine.schemas import DeviceMap, DevicePlacement, PlacementPlan, SessionInfo, SessionSpec, SessionState
from mohawk_engine.schemas.models import TensorSpec
from mohawk_engine.schemas.telemetry import (
    DevicesSnapshot,
    LatencySummary,
    LogRecord,
    MetricsSnapshot,
    SessionEvent,
    SessionMetrics,
)


def session_info(
    name: str, model: str = "mlp-tiny", state: SessionState = SessionState.READY, replicas: int = 2,
    reason: str | None = None, devices: tuple[str, ...] = ("cpu",),
) -> SessionInfo:  # fmt: skip
    spec = SessionSpec(name=name, model=model, device_map=DeviceMap(devices=list(devices), replicas_per_device=replicas))
    placements = [
        DevicePlacement(device=device, role="replica", index=i, parameter_bytes=6_340_648, estimated_bytes=7_925_810)
        for device in devices
        for i in range(replicas)
    ]
    now = time.time()
    return SessionInfo(
        spec=spec, state=state, reason=reason, format="onnx",
        inputs=[TensorSpec(name="input", datatype="FP32", shape=[-1, 512])],
        outputs=[TensorSpec(name="output", datatype="FP32", shape=[-1, 10])],
        plan=PlacementPlan(
            strategy="replicate", requested_strategy="replicate", placements=placements,
            estimated_bytes=7_925_810 * len(placements), fits=True,
        ),
        created_at=now - 120, updated_at=now - 60,
    )  # fmt: skip


def session_metrics(name: str, rate: float = 120.0, p50: float = 2.0, replicas: int = 2, queue: int = 3) -> SessionMetrics:
    window = LatencySummary(count=int(rate * 10), p50_ms=p50, p90_ms=p50 * 1.8, p95_ms=p50 * 2.2, p99_ms=p50 * 3.5, max_ms=p50 * 6)
    return SessionMetrics(
        session=name, state="READY", requests_per_s=rate, items_per_s=rate * 4, success_total=int(rate * 60),
        latency={"1s": window, "10s": window, "60s": window.model_copy(update={"count": int(rate * 60)})},
        batch_sizes={1: 40, 2: 25, 4: 60, 8: 12}, mean_batch_size=3.4, queue_depth=queue, in_flight=2,
        replica_busy=[0.35 + 0.1 * i for i in range(replicas)],
    )  # fmt: skip


def metrics_snapshot(*sessions: SessionMetrics, worker_id: str = "w1") -> MetricsSnapshot:
    return MetricsSnapshot(
        timestamp=time.time(), worker_id=worker_id, sessions=list(sessions),
        requests_per_s=sum(s.requests_per_s for s in sessions), items_per_s=sum(s.items_per_s for s in sessions),
    )  # fmt: skip


def devices_snapshot(worker_id: str = "w1") -> DevicesSnapshot:
    return DevicesSnapshot(
        timestamp=time.time(), worker_id=worker_id, cpu_percent=23.0, cpu_per_core=[20.0] * 16,
        memory_used_bytes=12 * 1024**3, memory_total_bytes=64 * 1024**3, process_rss_bytes=900 * 1024**2,
    )  # fmt: skip


def log_record(message: str, level: str = "INFO", source: str = "engine", session: str | None = None) -> LogRecord:
    return LogRecord(
        timestamp=time.time(), level=level, source=source, logger="mohawk_engine.sessions", message=message, session=session
    )


def session_event(event_id: int, session: str, kind: str, detail: str | None = None) -> SessionEvent:
    return SessionEvent(id=event_id, timestamp=time.time(), session=session, kind=kind, detail=detail)

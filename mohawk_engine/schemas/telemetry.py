"""The wire contract of the engine's observability: metrics, devices, health, events, logs, stream.

REST snapshots (`/v1/metrics`, `/v1/devices`, `/v1/health`, `/v1/sessions/{name}/events`,
`/v1/logs`) return these models; the `/v1/stream` WebSocket carries them inside a
`StreamMessage` envelope.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Topic = Literal["metrics", "devices", "health", "events", "logs"]
TOPICS: tuple[str, ...] = ("metrics", "devices", "health", "events", "logs")
Window = Literal["1s", "10s", "60s"]
HealthStatus = Literal["healthy", "degraded", "critical"]
CheckStatus = Literal["ok", "warning", "critical"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class LatencySummary(BaseModel):
    """Request latency over one sliding window, from an HDR histogram (milliseconds)."""

    count: int = 0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0


class LatencyHistogram(BaseModel):
    """Request latency distribution over the last 60 s: counts between log-spaced edges (milliseconds)."""

    edges_ms: list[float] = Field(default_factory=list, description="Bin edges, one more than counts")
    counts: list[int] = Field(default_factory=list)


class LatencyBreakdown(BaseModel):
    """Mean time per request spent in each stage over the last 10 s (milliseconds)."""

    queue_ms: float = 0.0
    assembly_ms: float = 0.0
    compute_ms: float = 0.0
    codec_ms: float = 0.0


class SessionMetrics(BaseModel):
    session: str
    state: str
    requests_per_s: float = 0.0
    items_per_s: float = 0.0
    success_total: int = 0
    failures_total: dict[str, int] = Field(
        default_factory=dict, description="By reason: rejected, timeout, bad_input, runtime_error"
    )
    latency: dict[Window, LatencySummary] = Field(default_factory=dict)
    latency_histogram: LatencyHistogram = Field(default_factory=LatencyHistogram)
    breakdown: LatencyBreakdown = Field(default_factory=LatencyBreakdown)
    batch_sizes: dict[int, int] = Field(default_factory=dict, description="Formed batch size -> batches, last 60 s")
    mean_batch_size: float = 0.0
    queue_depth: int = 0
    in_flight: int = 0
    replica_busy: list[float] = Field(default_factory=list, description="Busy fraction per replica, last 1 s")
    stage_busy: list[float] = Field(default_factory=list, description="Busy fraction per pipeline stage, last 1 s")


class MetricsSnapshot(BaseModel):
    timestamp: float
    worker_id: str
    requests_per_s: float = 0.0
    items_per_s: float = 0.0
    sessions: list[SessionMetrics] = Field(default_factory=list)


class GpuProcess(BaseModel):
    pid: int
    used_bytes: int


class GpuStatus(BaseModel):
    index: int
    uuid: str
    name: str
    utilization_pct: float
    memory_used_bytes: int
    memory_total_bytes: int
    temperature_c: float | None = None
    power_w: float | None = None
    processes: list[GpuProcess] = Field(default_factory=list)


class DevicesSnapshot(BaseModel):
    timestamp: float
    worker_id: str
    cpu_percent: float
    cpu_per_core: list[float]
    memory_used_bytes: int
    memory_total_bytes: int
    process_rss_bytes: int
    gpus: list[GpuStatus] = Field(default_factory=list)
    gpu_state: str | None = Field(None, description="Why there are no GPUs, e.g. 'no NVIDIA driver'")


class HealthCheck(BaseModel):
    name: str
    status: CheckStatus
    message: str
    value: float | None = None


class HealthReport(BaseModel):
    timestamp: float
    worker_id: str
    status: HealthStatus
    reasons: list[str] = Field(default_factory=list)
    checks: list[HealthCheck] = Field(default_factory=list)


class SessionEvent(BaseModel):
    id: int
    timestamp: float
    session: str
    kind: str = Field(description="requested, loading, warmed, ready, reconfigured, draining, stopped, failed")
    detail: str | None = None


class SessionHistory(BaseModel):
    """A session that is gone (stopped or failed), kept with its final stats and last log lines."""

    session: str
    model: str
    final_state: str
    reason: str | None = None
    ended_at: float
    final_metrics: SessionMetrics | None = None
    last_logs: list[LogRecord] = Field(default_factory=list)


class LogRecord(BaseModel):
    timestamp: float
    level: LogLevel
    source: str = Field(description="'engine' or a session name")
    logger: str
    message: str
    session: str | None = None


class StreamMessage(BaseModel):
    """Server -> client on /v1/stream. `type` is 'snapshot' right after a subscribe, then 'update';
    'error' answers a bad client message; 'dropped' tells the client that frames were coalesced."""

    topic: Topic | Literal["control"]
    type: Literal["snapshot", "update", "error", "dropped", "subscribed", "unsubscribed"]
    timestamp: float
    worker_id: str
    session: str | None = None
    data: Any = None


class StreamCommand(BaseModel):
    """Client -> server on /v1/stream."""

    op: Literal["subscribe", "unsubscribe"]
    topic: Topic
    rate_hz: float | None = Field(None, gt=0, le=50, description="Updates per second for this topic")
    session: str | None = Field(None, description="Only this session's frames (metrics, events, logs)")


SessionHistory.model_rebuild()

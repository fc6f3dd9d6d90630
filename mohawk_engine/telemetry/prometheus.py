"""Prometheus exposition: Triton's metric names where the meaning matches, plus mohawk_* histograms.

The nv_* families are written by hand as plain integers: perf_analyzer's --collect-metrics
parser reads no exponent notation, which prometheus_client's float formatting can produce.
The mohawk_* latency histograms come from prometheus_client's own registry.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import HistogramMetricFamily

from mohawk_engine.schemas.telemetry import DevicesSnapshot
from mohawk_engine.telemetry.session_meter import LATENCY_BUCKETS_S


class _LatencyCollector:
    """mohawk_request_duration_seconds{session}, from each session meter's cumulative buckets."""

    def __init__(self, sessions) -> None:
        self._sessions = sessions

    def collect(self):
        family = HistogramMetricFamily(
            "mohawk_request_duration_seconds",
            "Server-side latency of successful requests, from body received to response encoded",
            labels=["session"],
        )
        for session in self._sessions():
            meter = session.meter
            cumulative, buckets = 0, []
            for bound, count in zip((*LATENCY_BUCKETS_S, float("inf")), meter.latency_buckets):
                cumulative += count
                buckets.append(("+Inf" if bound == float("inf") else str(bound), cumulative))
            family.add_metric([session.name], buckets, meter.latency_sum_s)
        yield family


def mohawk_exposition(sessions) -> bytes:
    """`sessions` is a callable giving the engine's live sessions."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_LatencyCollector(sessions))
    return generate_latest(registry)


def _family(name: str, kind: str, help_text: str, samples: Iterable[tuple[dict[str, str], float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        rendered = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items())
        lines.append(f"{name}{{{rendered}}} {_plain(value)}")
    return lines


def _plain(value: float) -> str:
    """A number without exponent notation: integers as integers, fractions with up to 6 decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def triton_exposition(sessions: list, devices: DevicesSnapshot) -> str:
    """`sessions` are engine Session objects (name, version, stats, meter, batcher)."""
    model = [({"model": s.name, "version": str(s.version)}, s) for s in sessions]
    reasons = ("rejected", "timeout", "bad_input", "runtime_error")
    lines: list[str] = []
    lines += _family(
        "nv_inference_request_success", "counter", "Number of successful inference requests, all batch sizes",
        ((labels, s.meter.success_total) for labels, s in model),
    )  # fmt: skip
    lines += _family(
        "nv_inference_request_failure", "counter", "Number of failed inference requests, all batch sizes",
        (({**labels, "reason": r}, s.meter.failures.get(r, 0)) for labels, s in model for r in reasons),
    )  # fmt: skip
    lines += _family(
        "nv_inference_count", "counter", "Number of inferences performed (batch rows)",
        ((labels, s.stats.inference_count) for labels, s in model),
    )  # fmt: skip
    lines += _family(
        "nv_inference_exec_count", "counter", "Number of model executions performed (batches)",
        ((labels, s.stats.execution_count) for labels, s in model),
    )  # fmt: skip
    lines += _family(
        "nv_inference_queue_duration_us", "counter", "Cumulative inference queuing duration in microseconds",
        ((labels, s.stats.queue.ns // 1000) for labels, s in model),
    )  # fmt: skip
    lines += _family(
        "nv_inference_compute_infer_duration_us", "counter", "Cumulative compute inference duration in microseconds",
        ((labels, s.stats.compute_infer.ns // 1000) for labels, s in model),
    )  # fmt: skip
    lines += _family(
        "nv_inference_pending_request_count", "gauge", "Instantaneous number of pending requests awaiting execution",
        ((labels, s.batcher.queue_depth if s.batcher else 0) for labels, s in model),
    )  # fmt: skip
    gpus = [({"gpu_uuid": g.uuid}, g) for g in devices.gpus]
    lines += _family(
        "nv_gpu_utilization", "gauge", "GPU utilization rate [0.0 - 1.0)",
        ((labels, g.utilization_pct / 100) for labels, g in gpus),
    )  # fmt: skip
    lines += _family(
        "nv_gpu_memory_total_bytes", "gauge", "GPU total memory, in bytes",
        ((labels, g.memory_total_bytes) for labels, g in gpus),
    )  # fmt: skip
    lines += _family(
        "nv_gpu_memory_used_bytes", "gauge", "GPU used memory, in bytes",
        ((labels, g.memory_used_bytes) for labels, g in gpus),
    )  # fmt: skip
    return "\n".join(lines) + "\n"

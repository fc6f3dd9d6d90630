"""Prometheus exposition: Triton's metric names where the meaning matches, plus mohawk_* families.

Two prometheus_client collectors read the live sessions and the device snapshot at scrape
time. The nv_* families keep Triton's exact names and are written with plain numbers
(integers stay integers, never exponent notation): perf_analyzer's --collect-metrics parser
reads nothing else, and prometheus_client's own writer would print 1.2e+07 and append
`_total` to counter names. The mohawk_* families go through prometheus_client's writer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric

from mohawk_engine.schemas.telemetry import DevicesSnapshot
from mohawk_engine.telemetry.session_meter import FAILURE_REASONS, LATENCY_BUCKETS_S, SessionMeter
from mohawk_engine.telemetry.stats import SessionStats


class Observed(Protocol):
    """What the exposition reads from a session."""

    name: str
    version: int
    stats: SessionStats
    meter: SessionMeter

    @property
    def queue_depth(self) -> int: ...


Sessions = Callable[[], list[Observed]]
Devices = Callable[[], DevicesSnapshot]


def _metric(name: str, kind: str, help_text: str, samples: Iterator[tuple[dict[str, str], float]]) -> Metric:
    metric = Metric(name, help_text, kind)
    for labels, value in samples:
        metric.add_sample(name, labels, value)
    return metric


_PER_MODEL: tuple[tuple[str, str, str, Callable[[Observed], float]], ...] = (
    ("nv_inference_request_success", "counter", "Number of successful inference requests, all batch sizes",
     lambda s: s.meter.success_total),
    ("nv_inference_count", "counter", "Number of inferences performed (batch rows)",
     lambda s: s.stats.inference_count),
    ("nv_inference_exec_count", "counter", "Number of model executions performed (batches)",
     lambda s: s.stats.execution_count),
    ("nv_inference_request_duration_us", "counter", "Cumulative inference request duration in microseconds",
     lambda s: (s.stats.success.ns + s.stats.fail.ns) // 1000),
    ("nv_inference_queue_duration_us", "counter", "Cumulative inference queuing duration in microseconds",
     lambda s: s.stats.queue.ns // 1000),
    ("nv_inference_compute_input_duration_us", "counter", "Cumulative compute input duration in microseconds",
     lambda s: s.stats.compute_input.ns // 1000),
    ("nv_inference_compute_infer_duration_us", "counter", "Cumulative compute inference duration in microseconds",
     lambda s: s.stats.compute_infer.ns // 1000),
    ("nv_inference_compute_output_duration_us", "counter", "Cumulative compute output duration in microseconds",
     lambda s: s.stats.compute_output.ns // 1000),
    ("nv_inference_pending_request_count", "gauge", "Instantaneous number of pending requests awaiting execution",
     lambda s: s.queue_depth),
)  # fmt: skip


class TritonCollector:
    """Triton's per-model counters and per-GPU gauges (plus its CPU gauges), under Triton's names."""

    def __init__(self, sessions: Sessions, devices: Devices) -> None:
        self._sessions = sessions
        self._devices = devices

    def collect(self) -> Iterator[Metric]:
        model = [({"model": s.name, "version": str(s.version)}, s) for s in self._sessions()]
        for name, kind, help_text, read in _PER_MODEL:
            yield _metric(name, kind, help_text, ((labels, read(s)) for labels, s in model))
        failures = (({**labels, "reason": r}, s.meter.failures.get(r, 0)) for labels, s in model for r in FAILURE_REASONS)
        yield _metric("nv_inference_request_failure", "counter", "Number of failed inference requests, all batch sizes",
                      failures)  # fmt: skip
        yield from _device_metrics(self._devices())


def _device_metrics(devices: DevicesSnapshot) -> Iterator[Metric]:
    gpus = [({"gpu_uuid": g.uuid}, g) for g in devices.gpus]
    yield _metric("nv_gpu_utilization", "gauge", "GPU utilization rate [0.0 - 1.0)",
                  ((labels, g.utilization_pct / 100) for labels, g in gpus))  # fmt: skip
    yield _metric("nv_gpu_memory_total_bytes", "gauge", "GPU total memory, in bytes",
                  ((labels, g.memory_total_bytes) for labels, g in gpus))  # fmt: skip
    yield _metric("nv_gpu_memory_used_bytes", "gauge", "GPU used memory, in bytes",
                  ((labels, g.memory_used_bytes) for labels, g in gpus))  # fmt: skip
    yield _metric("nv_gpu_power_usage", "gauge", "GPU power usage in watts",
                  ((labels, g.power_w) for labels, g in gpus if g.power_w is not None))  # fmt: skip
    yield _metric("nv_cpu_utilization", "gauge", "CPU utilization rate [0.0 - 1.0]",
                  iter([({}, devices.cpu_percent / 100)]))  # fmt: skip
    yield _metric("nv_cpu_memory_total_bytes", "gauge", "CPU total memory (RAM), in bytes",
                  iter([({}, devices.memory_total_bytes)]))  # fmt: skip
    yield _metric("nv_cpu_memory_used_bytes", "gauge", "CPU used memory (RAM), in bytes",
                  iter([({}, devices.memory_used_bytes)]))  # fmt: skip


class MohawkCollector:
    """Latency histograms and live load per session, under mohawk_* names."""

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def collect(self) -> Iterator[Metric]:
        sessions = self._sessions()
        labels = ["model", "version"]
        latency = HistogramMetricFamily(
            "mohawk_request_duration_seconds",
            "Server-side latency of successful requests, from body received to response encoded",
            labels=labels,
        )
        in_flight = GaugeMetricFamily("mohawk_requests_in_flight", "Requests being served right now", labels=labels)
        for session in sessions:
            values = [session.name, str(session.version)]
            counts, total_s = session.meter.prometheus_latency()
            cumulative, buckets = 0, []
            for bound, count in zip((*map(str, LATENCY_BUCKETS_S), "+Inf"), counts):
                cumulative += count
                buckets.append((bound, cumulative))
            latency.add_metric(values, buckets, total_s)
            in_flight.add_metric(values, session.meter.in_flight)
        yield latency
        yield in_flight


def plain_number(value: float) -> str:
    """A number without exponent notation: integers as integers, fractions with up to 6 decimals."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def plain_text(registry: CollectorRegistry) -> str:
    """Prometheus text format with names kept as they are and values as plain numbers."""
    lines: list[str] = []
    for metric in registry.collect():
        lines += [f"# HELP {metric.name} {metric.documentation}", f"# TYPE {metric.name} {metric.type}"]
        for sample in metric.samples:
            labels = ",".join(f'{key}="{_escape(value)}"' for key, value in sample.labels.items())
            lines.append(f"{sample.name}{{{labels}}} {plain_number(sample.value)}" if labels
                         else f"{sample.name} {plain_number(sample.value)}")  # fmt: skip
    return "\n".join(lines) + "\n"


def exposition(sessions: Sessions, devices: Devices) -> bytes:
    """The whole scrape: Triton's families first, then mohawk_*."""
    triton = CollectorRegistry(auto_describe=False)
    triton.register(TritonCollector(sessions, devices))
    mohawk = CollectorRegistry(auto_describe=False)
    mohawk.register(MohawkCollector(sessions))
    return plain_text(triton).encode() + generate_latest(mohawk)

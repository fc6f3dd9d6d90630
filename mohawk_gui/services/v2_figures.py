"""A v2 server's Prometheus /metrics (Triton's nv_inference_* names) turned into the per-session figures
the charts use: rates and mean latencies from counter deltas between two scrapes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from prometheus_client.parser import text_string_to_metric_families

from mohawk_engine.schemas.telemetry import LatencyBreakdown, LatencySummary, MetricsSnapshot, SessionMetrics

SUCCESS = "nv_inference_request_success"
FAILURE = "nv_inference_request_failure"
ITEMS = "nv_inference_count"
EXECUTIONS = "nv_inference_exec_count"
REQUEST_US = "nv_inference_request_duration_us"
QUEUE_US = "nv_inference_queue_duration_us"
INPUT_US = "nv_inference_compute_input_duration_us"
INFER_US = "nv_inference_compute_infer_duration_us"
OUTPUT_US = "nv_inference_compute_output_duration_us"
PENDING = "nv_inference_pending_request_count"
SUMMARY_US = "nv_inference_request_summary_us"  # Triton's optional summaries (quantile label)
_COUNTERS = (SUCCESS, ITEMS, EXECUTIONS, REQUEST_US, QUEUE_US, INPUT_US, INFER_US, OUTPUT_US)
_QUANTILES = {"0.5": "p50_ms", "0.9": "p90_ms", "0.95": "p95_ms", "0.99": "p99_ms"}


@dataclass
class ModelFigures:
    """One model's counters (summed over versions) and gauges at one scrape."""

    counters: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    failures: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    pending: float = 0.0
    quantiles_us: dict[str, float] = field(default_factory=dict)

    @property
    def requests(self) -> float:
        return self.counters[SUCCESS] + sum(self.failures.values())


def parse_metrics(text: str) -> dict[str, ModelFigures]:
    """Per model, the nv_inference_* samples of a Prometheus text exposition; other metrics are ignored.

    Raises ValueError when the text is not the Prometheus format."""
    models: dict[str, ModelFigures] = defaultdict(ModelFigures)
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            model = sample.labels.get("model")
            if model is None:
                continue
            figures = models[model]
            # the parser names a counter's samples '<name>_total'; Triton's names have no suffix
            name = family.name if sample.name in (family.name, f"{family.name}_total") else sample.name
            if name in _COUNTERS:
                figures.counters[name] += sample.value
            elif name == FAILURE:
                figures.failures[sample.labels.get("reason", "failed")] += sample.value
            elif name == PENDING:
                figures.pending += sample.value
            elif name == SUMMARY_US and sample.labels.get("quantile") in _QUANTILES:
                figures.quantiles_us[sample.labels["quantile"]] = sample.value
    return dict(models)


class RateTracker:
    """Keeps the previous scrape and turns the next one into a MetricsSnapshot of rates.

    A v2 server exports cumulative durations, not histograms: unless it exports Triton's summaries,
    every latency percentile shows the mean request duration over the scrape interval."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self._previous: tuple[float, dict[str, ModelFigures]] | None = None

    def update(self, timestamp: float, models: dict[str, ModelFigures]) -> MetricsSnapshot | None:
        """None for the first scrape (no interval yet)."""
        previous, self._previous = self._previous, (timestamp, models)
        if previous is None or timestamp <= previous[0]:
            return None
        interval = timestamp - previous[0]
        sessions = [_session_rates(name, now, previous[1].get(name), interval) for name, now in sorted(models.items())]
        return MetricsSnapshot(
            timestamp=timestamp,
            worker_id=self.worker_id,
            requests_per_s=sum(session.requests_per_s for session in sessions),
            items_per_s=sum(session.items_per_s for session in sessions),
            sessions=sessions,
        )


def _session_rates(name: str, now: ModelFigures, before: ModelFigures | None, interval: float) -> SessionMetrics:
    before = before or ModelFigures()

    def delta(counter: str) -> float:
        return max(0.0, now.counters[counter] - before.counters[counter])  # a restart resets counters

    requests = max(0.0, now.requests - before.requests)
    per_request_ms = (lambda us: us / requests / 1000.0) if requests else (lambda _us: 0.0)
    executions = delta(EXECUTIONS)
    return SessionMetrics(
        session=name,
        state="READY",
        requests_per_s=delta(SUCCESS) / interval,
        items_per_s=delta(ITEMS) / interval,
        success_total=int(now.counters[SUCCESS]),
        failures_total={reason: int(count) for reason, count in now.failures.items() if count},
        latency={"10s": _latency(int(requests), per_request_ms(delta(REQUEST_US)), now.quantiles_us)},
        breakdown=LatencyBreakdown(
            queue_ms=per_request_ms(delta(QUEUE_US)),
            compute_ms=per_request_ms(delta(INFER_US)),
            codec_ms=per_request_ms(delta(INPUT_US) + delta(OUTPUT_US)),
        ),
        mean_batch_size=delta(ITEMS) / executions if executions else 0.0,
        queue_depth=int(now.pending),
    )


def _latency(count: int, mean_ms: float, quantiles_us: dict[str, float]) -> LatencySummary:
    figures = dict.fromkeys(_QUANTILES.values(), mean_ms)
    figures.update({_QUANTILES[q]: value / 1000.0 for q, value in quantiles_us.items()})
    return LatencySummary(count=count, max_ms=max(figures.values()), **figures)

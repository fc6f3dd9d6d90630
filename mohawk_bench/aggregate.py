"""Merge the workers' per-second reports into progress samples and the run's totals."""

from __future__ import annotations

from dataclasses import dataclass, field

from hdrh.histogram import HdrHistogram

from mohawk_bench import histogram
from mohawk_bench.buckets import BucketReport
from mohawk_bench.percentiles import summary_ms
from mohawk_bench.results import LatencySummary, ProgressSample, Totals


@dataclass
class Measured:
    """Running totals over the measured seconds."""

    successes: int = 0
    latency_sum_s: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: dict[str, str] = field(default_factory=dict)
    histogram: HdrHistogram = field(default_factory=histogram.new_histogram)
    late: int = 0
    missed: int = 0
    end: float | None = None


RATE_SPAN_MIN_S = 1.0


class Aggregator:
    """Collects BucketReports; a second is merged once every worker still running has reported it."""

    def __init__(self, workers: int, measure_from: float, items_per_request: int, wall_offset: float) -> None:
        self.measure_from = measure_from
        self.items_per_request = items_per_request
        self.wall_offset = wall_offset  # time.time() - time.monotonic()
        self.measured = Measured()
        self._reported = dict.fromkeys(range(workers), -(2**62))
        self._done: set[int] = set()
        self._pending: dict[int, list[BucketReport]] = {}

    def add(self, report: BucketReport) -> None:
        self._pending.setdefault(report.index, []).append(report)
        self._reported[report.worker] = report.index

    def worker_done(self, worker: int) -> None:
        self._done.add(worker)

    @property
    def all_done(self) -> bool:
        return len(self._done) == len(self._reported)

    def ready(self) -> list[ProgressSample]:
        """The seconds every running worker has reported, merged, in order."""
        running = [index for worker, index in self._reported.items() if worker not in self._done]
        horizon = min(running) if running else None
        samples = []
        for index in sorted(self._pending):
            if horizon is not None and index > horizon:
                break
            samples.append(self._merge(index, self._pending.pop(index)))
        return samples

    def _merge(self, index: int, reports: list[BucketReport]) -> ProgressSample:
        start = min(r.start for r in reports)
        end = max(r.end for r in reports)
        merged = histogram.merge([histogram.decode(r.histogram) for r in reports])
        successes = sum(r.successes for r in reports)
        latency_sum_s = sum(r.latency_sum_s for r in reports)
        errors: dict[str, int] = {}
        for report in reports:
            for kind, count in report.errors.items():
                errors[kind] = errors.get(kind, 0) + count
        late = sum(r.late for r in reports)
        missed = sum(r.missed for r in reports)
        if index >= 0:
            self._measure(reports, merged, latency_sum_s, errors, end)
            self.measured.late += late
            self.measured.missed += missed
        span = max(end - start, 1e-9)
        # A fragment (the replies still in flight when the run ends) would give a spike if its
        # few replies were divided by its few milliseconds: a sample's rate is per whole second.
        rate_span = max(span, RATE_SPAN_MIN_S)
        percentiles = summary_ms(merged, latency_sum_s)
        error_count = sum(errors.values())
        return ProgressSample(
            second=index,
            timestamp=end + self.wall_offset,
            elapsed_s=end - self.measure_from,
            span_s=span,
            warmup=index < 0,
            requests=successes + error_count,
            successes=successes,
            errors=error_count,
            errors_by_kind=errors,
            throughput=successes / rate_span,
            items_per_s=successes * self.items_per_request / rate_span,
            p50_ms=percentiles["p50_ms"],
            p99_ms=percentiles["p99_ms"],
            late=late,
            missed=missed,
        )

    def _measure(
        self, reports: list[BucketReport], merged: HdrHistogram, latency_sum_s: float, errors: dict[str, int], end: float
    ) -> None:
        measured = self.measured
        measured.successes += merged.get_total_count()
        measured.latency_sum_s += latency_sum_s
        measured.histogram.add(merged)
        for kind, count in errors.items():
            measured.errors[kind] = measured.errors.get(kind, 0) + count
        for report in reports:
            for kind, detail in report.error_samples.items():
                measured.error_samples.setdefault(kind, detail)
        measured.end = end if measured.end is None else max(measured.end, end)

    def totals(self) -> Totals:
        measured = self.measured
        errors = sum(measured.errors.values())
        duration = max(0.0, measured.end - self.measure_from) if measured.end is not None else 0.0
        items = measured.successes * self.items_per_request
        return Totals(
            requests=measured.successes + errors,
            successes=measured.successes,
            errors=errors,
            items=items,
            duration_s=duration,
            throughput=measured.successes / duration if duration else 0.0,
            items_per_s=items / duration if duration else 0.0,
            late=measured.late,
            missed=measured.missed,
        )

    def latency(self) -> LatencySummary:
        return LatencySummary(**summary_ms(self.measured.histogram, self.measured.latency_sum_s))

    def encoded_histogram(self) -> str:
        return histogram.encode(self.measured.histogram).decode("ascii")

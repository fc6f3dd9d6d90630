"""Per-second buckets in each worker and their merge across workers into progress and totals."""

from __future__ import annotations

import pytest

from mohawk_bench.aggregate import Aggregator
from mohawk_bench.budget import Budget
from mohawk_bench.buckets import BucketReport, Recorder


def _recorder(worker: int, start: float, measure_from: float) -> tuple[Recorder, list[BucketReport]]:
    reports: list[BucketReport] = []
    return Recorder(worker, start, measure_from, reports.append), reports


def test_recorder_cuts_seconds_from_the_end_of_the_warmup_and_keeps_warmup_apart():
    recorder, reports = _recorder(0, start=10.0, measure_from=11.5)
    recorder.record(False, 10.2, 0.001, None, None)  # warm-up, bucket -2
    recorder.record(False, 11.7, 0.001, None, None)  # warm-up request finishing late: left out
    recorder.record(True, 11.8, 0.002, None, None)
    recorder.record(True, 12.9, 0.003, "http_5xx", "500: boom")
    recorder.late(12.9)
    recorder.missed(13.0, 4)
    recorder.finish(13.2)
    assert [(r.index, r.start, r.end) for r in reports] == [(-2, 10.0, 10.5), (-1, 10.5, 11.5), (0, 11.5, 12.5), (1, 12.5, 13.2)]
    assert [r.successes for r in reports] == [1, 0, 1, 0]
    assert reports[3].errors == {"http_5xx": 1} and reports[3].error_samples == {"http_5xx": "500: boom"}
    assert (reports[3].late, reports[3].missed) == (1, 4)


def _report(worker: int, index: int, successes: int, latency_s: float, **kw) -> BucketReport:
    recorder, reports = _recorder(worker, start=100.0 + index, measure_from=100.0)
    for _ in range(successes):
        recorder.record(True, 100.0 + index + 0.5, latency_s, None, None)
    for kind, count in kw.get("errors", {}).items():
        for _ in range(count):
            recorder.record(True, 100.0 + index + 0.5, 0.0, kind, f"{kind} detail")
    recorder.finish(100.0 + index + 1.0 - 1e-9)
    return reports[-1]


def test_a_second_is_merged_once_every_running_worker_reported_it():
    aggregator = Aggregator(2, measure_from=100.0, items_per_request=4, wall_offset=1000.0)
    aggregator.add(_report(0, 0, successes=10, latency_s=0.001))
    aggregator.add(_report(0, 1, successes=10, latency_s=0.001))
    assert aggregator.ready() == []  # worker 1 has not reported second 0 yet
    aggregator.add(_report(1, 0, successes=30, latency_s=0.004, errors={"timeout": 2}))
    [sample] = aggregator.ready()
    assert (sample.second, sample.successes, sample.errors, sample.errors_by_kind) == (0, 40, 2, {"timeout": 2})
    assert sample.throughput == pytest.approx(40, rel=1e-6)
    assert sample.items_per_s == pytest.approx(160, rel=1e-6)
    assert sample.p50_ms == pytest.approx(4.0, rel=0.001)
    assert sample.timestamp == pytest.approx(1101.0)
    aggregator.worker_done(1)  # a finished worker no longer holds the others back
    [second] = aggregator.ready()
    assert second.second == 1 and second.successes == 10
    totals = aggregator.totals()
    assert (totals.requests, totals.successes, totals.errors, totals.items) == (52, 50, 2, 200)
    assert totals.throughput == pytest.approx(25.0, rel=1e-6)
    assert aggregator.measured.error_samples == {"timeout": "timeout detail"}
    assert aggregator.latency().p99_ms == pytest.approx(4.0, rel=0.001)


def test_budget_counts_requests_only_after_the_warmup_and_stops_at_the_bound():
    budget = Budget(measure_from=5.0, requests=2)
    assert [budget.take(t) for t in (4.0, 5.0, 5.1, 5.2)] == [False, True, True, None]
    timed = Budget(measure_from=0.0, end=1.0)
    assert [timed.take(t) for t in (0.5, 1.0)] == [True, None]
    timed.stopped = True
    assert timed.take(0.1) is None


def test_the_trailing_fragment_of_a_run_is_no_throughput_spike():
    aggregator = Aggregator(1, measure_from=100.0, items_per_request=1, wall_offset=0.0)
    recorder, reports = _recorder(0, start=100.0, measure_from=100.0)
    for _ in range(1000):
        recorder.record(True, 100.5, 0.004, None, None)
    for _ in range(32):
        recorder.record(True, 101.001, 0.004, None, None)  # 32 replies in the first 4 ms of second 1
    recorder.finish(101.004)
    for report in reports:
        aggregator.add(report)
    aggregator.worker_done(0)
    [fragment] = [s for s in aggregator.ready() if s.second == 1]
    assert fragment.span_s == pytest.approx(0.004, abs=0.002)
    assert fragment.throughput == pytest.approx(32.0), "32 replies in a bucket, not 32 / 4 ms = 8000/s"

"""Made-up LoadResults (pure data) for tests of saving, listing, comparing and exporting runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mohawk_bench.results import InputInfo, LatencySummary, LoadResult, ProgressSample, Totals
from mohawk_bench.spec import LoadSpec


def sample_result(
    *, started_at: datetime | None = None, session: str = "mlp", throughput: float = 100.0, p99: float = 4.0,
    seconds: int = 3, errors: int = 0,
) -> LoadResult:  # fmt: skip
    """A run of `seconds` one-second samples at `throughput` req/s with the given p99."""
    started = started_at or datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    origin = started.timestamp()
    series = [
        ProgressSample(
            second=s, timestamp=origin + s + 1, elapsed_s=s + 1.0, span_s=1.0, warmup=False,
            requests=int(throughput) + errors, successes=int(throughput), errors=errors,
            errors_by_kind={"http 503": errors} if errors else {}, throughput=throughput, items_per_s=throughput,
            p50_ms=p99 / 2, p99_ms=p99,
        )  # fmt: skip
        for s in range(seconds)
    ]
    requests = int(throughput) * seconds
    return LoadResult(
        spec=LoadSpec(url="http://127.0.0.1:8003", model=session, concurrency=4, duration_s=float(seconds)),
        inputs=[InputInfo(name="input", datatype="FP32", shape=[1, 512])],
        items_per_request=1,
        started_at=started,
        finished_at=started + timedelta(seconds=seconds),
        stopped=False,
        totals=Totals(
            requests=requests + errors * seconds, successes=requests, errors=errors * seconds, items=requests,
            duration_s=float(seconds), throughput=throughput, items_per_s=throughput,
        ),  # fmt: skip
        latency=LatencySummary(
            p50_ms=p99 / 2, p90_ms=p99 * 0.8, p95_ms=p99 * 0.9, p99_ms=p99, max_ms=p99 * 2, min_ms=0.5, mean_ms=p99 / 2
        ),
        errors={"http 503": errors * seconds} if errors else {},
        error_samples={},
        series=series,
        histogram="",
    )

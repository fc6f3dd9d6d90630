"""What a load run reports: per-second progress samples and the final result, as JSON."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Field

from mohawk_bench.spec import LoadSpec


class ProgressSample(BaseModel):
    """One second of a run (all workers together), as printed on a JSON line.

    `second` counts from the end of the warm-up (negative during it); `elapsed_s` is the
    time from the end of the warm-up to the end of this sample; `throughput` counts
    successful responses per second, over at least a whole second (a run's last sample holds
    only the replies still in flight at its end, over a few milliseconds: no spike from those).
    """

    second: int
    timestamp: float
    elapsed_s: float
    span_s: float
    warmup: bool
    requests: int
    successes: int
    errors: int
    errors_by_kind: dict[str, int] = Field(default_factory=dict)
    throughput: float
    items_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    late: int = 0
    missed: int = 0


class Totals(BaseModel):
    """The measured part of the run (requests sent after the warm-up).

    `late` and `missed` are open-loop sends that left 5 ms or more after their scheduled
    time, or never left before the run ended: the generator (or its connections) could not
    keep up with the rate asked for. `requests` counts the requests that were answered or failed.
    """

    requests: int
    successes: int
    errors: int
    items: int
    duration_s: float
    throughput: float
    items_per_s: float
    late: int = 0
    missed: int = 0


class LatencySummary(BaseModel):
    """Latency of the successful measured requests, from an HDR histogram; None when there were none."""

    p50_ms: float | None
    p90_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    min_ms: float | None
    mean_ms: float | None


class InputInfo(BaseModel):
    name: str
    datatype: str
    shape: list[int]


class LoadResult(BaseModel):
    spec: LoadSpec
    inputs: list[InputInfo]
    items_per_request: int
    started_at: datetime
    finished_at: datetime
    stopped: bool = Field(description="ended early by a stop request; the figures cover what ran")
    totals: Totals
    latency: LatencySummary
    errors: dict[str, int]
    error_samples: dict[str, str]
    series: list[ProgressSample]
    histogram: str = Field(description="the measured latencies in microseconds, HDR histogram encoded")


def save_result(result: LoadResult, path: Path | str) -> Path:
    path = Path(path)
    path.write_text(result.model_dump_json(indent=2) + "\n")
    return path


def load_result(path: Path | str) -> LoadResult:
    return LoadResult.model_validate_json(Path(path).read_text())


def parse_progress(line: str | bytes) -> ProgressSample | None:
    """A progress sample from one output line; None for a line that is not one."""
    try:
        return ProgressSample.model_validate_json(line)
    except ValueError:
        return None

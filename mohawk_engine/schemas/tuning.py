"""Tuning tasks: sweep a session's settings under load and find the best within constraints."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from mohawk_engine.schemas.sessions import BatchingConfig, DeviceMap, SessionSpec
from mohawk_engine.schemas.sessions import Strategy as DeviceStrategy

MAX_EXPERIMENTS = 1000
MAX_TASK_SECONDS = 24 * 3600

Provider = Literal["cpu", "cuda", "tensorrt"]
_BatchSize = Annotated[int, Field(ge=1, le=65536)]
_QueueDelay = Annotated[int, Field(ge=0, le=10_000_000)]
_Replicas = Annotated[int, Field(ge=1, le=64)]
_Threads = Annotated[int, Field(ge=0, le=256)]
_Concurrency = Annotated[int, Field(ge=1, le=1024)]

# The order candidates vary in: the last parameter changes fastest.
SPACE_PARAMETERS = (
    "max_batch_size",
    "max_queue_delay_us",
    "replicas_per_device",
    "threads_per_replica",
    "providers",
    "strategies",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchSpace(_Strict):
    """The values to try for each setting; a setting left out keeps the base session's value.

    providers: "cpu" runs on the CPU; "cuda" on the base session's CUDA devices (cuda:0 when it
    has none); "tensorrt" is "cuda" with TensorRT's execution provider.
    """

    max_batch_size: list[_BatchSize] | None = Field(None, min_length=1)
    max_queue_delay_us: list[_QueueDelay] | None = Field(None, min_length=1)
    replicas_per_device: list[_Replicas] | None = Field(None, min_length=1)
    threads_per_replica: list[_Threads] | None = Field(None, min_length=1)
    providers: list[Provider] | None = Field(None, min_length=1)
    strategies: list[DeviceStrategy] | None = Field(None, min_length=1)

    @field_validator("*")
    @classmethod
    def _unique(cls, values: list | None) -> list | None:
        return None if values is None else list(dict.fromkeys(values))

    def axes(self) -> dict[str, list]:
        """The parameters being varied, in SPACE_PARAMETERS order."""
        return {name: getattr(self, name) for name in SPACE_PARAMETERS if getattr(self, name) is not None}


class LoadLevels(_Strict):
    """Closed-loop load levels; each candidate is measured at every level."""

    concurrency: list[_Concurrency] = Field(default_factory=lambda: [1], min_length=1, max_length=32)
    duration_s: float = Field(5.0, gt=0, le=3600, description="Seconds measured per experiment")
    warmup_s: float = Field(1.0, ge=0, le=600, description="Seconds of load before measuring, left out")

    @field_validator("concurrency")
    @classmethod
    def _unique(cls, values: list[int]) -> list[int]:
        return list(dict.fromkeys(values))


class SearchStrategy(_Strict):
    """grid: every combination. random: `max_experiments` distinct combinations drawn with `seed`."""

    kind: Literal["grid", "random"] = "grid"
    max_experiments: int | None = Field(
        None, ge=1, le=MAX_EXPERIMENTS, description="random: how many candidates to draw (each runs every load level)"
    )
    seed: int = 0

    @model_validator(mode="after")
    def _random_needs_a_count(self) -> "SearchStrategy":
        if self.kind == "random" and self.max_experiments is None:
            raise ValueError("the random strategy needs max_experiments (how many candidates to draw)")
        return self


Objective = Literal["maximize_throughput", "minimize_p99", "minimize_mean_latency"]


class Constraints(_Strict):
    """An experiment qualifies for `best` and the Pareto front only when it meets every limit."""

    max_p99_ms: float | None = Field(None, gt=0)
    max_memory_mb: float | None = Field(None, gt=0)
    max_error_rate: float = Field(0.0, ge=0, le=1, description="Failed requests / requests; 0 allows none")


class TuningTaskRequest(_Strict):
    session: str = Field(min_length=1)
    space: SearchSpace
    load: LoadLevels = Field(default_factory=LoadLevels)
    strategy: SearchStrategy = Field(default_factory=SearchStrategy)
    objective: Objective = "maximize_throughput"
    constraints: Constraints = Field(default_factory=Constraints)


class TuningStatus(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (TuningStatus.COMPLETED, TuningStatus.FAILED, TuningStatus.CANCELLED)


class CandidateParams(BaseModel):
    """A candidate's full batching and device map (the base session's, with the overrides applied)."""

    batching: BatchingConfig
    device_map: DeviceMap


class Experiment(BaseModel):
    """One candidate measured at one load level.

    memory_mb is the placement planner's estimate for the candidate (MiB), not a measurement.
    """

    index: int
    candidate: int = Field(description="Which candidate (experiments of a candidate share one deployment)")
    overrides: dict[str, int | str] = Field(description="The varied settings and their values here")
    params: CandidateParams
    concurrency: int
    status: Literal["ok", "failed", "skipped"]
    reason: str | None = None
    throughput: float | None = Field(None, description="Successful requests per second")
    p50_ms: float | None = None
    p90_ms: float | None = None
    p99_ms: float | None = None
    mean_ms: float | None = None
    requests: int = 0
    errors: int = 0
    memory_mb: float | None = None
    feasible: bool = Field(False, description="ok and within every constraint")
    started: float
    finished: float


class Progress(BaseModel):
    done: int
    total: int
    current: str | None = Field(None, description="What runs now, e.g. 'experiment 3/8: deploying'")


class TuningTaskInfo(BaseModel):
    id: int
    session: str
    status: TuningStatus
    request: TuningTaskRequest
    progress: Progress
    experiments: list[Experiment]
    best: int | None = Field(None, description="Index of the best feasible experiment under the objective")
    best_spec: SessionSpec | None = Field(None, description="The body to PUT /v1/sessions/{session} to apply best")
    pareto: list[int] = Field(
        default_factory=list, description="Feasible experiments no other beats on both throughput and p99, by p99"
    )
    error: str | None = None
    created: float
    updated: float

"""Qt-free logic behind the Tuning form: comma lists to a TuningTaskRequest, experiment counts, settings diffs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import get_args

from pydantic import ValidationError

from mohawk_engine.schemas import SessionSpec
from mohawk_engine.schemas.sessions import Strategy as DeviceStrategy
from mohawk_engine.schemas.tuning import (
    MAX_EXPERIMENTS,
    Provider,
    SearchSpace,
    SearchStrategy,
    TuningTaskRequest,
)

PROVIDERS: tuple[str, ...] = get_args(Provider)
DEVICE_STRATEGIES: tuple[str, ...] = get_args(DeviceStrategy)

# SearchSpace field -> (label shown in the form and in errors, lowest, highest); None bounds: a choice list.
INT_AXES = {
    "max_batch_size": ("Max batch sizes", 1, 65536),
    "max_queue_delay_us": ("Queue delays (µs)", 0, 10_000_000),
    "replicas_per_device": ("Replicas per device", 1, 64),
    "threads_per_replica": ("Threads per replica", 0, 256),
}
CHOICE_AXES = {"providers": ("Providers", PROVIDERS), "strategies": ("Strategies", DEVICE_STRATEGIES)}
FIELD_LABELS = {
    "load.duration_s": "Seconds each",
    "load.warmup_s": "Warm-up",
    "strategy.kind": "Strategy",
    "strategy.max_experiments": "Max experiments",
    "objective": "Objective",
    "constraints.max_p99_ms": "p99 limit",
    "constraints.max_memory_mb": "Memory limit",
}


class FormError(ValueError):
    """A field the operator must fix: `field` names it (a SearchSpace/LoadLevels name or 'session')."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_ints(text: str, field: str, label: str, low: int, high: int) -> list[int] | None:
    """'1, 8,32' -> [1, 8, 32] (duplicates dropped); empty text -> None (the setting is not varied)."""
    values: list[int] = []
    for item in _items(text):
        try:
            value = int(item)
        except ValueError:
            raise FormError(field, f"{label}: '{item}' is not a whole number; expected comma-separated "
                                   f"whole numbers from {low:,} to {high:,}") from None  # fmt: skip
        if not low <= value <= high:
            raise FormError(field, f"{label}: {value:,} is out of range; expected whole numbers from {low:,} to {high:,}")
        values.append(value)
    return list(dict.fromkeys(values)) or None


def parse_choices(text: str, field: str, label: str, allowed: tuple[str, ...]) -> list[str] | None:
    values: list[str] = []
    for item in _items(text):
        if item.lower() not in allowed:
            raise FormError(field, f"{label}: '{item}' is not one of {', '.join(allowed)}")
        values.append(item.lower())
    return list(dict.fromkeys(values)) or None


@dataclass
class FormValues:
    """What the form holds: list fields as the operator typed them, the rest as numbers and choices."""

    session: str
    lists: dict[str, str] = field(default_factory=dict)  # SearchSpace field -> comma-separated text
    concurrency: str = "1"
    duration_s: float = 5.0
    warmup_s: float = 1.0
    strategy: str = "grid"
    max_experiments: int = 10
    seed: int = 0
    objective: str = "maximize_throughput"
    max_p99_ms: float | None = None  # None or 0: no limit
    max_memory_mb: float | None = None


def build_space(lists: dict[str, str]) -> SearchSpace:
    axes: dict[str, list] = {}
    for name, (label, low, high) in INT_AXES.items():
        values = parse_ints(lists.get(name, ""), name, label, low, high)
        if values is not None:
            axes[name] = values
    for name, (label, allowed) in CHOICE_AXES.items():
        values = parse_choices(lists.get(name, ""), name, label, allowed)
        if values is not None:
            axes[name] = values
    if not axes:
        labels = ", ".join(label for label, *_ in (*INT_AXES.values(), *CHOICE_AXES.values()))
        raise FormError("space", f"The search space is empty: give values for at least one of {labels}")
    return SearchSpace(**axes)


def build_request(values: FormValues) -> TuningTaskRequest:
    """The request the form describes; FormError names the first field that is wrong."""
    if not values.session.strip():
        raise FormError("session", "Pick the session to tune")
    space = build_space(values.lists)
    concurrency = parse_ints(values.concurrency, "concurrency", "Concurrencies", 1, 1024)
    if concurrency is None:
        raise FormError("concurrency", "Concurrencies: give at least one, e.g. 1, 4")
    body = {
        "session": values.session.strip(),
        "space": space.model_dump(exclude_none=True),
        "load": {"concurrency": concurrency, "duration_s": values.duration_s, "warmup_s": values.warmup_s},
        "strategy": {
            "kind": values.strategy,
            "max_experiments": values.max_experiments if values.strategy == "random" else None,
            "seed": values.seed,
        },
        "objective": values.objective,
        "constraints": {"max_p99_ms": values.max_p99_ms or None, "max_memory_mb": values.max_memory_mb or None},
    }
    try:
        request = TuningTaskRequest.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"] if not isinstance(part, int)) or "request"
        label = FIELD_LABELS.get(where, where)
        raise FormError(where, f"{label}: {first['msg']} (got {first.get('input')!r})") from None
    total = experiment_count(request)
    if total > MAX_EXPERIMENTS:
        raise FormError("space", f"{total:,} experiments; at most {MAX_EXPERIMENTS:,} are allowed "
                                 "(use the random strategy or fewer values)")  # fmt: skip
    return request


def candidate_count(space: SearchSpace, strategy: SearchStrategy) -> int:
    """As the engine counts: the grid's every combination, or random's draw (never more than the grid)."""
    size = math.prod(len(values) for values in space.axes().values())
    return size if strategy.kind == "grid" else min(strategy.max_experiments or size, size)


def experiment_count(request: TuningTaskRequest) -> int:
    """Each candidate is measured at every load level."""
    return candidate_count(request.space, request.strategy) * len(request.load.concurrency)


def _settings(spec: SessionSpec) -> dict[str, str]:
    batching = spec.batching
    device_map = spec.device_map
    return {
        "batching": "on" if batching.enabled else "off",
        "max batch size": str(batching.max_batch_size),
        "queue delay (µs)": str(batching.max_queue_delay_us),
        "queue size": str(batching.max_queue_size),
        "timeout (ms)": str(batching.timeout_ms),
        "devices": ", ".join(device_map.devices),
        "strategy": device_map.strategy,
        "replicas per device": str(device_map.replicas_per_device),
        "threads per replica": str(device_map.threads_per_replica),
        "TensorRT": "on" if device_map.tensorrt else "off",
    }


def settings_diff(old: SessionSpec, new: SessionSpec) -> list[tuple[str, str, str]]:
    """(setting, old, new) for every operator-facing setting that changes."""
    before, after = _settings(old), _settings(new)
    changes = [(name, before[name], after[name]) for name in before if before[name] != after[name]]
    if old.model != new.model:
        changes.insert(0, ("model", old.model, new.model))
    return changes


"""Candidates of a search space: the grid's combinations, or a seeded random sample of them."""

from __future__ import annotations

import math
import random

from mohawk_engine.schemas import SessionSpec
from mohawk_engine.schemas.tuning import CandidateParams, SearchSpace, SearchStrategy

Overrides = dict[str, int | str]

# SearchSpace's list names -> the single setting each candidate takes.
_SETTING = {"providers": "provider", "strategies": "strategy"}
_NAME_LIMIT = 64


def grid_size(space: SearchSpace) -> int:
    return math.prod(len(values) for values in space.axes().values())


def combination(space: SearchSpace, number: int) -> Overrides:
    """The `number`-th combination of the grid (the last parameter varies fastest)."""
    overrides: Overrides = {}
    for name, values in reversed(space.axes().items()):
        number, position = divmod(number, len(values))
        overrides[_SETTING.get(name, name)] = values[position]
    return dict(reversed(overrides.items()))


def candidates(space: SearchSpace, strategy: SearchStrategy) -> list[Overrides]:
    """grid: every combination in order; random: up to max_experiments distinct ones, the same for a seed."""
    size = grid_size(space)
    if strategy.kind == "grid":
        numbers = range(size)
    else:
        numbers = random.Random(strategy.seed).sample(range(size), min(strategy.max_experiments or size, size))
    return [combination(space, n) for n in numbers]


def count(space: SearchSpace, strategy: SearchStrategy) -> int:
    size = grid_size(space)
    return size if strategy.kind == "grid" else min(strategy.max_experiments or size, size)


def apply(base: SessionSpec, overrides: Overrides) -> CandidateParams:
    """The base session's batching and device map with `overrides` put in."""
    batching = base.batching.model_dump()
    device_map = base.device_map.model_dump()
    for key in ("max_batch_size", "max_queue_delay_us"):
        if key in overrides:
            batching[key] = overrides[key]
    for key in ("replicas_per_device", "threads_per_replica", "strategy"):
        if key in overrides:
            device_map[key] = overrides[key]
    provider = overrides.get("provider")
    if provider is not None:
        devices = base.device_map.devices
        if provider == "cpu":
            device_map["devices"] = ["cpu"] * len(devices)
        else:
            gpus = [d for d in devices if d.startswith("cuda:")]
            device_map["devices"] = gpus or ["cuda:0"] * len(devices)
        device_map["tensorrt"] = provider == "tensorrt"
    return CandidateParams.model_validate({"batching": batching, "device_map": device_map})


def candidate_spec(base: SessionSpec, name: str, params: CandidateParams) -> SessionSpec:
    return SessionSpec(name=name, model=base.model, batching=params.batching, device_map=params.device_map)


def candidate_name(session: str, task_id: int, number: int) -> str:
    """`<session>--tune-<task>-<n>`, the session part shortened when the whole would pass 64 characters."""
    suffix = f"--tune-{task_id}-{number}"
    return session[: _NAME_LIMIT - len(suffix)] + suffix

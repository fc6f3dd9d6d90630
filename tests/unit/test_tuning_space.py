"""Candidates of a search space: grid order and size, seeded random samples, overrides applied."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mohawk_engine.schemas import BatchingConfig, DeviceMap, SessionSpec
from mohawk_engine.schemas.tuning import SearchSpace, SearchStrategy
from mohawk_engine.tuning import space

BASE = SessionSpec(
    name="tiny", model="mlp-tiny", device_map=DeviceMap(replicas_per_device=1), batching=BatchingConfig(max_batch_size=32)
)


def test_grid_is_the_cartesian_product_with_the_last_parameter_fastest():
    sweep = SearchSpace(max_batch_size=[8, 16], replicas_per_device=[1, 2, 3], providers=["cpu"])
    grid = space.candidates(sweep, SearchStrategy())
    assert space.grid_size(sweep) == 6 == len(grid) == space.count(sweep, SearchStrategy())
    assert grid[0] == {"max_batch_size": 8, "replicas_per_device": 1, "provider": "cpu"}
    assert grid[1] == {"max_batch_size": 8, "replicas_per_device": 2, "provider": "cpu"}
    assert grid[5] == {"max_batch_size": 16, "replicas_per_device": 3, "provider": "cpu"}
    assert len({tuple(c.items()) for c in grid}) == 6


def test_duplicate_values_count_once():
    assert space.grid_size(SearchSpace(max_batch_size=[8, 8, 16], threads_per_replica=[1, 1])) == 2


def test_random_is_reproducible_with_a_seed_and_never_repeats():
    sweep = SearchSpace(max_batch_size=[1, 2, 4, 8, 16], max_queue_delay_us=[0, 100, 200, 400], strategies=["replicate", "auto"])
    first = space.candidates(sweep, SearchStrategy(kind="random", max_experiments=7, seed=42))
    again = space.candidates(sweep, SearchStrategy(kind="random", max_experiments=7, seed=42))
    other = space.candidates(sweep, SearchStrategy(kind="random", max_experiments=7, seed=43))
    assert first == again and len(first) == 7
    assert first != other
    assert len({tuple(c.items()) for c in first}) == 7
    grid = space.candidates(sweep, SearchStrategy())
    assert all(c in grid for c in first)


def test_random_larger_than_the_grid_takes_the_whole_grid_once():
    sweep = SearchSpace(max_batch_size=[1, 2, 4])
    picked = space.candidates(sweep, SearchStrategy(kind="random", max_experiments=50, seed=1))
    assert sorted(c["max_batch_size"] for c in picked) == [1, 2, 4]
    assert space.count(sweep, SearchStrategy(kind="random", max_experiments=50)) == 3


def test_random_needs_a_count():
    with pytest.raises(ValidationError, match="max_experiments"):
        SearchStrategy(kind="random")


def test_overrides_go_into_batching_and_device_map_and_the_rest_stays():
    params = space.apply(BASE, {"max_batch_size": 4, "max_queue_delay_us": 250, "replicas_per_device": 3,
                                "threads_per_replica": 2, "strategy": "auto"})  # fmt: skip
    assert params.batching.max_batch_size == 4 and params.batching.max_queue_delay_us == 250
    assert params.batching.max_queue_size == BASE.batching.max_queue_size
    assert params.device_map.replicas_per_device == 3 and params.device_map.threads_per_replica == 2
    assert params.device_map.strategy == "auto" and params.device_map.devices == ["cpu"]
    assert BASE.batching.max_batch_size == 32  # the base spec is not changed


def test_providers_choose_devices_and_tensorrt():
    gpu_base = BASE.model_copy(update={"device_map": DeviceMap(devices=["cuda:1", "cuda:1"], strategy="pipeline")})
    assert space.apply(BASE, {"provider": "cuda"}).device_map.devices == ["cuda:0"]
    trt = space.apply(gpu_base, {"provider": "tensorrt"}).device_map
    assert trt.devices == ["cuda:1", "cuda:1"] and trt.tensorrt
    cpu = space.apply(gpu_base, {"provider": "cpu"}).device_map
    assert cpu.devices == ["cpu", "cpu"] and not cpu.tensorrt


def test_candidate_names_stay_valid_session_names():
    assert space.candidate_name("tiny", 7, 3) == "tiny--tune-7-3"
    long = space.candidate_name("x" * 64, 12345, 999)
    assert len(long) == 64 and long.endswith("--tune-12345-999")
    SessionSpec(name=long, model="mlp-tiny")

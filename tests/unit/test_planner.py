"""Placement planning over the demo models' real signatures, with a fixed device inventory."""

from __future__ import annotations

import pytest

from mohawk_engine.placement.devices import DeviceMemory
from mohawk_engine.placement.planner import estimate, plan_placement
from mohawk_engine.repository.repository import ModelRepository
from mohawk_engine.schemas import DeviceMap

GIB = 2**30


class FixedInventory:
    """Pure stand-in for the machine: one CPU and the GPUs given, with set free memory."""

    def __init__(self, cpu_free: int = 16 * GIB, gpus: tuple[int, ...] = ()) -> None:
        self._free = {"cpu": cpu_free, **{f"cuda:{i}": free for i, free in enumerate(gpus)}}

    def memory(self, device: str) -> DeviceMemory | None:
        free = self._free.get(device)
        return None if free is None else DeviceMemory(device, free, free, device)

    def missing_reason(self, device: str) -> str:
        return f"CUDA requested but unavailable: {device} does not exist"


@pytest.fixture(scope="module")
def models(demo_repo):
    repository = ModelRepository(demo_repo)
    return {m.name: m for m in repository.list()}


def test_replicate_places_n_replicas_on_every_device(models):
    plan = plan_placement(models["mlp-tiny"], DeviceMap(devices=["cuda:0", "cuda:1"], replicas_per_device=2),
                          FixedInventory(gpus=(GIB, GIB)))
    assert plan.fits and plan.strategy == "replicate"
    assert [(p.device, p.index) for p in plan.placements] == [("cuda:0", 0), ("cuda:0", 1), ("cuda:1", 0), ("cuda:1", 1)]
    assert plan.estimated_bytes == 4 * estimate(models["mlp-tiny"].parameter_bytes)


def test_missing_gpu_is_reported_not_planned(models):
    plan = plan_placement(models["mlp-tiny"], DeviceMap(devices=["cuda:3"]), FixedInventory(gpus=(GIB,)))
    assert not plan.fits
    assert "CUDA requested but unavailable" in plan.notes[0] and "cuda:3" in plan.notes[0]


def test_auto_pipelines_the_large_model_over_two_small_gpus(models):
    large = models["mlp-large"]
    small = int(large.parameter_bytes * 0.95)
    plan = plan_placement(large, DeviceMap(devices=["cuda:0", "cuda:1"], strategy="auto"),
                          FixedInventory(gpus=(small, small)))
    assert plan.strategy == "pipeline" and plan.fits, plan.notes
    stage0, stage1 = plan.placements
    assert stage0.last_cut == stage1.first_cut and stage0.last_cut is not None
    assert stage0.parameter_bytes + stage1.parameter_bytes == large.parameter_bytes
    assert all(p.estimated_bytes <= small for p in plan.placements)


def test_auto_replicates_only_on_devices_that_fit(models):
    large = models["mlp-large"]
    plan = plan_placement(large, DeviceMap(devices=["cuda:0", "cuda:1"], strategy="auto"),
                          FixedInventory(gpus=(GIB, large.parameter_bytes // 2)))
    assert plan.strategy == "replicate" and plan.fits
    assert [p.device for p in plan.placements] == ["cuda:0"]


def test_explicit_cut_points_are_checked(models):
    tiny = models["mlp-tiny"]
    ok = plan_placement(tiny, DeviceMap(devices=["cpu", "cpu"], strategy="pipeline", cut_points=["relu1"]),
                        FixedInventory())
    assert ok.fits and ok.placements[0].last_cut == "relu1"
    bad = plan_placement(tiny, DeviceMap(devices=["cpu", "cpu"], strategy="pipeline", cut_points=["nope"]),
                         FixedInventory())
    assert not bad.fits and "nope" in bad.notes[0] and "relu0" in bad.notes[0]
    wrong_count = plan_placement(tiny, DeviceMap(devices=["cpu", "cpu"], strategy="pipeline",
                                                 cut_points=["relu0", "relu1"]), FixedInventory())
    assert not wrong_count.fits and "1 cut point" in wrong_count.notes[0]


def test_pipeline_needs_two_stages_and_a_splittable_model(models):
    one = plan_placement(models["mlp-tiny"], DeviceMap(devices=["cpu"], strategy="pipeline"), FixedInventory())
    assert not one.fits and "two devices" in one.notes[0]
    unsplittable = plan_placement(models["add-sub"], DeviceMap(devices=["cpu", "cpu"], strategy="pipeline"),
                                  FixedInventory())
    assert not unsplittable.fits and "cannot be split" in unsplittable.notes[0]


def test_balanced_cuts_for_three_torchscript_stages(models):
    plan = plan_placement(models["mlp-tiny-ts"], DeviceMap(devices=["cpu"] * 3, strategy="pipeline"),
                          FixedInventory())
    assert plan.fits
    cuts = [p.last_cut for p in plan.placements[:-1]]
    assert len(set(cuts)) == 2 and [int(c) for c in cuts] == sorted(int(c) for c in cuts)

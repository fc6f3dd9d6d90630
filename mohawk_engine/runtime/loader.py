"""Builds the runners a placement plan asks for: replicas, or the stages of a pipeline."""

from __future__ import annotations

from pathlib import Path

import onnx

from mohawk_engine.runtime.base import Runner, RuntimeLoadError
from mohawk_engine.runtime.onnx_graph import stage_models
from mohawk_engine.runtime.onnx_runner import OnnxRunner
from mohawk_engine.schemas import DeviceMap, ModelFormat, ModelInfo, PlacementPlan


def build_replicas(info: ModelInfo, path: Path, plan: PlacementPlan, device_map: DeviceMap) -> list[Runner]:
    _check_readable(info)
    runners: list[Runner] = []
    try:
        for placement in plan.placements:
            runners.append(_whole_model(info, path, placement.device, device_map))
    except BaseException:
        for runner in runners:
            runner.close()
        raise
    return runners


def _whole_model(info: ModelInfo, path: Path, device: str, device_map: DeviceMap) -> Runner:
    if info.format is ModelFormat.ONNX:
        return OnnxRunner(str(path), device, device_map.threads_per_replica, device_map.tensorrt)
    from mohawk_engine.runtime.torch_runner import whole_module_runner

    return whole_module_runner(
        str(path), device, [t.name for t in info.inputs], [t.name for t in info.outputs], device_map.threads_per_replica
    )


def build_pipeline_stages(info: ModelInfo, path: Path, plan: PlacementPlan, device_map: DeviceMap) -> list[Runner]:
    _check_readable(info)
    cuts = [p.last_cut for p in plan.placements[:-1]]
    if any(cut is None for cut in cuts):
        raise RuntimeLoadError("the pipeline plan has a stage without a cut point")
    devices = [p.device for p in plan.placements]
    threads = device_map.threads_per_replica
    if info.format is ModelFormat.ONNX:
        models = stage_models(onnx.load(str(path)), cuts)
        return [
            OnnxRunner(model.SerializeToString(), device, threads, device_map.tensorrt)
            for model, device in zip(models, devices)
        ]
    from mohawk_engine.runtime.torch_runner import stage_runners

    return stage_runners(
        str(path), devices, [int(c) for c in cuts], [t.name for t in info.inputs], [t.name for t in info.outputs], threads
    )


def _check_readable(info: ModelInfo) -> None:
    if info.error:
        raise RuntimeLoadError(info.error)

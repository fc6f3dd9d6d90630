"""Placement planning: which device gets which replica or pipeline stage, before loading.

Estimates are deliberately simple: a copy of the weights plus a margin for the runtime's
own buffers and activations. A cap in `max_memory` applies to each replica or stage placed
on that device, which also lets one CPU stand in for several smaller devices.
"""

from __future__ import annotations

from mohawk_engine.placement.devices import DeviceInventory
from mohawk_engine.schemas import DeviceMap, DevicePlacement, ModelInfo, PlacementPlan

RUNTIME_OVERHEAD = 1.25


def estimate(parameter_bytes: int) -> int:
    return int(parameter_bytes * RUNTIME_OVERHEAD)


def plan_placement(model: ModelInfo, device_map: DeviceMap, inventory: DeviceInventory) -> PlacementPlan:
    free = {device: _free_bytes(device, device_map, inventory) for device in device_map.devices}
    missing = [device for device, bytes_ in free.items() if bytes_ is None]
    if missing:
        notes = [inventory.missing_reason(device) for device in missing]
        return _replicate(model, device_map, free, notes, fits=False)
    if device_map.strategy == "replicate":
        return _replicate(model, device_map, free, [], fits=None)
    if device_map.strategy == "pipeline":
        return _pipeline(model, device_map, free)
    return _auto(model, device_map, free)


def _free_bytes(device: str, device_map: DeviceMap, inventory: DeviceInventory) -> int | None:
    memory = inventory.memory(device)
    if memory is None:
        return None
    cap = device_map.max_memory.get(device)
    return memory.free_bytes if cap is None else min(cap, memory.free_bytes)


def _auto(model: ModelInfo, device_map: DeviceMap, free: dict[str, int | None]) -> PlacementPlan:
    need = estimate(model.parameter_bytes)
    if any(bytes_ >= need for bytes_ in free.values()):
        plan = _replicate(model, device_map, free, [], fits=None, fitting_only=True)
        plan.notes.insert(0, f"the model needs about {_mb(need)} and fits one device: replicating")
        return plan
    plan = _pipeline(model, device_map, free)
    plan.notes.insert(0, f"the model needs about {_mb(need)}, more than any one device has: pipelining")
    return plan


def _replicate(
    model: ModelInfo,
    device_map: DeviceMap,
    free: dict[str, int | None],
    notes: list[str],
    fits: bool | None,
    fitting_only: bool = False,
) -> PlacementPlan:
    need = estimate(model.parameter_bytes)
    devices = [d for d in device_map.devices if not fitting_only or (free[d] or 0) >= need]
    placements = [
        DevicePlacement(
            device=device,
            role="replica",
            index=i,
            parameter_bytes=model.parameter_bytes,
            estimated_bytes=need,
            free_bytes=free[device],
        )
        for device in devices
        for i in range(device_map.replicas_per_device)
    ]
    if fits is None:
        short = [p.device for p in placements if p.free_bytes is not None and p.free_bytes < need]
        notes += [f"{d} has {_mb(free[d])} free but a replica needs about {_mb(need)}" for d in dict.fromkeys(short)]
        fits = not short
    return PlacementPlan(
        strategy="replicate",
        requested_strategy=device_map.strategy,
        placements=placements,
        estimated_bytes=need * len(placements),
        fits=fits,
        notes=notes,
    )


def _pipeline(model: ModelInfo, device_map: DeviceMap, free: dict[str, int | None]) -> PlacementPlan:
    devices = device_map.devices
    notes: list[str] = []
    cuts, problem = _choose_cuts(model, device_map, len(devices))
    if problem:
        return _failed_pipeline(model, device_map, free, [problem])
    bounds = [0, *(_bytes_before(model, cut) for cut in cuts), model.parameter_bytes]
    placements = []
    for k, device in enumerate(devices):
        stage_bytes = bounds[k + 1] - bounds[k]
        placements.append(
            DevicePlacement(
                device=device,
                role="stage",
                index=k,
                parameter_bytes=stage_bytes,
                estimated_bytes=estimate(stage_bytes),
                free_bytes=free[device],
                first_cut=cuts[k - 1] if k else None,
                last_cut=cuts[k] if k < len(cuts) else None,
            )
        )
    for p in placements:
        if p.free_bytes is not None and p.free_bytes < p.estimated_bytes:
            notes.append(f"stage {p.index} needs about {_mb(p.estimated_bytes)} but {p.device} has {_mb(p.free_bytes)}")
    return PlacementPlan(
        strategy="pipeline",
        requested_strategy=device_map.strategy,
        placements=placements,
        estimated_bytes=sum(p.estimated_bytes for p in placements),
        fits=not notes,
        notes=notes,
    )


def _choose_cuts(model: ModelInfo, device_map: DeviceMap, stages: int) -> tuple[list[str], str | None]:
    """The cut after each stage but the last: the operator's, or those balancing weight bytes."""
    known = {c.name for c in model.cut_points}
    if stages < 2:
        return [], "the pipeline strategy needs at least two devices (a device may be listed twice)"
    if not model.sequential or not model.cut_points:
        return [], f"model '{model.name}' cannot be split into pipeline stages (no single-tensor cut points)"
    if device_map.cut_points:
        cuts = list(device_map.cut_points)
        if len(cuts) != stages - 1:
            return [], f"{stages} devices need {stages - 1} cut point(s), got {len(cuts)}"
        unknown = [c for c in cuts if c not in known]
        if unknown:
            return [], f"unknown cut point(s) {', '.join(unknown)}; valid: {', '.join(c.name for c in model.cut_points)}"
        order = [c.name for c in model.cut_points]
        if [order.index(c) for c in cuts] != sorted(order.index(c) for c in cuts) or len(set(cuts)) != len(cuts):
            return [], "cut points must be distinct and in graph order"
        return cuts, None
    if len(model.cut_points) < stages - 1:
        return [], f"model '{model.name}' has only {len(model.cut_points)} cut point(s), too few for {stages} stages"
    return _balanced_cuts(model, stages), None


def _balanced_cuts(model: ModelInfo, stages: int) -> list[str]:
    """Greedy: for each boundary, the candidate nearest to an equal share of the weight bytes."""
    candidates = model.cut_points
    chosen: list[str] = []
    start = 0
    for k in range(1, stages):
        target = model.parameter_bytes * k / stages
        remaining_needed = stages - 1 - k
        window = candidates[start : len(candidates) - remaining_needed]
        best = min(range(len(window)), key=lambda i: abs(window[i].parameter_bytes_before - target))
        chosen.append(window[best].name)
        start += best + 1
    return chosen


def _bytes_before(model: ModelInfo, cut: str) -> int:
    return next(c.parameter_bytes_before for c in model.cut_points if c.name == cut)


def _failed_pipeline(model: ModelInfo, device_map: DeviceMap, free: dict, notes: list[str]) -> PlacementPlan:
    placement = DevicePlacement(
        device=device_map.devices[0],
        role="stage",
        index=0,
        parameter_bytes=model.parameter_bytes,
        estimated_bytes=estimate(model.parameter_bytes),
        free_bytes=free[device_map.devices[0]],
    )
    return PlacementPlan(
        strategy="pipeline",
        requested_strategy=device_map.strategy,
        placements=[placement],
        estimated_bytes=placement.estimated_bytes,
        fits=False,
        notes=notes,
    )


def _mb(value: int | None) -> str:
    return "unknown" if value is None else f"{value / 2**20:.1f} MiB"

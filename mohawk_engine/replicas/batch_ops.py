"""Merging requests into one batch and handing each caller back its own rows."""

from __future__ import annotations

import time

import numpy as np

from mohawk_engine.batching.request import PendingRequest
from mohawk_engine.runtime.base import Runner


def merge_inputs(batch: list[PendingRequest]) -> dict[str, np.ndarray]:
    if len(batch) == 1:
        return batch[0].inputs
    names = batch[0].inputs.keys()
    return {name: np.concatenate([request.inputs[name] for request in batch]) for name in names}


def split_outputs(outputs: dict[str, np.ndarray], batch: list[PendingRequest]) -> list[dict[str, np.ndarray]]:
    if len(batch) == 1:
        return [outputs]
    results = []
    start = 0
    for request in batch:
        stop = start + request.rows
        results.append({name: array[start:stop] for name, array in outputs.items()})
        start = stop
    return results


def run_batch(runner: Runner, batch: list[PendingRequest]) -> list[dict[str, np.ndarray]]:
    """Merge, run and split on the replica's own thread, keeping that work off the event loop."""
    started = time.perf_counter_ns()
    merged = merge_inputs(batch)
    merged_at = time.perf_counter_ns()
    outputs = runner.run(merged)
    computed_at = time.perf_counter_ns()
    results = split_outputs(outputs, batch)
    record_timings(batch, merged_at - started, computed_at - merged_at, time.perf_counter_ns() - computed_at)
    return results


def record_timings(batch: list[PendingRequest], input_ns: int, compute_ns: int, output_ns: int) -> None:
    for request in batch:
        request.timings["input_ns"] = input_ns
        request.timings["compute_ns"] = compute_ns
        request.timings["output_ns"] = output_ns

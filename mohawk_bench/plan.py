"""Share a load run between worker processes: connections, rate and request count."""

from __future__ import annotations

from dataclasses import dataclass

from mohawk_bench.endpoint import Endpoint
from mohawk_bench.spec import LoadSpec, TlsOptions


@dataclass(frozen=True)
class WorkerPlan:
    """One worker process's part of a run (picklable)."""

    index: int
    host: str
    port: int
    tls: TlsOptions | None
    payload: bytes
    mode: str
    lanes: int
    rate: float
    arrival: str
    seed: int
    offset_s: float
    warmup_s: float
    duration_s: float | None
    requests: int | None
    timeout_s: float


def share(total: int, parts: int, index: int) -> int:
    """Part `index` of `total` split as evenly as whole numbers allow (the first parts get the rest)."""
    return total // parts + (1 if index < total % parts else 0)


def split(spec: LoadSpec, endpoint: Endpoint, payload: bytes) -> list[WorkerPlan]:
    """One plan per process; constant arrivals are staggered so the merged stream stays evenly spaced."""
    parts = spec.processes
    slots = spec.concurrency if spec.mode == "closed" else spec.max_in_flight
    rate = (spec.rate or 0.0) / parts
    return [
        WorkerPlan(
            index=i,
            host=endpoint.host,
            port=endpoint.port,
            tls=spec.tls if endpoint.tls else None,
            payload=payload,
            mode=spec.mode,
            lanes=share(slots, parts, i),
            rate=rate,
            arrival=spec.arrival,
            seed=spec.seed * 1000 + i,
            offset_s=i / spec.rate if spec.rate else 0.0,
            warmup_s=spec.warmup_s,
            duration_s=spec.duration_s,
            requests=share(spec.requests, parts, i) if spec.requests is not None else None,
            timeout_s=spec.timeout_s,
        )
        for i in range(parts)
    ]

"""A session: one deployed model with its placement, executor and batcher, and its lifecycle.

LOADING -> READY -> DRAINING -> STOPPED, or FAILED with a reason at any point of loading.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from mohawk_engine.batching.batcher import DynamicBatcher
from mohawk_engine.errors import SessionNotReady
from mohawk_engine.placement.planner import plan_placement
from mohawk_engine.replicas.pipeline import PipelineExecutor
from mohawk_engine.replicas.pool import ReplicaPool
from mohawk_engine.runtime.loader import build_pipeline_stages, build_replicas
from mohawk_engine.schemas import ModelInfo, PlacementPlan, SessionInfo, SessionSpec, SessionState
from mohawk_engine.schemas.telemetry import SessionMetrics
from mohawk_engine.sessions.warmup import warmup_inputs
from mohawk_engine.telemetry.session_meter import SessionMeter
from mohawk_engine.telemetry.stats import SessionStats
from mohawk_engine.telemetry.utilization import BusyTracker

log = logging.getLogger("mohawk.session")

StateListener = Callable[["Session", SessionState, str | None], None]
EventListener = Callable[["Session", str, str | None], None]


class Session:
    def __init__(
        self,
        spec: SessionSpec,
        model: ModelInfo,
        model_path: Path,
        version: int = 1,
        created_at: float | None = None,
        on_state: StateListener | None = None,
        on_event: EventListener | None = None,
    ) -> None:
        self.spec = spec
        self.model = model
        self.model_path = model_path
        self.version = version
        self.state = SessionState.LOADING
        self.reason: str | None = None
        self.plan: PlacementPlan | None = None
        self.executor: ReplicaPool | PipelineExecutor | None = None
        self.batcher: DynamicBatcher | None = None
        self.stats = SessionStats()
        self.meter = SessionMeter()
        self._busy = BusyTracker()
        self.created_at = created_at or time.time()
        self.updated_at = self.created_at
        self._on_state = on_state
        self._on_event = on_event

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def queue_depth(self) -> int:
        return self.batcher.queue_depth if self.batcher else 0

    def info(self) -> SessionInfo:
        return SessionInfo(
            spec=self.spec,
            state=self.state,
            reason=self.reason,
            version=self.version,
            format=self.model.format.value,
            inputs=self.model.inputs,
            outputs=self.model.outputs,
            plan=self.plan,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )

    def metrics(self) -> SessionMetrics:
        executor = self.executor
        replica_busy: list[float] = []
        stage_busy: list[float] = []
        if isinstance(executor, ReplicaPool):
            replica_busy = self._busy.fractions([r.busy_ns for r in executor.replicas])
        elif isinstance(executor, PipelineExecutor):
            stage_busy = self._busy.fractions(list(executor.stage_busy_ns))
        return self.meter.snapshot(
            self.name,
            self.state.value,
            queue_depth=self.queue_depth,
            replica_busy=replica_busy,
            stage_busy=stage_busy,
        )

    def triton_stats(self) -> dict:
        return self.stats.triton(self.name, str(self.version))

    def _set_state(self, state: SessionState, reason: str | None = None) -> None:
        self.state, self.reason, self.updated_at = state, reason, time.time()
        log.info(
            "session %s: %s%s", self.name, state.value, f" ({reason})" if reason else "", extra={"session": self.name}
        )
        if self._on_state:
            self._on_state(self, state, reason)
        self._event(state.value.lower(), reason)

    def _event(self, kind: str, detail: str | None = None) -> None:
        if self._on_event:
            self._on_event(self, kind, detail)

    async def load(self, inventory, warmup_batches: int) -> None:
        """Plan, build runners off the event loop, warm up, then go READY; any failure -> FAILED."""
        self._set_state(SessionState.LOADING)
        try:
            self.plan = plan_placement(self.model, self.spec.device_map, inventory)
            if not self.plan.fits:
                raise RuntimeError("; ".join(self.plan.notes) or "the model does not fit the requested devices")
            self.executor = await asyncio.to_thread(self._build_executor)
            await self._warm_up(warmup_batches)
            self._event("warmed", f"{warmup_batches} warm-up pass(es) on every replica or stage")
        except Exception as exc:
            await self._close_executor()
            self._set_state(SessionState.FAILED, _plain_reason(exc))
            return
        self.batcher = DynamicBatcher(self.name, self.spec.batching, self.executor, self.stats, self.meter)
        self.batcher.start()
        self._set_state(SessionState.READY)

    def _build_executor(self) -> ReplicaPool | PipelineExecutor:
        device_map = self.spec.device_map
        if self.plan.strategy == "pipeline":
            stages = build_pipeline_stages(self.model, self.model_path, self.plan, device_map)
            return PipelineExecutor(self.name, stages, device_map.micro_batch_size)
        return ReplicaPool(self.name, build_replicas(self.model, self.model_path, self.plan, device_map))

    async def _warm_up(self, batches: int) -> None:
        rows_options = [1, self.spec.batching.max_batch_size] if self.model.batchable else [1]
        for i in range(batches):
            inputs = warmup_inputs(self.model.inputs, rows_options[i % len(rows_options)])
            await self.executor.run_on_each(inputs)

    async def infer(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return await self._serving_batcher().submit(inputs, self._rows(inputs))

    def infer_now(self, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
        """The outputs at once if the session can run the request right now, else None: then `infer`."""
        return self._serving_batcher().run_now(inputs, self._rows(inputs))

    def _serving_batcher(self) -> DynamicBatcher:
        if self.state is not SessionState.READY or self.batcher is None:
            raise SessionNotReady(f"session '{self.name}' is {self.state.value}, not READY")
        return self.batcher

    def _rows(self, inputs: dict[str, np.ndarray]) -> int:
        return next(iter(inputs.values())).shape[0] if self.model.batchable else 1

    async def stop(self) -> None:
        """Drain: stop accepting, finish every queued request, release the devices."""
        if self.state in (SessionState.STOPPED, SessionState.DRAINING):
            return
        if self.state is SessionState.READY:
            self._set_state(SessionState.DRAINING)
            await self.batcher.drain()
        await self._close_executor()
        self._set_state(SessionState.STOPPED, self.reason if self.state is SessionState.FAILED else None)

    async def _close_executor(self) -> None:
        if self.executor is not None:
            executor, self.executor = self.executor, None
            await asyncio.to_thread(executor.close)


def _plain_reason(exc: BaseException) -> str:
    message = str(exc).strip() or exc.__class__.__name__
    if isinstance(exc, MemoryError):
        return "out of memory while loading the model"
    return message.splitlines()[0] if len(message) > 500 else message

"""A task's public view: its stored record and experiments, with best, Pareto front and best_spec."""

from __future__ import annotations

from mohawk_engine.schemas.tuning import Experiment, Progress, TuningTaskInfo
from mohawk_engine.store.tuning import TaskRecord
from mohawk_engine.tuning import objectives, pareto, space


def task_info(record: TaskRecord, experiments: list[Experiment], current: str | None = None) -> TuningTaskInfo:
    request = record.request
    best = objectives.best(experiments, request.objective, request.constraints)
    by_index = {e.index: e for e in experiments}
    best_spec = None
    if best is not None:
        base = record.base_spec
        best_spec = space.candidate_spec(base, base.name, by_index[best].params)
    points = [
        (e.index, e.throughput, e.p99_ms)
        for e in experiments
        if e.throughput is not None and e.p99_ms is not None and objectives.feasible(e, request.constraints)
    ]
    return TuningTaskInfo(
        id=record.id,
        session=record.session,
        status=record.status,
        request=request,
        progress=Progress(done=len(experiments), total=record.total, current=current),
        experiments=experiments,
        best=best,
        best_spec=best_spec,
        pareto=pareto.front(points),
        error=record.error,
        created=record.created,
        updated=record.updated,
    )

"""Tuning tasks as the API sees them: checked on creation, listed, cancelled and deleted."""

from __future__ import annotations

from pydantic import ValidationError

from mohawk_engine.errors import BadRequest, Conflict, NotFound
from mohawk_engine.schemas.tuning import (
    MAX_EXPERIMENTS,
    MAX_TASK_SECONDS,
    SPACE_PARAMETERS,
    TuningStatus,
    TuningTaskInfo,
    TuningTaskRequest,
)
from mohawk_engine.sessions.manager import SessionManager
from mohawk_engine.store.tuning import TaskRecord, TuningStore
from mohawk_engine.tuning import report, space
from mohawk_engine.tuning.access import BenchAccess
from mohawk_engine.tuning.runner import Emit, TuningRunner


class TuningService:
    def __init__(
        self, sessions: SessionManager, store: TuningStore, runner: TuningRunner, emit: Emit, access: BenchAccess
    ) -> None:
        self._sessions = sessions
        self._store = store
        self._runner = runner
        self._emit = emit
        self._access = access

    def create(self, request: TuningTaskRequest) -> TuningTaskInfo:
        """Queue a task; 404 for an unknown session, 400 for a space that is empty, too big or invalid,
        409 when this engine cannot measure itself (mutual TLS)."""
        if (refusal := self._access.refusal()) is not None:
            raise Conflict(refusal)
        if request.session in self._store.leftover_candidates():
            raise BadRequest(f"'{request.session}' is a tuning candidate; tune the session it was made from")
        base = self._sessions.get(request.session).spec
        if not request.space.axes():
            raise BadRequest(f"the search space is empty: give a list of values for at least one of "
                             f"{', '.join(SPACE_PARAMETERS)}")  # fmt: skip
        candidates = space.count(request.space, request.strategy)
        total = candidates * len(request.load.concurrency)
        if total > MAX_EXPERIMENTS:
            raise BadRequest(
                f"{candidates} candidates x {len(request.load.concurrency)} load levels = {total} experiments; "
                f"at most {MAX_EXPERIMENTS} are allowed (use the random strategy or fewer values)"
            )
        seconds = total * (request.load.duration_s + request.load.warmup_s)
        if seconds > MAX_TASK_SECONDS:
            raise BadRequest(
                f"{total} experiments of {request.load.warmup_s:g} s warm-up + {request.load.duration_s:g} s "
                f"would measure for {seconds / 3600:.1f} h; at most {MAX_TASK_SECONDS / 3600:.0f} h are allowed"
            )
        for overrides in space.candidates(request.space, request.strategy):
            try:
                space.apply(base, overrides)
            except ValidationError as exc:
                problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                raise BadRequest(f"candidate {overrides} is not a valid session: {problems}") from exc
        record = self._store.create(request, base, total)
        self._runner.wake()
        return self._info(record)

    def get(self, task_id: int) -> TuningTaskInfo:
        return self._info(self._record(task_id))

    def list(self) -> list[TuningTaskInfo]:
        return [self._info(r) for r in self._store.tasks()]

    async def cancel(self, task_id: int) -> TuningTaskInfo:
        """Cancel a queued or running task; answers once the bench has stopped and the candidate is gone."""
        record = self._record(task_id)
        if record.status.finished:
            raise Conflict(f"tuning task {task_id} is {record.status.value}; only a pending or running task can be cancelled")
        if self._runner.running(task_id):
            await self._runner.cancel(task_id)
        else:
            self._store.set_status(task_id, TuningStatus.CANCELLED)
            self._emit(record.session, "tuning cancelled", f"task {task_id}: cancelled before it started")
        return self.get(task_id)

    def delete(self, task_id: int) -> TuningTaskInfo:
        info = self.get(task_id)
        if not info.status.finished:
            raise Conflict(f"tuning task {task_id} is {info.status.value}; cancel it first, then delete it")
        self._store.delete(task_id)
        return info

    def _record(self, task_id: int) -> TaskRecord:
        # Task ids are positive SQLite integers; a bigger number cannot be bound to a query at all.
        record = self._store.get(task_id) if 0 < task_id < 2**63 else None
        if record is None:
            known = ", ".join(str(r.id) for r in self._store.tasks()) or "none"
            raise NotFound(f"unknown tuning task {task_id}; tasks: {known}")
        return record

    def _info(self, record: TaskRecord) -> TuningTaskInfo:
        return report.task_info(record, self._store.experiments(record.id), self._runner.current.get(record.id))

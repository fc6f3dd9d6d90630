"""Run tuning tasks one at a time in the engine's event loop; queued tasks wait their turn.

Each candidate is deployed once as `<session>--tune-<task>-<n>` through the session manager
(the path POST /v1/sessions takes), measured at every load level by mohawk-bench in its own
process against the engine's own URL, then torn down. Every experiment is stored as soon as it
is measured, so a task interrupted by a stop or a crash resumes at its first missing one.
The base session is never touched: it keeps serving throughout. What the bench needs to pass
the engine's auth and TLS comes from `access` (see tuning/access.py).

An experiment's memory_mb is the placement planner's estimate for the candidate (the
session's plan), not the engine's RSS: the RSS also moves with the base session's traffic
and with what the allocator keeps, which would make candidates incomparable.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from mohawk_bench.spec import LoadSpec, TlsOptions
from mohawk_engine.errors import EngineError
from mohawk_engine.schemas import SessionSpec, SessionState
from mohawk_engine.schemas.tuning import CandidateParams, Experiment, LoadLevels, TuningStatus
from mohawk_engine.sessions.manager import SessionManager
from mohawk_engine.store.sqlite import StateStore
from mohawk_engine.store.tuning import TaskRecord, TuningStore
from mohawk_engine.tuning import bench, objectives, report, space
from mohawk_engine.tuning.access import BenchAccess

log = logging.getLogger("mohawk.tuning")

MIB = 1024 * 1024
Emit = Callable[[str, str, str | None], None]
_WILDCARD = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


@dataclass
class _Candidate:
    """One candidate's settings and how far its deployment got (kept up to date even when cancelled)."""

    number: int
    name: str
    overrides: space.Overrides
    params: CandidateParams
    created: bool = False
    failure: str | None = None
    memory_mb: float | None = None


class TuningRunner:
    def __init__(
        self,
        sessions: SessionManager,
        store: TuningStore,
        state: StateStore,
        emit: Emit,
        base_url: Callable[[], str | None],
        access: BenchAccess,
    ) -> None:
        self._sessions = sessions
        self._store = store
        self._state = state
        self._emit = emit
        self._base_url = base_url
        self._access = access
        self._wakeup = asyncio.Event()
        self._worker: asyncio.Task | None = None
        self._job: asyncio.Task | None = None
        self._job_id: int | None = None
        self._stopping = False
        self.current: dict[int, str] = {}

    def drop_leftovers(self) -> None:
        """Before sessions are restored: forget candidates a crash left behind, so they never come back."""
        for record in self._store.tasks():
            if record.candidate is not None:
                log.info("dropping tuning candidate %s left from the last run", record.candidate)
                self._state.forget_session(record.candidate)
                self._store.set_candidate(record.id, None)

    def start(self) -> None:
        self._worker = asyncio.get_running_loop().create_task(self._work(), name="mohawk-tuning")

    def wake(self) -> None:
        self._wakeup.set()

    def running(self, task_id: int) -> bool:
        return self._job_id == task_id and self._job is not None and not self._job.done()

    async def cancel(self, task_id: int) -> None:
        """Stop the task now running: the bench gets SIGTERM, the candidate is torn down."""
        job = self._job
        if self._job_id != task_id or job is None or job.done():
            return
        job.cancel()
        await asyncio.wait([job])

    async def stop(self) -> None:
        """Engine shutdown: stop the current task where it is (it stays running, to resume) and the worker."""
        self._stopping = True
        if self._job is not None and not self._job.done():
            self._job.cancel()
            await asyncio.wait([self._job])
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    async def _work(self) -> None:
        while True:
            self._wakeup.clear()
            record = self._next()
            if record is None:
                await self._wakeup.wait()
                continue
            self._job_id = record.id
            self._job = asyncio.get_running_loop().create_task(self._run(record), name=f"mohawk-tuning-{record.id}")
            await asyncio.wait([self._job])
            job, self._job, self._job_id = self._job, None, None
            if job.cancelled():  # cancelled before its first step ran
                if self._stopping:
                    return
                self._cancelled(record)

    def _next(self) -> TaskRecord | None:
        for status in (TuningStatus.RUNNING, TuningStatus.PENDING):
            records = self._store.tasks((status,))
            if records:
                return records[0]
        return None

    async def _run(self, record: TaskRecord) -> None:
        task_id, session = record.id, record.session
        if (refusal := self._access.refusal()) is not None:  # e.g. queued before a restart with mutual TLS
            self._store.set_status(task_id, TuningStatus.FAILED, refusal)
            self._emit(session, "tuning failed", f"task {task_id}: {refusal}")
            return
        resumed = record.status is TuningStatus.RUNNING
        self._store.set_status(task_id, TuningStatus.RUNNING)
        done = len(self._store.experiments(task_id))
        detail = f"task {task_id}: " + (f"resumed at {done}/{record.total}" if resumed else f"{record.total} experiments")
        self._emit(session, "tuning resumed" if resumed else "tuning started", detail)
        try:
            with self._access.token(task_id) as token:
                await self._experiments(record, token)
        except asyncio.CancelledError:
            if self._stopping:
                raise
            self._cancelled(record)
        except Exception as exc:  # a task that breaks is marked failed; the worker goes on with the next
            log.exception("tuning task %s failed", task_id)
            self._store.set_status(task_id, TuningStatus.FAILED, f"{exc.__class__.__name__}: {exc}")
            self._emit(session, "tuning failed", f"task {task_id}: {exc}")
        else:
            self._store.set_status(task_id, TuningStatus.COMPLETED)
            self._emit(session, "tuning completed", f"task {task_id}: {self._summary(task_id)}")
        finally:
            self.current.pop(task_id, None)

    def _cancelled(self, record: TaskRecord) -> None:
        self._store.set_status(record.id, TuningStatus.CANCELLED)
        self._emit(record.session, "tuning cancelled", f"task {record.id}: {self._summary(record.id)}")

    async def _experiments(self, record: TaskRecord, token: str | None) -> None:
        request, base = record.request, record.base_spec
        levels = request.load.concurrency
        chosen = space.candidates(request.space, request.strategy)
        done = {e.index for e in self._store.experiments(record.id)}
        for number, overrides in enumerate(chosen):
            indices = [number * len(levels) + level for level in range(len(levels))]
            if all(i in done for i in indices):
                continue
            name = space.candidate_name(record.session, record.id, number)
            candidate = _Candidate(number, name, overrides, space.apply(base, overrides))
            self.current[record.id] = f"candidate {number + 1}/{len(chosen)}: deploying {name}"
            self._store.set_candidate(record.id, name)
            try:
                await self._deploy(space.candidate_spec(base, name, candidate.params), candidate)
                for index, concurrency in zip(indices, levels, strict=True):
                    if index in done:
                        continue
                    self.current[record.id] = f"experiment {index + 1}/{record.total}: concurrency {concurrency}"
                    experiment = await self._experiment(record, candidate, index, concurrency, token)
                    self._store.add_experiment(record.id, experiment)
                    self._emit(record.session, "tuning experiment",
                               f"task {record.id}: experiment {index + 1}/{record.total} done: {_describe(experiment)}")  # fmt: skip
            finally:
                if candidate.created:
                    await _uninterrupted(self._teardown(name))
                self._store.set_candidate(record.id, None)

    async def _deploy(self, spec: SessionSpec, candidate: _Candidate) -> None:
        """Create the candidate session the way POST /v1/sessions does and wait until it has loaded."""
        try:
            await self._sessions.create(spec)
        except EngineError as exc:
            candidate.failure = exc.message
            return
        candidate.created = True
        await self._sessions.wait_loaded(spec.name)
        session = self._sessions.get(spec.name)
        if session.state is not SessionState.READY:
            candidate.failure = session.reason or f"the candidate is {session.state.value}"
        elif session.plan is not None:
            candidate.memory_mb = session.plan.estimated_bytes / MIB

    async def _teardown(self, name: str) -> None:
        """Stop the candidate and forget it everywhere: no STOPPED entry stays in the session manager."""
        await self._sessions.remove(name)
        self._state.forget_session(name)

    async def _experiment(
        self, record: TaskRecord, candidate: _Candidate, index: int, concurrency: int, token: str | None
    ) -> Experiment:
        """Measure the deployed candidate at one load level (or record why it could not be)."""
        started = time.time()
        fields: dict = {"status": "ok", "memory_mb": candidate.memory_mb}
        first_level = index == candidate.number * len(record.request.load.concurrency)
        if candidate.failure is not None:
            fields = {"status": "failed", "reason": candidate.failure} if first_level else {
                "status": "skipped", "reason": f"the candidate did not load: {candidate.failure}"}  # fmt: skip
        else:
            try:
                result = await bench.measure(self._load_spec(candidate.name, concurrency, record.request.load), token)
            except bench.BenchFailed as exc:
                fields = {"status": "failed", "reason": f"measuring failed: {exc}", "memory_mb": candidate.memory_mb}
            else:
                totals, latency = result.totals, result.latency
                fields.update(
                    throughput=totals.throughput,
                    p50_ms=latency.p50_ms,
                    p90_ms=latency.p90_ms,
                    p99_ms=latency.p99_ms,
                    mean_ms=latency.mean_ms,
                    requests=totals.requests,
                    errors=totals.errors,
                )
        experiment = Experiment(
            index=index,
            candidate=candidate.number,
            overrides=candidate.overrides,
            params=candidate.params,
            concurrency=concurrency,
            started=started,
            finished=time.time(),
            **fields,
        )
        experiment.feasible = objectives.feasible(experiment, record.request.constraints)
        return experiment

    def _load_spec(self, name: str, concurrency: int, load: LoadLevels) -> LoadSpec:
        url = self._base_url()
        if url is None:
            raise bench.BenchFailed("the engine's own URL is not known (it is set once the server listens)")
        parts = urlsplit(url)
        host = _WILDCARD.get(parts.hostname or "", parts.hostname)
        netloc = f"[{host}]:{parts.port}" if ":" in host else f"{host}:{parts.port}"
        return LoadSpec(
            url=urlunsplit((parts.scheme, netloc, "", "", "")),
            model=name,
            concurrency=concurrency,
            duration_s=load.duration_s,
            warmup_s=load.warmup_s,
            tls=self._tls(parts.scheme),
        )

    def _tls(self, scheme: str) -> TlsOptions:
        # The engine measures itself over loopback: its certificate need not name 127.0.0.1.
        certificate = self._access.client_certificate
        cert_file, key_file = certificate if certificate is not None else (None, None)
        return TlsOptions(verify=scheme != "https", cert_file=cert_file, key_file=key_file)

    def _summary(self, task_id: int) -> str:
        record = self._store.get(task_id)
        info = report.task_info(record, self._store.experiments(task_id))
        head = f"{info.progress.done}/{info.progress.total} experiments"
        if info.best is None:
            return f"{head}, none met the constraints"
        best = next(e for e in info.experiments if e.index == info.best)
        return f"{head}, best experiment {info.best + 1}: {_describe(best)}"


async def _uninterrupted(work: Coroutine) -> None:
    """Run `work` to its end even when the caller is cancelled meanwhile (then re-raise the cancel)."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


def _describe(experiment: Experiment) -> str:
    settings = ", ".join(f"{k} {v}" for k, v in experiment.overrides.items())
    if experiment.status != "ok":
        return f"{settings}: {experiment.status} ({experiment.reason})"
    p99 = f"{experiment.p99_ms:.2f} ms" if experiment.p99_ms is not None else "n/a"
    return f"{settings}, concurrency {experiment.concurrency}: {experiment.throughput:.1f} req/s, p99 {p99}"

"""The set of sessions on this engine: create, look up, stop, persist and restore."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from mohawk_engine.errors import BadRequest, Conflict, NotFound, SessionNotReady
from mohawk_engine.placement.planner import plan_placement
from mohawk_engine.repository.repository import ModelNotFound, ModelRepository
from mohawk_engine.schemas import ModelInfo, PlacementPlan, SessionInfo, SessionSpec, SessionState
from mohawk_engine.schemas.telemetry import LogRecord, SessionEvent, SessionHistory
from mohawk_engine.sessions.session import Session
from mohawk_engine.store.events import EventLog
from mohawk_engine.store.sqlite import StateStore

log = logging.getLogger("mohawk.sessions")


def describe_changes(old: SessionSpec, new: SessionSpec) -> str:
    """The settings that differ, e.g. "batching.max_queue_delay_us 0 -> 200"."""
    before, after = old.model_dump(), new.model_dump()
    changes = []
    for section in ("model", "device_map", "batching"):
        if isinstance(after[section], dict):
            for key, value in after[section].items():
                if before[section].get(key) != value:
                    changes.append(f"{section}.{key} {before[section].get(key)} -> {value}")
        elif before[section] != after[section]:
            changes.append(f"{section} {before[section]} -> {after[section]}")
    return ", ".join(changes) or "no changes"

_RESTORABLE = {SessionState.LOADING, SessionState.READY}


class SessionManager:
    def __init__(
        self,
        repository: ModelRepository,
        inventory,
        store: StateStore,
        warmup_batches: int = 2,
        events: EventLog | None = None,
        last_logs: Callable[[str], list[LogRecord]] = lambda _name: [],
    ) -> None:
        self._repository = repository
        self._events = events
        self._last_logs = last_logs
        self.event_listeners: list[Callable[[SessionEvent], None]] = []
        self._inventory = inventory
        self._store = store
        self._warmup_batches = warmup_batches
        self._sessions: dict[str, Session] = {}
        self._loads: dict[str, asyncio.Task] = {}
        self._shutting_down = False
        self._reconfiguring: set[str] = set()

    def get(self, name: str) -> Session:
        session = self._sessions.get(name)
        if session is None or session.state is SessionState.STOPPED:
            raise NotFound(f"unknown session '{name}'; sessions: {', '.join(self._active_names()) or 'none'}")
        return session

    def ready(self, name: str) -> Session:
        """The session to route an inference to: 404 when unknown, 503 while not READY."""
        session = self._sessions.get(name)
        if session is None or session.state is SessionState.STOPPED:
            raise NotFound(f"unknown model '{name}'; ready models: {', '.join(self._ready_names()) or 'none'}")
        if session.state is not SessionState.READY:
            detail = f": {session.reason}" if session.reason else ""
            raise SessionNotReady(f"model '{name}' is {session.state.value}, not READY{detail}")
        return session

    def list(self) -> list[SessionInfo]:
        return [s.info() for s in self._sessions.values() if s.state is not SessionState.STOPPED]

    def all_settled(self) -> bool:
        return not any(s.state is SessionState.LOADING for s in self._sessions.values())

    def _active_names(self) -> list[str]:
        return [n for n, s in self._sessions.items() if s.state is not SessionState.STOPPED]

    def _ready_names(self) -> list[str]:
        return [n for n, s in self._sessions.items() if s.state is SessionState.READY]

    def plan(self, spec: SessionSpec) -> PlacementPlan:
        model = self.model(spec.model)
        return plan_placement(model, spec.device_map, self._inventory)

    def model(self, name: str) -> ModelInfo:
        """The repository entry for `name`: 404 when unknown, 400 when the name is unsafe."""
        try:
            return self._repository.get(name)
        except ModelNotFound as exc:
            raise NotFound(str(exc.args[0]) if exc.args else f"unknown model '{name}'") from exc
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc

    async def create(self, spec: SessionSpec) -> SessionInfo:
        """Register the session and start loading it in the background; returns at once (LOADING)."""
        existing = self._sessions.get(spec.name)
        if existing is not None and existing.state not in (SessionState.STOPPED, SessionState.FAILED):
            raise Conflict(f"session '{spec.name}' already exists and is {existing.state.value}; delete it first")
        model = self.model(spec.model)
        if existing is not None:
            await existing.stop()
        version = 1
        self._store.save_session(spec, SessionState.LOADING, None, version)
        self._record_event(spec.name, "requested", f"model {spec.model}, {spec.device_map.strategy} on "
                           f"{', '.join(spec.device_map.devices)}")
        session = self._start(spec, model, version)
        return session.info()

    def _start(self, spec: SessionSpec, model, version: int, created_at: float | None = None) -> Session:
        session = Session(
                        spec,
            model,
            self._repository.path_of(spec.model),
            version,
            created_at,
            on_state=self._persist_state,
            on_event=self._session_event,
        )
        self._sessions[spec.name] = session
        task = asyncio.get_running_loop().create_task(session.load(self._inventory, self._warmup_batches))
        self._loads[spec.name] = task
        task.add_done_callback(lambda _t, name=spec.name: self._loads.pop(name, None))
        return session

    def _persist_state(self, session: Session, state: SessionState, reason: str | None) -> None:
        if not self._shutting_down and self._is_current(session):
            self._store.set_state(session.name, state, reason)

    def _is_current(self, session: Session) -> bool:
        """False for a new version still loading beside the one serving, and for a replaced version."""
        return self._sessions.get(session.name) is session

    def _session_event(self, session: Session, kind: str, detail: str | None) -> None:
        current = self._is_current(session)
        if self._shutting_down and kind in ("draining", "stopped"):
            detail = "engine shutting down"
        elif not current:
            detail = f"version {session.version}" + (f": {detail}" if detail else "")
        self._record_event(session.name, kind, detail)
        if current and kind in ("stopped", "failed") and not self._shutting_down and self._events is not None:
            self._events.add_history(
                SessionHistory(
                    session=session.name,
                    model=session.spec.model,
                    final_state=kind.upper(),
                    reason=session.reason,
                    ended_at=time.time(),
                    final_metrics=session.metrics(),
                    last_logs=self._last_logs(session.name),
                )
            )

    def _record_event(self, name: str, kind: str, detail: str | None) -> None:
        if self._events is None:
            return
        event = self._events.add(name, kind, detail)
        for listener in list(self.event_listeners):
            listener(event)

    def events(self, name: str, limit: int = 500) -> list[SessionEvent]:
        """A session's timeline, also for sessions that are stopped or gone."""
        if self._events is None or (name not in self._sessions and not self._events.has_session(name)):
            raise NotFound(f"no session '{name}' now or in the history")
        return self._events.events(session=name, limit=limit)

    def history(self, limit: int = 100) -> list[SessionHistory]:
        return self._events.history(limit) if self._events is not None else []

    def all_sessions(self) -> list[Session]:
        return [s for s in self._sessions.values() if s.state is not SessionState.STOPPED]

    async def delete(self, name: str) -> SessionInfo:
        session = self.get(name)
        load = self._loads.get(name)
        if load is not None:
            load.cancel()
            await asyncio.gather(load, return_exceptions=True)
        await session.stop()
        return session.info()

    async def remove(self, name: str) -> None:
        """Stop the session if it still runs, then drop it from the map (`delete` leaves it there STOPPED).

        For sessions that are temporary by design, such as tuning candidates: each would otherwise
        leave one STOPPED entry per candidate for the life of the process.
        """
        session = self._sessions.get(name)
        if session is None:
            return
        if session.state is not SessionState.STOPPED:
            await self.delete(name)
        if self._sessions.get(name) is session:
            del self._sessions[name]

    def __contains__(self, name: object) -> bool:
        """Whether a session of that name is held, a STOPPED one included."""
        return name in self._sessions

    async def reconfigure(self, name: str, spec: SessionSpec) -> SessionInfo:
        """Load `spec` as the next version beside the serving one; switch when it is READY, then drain the old.

        No request is dropped: new requests go to the new version from the moment it is READY,
        and the old version finishes what it has queued. If the new version fails to load,
        the old one keeps serving and the error says why.
        """
        if spec.name != name:
            raise BadRequest(f"the spec names session '{spec.name}' but the request is for '{name}'")
        old = self.get(name)
        if old.state is not SessionState.READY:
            raise Conflict(f"session '{name}' is {old.state.value}; only a READY session can be reconfigured")
        if name in self._reconfiguring:
            raise Conflict(f"session '{name}' is already being reconfigured")
        model = self.model(spec.model)
        self._reconfiguring.add(name)
        try:
            candidate = Session(
                spec,
                model,
                self._repository.path_of(spec.model),
                old.version + 1,
                old.created_at,
                on_state=self._persist_state,
                on_event=self._session_event,
            )
            await candidate.load(self._inventory, self._warmup_batches)
            if candidate.state is not SessionState.READY:
                raise Conflict(
                    f"version {candidate.version} of session '{name}' did not load ({candidate.reason}); "
                    f"version {old.version} keeps serving"
                )
            self._sessions[name] = candidate
            self._store.save_session(spec, SessionState.READY, None, candidate.version)
            self._record_event(name, "reconfigured", f"version {old.version} -> {candidate.version}: "
                               f"{describe_changes(old.spec, spec)}")  # fmt: skip
            await old.stop()
        finally:
            self._reconfiguring.discard(name)
        return candidate.info()

    async def wait_loaded(self, name: str) -> None:
        load = self._loads.get(name)
        if load is not None:
            await asyncio.shield(load)

    async def restore(self) -> None:
        """Bring back the sessions that were serving (or loading) when the engine last stopped."""
        for record in self._store.sessions():
            if record.state not in _RESTORABLE:
                if record.state is SessionState.FAILED:
                    self._restore_failed(record)
                continue
            try:
                model = self._repository.get(record.spec.model)
            except (ModelNotFound, ValueError) as exc:
                self._store.set_state(record.name, SessionState.FAILED, f"model unavailable on restore: {exc}")
                self._restore_failed(record)
                continue
            log.info("restoring session %s", record.name)
            self._start(record.spec, model, record.version, record.created_at)

    def _restore_failed(self, record: SessionInfo) -> None:
        """FAILED sessions stay visible with their reason after a restart, without reloading."""
        try:
            model = self._repository.get(record.spec.model)
            path = self._repository.path_of(record.spec.model)
        except (ModelNotFound, ValueError):
            return
        session = Session(
            record.spec,
            model,
            path,
            record.version,
            record.created_at,
            on_state=self._persist_state,
            on_event=self._session_event,
        )
        session.state, session.reason = SessionState.FAILED, record.reason
        self._sessions[record.name] = session

    async def shutdown(self) -> None:
        """Drain every session; their stored state stays as it was so they come back on restart."""
        self._shutting_down = True
        for task in list(self._loads.values()):
            task.cancel()
        await asyncio.gather(*self._loads.values(), return_exceptions=True)
        sessions = [s for s in self._sessions.values() if s.state is SessionState.READY]
        await asyncio.gather(*(s.stop() for s in sessions), return_exceptions=True)

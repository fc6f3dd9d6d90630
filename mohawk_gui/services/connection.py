"""One worker's connection: heartbeat and RTT, session polling, live telemetry, reconnect with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
import time

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import ServerInfo, SessionInfo
from mohawk_engine.schemas.telemetry import HealthReport
from mohawk_gui.services.backoff import Backoff
from mohawk_gui.services.clients import tls_context_for
from mohawk_gui.services.config import RefreshSettings, WorkerSettings
from mohawk_gui.services.failures import ConnectionLost, describe_failure, is_unreachable
from mohawk_gui.services.listener import CONNECTING, DEGRADED, OFFLINE, ONLINE, FleetListener
from mohawk_gui.services.telemetry_feed import TelemetryFeed

log = logging.getLogger(__name__)


class WorkerConnection:
    """Keeps one worker connected and reports everything it learns to the listener.

    A worker that stops answering goes `offline` with the reason and is retried with
    exponential backoff and jitter; it comes back `online` by itself. `degraded` means it
    answers but reports itself unhealthy, or its live stream is down (REST polling stands in).
    """

    def __init__(
        self,
        settings: WorkerSettings,
        refresh: RefreshSettings,
        listener: FleetListener,
        *,
        initial_backoff_s: float = 0.5,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.refresh = refresh
        self.name = settings.name
        self.state = CONNECTING
        self.reason = ""
        self.rtt_ms: float | None = None
        self.info: ServerInfo | None = None
        self._listener = listener
        self._backoff = Backoff(initial_backoff_s, refresh.reconnect_max_s, rng=rng)
        self._tls, self._tls_error = self._load_tls()
        self.client = self._make_client()
        self._problems: dict[str, str] = {}
        self._sessions: list[SessionInfo] | None = None
        self._sessions_stale = asyncio.Event()
        self._task: asyncio.Task | None = None

    def _make_client(self) -> EngineClient:
        """The client the hub hands to views for actions (a subclass may offer a narrower one)."""
        return EngineClient(
            self.settings.url, token=self.settings.token, timeout=self.refresh.request_timeout_s, verify=self._tls or True
        )

    def _load_tls(self) -> tuple[ssl.SSLContext | None, str | None]:
        try:
            return tls_context_for(self.settings), None
        except (OSError, ssl.SSLError) as exc:
            return None, f"TLS: cannot load the certificate files: {exc}"

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        await self._cancel()
        await self.client.aclose()

    async def reconnect(self) -> None:
        """Drop the current connection and try again now, with the backoff reset."""
        self._set_state(CONNECTING, "reconnecting")  # at once: closing the old stream may take a moment
        await self._cancel()
        self._backoff.reset()
        self.start()

    async def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self._connect_and_follow()
                reason = "connection closed"
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure means: offline, retry later
                reason = _reason_of(exc)
            delay = self._backoff.next_delay()
            retry_at = time.strftime("%H:%M:%S", time.localtime(time.time() + delay))
            self._problems.clear()
            self._set_state(OFFLINE, f"{reason}; retry {self._backoff.attempts} at {retry_at}")
            await asyncio.sleep(delay)

    async def _connect_and_follow(self) -> None:
        if self._tls_error:
            raise ConnectionLost(self._tls_error)
        await self.heartbeat()
        self._backoff.reset()
        self._sessions = None
        self._update_state()
        feed = TelemetryFeed(self, self._listener)
        async with asyncio.TaskGroup() as group:
            group.create_task(self._heartbeat_loop())
            group.create_task(self._sessions_loop())
            group.create_task(feed.run())

    async def heartbeat(self) -> None:
        """Ask the worker who it is, timing the round trip; raises ConnectionLost when it does not answer."""
        started = time.perf_counter()
        try:
            info = await self.client.server_info()
        except Exception as exc:
            raise ConnectionLost(describe_failure(exc)) from exc
        self.rtt_ms = (time.perf_counter() - started) * 1000.0
        if self.info is None or (info.worker_id, info.started_at) != (self.info.worker_id, self.info.started_at):
            self.info = info
            self._listener.on_server_info(self.name, info)
        self._listener.on_rtt(self.name, self.rtt_ms)

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.refresh.heartbeat_s)
            await self.heartbeat()

    async def _sessions_loop(self) -> None:
        while True:
            try:
                sessions = await self.client.list_sessions()
            except Exception as exc:
                if is_unreachable(exc):
                    raise ConnectionLost(describe_failure(exc)) from exc
                self.set_problem("sessions", f"session list: {describe_failure(exc)}")
            else:
                self.set_problem("sessions", None)
                if sessions != self._sessions:
                    self._sessions = sessions
                    self._listener.on_sessions(self.name, sessions)
            self._sessions_stale.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.refresh.sessions_s):  # not wait_for: it can swallow a cancel on 3.11
                    await self._sessions_stale.wait()

    def sessions_changed(self) -> None:
        """A session event arrived: refresh the session list now rather than at the next tick."""
        self._sessions_stale.set()

    def report_health(self, report: HealthReport) -> None:
        problem = None if report.status == "healthy" else f"{report.status}: " + ("; ".join(report.reasons) or "no reason given")
        self.set_problem("health", problem)
        self._listener.on_health(self.name, report)

    def set_problem(self, area: str, problem: str | None) -> None:
        """Something is wrong (or fine again, with None) while the worker still answers."""
        if problem is None:
            self._problems.pop(area, None)
        else:
            self._problems[area] = problem
        self._update_state()

    def _update_state(self) -> None:
        if self._problems:
            self._set_state(DEGRADED, "; ".join(self._problems[area] for area in sorted(self._problems)))
        else:
            self._set_state(ONLINE, "")

    def _set_state(self, state: str, reason: str) -> None:
        if (state, reason) == (self.state, self.reason):
            return
        self.state, self.reason = state, reason
        self._listener.on_state(self.name, state, reason or None)

    @property
    def tls_context(self) -> ssl.SSLContext | None:
        return self._tls


def _reason_of(exc: BaseException) -> str:
    if isinstance(exc, BaseExceptionGroup):
        lost = [error for error in exc.exceptions if isinstance(error, ConnectionLost)]
        return _reason_of(lost[0] if lost else exc.exceptions[0])
    if not isinstance(exc, ConnectionLost):
        log.warning("worker connection failed unexpectedly", exc_info=exc)
    return describe_failure(exc)

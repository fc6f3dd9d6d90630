"""kill -9 the engine under load: the console's connection manager sees it go and come back, sessions return.

The restart is timed from the moment the new engine first answers HTTP, not from its process
start: booting Python and the runtimes takes seconds on a busy machine and is not the console's
reconnect delay. The engine is started off the event loop so the manager keeps retrying meanwhile.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import SessionState
from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.connection_manager import ConnectionManager
from mohawk_gui.services.listener import OFFLINE
from tests.faults.load import LoadGenerator
from tests.gui_services.recording_listener import RecordingListener
from tests.support.deploy import deploy

OFFLINE_WITHIN_S = 2.0
ONLINE_WITHIN_S = 3.0
SESSIONS = ("tiny", "tiny-ts")


def _ready_sessions(listener: RecordingListener) -> set[str]:
    last = listener.last("on_sessions")
    return {s.name for s in last[1] if s.state is SessionState.READY} if last else set()


async def _first_answer(url: str, timeout: float = 60.0) -> float:
    """The moment the engine at `url` first answers an HTTP request: the restart is complete."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=1.0) as client:
        while time.monotonic() < deadline:
            try:
                await client.get(f"{url}/v2/health/live")
            except httpx.HTTPError:
                await asyncio.sleep(0.02)
                continue
            return time.monotonic()
    raise AssertionError(f"the engine at {url} never answered")


def _first_state_after(listener: RecordingListener, moment: float, states: tuple[str, ...]) -> float:
    return next(when for when, _, state in listener.state_times if when > moment and state in states)


async def test_kill_9_under_load_offline_fast_then_back_with_sessions(engine_factory, model_repo, fast_refresh):
    engine = engine_factory(model_repo)
    engine.start()
    port = engine.port
    await deploy(engine.url, "tiny", "mlp-tiny", replicas_per_device=2)
    await deploy(engine.url, "tiny-ts", "mlp-tiny-ts")

    listener = RecordingListener()
    manager = ConnectionManager(listener, fast_refresh, initial_backoff_s=0.1)
    manager.add_worker(WorkerSettings(name="w", url=engine.url))
    load = LoadGenerator(engine.url, "tiny", threads=4, timeout=3.0).start()
    try:
        await listener.wait_for(lambda: listener.answering("w"), what="online")
        await listener.wait_for(lambda: _ready_sessions(listener) == set(SESSIONS), what="sessions listed")
        await listener.wait_for(lambda: load.outcomes[200] >= 50, what="load served before the kill")
        first_start = listener.last("on_server_info")[1].started_at

        engine.kill()
        killed_at = time.monotonic()
        await listener.wait_for(lambda: listener.state("w") == OFFLINE, timeout=10, what="offline")
        offline_after = _first_state_after(listener, killed_at, (OFFLINE,)) - killed_at

        starting = asyncio.get_running_loop().run_in_executor(None, lambda: engine.start(port=port))
        restarted_at = await _first_answer(f"http://127.0.0.1:{port}")
        await starting
        await listener.wait_for(lambda: listener.answering("w"), timeout=10, what="back online")
        online_after = _first_state_after(listener, killed_at, ("online", "degraded")) - restarted_at
        assert listener.last("on_server_info")[1].started_at != first_start, "the restarted engine is announced"

        async with EngineClient(engine.url) as client:
            for name in SESSIONS:
                assert (await client.wait_for_state(name, timeout=30)).state is SessionState.READY
        all_ready = time.monotonic()
        await listener.wait_for(lambda: _ready_sessions(listener) == set(SESSIONS), what="sessions restored")
        resumed = time.monotonic()
        await listener.wait_for(lambda: load.successes_after(resumed) >= 50, what="load served after the restart")
    finally:
        outcomes = load.stop()
        await manager.close()

    print(f"offline after {offline_after:.3f} s, online {online_after:.3f} s after the restart; outcomes {outcomes}")
    assert offline_after < OFFLINE_WITHIN_S, f"offline only after {offline_after:.2f} s"
    assert online_after < ONLINE_WITHIN_S, f"online only {online_after:.2f} s after the restart"
    assert {o for o in outcomes if isinstance(o, int)} <= {200, 503}, outcomes
    unavailable = [when for when, outcome in load.timeline if outcome == 503]
    assert all(restarted_at - 1 < when <= all_ready for when in unavailable), (
        "503 (session not ready) only while the restarted engine restores its sessions"
    )

"""The connection manager against real engine subprocesses."""

from __future__ import annotations

import re
import socket

import pytest

from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.connection_manager import ConnectionManager
from mohawk_gui.services.listener import OFFLINE
from tests.gui_services.recording_listener import RecordingListener
from tests.support.deploy import deploy


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_a_worker_comes_online_with_its_version_rtt_and_sessions(shared_engine, fast_refresh):
    listener = RecordingListener()
    manager = ConnectionManager(listener, fast_refresh)
    manager.add_worker(WorkerSettings(name="w1", url=shared_engine.url))
    try:
        assert listener.last("on_worker_added")[0] == "w1"
        await listener.wait_for(lambda: listener.answering("w1"), what="online")
        await listener.wait_for(lambda: listener.calls["on_sessions"] and listener.calls["on_rtt"], what="sessions")
        assert listener.last("on_server_info")[1].version
        assert 0 < listener.last("on_rtt")[1] < 1000
        assert listener.calls["on_state"][0] == ("w1", "connecting", None)

        await deploy(shared_engine.url, "cm-mlp", "mlp-tiny")
        await listener.wait_for(
            lambda: any(s.name == "cm-mlp" for s in listener.last("on_sessions")[1]), what="the new session"
        )
    finally:
        await manager.close()
    assert listener.last("on_worker_removed") == ("w1",)


async def test_an_unreachable_worker_is_offline_with_the_reason_and_retries_with_growing_delays(fast_refresh):
    listener = RecordingListener()
    manager = ConnectionManager(listener, fast_refresh, initial_backoff_s=0.05)
    manager.add_worker(WorkerSettings(name="gone", url=f"http://127.0.0.1:{_closed_port()}"))
    try:
        await listener.wait_for(lambda: len(listener.calls["on_state"]) >= 5, what="several retries")
    finally:
        await manager.close()
    offline = [reason for _, state, reason in listener.calls["on_state"] if state == OFFLINE]
    assert [int(re.search(r"; retry (\d+) at \d\d:\d\d:\d\d$", reason).group(1)) for reason in offline] == list(
        range(1, len(offline) + 1)
    )
    assert all(reason.startswith("connection refused; retry") for reason in offline), offline
    times = [moment for moment, _, state in listener.state_times if state == OFFLINE]
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert gaps[-1] > 2 * gaps[0], f"waits between attempts grow: {gaps}"


async def test_a_killed_worker_goes_offline_and_comes_back_by_itself_after_a_restart(
    engine_factory, model_repo, fast_refresh
):
    engine = engine_factory(model_repo)
    engine.start()
    port = engine.port
    listener = RecordingListener()
    manager = ConnectionManager(listener, fast_refresh, initial_backoff_s=0.1)
    manager.add_worker(WorkerSettings(name="w", url=engine.url))
    try:
        await listener.wait_for(lambda: listener.answering("w"), what="online")
        first_id = listener.last("on_server_info")[1].started_at
        engine.kill()
        await listener.wait_for(
            lambda: listener.state("w") == OFFLINE and "connection refused" in listener.reason("w"), what="offline"
        )

        engine.start(port=port)
        await listener.wait_for(lambda: listener.answering("w"), timeout=20, what="back online")
        assert listener.last("on_server_info")[1].started_at != first_id, "the restarted engine is announced"
    finally:
        await manager.close()


async def test_reconnect_drops_and_reestablishes_the_connection(shared_engine, fast_refresh):
    listener = RecordingListener()
    manager = ConnectionManager(listener, fast_refresh)
    manager.add_worker(WorkerSettings(name="w", url=shared_engine.url))
    try:
        await listener.wait_for(lambda: listener.answering("w"), what="online")
        await manager.reconnect("w")
        assert listener.state("w") == "connecting" and listener.reason("w") == "reconnecting"
        await listener.wait_for(lambda: listener.answering("w"), what="online again")
    finally:
        await manager.close()


async def test_apply_adds_removes_and_replaces_workers(shared_engine, fast_refresh):
    listener = RecordingListener()
    manager = ConnectionManager(listener, fast_refresh)
    manager.add_worker(WorkerSettings(name="old", url=shared_engine.url))
    manager.add_worker(WorkerSettings(name="local", url=shared_engine.url))
    try:
        new = WorkerSettings(name="new", url=shared_engine.url)
        await manager.apply([new], fast_refresh, keep={"local"})
        assert sorted(manager.names()) == ["local", "new"]
        assert ("old",) in listener.calls["on_worker_removed"]
        await listener.wait_for(lambda: listener.answering("new"), what="new online")

        with pytest.raises(ValueError):
            manager.add_worker(new)
    finally:
        await manager.close()

"""Live telemetry from a real engine: over the /v1/stream WebSocket, and REST polling when the stream is refused."""

from __future__ import annotations

from mohawk_engine.schemas import SessionState
from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.connection_manager import ConnectionManager
from mohawk_gui.services.listener import DEGRADED
from tests.gui.traffic import send_add_sub
from tests.gui_services.front_proxy import FrontProxy
from tests.gui_services.recording_listener import RecordingListener
from tests.support.deploy import deploy


def _session_metrics(listener: RecordingListener, session: str):
    for _, snapshot in reversed(listener.calls["on_metrics"]):
        for metrics in snapshot.sessions:
            if metrics.session == session:
                return metrics
    return None


async def test_the_stream_brings_metrics_devices_health_events_and_logs(shared_engine, fast_refresh):
    listener = RecordingListener()
    manager = ConnectionManager(listener, fast_refresh)
    manager.add_worker(WorkerSettings(name="w", url=shared_engine.url))
    try:
        await listener.wait_for(lambda: listener.answering("w") and listener.calls["on_metrics"], what="metrics")
        await listener.wait_for(lambda: listener.calls["on_devices"] and listener.calls["on_health"], what="devices")

        await deploy(shared_engine.url, "live-addsub", "add-sub")
        assert await send_add_sub(shared_engine.url, "live-addsub", requests=80) == 80
        await listener.wait_for(
            lambda: (m := _session_metrics(listener, "live-addsub")) is not None and m.success_total >= 80,
            what="the session's metrics",
        )
        await listener.wait_for(
            lambda: {"ready"} <= {e.kind for _, e in listener.calls["on_event"] if e.session == "live-addsub"},
            what="the session's events",
        )
        await listener.wait_for(lambda: listener.calls["on_log"], what="log records")
        await listener.wait_for(
            lambda: any(s.name == "live-addsub" and s.state == SessionState.READY for s in listener.last("on_sessions")[1]),
            what="the session list",
        )
    finally:
        await manager.close()
    devices = listener.last("on_devices")[1]
    assert devices.memory_total_bytes > 0 and devices.cpu_per_core
    assert listener.last("on_health")[1].status in ("healthy", "degraded", "critical")


async def test_a_refused_stream_degrades_the_worker_and_rest_polling_takes_over(shared_engine, fast_refresh):
    async with FrontProxy(shared_engine.port, refuse_stream=True) as proxy:
        listener = RecordingListener()
        manager = ConnectionManager(listener, fast_refresh)
        manager.add_worker(WorkerSettings(name="w", url=proxy.url))
        try:
            await listener.wait_for(
                lambda: listener.state("w") == DEGRADED and "live stream: " in listener.reason("w"), what="degraded"
            )
            polled = len(listener.calls["on_metrics"])
            await listener.wait_for(lambda: len(listener.calls["on_metrics"]) > polled + 2, what="polled metrics")
            await listener.wait_for(lambda: listener.calls["on_devices"], what="polled devices")
        finally:
            await manager.close()
    assert "polling instead" in listener.reason("w")

"""Monitor-and-benchmark mode: the real Mohawk engine configured as kind "v2" (a plain Open Inference
Protocol v2 server), behind a proxy that records every request: only /v2 and /metrics are used."""

from __future__ import annotations

import asyncio

import pytest

from mohawk_gui.services.config import WorkerSettings
from mohawk_gui.services.connection_manager import ConnectionManager
from mohawk_gui.services.v2_models import V2SessionInfo
from mohawk_gui.services.v2_probe import detect_kind, probe_any
from tests.gui.traffic import send_add_sub
from tests.gui_services.path_proxy import PathProxy
from tests.gui_services.recording_listener import RecordingListener
from tests.support.deploy import deploy


@pytest.fixture(scope="module")
def v2_engine(shared_engine):
    asyncio.run(deploy(shared_engine.url, "v2-add", "add-sub"))
    return shared_engine


def _session(listener: RecordingListener, name: str) -> V2SessionInfo | None:
    last = listener.last("on_sessions")
    return next((s for s in last[1] if s.name == name), None) if last else None


def _peak_rate(listener: RecordingListener, name: str) -> float:
    """The highest request rate any scrape interval showed for the session."""
    rates = [s.requests_per_s for _, snapshot in listener.calls["on_metrics"] for s in snapshot.sessions if s.session == name]
    return max(rates, default=0.0)


async def test_a_v2_worker_shows_models_version_stats_and_rates_using_only_v2_and_metrics(v2_engine, fast_refresh):
    listener = RecordingListener()
    async with PathProxy("127.0.0.1", v2_engine.port) as proxy:
        manager = ConnectionManager(listener, fast_refresh)
        monitor = manager.add_worker(WorkerSettings(name="triton-like", url=proxy.url, kind="v2"))
        try:
            await listener.wait_for(lambda: listener.answering("triton-like"), what="online")
            await listener.wait_for(lambda: _session(listener, "v2-add") is not None, what="the model as a session")
            session = _session(listener, "v2-add")
            assert session.read_only and session.state.value == "READY"
            assert [t.name for t in session.inputs] == ["INPUT0", "INPUT1"] and session.format == "onnxruntime_onnx"
            assert listener.last("on_server_info")[1].version == (await _engine_version(v2_engine.url))
            assert monitor.client.read_only

            assert await send_add_sub(v2_engine.url, "v2-add", requests=80) == 80
            await listener.wait_for(lambda: _peak_rate(listener, "v2-add") > 0, what="a request rate from /metrics")
            await listener.wait_for(lambda: _inferences(monitor, "v2-add") >= 80, what="Triton statistics")
        finally:
            await manager.close()
    paths = proxy.paths()
    assert "/metrics" in paths and "/v2/repository/index" in paths and "/v2/models/v2-add/config" in paths
    assert not [path for path in paths if not (path.startswith("/v2") or path == "/metrics")], paths


async def test_without_a_repository_index_the_configured_models_are_monitored(v2_engine, fast_refresh):
    listener = RecordingListener()
    async with PathProxy("127.0.0.1", v2_engine.port, hide=(b"/v2/repository/index",)) as proxy:
        manager = ConnectionManager(listener, fast_refresh)
        settings = WorkerSettings(name="plain", url=proxy.url, kind="v2", models=["v2-add", "missing-model"])
        manager.add_worker(settings)
        try:
            await listener.wait_for(lambda: _session(listener, "missing-model") is not None, what="the listed models")
        finally:
            await manager.close()
    listed = {s.name: s for s in listener.last("on_sessions")[1]}
    assert set(listed) == {"v2-add", "missing-model"}
    assert listed["v2-add"].state.value == "READY"
    assert listed["missing-model"].state.value == "FAILED" and "404" in listed["missing-model"].reason
    assert any("from the worker's settings" in note for note in listed["v2-add"].notes)


async def test_test_connection_detects_the_kind_and_probes_with_v2_only(v2_engine):
    async with PathProxy("127.0.0.1", v2_engine.port, hide=(b"/v1/",)) as proxy:
        plain = WorkerSettings(name="p", url=proxy.url)
        assert await detect_kind(plain) == "v2"  # /v1/server hidden: looks like Triton
        result = await probe_any(plain.model_copy(update={"kind": "v2"}))
    assert await detect_kind(WorkerSettings(name="m", url=v2_engine.url)) == "mohawk"
    assert result.ok and "monitor-and-benchmark mode" in result.message and result.sessions >= 1


def _inferences(monitor, model: str) -> int:
    stats = monitor.catalog.stats.get(model)
    return stats["model_stats"][0]["inference_count"] if stats else 0


async def _engine_version(url: str) -> str:
    import httpx

    async with httpx.AsyncClient(base_url=url) as client:
        return (await client.get("/v2")).json()["version"]


async def test_a_mohawk_engine_with_auth_on_is_detected_as_mohawk_even_without_a_key(engine_factory, model_repo):
    engine = engine_factory(model_repo, "--auth", "on")
    engine.start()
    try:
        assert await detect_kind(WorkerSettings(name="locked", url=engine.url)) == "mohawk"
    finally:
        engine.stop()

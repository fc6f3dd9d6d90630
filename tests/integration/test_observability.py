"""Observability against a real engine: REST snapshots, the stream, Prometheus, events and logs."""

from __future__ import annotations

import asyncio
import json

import httpx
import numpy as np
import pytest
import tritonclient.http as httpclient
from prometheus_client.parser import text_string_to_metric_families

from mohawk_engine.client import EngineClient
from mohawk_engine.client.stream import EngineStream
from mohawk_engine.schemas.telemetry import DevicesSnapshot, HealthReport, MetricsSnapshot
from tests.support.deploy import deploy


@pytest.fixture
def engine(engine_factory, model_repo):
    process = engine_factory(model_repo)
    process.start()
    return process


def send(url: str, model: str, count: int, rows: int = 2) -> None:
    client = httpclient.InferenceServerClient(url.removeprefix("http://"))
    x = np.ones((rows, 512), dtype=np.float32)
    inp = httpclient.InferInput("input", list(x.shape), "FP32")
    inp.set_data_from_numpy(x)
    for _ in range(count):
        client.infer(model, [inp])
    client.close()


async def next_of(stream: EngineStream, topic: str, kind: str, timeout: float = 10.0):
    async def find():
        async for message in stream:
            if message.topic == topic and message.type == kind:
                return message

    return await asyncio.wait_for(find(), timeout)


async def test_metrics_count_requests_by_outcome(engine):
    await deploy(engine.url, "tiny", "mlp-tiny")
    await asyncio.to_thread(send, engine.url, "tiny", 25, 3)
    bad = httpx.post(f"{engine.url}/v2/models/tiny/infer", content=b"{nope")
    assert bad.status_code == 400
    await asyncio.sleep(1.1)  # windowed figures cover completed seconds
    async with EngineClient(engine.url) as client:
        snapshot = await client.metrics()
    (tiny,) = snapshot.sessions
    assert tiny.success_total == 25
    assert tiny.failures_total["bad_input"] == 1
    assert tiny.latency["60s"].count == 25
    assert 0 < tiny.latency["60s"].p50_ms <= tiny.latency["60s"].p99_ms <= tiny.latency["60s"].max_ms
    shape = tiny.latency_histogram
    assert sum(shape.counts) == 25 and len(shape.edges_ms) == len(shape.counts) + 1
    assert shape.edges_ms[0] <= tiny.latency["60s"].p50_ms <= shape.edges_ms[-1]
    assert tiny.breakdown.compute_ms > 0
    assert sum(size * n for size, n in tiny.batch_sizes.items()) == 75
    assert len(tiny.replica_busy) == 1


async def test_stream_snapshot_updates_and_unsubscribe(engine):
    await deploy(engine.url, "tiny", "mlp-tiny")
    async with EngineStream(engine.url) as stream:
        await stream.subscribe("metrics", rate_hz=20)
        snapshot = await next_of(stream, "metrics", "snapshot")
        assert isinstance(snapshot.data, MetricsSnapshot) and snapshot.worker_id
        await asyncio.to_thread(send, engine.url, "tiny", 5)
        update = await next_of(stream, "metrics", "update")
        assert update.timestamp >= snapshot.timestamp
        await stream.subscribe("devices", rate_hz=5)
        devices = await next_of(stream, "devices", "snapshot")
        assert isinstance(devices.data, DevicesSnapshot) and devices.data.cpu_per_core
        assert devices.data.gpu_state is None or "NVIDIA" in devices.data.gpu_state
        await stream.subscribe("health", rate_hz=5)
        health = await next_of(stream, "health", "snapshot")
        assert isinstance(health.data, HealthReport) and health.data.status in ("healthy", "degraded", "critical")
        await stream.unsubscribe("metrics")
        await next_of(stream, "control", "unsubscribed")
        later = [m async for m in _drain(stream, 0.6)]
        assert not any(m.topic == "metrics" for m in later)
        assert any(m.topic == "devices" for m in later)


async def _drain(stream: EngineStream, seconds: float):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            return
        try:
            yield await asyncio.wait_for(stream.__anext__(), remaining)
        except TimeoutError:
            return


async def test_stream_events_logs_session_filter_and_bad_commands(engine):
    async with EngineStream(engine.url) as stream:
        await stream.send_raw('{"op": "subscribe", "topic": "gossip"}')
        error = await next_of(stream, "control", "error")
        assert "topic" in error.data
        await stream.subscribe("events", rate_hz=20, session="b")
        await next_of(stream, "events", "snapshot")
        await deploy(engine.url, "a", "mlp-tiny")
        await deploy(engine.url, "b", "mlp-tiny")
        update = await next_of(stream, "events", "update")
        assert {e.session for e in update.data} == {"b"}
        assert "requested" in [e.kind for e in update.data]
        await stream.subscribe("logs", rate_hz=20, session="b")
        logs = await next_of(stream, "logs", "snapshot")
        assert logs.data and all(r.source == "b" for r in logs.data)


async def test_prometheus_exposition(engine):
    await deploy(engine.url, "tiny", "mlp-tiny")
    await asyncio.to_thread(send, engine.url, "tiny", 12)
    text = httpx.get(f"{engine.url}/metrics").text
    families = {f.name: f for f in text_string_to_metric_families(text)}
    success = families["nv_inference_request_success"].samples[0]
    assert success.labels == {"model": "tiny", "version": "1"} and success.value == 12
    assert families["nv_inference_count"].samples[0].value == 24
    failures = {s.labels["reason"]: s.value for s in families["nv_inference_request_failure"].samples}
    assert failures == {"rejected": 0, "timeout": 0, "bad_input": 0, "runtime_error": 0}
    for name in ("nv_inference_request_duration_us", "nv_inference_queue_duration_us",
                 "nv_inference_compute_input_duration_us", "nv_inference_compute_infer_duration_us",
                 "nv_inference_compute_output_duration_us"):  # fmt: skip
        assert families[name].samples[0].value > 0, name
    assert families["nv_inference_pending_request_count"].samples[0].value == 0
    assert 0 <= families["nv_cpu_utilization"].samples[0].value <= 1
    assert families["nv_cpu_memory_total_bytes"].samples[0].value > families["nv_cpu_memory_used_bytes"].samples[0].value
    latency = families["mohawk_request_duration_seconds"].samples
    count = next(s for s in latency if s.name == "mohawk_request_duration_seconds_count")
    assert count.labels == {"model": "tiny", "version": "1"} and count.value == 12
    infinite = next(s for s in latency if s.labels.get("le") == "+Inf")
    assert infinite.value == 12
    nv_lines = [line for line in text.splitlines() if line.startswith("nv_")]
    assert nv_lines and not any("e+" in line or "e-" in line for line in nv_lines)
    counters = [line for line in nv_lines if line.startswith(("nv_inference_", "nv_cpu_memory"))]
    assert counters and all(line.rsplit(" ", 1)[1].isdigit() for line in counters), "Triton counters are plain integers"


async def test_events_and_history_survive_a_restart(engine_factory, model_repo, tmp_path):
    state = tmp_path / "state"
    engine = engine_factory(model_repo, state_dir=state)
    engine.start()
    await deploy(engine.url, "kept", "mlp-tiny")
    await deploy(engine.url, "gone", "mlp-tiny")
    async with EngineClient(engine.url) as client:
        await client.delete_session("gone")
    assert engine.stop() == 0
    engine.start()
    async with EngineClient(engine.url) as client:
        await client.wait_for_state("kept")
        kinds = [e.kind for e in await client.session_events("kept")]
        assert kinds[:4] == ["requested", "loading", "warmed", "ready"]
        assert kinds.count("ready") == 2
        gone = [e.kind for e in await client.session_events("gone")]
        assert gone[-2:] == ["draining", "stopped"]
        (history,) = await client.history()
        assert history.session == "gone" and history.final_state == "STOPPED"
        assert any("gone" in r.message for r in history.last_logs)


async def test_logs_filters_and_health(engine):
    await deploy(engine.url, "tiny", "mlp-tiny")
    async with EngineClient(engine.url) as client:
        records = await client.logs(source="tiny")
        assert records and all(r.source == "tiny" for r in records)
        assert await client.logs(level="ERROR", source="tiny") == []
        assert [r.message for r in await client.logs(text="READY", source="tiny")] == ["session tiny: READY"]
        health = await client.health()
        assert {c.name for c in health.checks} >= {"host_memory", "cpu", "state_disk", "sessions", "queues"}
    response = httpx.get(f"{engine.url}/v1/logs", params={"level": "LOUD"})
    assert response.status_code == 400 and "level" in response.json()["error"]
    assert httpx.get(f"{engine.url}/v1/sessions/never/events").status_code == 404
    lines = (engine.state_dir / "logs" / "engine.jsonl").read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    assert any(e["source"] == "tiny" and e["message"] == "session tiny: READY" for e in entries)

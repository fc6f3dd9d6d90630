"""/v1/stream backpressure and limits against a real engine, with real websockets clients."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx
import pytest
import websockets

from mohawk_engine.client import EngineStream
from mohawk_engine.schemas import BatchingConfig
from tests.support.deploy import deploy


def start_engine(engine_factory, model_repo, tmp_path, ping_interval_s: float):
    config = tmp_path / "engine.toml"
    config.write_text(
        "[telemetry]\nstream_send_timeout_s = 1.0\nstream_buffer_records = 10\nstream_max_clients = 3\n"
        f"stream_ping_interval_s = {ping_interval_s}\n"
    )
    process = engine_factory(model_repo, "--config", str(config))
    process.start()
    return process


@pytest.fixture
def engine(engine_factory, model_repo, tmp_path):
    """Stream clients are pinged rarely: only a frame that cannot be sent cuts a client off."""
    return start_engine(engine_factory, model_repo, tmp_path, ping_interval_s=120)


@pytest.fixture
def pinging_engine(engine_factory, model_repo, tmp_path):
    return start_engine(engine_factory, model_repo, tmp_path, ping_interval_s=1)


async def stalled_client(url: str) -> websockets.ClientConnection:
    """A client that will never read: a tiny socket buffer, no message queue, no pings of its own."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connecting, so the window is small
    sock.connect(("127.0.0.1", int(url.rsplit(":", 1)[1])))
    return await websockets.connect(
        f"{url.replace('http', 'ws')}/v1/stream", sock=sock, max_queue=1, ping_interval=None, close_timeout=0.5
    )


async def stream_clients(url: str) -> float:
    async with httpx.AsyncClient() as http:
        report = (await http.get(f"{url}/v1/health")).json()
    return next(c["value"] for c in report["checks"] if c["name"] == "stream_clients")


async def until(condition, timeout: float = 15.0, step: float = 0.1) -> None:
    async def poll():
        while not await condition():
            await asyncio.sleep(step)

    await asyncio.wait_for(poll(), timeout)


async def test_a_client_that_stops_reading_is_cut_off_while_others_keep_streaming(pinging_engine):
    """Its frames still fit the socket buffers, but it no longer answers pings."""
    engine = pinging_engine
    stalled = await stalled_client(engine.url)
    for topic in ("metrics", "devices", "health"):
        await stalled.send(json.dumps({"op": "subscribe", "topic": topic, "rate_hz": 50}))
    async with EngineStream(engine.url) as healthy:
        await healthy.subscribe("metrics", rate_hz=20)
        updates = 0

        async def read_healthy():
            nonlocal updates
            async for message in healthy:
                updates += message.type == "update"

        reader = asyncio.create_task(read_healthy())
        await until(lambda: _equals(stream_clients(engine.url), 2))
        await until(lambda: _equals(stream_clients(engine.url), 1))  # the stalled one is gone
        before = updates
        await asyncio.sleep(0.5)
        reader.cancel()
        assert before >= 10 and updates > before, "the reading client kept getting frames throughout"
    await stalled.close()


async def _equals(value, expected) -> bool:
    return await value == expected


async def next_matching(stream: EngineStream, wanted, timeout: float = 10.0):
    async def find():
        while True:
            message = await stream.__anext__()
            if wanted(message):
                return message

    return await asyncio.wait_for(find(), timeout)


async def test_a_client_that_floods_commands_without_reading_is_closed_with_1013(engine):
    await deploy(engine.url, "tiny", "mlp-tiny")
    stalled = await stalled_client(engine.url)
    command = json.dumps({"op": "subscribe", "topic": "metrics", "rate_hz": 50})

    async def flood():
        while True:
            await stalled.send(command)

    flooding = asyncio.create_task(flood())

    async def warned() -> bool:
        async with httpx.AsyncClient() as http:
            return bool((await http.get(f"{engine.url}/v1/logs", params={"text": "too slow"})).json())

    await until(warned)
    flooding.cancel()
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(stalled.recv(), 10)
    assert closed.value.rcvd.code == 1013 and "too slow" in closed.value.rcvd.reason
    async with httpx.AsyncClient() as http:
        assert (await http.get(f"{engine.url}/v2/health/live")).status_code == 200


async def test_events_beyond_the_buffer_are_dropped_oldest_first_and_counted(engine):
    async with EngineStream(engine.url) as stream:
        await stream.subscribe("events", rate_hz=0.25)  # one frame every 4 s
        snapshot = await next_matching(stream, lambda m: m.type == "snapshot")
        assert snapshot.data == []
        batching = BatchingConfig(max_batch_size=4)
        await asyncio.gather(*(deploy(engine.url, f"s{i}", "mlp-tiny", batching=batching) for i in range(3)))
        dropped = await next_matching(stream, lambda m: m.type in ("dropped", "update"))
        update = await next_matching(stream, lambda m: m.type == "update")
    assert dropped.type == "dropped" and dropped.topic == "events" and dropped.data == {"count": 2}
    assert len(update.data) == 10 and {e.kind for e in update.data} >= {"loading", "ready"}
    assert [e.id for e in update.data] == sorted(e.id for e in update.data)


async def test_clients_beyond_the_limit_are_turned_away_and_bad_frames_get_errors(engine):
    async with EngineStream(engine.url) as first, EngineStream(engine.url) as second, EngineStream(engine.url):
        async with EngineStream(engine.url) as fourth:
            assert [m async for m in fourth] == []
            assert fourth.close_code == 1013 and "too many stream clients" in fourth.close_reason
        await first.send_raw(b"\x00binary")
        error = await next_matching(first, lambda m: m.type == "error")
        assert "JSON text" in error.data
        await second.subscribe("devices", session="tiny")
        error = await next_matching(second, lambda m: m.type == "error")
        assert "no session filter" in error.data
        await second.subscribe("devices", rate_hz=10)
        assert (await next_matching(second, lambda m: m.topic == "devices")).type == "snapshot"

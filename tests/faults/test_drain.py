"""SIGTERM under load: the engine stops accepting, answers every request it already took, exits 0."""

from __future__ import annotations

import asyncio
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import httpx

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import BatchingConfig
from tests.faults.load import tiny_binary_request
from tests.support.deploy import deploy

IN_FLIGHT = 24
HOLD_US = 4_000_000  # the batcher holds each batch open this long: requests are slow, and all in flight at once


def _one_request(url: str) -> int | str:
    body, headers = tiny_binary_request()
    try:
        return httpx.post(f"{url}/v2/models/slow/infer", content=body, headers=headers, timeout=30).status_code
    except httpx.HTTPError as exc:
        return type(exc).__name__


async def _in_flight(url: str) -> int:
    async with EngineClient(url) as client:
        snapshot = await client.metrics()
    return sum(s.in_flight for s in snapshot.sessions)


def _refused(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=1).close()
    except ConnectionRefusedError:
        return True
    return False


async def test_sigterm_drains_every_accepted_request_then_exits_0(engine_factory, model_repo):
    engine = engine_factory(model_repo)
    engine.start()
    batching = BatchingConfig(max_batch_size=32, max_queue_delay_us=HOLD_US)
    await deploy(engine.url, "slow", "mlp-tiny", batching=batching)

    with ThreadPoolExecutor(IN_FLIGHT) as pool:
        futures = [pool.submit(_one_request, engine.url) for _ in range(IN_FLIGHT)]
        deadline = time.monotonic() + 10
        while await _in_flight(engine.url) < IN_FLIGHT:
            assert time.monotonic() < deadline, "the requests never were all in flight"
            await asyncio.sleep(0.02)
        accepted = await _in_flight(engine.url)

        signalled = time.monotonic()
        engine.proc.terminate()
        await asyncio.sleep(0.2)
        refused_while_draining = _refused("127.0.0.1", engine.port)
        late = _one_request(engine.url)
        still_running = engine.proc.poll() is None
        statuses = [f.result() for f in futures]
    exit_code = engine.proc.wait(30)
    drained_after = time.monotonic() - signalled

    assert accepted == IN_FLIGHT
    assert still_running, "the engine was still draining when the new connection was tried"
    assert refused_while_draining and late == "ConnectError", f"new connections are refused ({late})"
    assert statuses == [200] * IN_FLIGHT, f"none of the {accepted} accepted requests is dropped: {statuses}"
    assert exit_code == 0, engine.output()[-2000:]
    assert drained_after < 15

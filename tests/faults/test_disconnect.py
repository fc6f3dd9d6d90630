"""Clients that hang up mid-request leak nothing: in-flight and queue return to 0, fds/threads/RSS stay put."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx
import psutil

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import BatchingConfig
from tests.faults.load import tiny_binary_request
from tests.support.deploy import deploy

ROUNDS = 150
FD_SLACK = 8
THREAD_SLACK = 2
RSS_SLACK_BYTES = 24 * 1024 * 1024


def _request_bytes(port: int, body: bytes, headers: dict[str, str]) -> bytes:
    head = ["POST /v2/models/slow/infer HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _half_body(port: int, request: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request[: len(request) // 2])


def _whole_then_hang_up(port: int, request: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request)


def _hang_ups(port: int, rounds: int) -> None:
    body, headers = tiny_binary_request()
    request = _request_bytes(port, body, headers)
    for _ in range(rounds):
        _half_body(port, request)
        _whole_then_hang_up(port, request)


async def _settled(url: str, timeout: float = 15.0) -> tuple[int, int]:
    """Wait until no request is in flight or queued; (in flight, queued) at the end."""
    deadline = time.monotonic() + timeout
    async with EngineClient(url) as client:
        while True:
            sessions = (await client.metrics()).sessions
            busy = sum(s.in_flight for s in sessions), sum(s.queue_depth for s in sessions)
            if busy == (0, 0) or time.monotonic() > deadline:
                return busy
            await asyncio.sleep(0.1)


def _footprint(process: psutil.Process) -> tuple[int, int, int]:
    return process.num_fds(), process.num_threads(), process.memory_info().rss


async def test_hang_ups_mid_request_leak_nothing(engine_factory, model_repo):
    engine = engine_factory(model_repo)
    engine.start()
    await deploy(engine.url, "slow", "mlp-tiny", batching=BatchingConfig(max_queue_delay_us=20_000))
    process = psutil.Process(engine.proc.pid)
    loop = asyncio.get_running_loop()

    await loop.run_in_executor(None, _hang_ups, engine.port, 20)  # warm-up: buffers, pools, lazy imports
    assert await _settled(engine.url) == (0, 0)
    fds, threads, rss = _footprint(process)

    await loop.run_in_executor(None, _hang_ups, engine.port, ROUNDS)
    assert await _settled(engine.url) == (0, 0), "every abandoned request left the in-flight gauge and the queue"
    await asyncio.sleep(0.5)  # the server notices the last hang-ups and closes those sockets
    fds_after, threads_after, rss_after = _footprint(process)

    mib = 2**20
    print(f"fds {fds}->{fds_after}, threads {threads}->{threads_after}, RSS {rss / mib:.1f}->{rss_after / mib:.1f} MiB")
    assert fds_after <= fds + FD_SLACK, f"open fds grew from {fds} to {fds_after}"
    assert threads_after <= threads + THREAD_SLACK, f"threads grew from {threads} to {threads_after}"
    assert rss_after <= rss + RSS_SLACK_BYTES, f"RSS grew from {rss} to {rss_after}"

    body, headers = tiny_binary_request()
    response = httpx.post(f"{engine.url}/v2/models/slow/infer", content=body, headers=headers)
    assert response.status_code == 200
    async with EngineClient(engine.url) as client:
        metrics = {s.session: s for s in (await client.metrics()).sessions}
    assert metrics["slow"].success_total >= ROUNDS, "the whole requests were served even though nobody read them"

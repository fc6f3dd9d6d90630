"""Backpressure over HTTP: a full session queue answers 503 at once, a request over its time limit 503 too.

The batcher's unit tests cover the logic; these check what a client of the real engine sees: the
status, a message naming the session and the limit, the failure counted by reason, and the
requests that were let in all served.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import torch

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import BatchingConfig
from tests.support.deploy import deploy

WIDTH = 256
BUSY_S = 0.4


class Spin(torch.nn.Module):
    """Runs x[0, 0] rounds of a matmul: the caller picks how long the replica stays busy."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("w", torch.eye(WIDTH))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        for _ in range(int(x[0, 0].item())):
            y = y @ self.w
        return y


def write_spin(repo: Path) -> int:
    """Write the model; the rounds that keep one replica (one thread) busy about BUSY_S."""
    module = torch.jit.script(Spin())
    module.save(str(repo / "spin.pt"))
    tensor = {"name": "x", "datatype": "FP32", "shape": [-1, WIDTH]}
    (repo / "spin.json").write_text(json.dumps({"inputs": [tensor], "outputs": [{**tensor, "name": "y"}]}))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        x = torch.full((1, WIDTH), 2000.0)
        started = time.perf_counter()
        module(x)
        per_round = (time.perf_counter() - started) / 2000
    finally:
        torch.set_num_threads(threads)
    return max(100, int(BUSY_S / per_round))


def _infer(url: str, rounds: int) -> httpx.Response:
    body = {"inputs": [{"name": "x", "shape": [1, WIDTH], "datatype": "FP32", "data": [float(rounds)] * WIDTH}]}
    return httpx.post(f"{url}/v2/models/spin/infer", json=body, timeout=30)


async def _failures(url: str, session: str) -> dict[str, int]:
    async with EngineClient(url) as client:
        return next(s for s in (await client.metrics()).sessions if s.session == session).failures_total


async def test_a_full_queue_answers_503_at_once_and_serves_what_it_let_in(engine_factory, model_repo):
    rounds = write_spin(model_repo)
    engine = engine_factory(model_repo)
    engine.start()
    await deploy(engine.url, "spin", "spin", batching=BatchingConfig(max_batch_size=1, max_queue_size=2))

    with ThreadPoolExecutor(10) as pool:
        replies = list(pool.map(lambda _: _infer(engine.url, rounds), range(10)))

    statuses = Counter(r.status_code for r in replies)
    assert set(statuses) == {200, 503} and statuses[200] >= 3, statuses
    messages = {r.json()["error"] for r in replies if r.status_code == 503}
    assert messages == {"session 'spin' queue is full (2 requests waiting); retry later"}, messages
    assert (await _failures(engine.url, "spin")).get("rejected") == statuses[503]


async def test_a_request_over_its_time_limit_answers_503_naming_the_limit(engine_factory, model_repo):
    rounds = write_spin(model_repo)
    engine = engine_factory(model_repo)
    engine.start()
    await deploy(engine.url, "spin", "spin", batching=BatchingConfig(timeout_ms=100))

    started = time.monotonic()
    response = _infer(engine.url, rounds * 3)
    waited = time.monotonic() - started

    assert response.status_code == 503
    assert response.json()["error"] == "request to session 'spin' timed out after 100 ms"
    assert waited < 3 * BUSY_S, f"the caller is answered at the limit, not when the runtime is done ({waited:.2f} s)"
    assert (await _failures(engine.url, "spin")).get("timeout") == 1
    deadline = time.monotonic() + 10
    while (status := _infer(engine.url, 1).status_code) != 200 and time.monotonic() < deadline:
        time.sleep(0.2)  # the replica is still running the abandoned batch
    assert status == 200, "the session serves again once the slow batch is done"

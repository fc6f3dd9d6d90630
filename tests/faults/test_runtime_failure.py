"""A session whose runtime raises mid-flight: only its bad requests fail, clearly; every other session serves."""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import torch

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import BatchingConfig, SessionState
from tests.faults.load import tiny_binary_request
from tests.support.deploy import deploy

LIMIT = 1000.0
ROUNDS = 40


class Fragile(torch.nn.Module):
    """Doubles its input, but raises when any value is above LIMIT: a runtime failure on demand."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if bool((x > 1000.0).any()):
            raise RuntimeError("fragile model: input above 1000")
        return x * 2.0


def write_fragile(repo: Path) -> None:
    torch.jit.script(Fragile()).save(str(repo / "fragile.pt"))
    tensor = {"name": "x", "datatype": "FP32", "shape": [-1, 4]}
    (repo / "fragile.json").write_text(json.dumps({"inputs": [tensor], "outputs": [{**tensor, "name": "y"}]}))


def _fragile(url: str, value: float) -> httpx.Response:
    body = {"inputs": [{"name": "x", "shape": [1, 4], "datatype": "FP32", "data": [value] * 4}]}
    return httpx.post(f"{url}/v2/models/fragile/infer", json=body, timeout=10)


def _tiny(url: str) -> httpx.Response:
    body, headers = tiny_binary_request()
    return httpx.post(f"{url}/v2/models/tiny/infer", content=body, headers=headers, timeout=10)


async def test_a_failing_runtime_fails_only_its_own_requests(engine_factory, model_repo):
    write_fragile(model_repo)
    engine = engine_factory(model_repo)
    engine.start()
    await deploy(engine.url, "tiny", "mlp-tiny")
    # A short hold lets good and bad requests share batches: the batcher must re-run them one by one.
    await deploy(engine.url, "fragile", "fragile", batching=BatchingConfig(max_queue_delay_us=5_000))

    calls = [("good", 1.5), ("bad", 5000.0), ("tiny", None)] * ROUNDS
    with ThreadPoolExecutor(12) as pool:
        replies = list(
            pool.map(lambda c: (c[0], _tiny(engine.url) if c[0] == "tiny" else _fragile(engine.url, c[1])), calls)
        )

    statuses = Counter((kind, r.status_code) for kind, r in replies)
    assert statuses == {("good", 200): ROUNDS, ("bad", 500): ROUNDS, ("tiny", 200): ROUNDS}, statuses
    assert all(r.json()["outputs"][0]["data"] == [3.0] * 4 for kind, r in replies if kind == "good")
    message = next(r.json()["error"] for kind, r in replies if kind == "bad")
    assert "fragile" in message and "input above 1000" in message, message

    async with EngineClient(engine.url) as client:
        assert (await client.get_session("fragile")).state is SessionState.READY
        metrics = {s.session: s for s in (await client.metrics()).sessions}
    assert metrics["fragile"].failures_total.get("runtime_error") == ROUNDS
    assert metrics["tiny"].failures_total.get("runtime_error", 0) == 0
    assert _fragile(engine.url, 2.0).status_code == 200, "the session keeps serving after its failures"

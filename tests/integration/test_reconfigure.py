"""Live reconfiguration: the new version serves before the old drains, and no request fails."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest
import tritonclient.http as httpclient

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas import BatchingConfig, DeviceMap, SessionSpec, SessionState
from tests.support.deploy import deploy


@pytest.fixture
def engine(engine_factory, model_repo):
    process = engine_factory(model_repo)
    process.start()
    return process


class Load:
    """Closed-loop traffic from a few threads until stopped; counts every outcome."""

    def __init__(self, url: str, model: str, threads: int = 4) -> None:
        self._url = url.removeprefix("http://")
        self._model = model
        self._stop = threading.Event()
        self.ok = 0
        self.failures: list[str] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        client = httpclient.InferenceServerClient(self._url)
        x = np.ones((2, 512), dtype=np.float32)
        inp = httpclient.InferInput("input", [2, 512], "FP32")
        inp.set_data_from_numpy(x)
        while not self._stop.is_set():
            try:
                result = client.infer(self._model, [inp])
                assert result.as_numpy("output").shape == (2, 10)
            except Exception as exc:  # every failure is counted, none is expected
                with self._lock:
                    self.failures.append(str(exc))
            else:
                with self._lock:
                    self.ok += 1
        client.close()

    def __enter__(self) -> "Load":
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)


async def test_reconfigure_under_load_drops_nothing(engine):
    await deploy(engine.url, "tiny", "mlp-tiny", batching=BatchingConfig(max_queue_delay_us=0))
    new_spec = SessionSpec(
        name="tiny",
        model="mlp-tiny",
        device_map=DeviceMap(replicas_per_device=2),
        batching=BatchingConfig(max_queue_delay_us=200),
    )
    async with EngineClient(engine.url) as client:
        with Load(engine.url, "tiny") as load:
            await asyncio.sleep(0.5)
            before = load.ok
            info = await client.reconfigure_session(new_spec)
            await asyncio.sleep(0.5)
        assert load.failures == []
        assert before > 0 and load.ok > before
        assert info.state is SessionState.READY and info.version == 2
        assert info.spec.device_map.replicas_per_device == 2 and len(info.plan.placements) == 2
        assert (await client.get_session("tiny")).version == 2
        events = await client.session_events("tiny")
        (reconfigured,) = [e for e in events if e.kind == "reconfigured"]
        assert "replicas_per_device 1 -> 2" in reconfigured.detail
        assert "max_queue_delay_us 0 -> 200" in reconfigured.detail
        assert [e.detail for e in events if e.kind == "stopped"] == ["version 1"]
        assert await client.history() == []


async def test_a_failed_new_version_leaves_the_old_one_serving(engine):
    await deploy(engine.url, "tiny", "mlp-tiny")
    broken = SessionSpec(name="tiny", model="mlp-tiny", device_map=DeviceMap(devices=["cuda:0"]))
    async with EngineClient(engine.url) as client:
        with pytest.raises(EngineClientError) as error:
            await client.reconfigure_session(broken)
        assert error.value.status == 409
        assert "CUDA requested but unavailable" in error.value.message and "version 1 keeps serving" in error.value.message
        info = await client.get_session("tiny")
        assert info.state is SessionState.READY and info.version == 1
        with pytest.raises(EngineClientError) as mismatch:
            await client._send("PUT", "/v1/sessions/tiny", {"name": "other", "model": "mlp-tiny"})
        assert mismatch.value.status == 400
    client = httpclient.InferenceServerClient(engine.url.removeprefix("http://"))
    inp = httpclient.InferInput("input", [1, 512], "FP32")
    inp.set_data_from_numpy(np.ones((1, 512), dtype=np.float32))
    assert client.infer("tiny", [inp]).as_numpy("output").shape == (1, 10)

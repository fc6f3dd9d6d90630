"""Sessions live in SQLite and come back when the engine starts again."""

from __future__ import annotations

import numpy as np
import tritonclient.http as httpclient

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import SessionState
from tests.support.deploy import deploy


async def test_sessions_come_back_after_restart(engine_factory, model_repo, tmp_path):
    state = tmp_path / "state"
    engine = engine_factory(model_repo, state_dir=state)
    engine.start()
    await deploy(engine.url, "tiny", "mlp-tiny", replicas_per_device=2)
    await deploy(engine.url, "tiny-ts", "mlp-tiny-ts")
    await deploy(engine.url, "gone", "mlp-tiny")
    async with EngineClient(engine.url) as client:
        await client.delete_session("gone")
    assert engine.stop() == 0

    engine.start()
    async with EngineClient(engine.url) as client:
        for name in ("tiny", "tiny-ts"):
            info = await client.wait_for_state(name)
            assert info.state is SessionState.READY
        assert info.spec.device_map.replicas_per_device == 1
        assert (await client.get_session("tiny")).spec.device_map.replicas_per_device == 2
        assert sorted(s.name for s in await client.list_sessions()) == ["tiny", "tiny-ts"]
    client = httpclient.InferenceServerClient(engine.url.removeprefix("http://"))
    x = np.ones((1, 512), np.float32)
    inp = httpclient.InferInput("input", [1, 512], "FP32")
    inp.set_data_from_numpy(x)
    assert client.infer("tiny", [inp]).as_numpy("output").shape == (1, 10)


async def test_sessions_come_back_after_kill_9(engine_factory, model_repo, tmp_path):
    state = tmp_path / "state"
    engine = engine_factory(model_repo, state_dir=state)
    engine.start()
    await deploy(engine.url, "tiny", "mlp-tiny")
    engine.kill()
    engine.start()
    async with EngineClient(engine.url) as client:
        assert (await client.wait_for_state("tiny")).state is SessionState.READY

"""The v1 control API against a real engine subprocess."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
import tritonclient.http as httpclient

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas import DeviceMap, SessionSpec, SessionState
from tests.support.deploy import deploy


@pytest.fixture
def engine(engine_factory, model_repo):
    process = engine_factory(model_repo)
    process.start()
    return process


async def test_models_are_listed_with_signatures(engine):
    async with EngineClient(engine.url) as client:
        models = {m.name: m for m in await client.list_models()}
    assert {"mlp-tiny", "mlp-tiny-ts", "mlp-large"} <= set(models)
    tiny = models["mlp-tiny"]
    assert tiny.format.value == "onnx"
    assert [(t.name, t.datatype, t.shape) for t in tiny.inputs] == [("input", "FP32", [-1, 512])]
    assert [(t.name, t.datatype, t.shape) for t in tiny.outputs] == [("output", "FP32", [-1, 10])]
    assert tiny.size_bytes > 0 and tiny.parameter_bytes > (512 * 1024 + 1024 * 1024) * 4
    assert models["mlp-tiny-ts"].format.value == "torchscript"
    assert models["mlp-tiny-ts"].inputs[0].shape == [-1, 512]


async def test_session_lifecycle(engine):
    info = await deploy(engine.url, "tiny", "mlp-tiny")
    assert info.state is SessionState.READY, info.reason
    assert info.plan is not None and info.plan.strategy == "replicate"
    async with EngineClient(engine.url) as client:
        assert [s.name for s in await client.list_sessions()] == ["tiny"]
        with pytest.raises(EngineClientError) as conflict:
            await client.create_session(SessionSpec(name="tiny", model="mlp-tiny"))
        assert conflict.value.status == 409
        stopped = await client.delete_session("tiny")
        assert stopped.state is SessionState.STOPPED
        with pytest.raises(EngineClientError) as missing:
            await client.get_session("tiny")
        assert missing.value.status == 404
        assert await client.list_sessions() == []


async def test_unknown_model_and_bad_spec_are_client_errors(engine):
    async with EngineClient(engine.url) as client:
        with pytest.raises(EngineClientError) as unknown:
            await client.create_session(SessionSpec(name="x", model="no-such-model"))
        assert unknown.value.status == 404
        assert "no-such-model" in unknown.value.message
        response = await client._http.post("/v1/sessions", json={"name": "../evil", "model": "mlp-tiny"})
        assert response.status_code == 400
        assert "name" in response.json()["error"]
        response = await client._http.post(
            "/v1/sessions", json={"name": "ok", "model": "mlp-tiny", "device_map": {"devices": ["tpu:0"]}}
        )
        assert response.status_code == 400
        assert "tpu:0" in response.json()["error"]


async def test_cuda_request_fails_with_a_clear_reason_and_others_keep_serving(engine):
    await deploy(engine.url, "cpu-one", "mlp-tiny")
    failed = await deploy(engine.url, "gpu-one", "mlp-tiny", devices=["cuda:0"])
    assert failed.state is SessionState.FAILED
    assert "cuda:0" in failed.reason or "CUDA" in failed.reason
    client = httpclient.InferenceServerClient(engine.url.removeprefix("http://"))
    x = np.ones((2, 512), dtype=np.float32)
    inp = httpclient.InferInput("input", list(x.shape), "FP32")
    inp.set_data_from_numpy(x)
    assert client.infer("cpu-one", [inp]).as_numpy("output").shape == (2, 10)


async def test_corrupt_model_fails_and_leaves_other_sessions_serving(engine, model_repo):
    (model_repo / "broken.onnx").write_bytes(b"this is not an onnx file")
    good = await deploy(engine.url, "good", "mlp-tiny")
    bad = await deploy(engine.url, "bad", "broken")
    assert good.state is SessionState.READY
    assert bad.state is SessionState.FAILED
    assert bad.reason
    client = httpclient.InferenceServerClient(engine.url.removeprefix("http://"))
    assert client.is_model_ready("good")
    assert not client.is_model_ready("bad")


async def test_plan_without_loading(engine):
    async with EngineClient(engine.url) as client:
        plan = await client.plan_session(
            SessionSpec(name="p", model="mlp-tiny", device_map=DeviceMap(devices=["cpu"], replicas_per_device=2))
        )
        assert plan.strategy == "replicate" and plan.fits
        assert [p.role for p in plan.placements] == ["replica", "replica"]
        assert await client.list_sessions() == []


async def test_replicated_session_matches_onnxruntime(engine, model_repo):
    await deploy(engine.url, "rep", "mlp-tiny", devices=["cpu"], replicas_per_device=2)
    reference = ort.InferenceSession(str(model_repo / "mlp-tiny.onnx"), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(1).standard_normal((3, 512), dtype=np.float32)
    client = httpclient.InferenceServerClient(engine.url.removeprefix("http://"))
    inp = httpclient.InferInput("input", list(x.shape), "FP32")
    inp.set_data_from_numpy(x)
    got = client.infer("rep", [inp]).as_numpy("output")
    np.testing.assert_allclose(got, reference.run(None, {"input": x})[0], rtol=1e-5, atol=1e-5)

"""Device-map strategies on CPU devices: replicate, pipeline, auto; ONNX and TorchScript."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
import tritonclient.http as httpclient

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import DeviceMap, SessionSpec, SessionState
from tests.support.deploy import deploy


@pytest.fixture
def engine(engine_factory, model_repo):
    process = engine_factory(model_repo)
    process.start()
    return process


def infer(url: str, model: str, x: np.ndarray) -> np.ndarray:
    client = httpclient.InferenceServerClient(url.removeprefix("http://"))
    inp = httpclient.InferInput("input", list(x.shape), "FP32")
    inp.set_data_from_numpy(x)
    return client.infer(model, [inp]).as_numpy("output")


@pytest.fixture
def reference(model_repo):
    session = ort.InferenceSession(str(model_repo / "mlp-tiny.onnx"), providers=["CPUExecutionProvider"])
    return lambda x: session.run(None, {"input": x})[0]


@pytest.mark.parametrize("model", ["mlp-tiny", "mlp-tiny-ts"])
async def test_pipeline_outputs_equal_unsplit_model(engine, reference, model):
    info = await deploy(engine.url, "piped", model, devices=["cpu", "cpu"], strategy="pipeline", micro_batch_size=2)
    assert info.state is SessionState.READY, info.reason
    assert info.plan.strategy == "pipeline"
    assert [(p.role, p.index) for p in info.plan.placements] == [("stage", 0), ("stage", 1)]
    x = np.random.default_rng(3).standard_normal((7, 512), dtype=np.float32)
    np.testing.assert_allclose(infer(engine.url, "piped", x), reference(x), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("model", ["mlp-tiny", "mlp-tiny-ts"])
async def test_replicate_two_per_device(engine, reference, model):
    info = await deploy(engine.url, "rep", model, devices=["cpu"], replicas_per_device=2)
    assert info.state is SessionState.READY, info.reason
    assert len(info.plan.placements) == 2
    x = np.random.default_rng(4).standard_normal((3, 512), dtype=np.float32)
    np.testing.assert_allclose(infer(engine.url, "rep", x), reference(x), rtol=1e-4, atol=1e-4)


async def test_auto_replicates_when_the_model_fits(engine):
    async with EngineClient(engine.url) as client:
        plan = await client.plan_session(
            SessionSpec(name="a", model="mlp-tiny", device_map=DeviceMap(devices=["cpu", "cpu"], strategy="auto"))
        )
    assert plan.requested_strategy == "auto"
    assert plan.strategy == "replicate" and plan.fits


async def test_auto_pipelines_when_one_device_is_too_small(engine, reference):
    async with EngineClient(engine.url) as client:
        model = await client.get_model("mlp-tiny")
        cap = int(model.parameter_bytes * 0.9)
        device_map = DeviceMap(devices=["cpu", "cpu"], strategy="auto", max_memory={"cpu": cap})
        plan = await client.plan_session(SessionSpec(name="a", model="mlp-tiny", device_map=device_map))
    assert plan.strategy == "pipeline", plan.notes
    assert plan.fits
    assert len(plan.placements) == 2
    info = await deploy(engine.url, "auto", "mlp-tiny", devices=["cpu", "cpu"], strategy="auto", max_memory={"cpu": cap})
    assert info.state is SessionState.READY, info.reason
    x = np.random.default_rng(5).standard_normal((4, 512), dtype=np.float32)
    np.testing.assert_allclose(infer(engine.url, "auto", x), reference(x), rtol=1e-4, atol=1e-4)


async def test_auto_reports_when_nothing_fits(engine):
    async with EngineClient(engine.url) as client:
        device_map = DeviceMap(devices=["cpu"], strategy="auto", max_memory={"cpu": 1024})
        plan = await client.plan_session(SessionSpec(name="a", model="mlp-tiny", device_map=device_map))
    assert not plan.fits
    assert plan.notes

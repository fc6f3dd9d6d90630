"""Triton's own HTTP client against a real engine: the Open Inference Protocol v2 data plane."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import onnxruntime as ort
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from tests.support.deploy import deploy


@pytest.fixture(scope="module")
def engine(shared_engine):
    asyncio.run(deploy(shared_engine.url, "mlp-tiny", "mlp-tiny"))
    asyncio.run(deploy(shared_engine.url, "mlp-tiny-ts", "mlp-tiny-ts"))
    return shared_engine


@pytest.fixture(scope="module")
def reference(demo_repo):
    session = ort.InferenceSession(str(demo_repo / "mlp-tiny.onnx"), providers=["CPUExecutionProvider"])
    return lambda x: session.run(None, {"input": x})[0]


@pytest.fixture
def client(engine):
    client = httpclient.InferenceServerClient(engine.url.removeprefix("http://"), concurrency=16)
    yield client
    client.close()


def make_input(x: np.ndarray, binary: bool) -> httpclient.InferInput:
    inp = httpclient.InferInput("input", list(x.shape), "FP32")
    inp.set_data_from_numpy(x, binary_data=binary)
    return inp


def test_health_and_server_metadata(client):
    assert client.is_server_live()
    assert client.is_server_ready()
    metadata = client.get_server_metadata()
    assert metadata["name"] == "mohawk"
    assert "binary_tensor_data" in metadata["extensions"]


def test_model_metadata_has_batch_dim_minus_one(client):
    metadata = client.get_model_metadata("mlp-tiny")
    assert metadata["name"] == "mlp-tiny"
    assert metadata["versions"] == ["1"]
    assert metadata["inputs"] == [{"name": "input", "datatype": "FP32", "shape": [-1, 512]}]
    assert metadata["outputs"] == [{"name": "output", "datatype": "FP32", "shape": [-1, 10]}]
    assert client.get_model_metadata("mlp-tiny", model_version="1")["name"] == "mlp-tiny"


def test_model_config_is_triton_shaped(client):
    config = client.get_model_config("mlp-tiny")
    assert config["max_batch_size"] == 32
    assert config["input"] == [{"name": "input", "data_type": "TYPE_FP32", "dims": [512]}]
    assert config["output"][0]["dims"] == [10]
    assert "dynamic_batching" in config
    assert config["instance_group"][0]["kind"] == "KIND_CPU"


@pytest.mark.parametrize("binary", [True, False])
def test_infer_matches_onnxruntime(client, reference, binary):
    x = np.random.default_rng(7).standard_normal((4, 512), dtype=np.float32)
    outputs = [httpclient.InferRequestedOutput("output", binary_data=binary)]
    result = client.infer("mlp-tiny", [make_input(x, binary)], outputs=outputs, request_id="req-42")
    np.testing.assert_allclose(result.as_numpy("output"), reference(x), rtol=1e-5, atol=1e-5)
    assert result.get_response()["id"] == "req-42"


@pytest.mark.parametrize("compression", ["gzip", "deflate"])
def test_compressed_requests_are_served(client, reference, compression):
    x = np.random.default_rng(10).standard_normal((3, 512), dtype=np.float32)
    result = client.infer(
        "mlp-tiny",
        [make_input(x, True)],
        request_compression_algorithm=compression,
        response_compression_algorithm=compression,
    )
    np.testing.assert_allclose(result.as_numpy("output"), reference(x), rtol=1e-5, atol=1e-5)


def test_torchscript_session_serves_same_function(client, reference):
    x = np.random.default_rng(8).standard_normal((5, 512), dtype=np.float32)
    result = client.infer("mlp-tiny-ts", [make_input(x, True)])
    np.testing.assert_allclose(result.as_numpy("output"), reference(x), rtol=1e-4, atol=1e-4)


def test_async_infer(client, reference):
    rng = np.random.default_rng(9)
    inputs = [rng.standard_normal((2, 512), dtype=np.float32) for _ in range(8)]
    handles = [client.async_infer("mlp-tiny", [make_input(x, True)]) for x in inputs]
    for x, handle in zip(inputs, handles):
        np.testing.assert_allclose(handle.get_result().as_numpy("output"), reference(x), rtol=1e-5, atol=1e-5)


def test_many_concurrent_requests_each_get_their_own_rows(engine, reference):
    rng = np.random.default_rng(10)
    inputs = [rng.standard_normal((int(rng.integers(1, 5)), 512), dtype=np.float32) for _ in range(400)]

    def call(x: np.ndarray) -> np.ndarray:
        client = _thread_client(engine.url)
        return client.infer("mlp-tiny", [make_input(x, True)]).as_numpy("output")

    with ThreadPoolExecutor(32) as pool:
        results = list(pool.map(call, inputs))
    for x, got in zip(inputs, results):
        np.testing.assert_allclose(got, reference(x), rtol=1e-5, atol=1e-5)


_clients: dict = {}


def _thread_client(url: str) -> httpclient.InferenceServerClient:
    import threading

    key = (url, threading.get_ident())
    if key not in _clients:
        _clients[key] = httpclient.InferenceServerClient(url.removeprefix("http://"))
    return _clients[key]


def test_unknown_model_is_an_error_naming_it(client):
    with pytest.raises(InferenceServerException, match="nope"):
        client.infer("nope", [make_input(np.zeros((1, 512), np.float32), True)])

"""Every v2 datatype through a real engine with Triton's client: binary and JSON tensors."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
import tritonclient.http as httpclient

from tests.support.deploy import deploy

NUMERIC = {
    "fp32": ("FP32", np.float32),
    "fp16": ("FP16", np.float16),
    "fp64": ("FP64", np.float64),
    "int8": ("INT8", np.int8),
    "int32": ("INT32", np.int32),
    "int64": ("INT64", np.int64),
    "uint8": ("UINT8", np.uint8),
    "bool": ("BOOL", np.bool_),
}


@pytest.fixture(scope="module")
def client(shared_engine):
    for name in ("identity-mixed", "identity-bf16", "add-sub"):
        info = asyncio.run(deploy(shared_engine.url, name, name))
        assert info.state.value == "READY", info.reason
    client = httpclient.InferenceServerClient(shared_engine.url.removeprefix("http://"))
    yield client
    client.close()


def sample(dtype, rows: int = 3) -> np.ndarray:
    values = np.random.default_rng(11).standard_normal((rows, 4)) * 50
    if dtype is np.bool_:
        return values > 0
    return values.astype(dtype)


def mixed_inputs(binary: bool) -> tuple[list[httpclient.InferInput], dict[str, np.ndarray]]:
    inputs, sent = [], {}
    for key, (datatype, dtype) in NUMERIC.items():
        array = sample(dtype)
        inp = httpclient.InferInput(f"in_{key}", list(array.shape), datatype)
        inp.set_data_from_numpy(array, binary_data=binary)
        inputs.append(inp)
        sent[key] = array
    words = np.array([[f"w{r}{c}".encode() for c in range(4)] for r in range(3)], dtype=np.object_)
    inp = httpclient.InferInput("in_bytes", [3, 4], "BYTES")
    inp.set_data_from_numpy(words, binary_data=binary)
    inputs.append(inp)
    sent["bytes"] = words
    return inputs, sent


@pytest.mark.parametrize("binary", [True, False], ids=["binary", "json"])
def test_identity_returns_every_datatype_unchanged(client, binary):
    inputs, sent = mixed_inputs(binary)
    outputs = [httpclient.InferRequestedOutput(f"out_{k}", binary_data=True) for k in sent]
    result = client.infer("identity-mixed", inputs, outputs=outputs, request_id="req-42")
    assert result.get_response()["id"] == "req-42"
    for key, array in sent.items():
        got = result.as_numpy(f"out_{key}")
        if key == "bytes":
            assert got.tolist() == array.tolist()
        else:
            assert got.dtype == array.dtype, key
            np.testing.assert_array_equal(got, array)


def test_json_outputs_carry_the_values(client):
    inputs, sent = mixed_inputs(binary=False)
    outputs = [httpclient.InferRequestedOutput(f"out_{k}", binary_data=False) for k in ("fp16", "int64", "bool", "bytes")]
    result = client.infer("identity-mixed", inputs, outputs=outputs)
    names = [o["name"] for o in result.get_response()["outputs"]]
    assert names == ["out_fp16", "out_int64", "out_bool", "out_bytes"]
    np.testing.assert_array_equal(result.as_numpy("out_int64"), sent["int64"])
    np.testing.assert_array_equal(result.as_numpy("out_bool"), sent["bool"])


def test_bf16_binary_round_trip(client):
    values = np.array([[1.0, -2.0, 0.5, 3.0], [0.0, 1.5, -0.25, 256.0]], dtype=np.float32)
    inp = httpclient.InferInput("in_bf16", [2, 4], "BF16")
    inp.set_data_from_numpy(values, binary_data=True)
    result = client.infer("identity-bf16", [inp])
    assert result.get_output("out_bf16")["datatype"] == "BF16"
    np.testing.assert_array_equal(result.as_numpy("out_bf16").astype(np.float32), values)


def test_two_inputs_two_outputs(client):
    a = np.arange(32, dtype=np.float32).reshape(2, 16)
    b = np.ones((2, 16), dtype=np.float32)
    inputs = []
    for name, array in (("INPUT0", a), ("INPUT1", b)):
        inp = httpclient.InferInput(name, [2, 16], "FP32")
        inp.set_data_from_numpy(array)
        inputs.append(inp)
    result = client.infer("add-sub", inputs)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT0"), a + b)
    np.testing.assert_array_equal(result.as_numpy("OUTPUT1"), a - b)

"""Requests that repeat a JSON header with new binary data, as real clients send them.

The engine decodes a header it has seen before from a kept plan (api/request_plans.py);
these tests hold that path to the full decode's results and errors.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import numpy as np
import pytest

from mohawk_engine.client import EngineClient
from mohawk_engine.schemas import BatchingConfig
from tests.support.deploy import deploy


@pytest.fixture(scope="module")
def url(shared_engine):
    for name in ("add-sub", "identity-bf16", "swap"):
        model = "add-sub" if name == "swap" else name
        info = asyncio.run(deploy(shared_engine.url, name, model))
        assert info.state.value == "READY", info.reason
    return shared_engine.url


def binary_request(arrays: dict[str, tuple[str, np.ndarray]], *, binary_outputs: bool = True, **extra) -> dict:
    header = {
        "inputs": [
            {
                "name": name,
                "datatype": datatype,
                "shape": list(array.shape),
                "parameters": {"binary_data_size": array.nbytes},
            }
            for name, (datatype, array) in arrays.items()
        ],
        "parameters": {"binary_data_output": binary_outputs},
        **extra,
    }
    encoded = json.dumps(header).encode()
    body = encoded + b"".join(array.tobytes() for _, array in arrays.values())
    return {"content": body, "headers": {"Inference-Header-Content-Length": str(len(encoded))}}


def decode_reply(response: httpx.Response) -> dict[str, np.ndarray]:
    assert response.status_code == 200, response.text
    length = response.headers.get("inference-header-content-length")
    header = json.loads(response.content[: int(length)] if length else response.content)
    offset = int(length) if length else 0
    results = {}
    for output in header["outputs"]:
        assert output["datatype"] == "FP32"
        dtype = np.float32
        if "data" in output:
            results[output["name"]] = np.asarray(output["data"], dtype).reshape(output["shape"])
            continue
        size = output["parameters"]["binary_data_size"]
        blob = response.content[offset : offset + size]
        offset += size
        results[output["name"]] = np.frombuffer(blob, dtype).reshape(output["shape"])
    return results


def add_sub_ones() -> dict:
    ones = np.ones((1, 16), np.float32)
    return binary_request({"INPUT0": ("FP32", ones), "INPUT1": ("FP32", ones)})


def send_twice(client: httpx.Client, model: str, call: dict) -> None:
    """Once to learn the header, once through the plan."""
    for _ in range(2):
        decode_reply(client.post(f"/v2/models/{model}/infer", **call))


@pytest.mark.parametrize("binary_outputs", [True, False])
def test_each_call_with_a_repeated_header_gets_its_own_outputs(url, binary_outputs):
    rng = np.random.default_rng(5)
    with httpx.Client(base_url=url) as client:
        for _ in range(12):
            a, b = (rng.standard_normal((2, 16)).astype(np.float32) for _ in range(2))
            # INPUT1 first: the body's order, not the model's, places the bytes.
            call = binary_request({"INPUT1": ("FP32", b), "INPUT0": ("FP32", a)}, binary_outputs=binary_outputs)
            results = decode_reply(client.post("/v2/models/add-sub/infer", **call))
            np.testing.assert_allclose(results["OUTPUT0"], a + b, rtol=1e-6)
            np.testing.assert_allclose(results["OUTPUT1"], a - b, rtol=1e-6)


def test_repeated_bf16_header_keeps_the_request_id_and_the_bits(url):
    rng = np.random.default_rng(9)
    with httpx.Client(base_url=url) as client:
        for _ in range(6):
            bits = rng.integers(0, 2**16, (3, 4), dtype=np.uint16)
            call = binary_request({"in_bf16": ("BF16", bits)}, id="same")
            response = client.post("/v2/models/identity-bf16/infer", **call)
            assert response.status_code == 200, response.text
            length = int(response.headers["inference-header-content-length"])
            header = json.loads(response.content[:length])
            assert header["id"] == "same"
            assert header["outputs"][0]["datatype"] == "BF16"
            np.testing.assert_array_equal(np.frombuffer(response.content[length:], np.uint16).reshape(3, 4), bits)


def test_repeated_header_with_a_short_or_long_body_is_a_clear_400(url):
    call = add_sub_ones()
    with httpx.Client(base_url=url) as client:
        send_twice(client, "add-sub", call)
        for body in (call["content"][:-4], call["content"] + b"\0\0\0\0"):
            response = client.post("/v2/models/add-sub/infer", content=body, headers=call["headers"])
            assert response.status_code == 400
            assert "binary_data_size" in response.json()["error"]


def test_json_input_beside_binary_input_is_read_from_each_header(url):
    rng = np.random.default_rng(3)
    with httpx.Client(base_url=url) as client:
        for _ in range(4):
            a = rng.standard_normal((1, 16)).astype(np.float32)
            b = rng.standard_normal((1, 16)).astype(np.float32)
            header = {
                "inputs": [
                    {"name": "INPUT0", "datatype": "FP32", "shape": [1, 16], "data": a.ravel().tolist()},
                    {"name": "INPUT1", "datatype": "FP32", "shape": [1, 16], "parameters": {"binary_data_size": 64}},
                ]
            }
            encoded = json.dumps(header).encode()
            response = client.post(
                "/v2/models/add-sub/infer",
                content=encoded + b.tobytes(),
                headers={"Inference-Header-Content-Length": str(len(encoded))},
            )
            np.testing.assert_allclose(decode_reply(response)["OUTPUT0"], a + b, rtol=1e-6)


def test_header_learnt_by_a_replaced_session_is_checked_again(url):
    call = add_sub_ones()
    with httpx.Client(base_url=url) as client:
        send_twice(client, "swap", call)
    asyncio.run(_redeploy_swap_as_mlp_tiny(url))
    with httpx.Client(base_url=url) as client:
        response = client.post("/v2/models/swap/infer", **call)
    assert response.status_code == 400
    assert "has no input 'INPUT0'" in response.json()["error"]


async def _redeploy_swap_as_mlp_tiny(url: str) -> None:
    async with EngineClient(url) as client:
        await client.delete_session("swap")
    info = await deploy(url, "swap", "mlp-tiny")
    assert info.state.value == "READY", info.reason
    assert info.version == 1  # same name and version as before: only the session itself differs



def test_reply_to_a_repeated_header_names_the_version_serving_it(url):
    call = add_sub_ones()
    with httpx.Client(base_url=url) as client:
        before = _reply_header(client.post("/v2/models/add-sub/infer", **call))["model_version"]
        asyncio.run(_reconfigure_add_sub(url))
        after = [_reply_header(client.post("/v2/models/add-sub/infer", **call))["model_version"] for _ in range(2)]
    assert after == [str(int(before) + 1)] * 2


async def _reconfigure_add_sub(url: str) -> None:
    async with EngineClient(url) as client:
        info = await client.get_session("add-sub")
        spec = info.spec.model_copy(update={"batching": BatchingConfig(max_batch_size=8)})
        await client.reconfigure_session(spec)


def _reply_header(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    return json.loads(response.content[: int(response.headers["inference-header-content-length"])])

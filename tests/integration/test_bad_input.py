"""Bad requests get a clear 4xx naming what was wrong; the session keeps serving."""

from __future__ import annotations

import asyncio
import json

import httpx
import numpy as np
import pytest

from tests.support.deploy import deploy


@pytest.fixture(scope="module")
def url(shared_engine):
    asyncio.run(deploy(shared_engine.url, "mlp-tiny", "mlp-tiny"))
    return shared_engine.url


def infer_json(shape, data, name="input", datatype="FP32"):
    return {"inputs": [{"name": name, "shape": shape, "datatype": datatype, "data": data}]}


def post(url: str, body, headers=None, model: str = "mlp-tiny") -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{url}/v2/models/{model}/infer", content=content, headers=headers or {})


def binary_request(array: np.ndarray, declared_size: int | None = None, datatype: str = "FP32") -> tuple[bytes, int]:
    raw = array.tobytes()
    header = json.dumps(
        {
            "inputs": [
                {
                    "name": "input",
                    "shape": list(array.shape),
                    "datatype": datatype,
                    "parameters": {"binary_data_size": len(raw) if declared_size is None else declared_size},
                }
            ]
        }
    ).encode()
    return header + raw, len(header)


CASES = {
    "wrong input name": (infer_json([1, 512], [0.0] * 512, name="inp"), 400, "inp"),
    "wrong shape": (infer_json([1, 3], [0.0] * 3), 400, "512"),
    "wrong dtype": (infer_json([1, 512], [0] * 512, datatype="INT32"), 400, "FP32"),
    "data count mismatch": (infer_json([2, 512], [0.0] * 512), 400, "512"),
    "malformed json": (b"{not json", 400, "JSON"),
    "no inputs": ({"inputs": []}, 400, "input"),
}


@pytest.mark.parametrize("case", CASES)
def test_json_errors(url, case):
    body, status, mentions = CASES[case]
    response = post(url, body)
    assert response.status_code == status, response.text
    message = response.json()["error"]
    assert mentions.lower() in message.lower(), message


def test_binary_size_mismatch(url):
    body, header_length = binary_request(np.zeros((1, 512), np.float32), declared_size=100)
    response = post(url, body, {"Inference-Header-Content-Length": str(header_length)})
    assert response.status_code == 400
    assert "binary_data_size" in response.json()["error"]


def test_binary_header_length_beyond_body(url):
    body, _ = binary_request(np.zeros((1, 512), np.float32))
    response = post(url, body, {"Inference-Header-Content-Length": str(len(body) + 10)})
    assert response.status_code == 400


def test_truncated_binary_body(url):
    body, header_length = binary_request(np.zeros((2, 512), np.float32))
    response = post(url, body[:-100], {"Inference-Header-Content-Length": str(header_length)})
    assert response.status_code == 400


def test_body_over_limit_is_413(url):
    response = post(url, b"x" * (64 * 1024 * 1024 + 10))
    assert response.status_code == 413
    assert "limit" in response.json()["error"]


def test_unknown_model_is_404(url):
    response = post(url, infer_json([1, 512], [0.0] * 512), model="missing")
    assert response.status_code == 404
    assert "missing" in response.json()["error"]


def test_metadata_of_unknown_model_is_404(url):
    response = httpx.get(f"{url}/v2/models/missing")
    assert response.status_code == 404
    assert "error" in response.json()


def test_batch_over_max_batch_size_is_rejected(url):
    body, header_length = binary_request(np.zeros((33, 512), np.float32))
    response = post(url, body, {"Inference-Header-Content-Length": str(header_length)})
    assert response.status_code == 400
    assert "32" in response.json()["error"]


def test_session_still_serves_after_bad_requests(url):
    for body, _, _ in CASES.values():
        post(url, body)
    response = post(url, infer_json([1, 512], [0.5] * 512))
    assert response.status_code == 200
    out = response.json()["outputs"][0]
    assert out["name"] == "output" and out["shape"] == [1, 10]

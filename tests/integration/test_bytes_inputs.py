"""BYTES inputs of an ONNX string tensor must be UTF-8: other bytes get a 400 naming the input, never a 500."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from tests.integration.test_datatypes import mixed_inputs
from tests.support.deploy import deploy

NOT_UTF8 = b"ok\xff\xfe"


@pytest.fixture(scope="module")
def url(shared_engine) -> str:
    info = asyncio.run(deploy(shared_engine.url, "identity-mixed", "identity-mixed"))
    assert info.state.value == "READY", info.reason
    return shared_engine.url


def with_bytes(words: np.ndarray, binary: bool) -> list[httpclient.InferInput]:
    inputs, _ = mixed_inputs(binary)
    inputs[-1].set_data_from_numpy(words, binary_data=binary)
    return inputs


def infer(url: str, inputs: list[httpclient.InferInput]) -> np.ndarray:
    client = httpclient.InferenceServerClient(url.removeprefix("http://"))
    try:
        return client.infer("identity-mixed", inputs).as_numpy("out_bytes")
    finally:
        client.close()


def test_binary_bytes_that_are_not_utf8_get_a_400_naming_the_input_and_the_encoding(url):
    words = np.array([[f"w{r}{c}".encode() for c in range(4)] for r in range(3)], dtype=object)
    words[1, 3] = NOT_UTF8
    with pytest.raises(InferenceServerException) as refused:
        infer(url, with_bytes(words, binary=True))
    assert refused.value.status() == "400"
    message = refused.value.message()
    assert "input 'in_bytes' element [1, 3] is not valid UTF-8" in message and "UTF-8 encoded text" in message


def test_utf8_text_passes_and_one_bad_request_fails_alone_among_good_ones(url):
    text = np.array([["grüße", "日本", "ok", ""]] * 3, dtype=object)
    encoded = np.vectorize(lambda s: s.encode(), otypes=[object])(text)
    bad = encoded.copy()
    bad[2, 0] = NOT_UTF8

    def call(words: np.ndarray) -> str:
        try:
            got = infer(url, with_bytes(words, binary=True))
        except InferenceServerException as exc:
            return exc.status()
        assert got.tolist() == encoded.tolist()
        return "200"

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(call, [encoded] * 5 + [bad] + [encoded] * 5))
    assert answers == ["200"] * 5 + ["400"] + ["200"] * 5


def test_json_bytes_that_cannot_be_utf8_get_a_400(url):
    inputs, _ = mixed_inputs(binary=False)
    encoded, json_size = httpclient.InferenceServerClient.generate_request_body(inputs)
    assert json_size is None
    body = json.loads(encoded)
    assert body["inputs"][-1]["name"] == "in_bytes"
    body["inputs"][-1]["data"] = ["a", "b", "c", "\udcff"] * 3  # a lone surrogate: no UTF-8 for it
    payload = json.dumps(body).encode()  # ensure_ascii: it travels as the escape \\udcff
    answer = httpx.post(f"{url}/v2/models/identity-mixed/infer", content=payload)
    assert answer.status_code == 400, answer.text
    assert "in_bytes" in answer.json()["error"]

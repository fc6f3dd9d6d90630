"""Triton's model repository load/unload through tritonclient: a model served and withdrawn as a
session, a Triton config setting it up, clear refusals, and admin-only with auth on."""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from mohawk_engine.client import EngineClient
from tests.integration.test_auth import bearer, create_key_with_cli, start_engine


@pytest.fixture
def engine(engine_factory, model_repo):
    process = engine_factory(model_repo)
    process.start()
    return process


@pytest.fixture
def client(engine):
    with httpclient.InferenceServerClient(engine.url.removeprefix("http://")) as triton:
        yield triton


def add_sub(triton: httpclient.InferenceServerClient, values: np.ndarray) -> np.ndarray:
    inputs = [httpclient.InferInput("INPUT0", [1, 16], "FP32"), httpclient.InferInput("INPUT1", [1, 16], "FP32")]
    inputs[0].set_data_from_numpy(values.reshape(1, 16))
    inputs[1].set_data_from_numpy(np.ones((1, 16), np.float32))
    return triton.infer("add-sub", inputs).as_numpy("OUTPUT0")[0]


def test_load_serves_the_model_and_unload_withdraws_it(client):
    assert "model_repository" in client.get_server_metadata()["extensions"]
    assert not client.is_model_ready("add-sub")
    client.load_model("add-sub")
    assert client.is_model_ready("add-sub")
    values = np.arange(16, dtype=np.float32)
    np.testing.assert_array_equal(add_sub(client, values), values + 1)
    assert {"name": "add-sub", "version": "1", "state": "READY"} in client.get_model_repository_index()
    client.unload_model("add-sub")
    assert not client.is_model_ready("add-sub")
    assert "add-sub" not in [entry["name"] for entry in client.get_model_repository_index()]
    client.unload_model("add-sub")  # unloading what is unloaded is no error
    client.load_model("add-sub")
    assert client.is_model_ready("add-sub")


def test_a_config_sets_up_the_session_and_reloads_a_serving_one_live(client):
    config = {"max_batch_size": 8, "dynamic_batching": {"max_queue_delay_microseconds": 200},
              "instance_group": [{"kind": "KIND_CPU", "count": 2}]}  # fmt: skip
    client.load_model("add-sub", config=json.dumps(config))
    served = client.get_model_config("add-sub")
    assert served["max_batch_size"] == 8
    assert served["dynamic_batching"]["max_queue_delay_microseconds"] == 200
    assert served["instance_group"][0]["count"] == 2
    served["max_batch_size"] = 4  # the config as the server returned it comes back unchanged but for this
    client.load_model("add-sub", config=json.dumps(served))
    assert client.get_model_config("add-sub")["max_batch_size"] == 4
    assert client.get_model_metadata("add-sub")["versions"] == ["2"]  # a live reconfiguration
    np.testing.assert_array_equal(add_sub(client, np.zeros(16, np.float32)), np.ones(16))


@pytest.mark.parametrize(
    ("model", "config", "status", "message"),
    [
        ("missing", None, 404, "unknown model 'missing'"),
        ("mlp-tiny", {"sequence_batching": {}}, 400, "config field(s) sequence_batching are not supported"),
        ("mlp-tiny", {"name": "other"}, 400, "names model 'other'"),
        ("mlp-tiny", {"instance_group": [{"kind": "KIND_MODEL"}]}, 400, "kind 'KIND_MODEL' is not supported"),
        ("mlp-tiny", {"dynamic_batching": {"priority_levels": 2}}, 400, "priority_levels are not supported"),
        ("mlp-tiny", {"max_batch_size": -1}, 400, "max_batch_size must be a whole number >= 0"),
    ],
)
def test_bad_loads_are_refused_naming_what_was_wrong(client, model, config, status, message):
    with pytest.raises(InferenceServerException) as refused:
        client.load_model(model, config=None if config is None else json.dumps(config))
    assert refused.value.status() == str(status)
    assert message in refused.value.message()


def test_a_load_that_fails_says_why_and_leaves_other_models_serving(client):
    client.load_model("add-sub")
    with pytest.raises(InferenceServerException) as refused:
        client.load_model("mlp-tiny", config=json.dumps({"instance_group": [{"kind": "KIND_GPU", "gpus": [0]}]}))
    assert refused.value.status() == "400"
    assert "failed to load 'mlp-tiny': CUDA requested but unavailable" in refused.value.message()
    failed = [entry for entry in client.get_model_repository_index() if entry["name"] == "mlp-tiny"]
    assert failed[0]["state"] == "UNAVAILABLE" and "CUDA" in failed[0]["reason"]
    np.testing.assert_array_equal(add_sub(client, np.zeros(16, np.float32)), np.ones(16))
    client.load_model("mlp-tiny", config=json.dumps({"instance_group": [{"kind": "KIND_CPU"}]}))
    assert client.is_model_ready("mlp-tiny")


def test_model_files_in_the_load_request_are_refused(engine):
    body = {"parameters": {"config": "{}", "file:1/model.onnx": "AAAA"}}
    response = httpx.post(f"{engine.url}/v2/repository/models/add-sub/load", json=body)
    assert response.status_code == 400
    assert "PUT /v1/models/{name}" in response.json()["error"]


async def test_with_auth_on_load_and_unload_need_an_admin_key_and_are_audited(tmp_path, demo_repo):
    process, admin = start_engine(demo_repo, tmp_path / "state")
    try:
        infer_key = create_key_with_cli(tmp_path / "state", "infer", "read", label="app")
        url = f"{process.url}/v2/repository/models/add-sub"
        async with httpx.AsyncClient() as http:
            anonymous = await http.post(f"{url}/load")
            infer_only = await http.post(f"{url}/load", headers=bearer(infer_key))
            loaded = await http.post(f"{url}/load", headers=bearer(admin))
            inference = await http.post(
                f"{process.url}/v2/models/add-sub/infer",
                json={"inputs": [{"name": n, "shape": [1, 16], "datatype": "FP32", "data": [1.0] * 16}
                                 for n in ("INPUT0", "INPUT1")]},
            )  # fmt: skip
            unloaded = await http.post(f"{url}/unload", headers=bearer(admin))
        assert anonymous.status_code == 401
        assert infer_only.status_code == 403 and "'admin' scope" in infer_only.json()["error"]
        assert loaded.status_code == 200 and inference.status_code == 200  # v2 inference stays open (no v2_auth)
        assert unloaded.status_code == 200
        async with EngineClient(process.url, token=admin) as client:
            records = await client.audit()
        actions = [(r.action, r.target, r.result) for r in records if r.action.startswith("model.")]
        assert ("model.load", "add-sub", 200) in actions and ("model.unload", "add-sub", 200) in actions
        assert any(action == "model.load" and result in (401, 403) for action, _, result in actions)
    finally:
        process.kill()

"""Triton model configurations turned into session specs (load_model's `config`)."""

from __future__ import annotations

import json

import pytest

from mohawk_engine.api.triton_config import apply_config, parse_config
from mohawk_engine.errors import BadRequest
from mohawk_engine.schemas import BatchingConfig, DeviceMap, SessionSpec

BASE = SessionSpec(name="m", model="m", batching=BatchingConfig(max_batch_size=32, timeout_ms=5000))


def load(config: dict) -> SessionSpec:
    return apply_config(BASE, parse_config(json.dumps(config), "m"))


def test_batching_and_queue_policy_map_onto_the_session():
    spec = load(
        {
            "max_batch_size": 16,
            "dynamic_batching": {
                "max_queue_delay_microseconds": 500,
                "preserve_ordering": True,
                "default_queue_policy": {"max_queue_size": 64, "default_timeout_microseconds": 2_500_500},
            },
        }
    )
    assert spec.batching == BatchingConfig(
        enabled=True, max_batch_size=16, max_queue_delay_us=500, max_queue_size=64, timeout_ms=2501
    )
    assert spec.device_map == BASE.device_map


def test_tritons_zeros_mean_no_limit_and_no_batching():
    spec = load({"max_batch_size": 0, "dynamic_batching": {"default_queue_policy": {"max_queue_size": 0,
                                                                                   "default_timeout_microseconds": 0}}})  # fmt: skip
    assert spec.batching.enabled is False
    assert spec.batching.max_queue_size == 1_000_000
    assert spec.batching.timeout_ms == BASE.batching.timeout_ms


def test_no_dynamic_batching_means_none_as_in_triton():
    assert load({"max_batch_size": 8}).batching.enabled is False


def test_instance_groups_become_devices_with_one_count():
    spec = load({"instance_group": [{"kind": "KIND_GPU", "gpus": [0, 1], "count": 2}, {"kind": "KIND_CPU", "count": 2}]})
    assert spec.device_map == DeviceMap(devices=["cuda:0", "cuda:1", "cpu"], replicas_per_device=2)
    assert load({"instance_group": [{"count": 3}]}).device_map.devices == ["cpu"]  # KIND_AUTO: the CPU


def test_descriptive_fields_are_accepted_and_left_to_the_model_file():
    spec = load({"name": "m", "platform": "onnxruntime_onnx", "input": [{"name": "x"}], "output": [],
                 "version_policy": {"latest": {"num_versions": 1}}, "dynamic_batching": {}})  # fmt: skip
    assert spec.model == "m" and spec.batching.enabled


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ('"not an object"', "must be a JSON object"),
        ("{broken", "not valid JSON"),
        ('{"optimization": {}}', "optimization are not supported"),
        ('{"name": "n"}', "names model 'n'"),
        ('{"instance_group": [{"count": 1}, {"count": 2}]}', "counts differ"),
        ('{"instance_group": []}', "non-empty list"),
        ('{"instance_group": [{"count": 0}]}', "replicas_per_device"),
        ('{"instance_group": [{"count": [1]}]}', "count must be a whole number"),
        ('{"instance_group": [{"kind": "KIND_GPU", "gpus": "0"}]}', "list of GPU indices"),
        ('{"dynamic_batching": {"preserve_ordering": false}}', "always keep order"),
        ('{"dynamic_batching": {"default_queue_policy": {"timeout_action": 1}}}', "timeout_action are not supported"),
        ('{"dynamic_batching": {"max_queue_delay_microseconds": -5}}', "max_queue_delay_us"),
    ],
)
def test_what_a_session_cannot_do_is_refused_by_name(config, message):
    with pytest.raises(BadRequest) as refused:
        apply_config(BASE, parse_config(config, "m"))
    assert message in refused.value.message


def test_config_must_be_a_string_as_triton_sends_it():
    with pytest.raises(BadRequest, match="JSON object in a string"):
        parse_config({"max_batch_size": 1}, "m")

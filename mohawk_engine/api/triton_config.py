"""A Triton model configuration, as `load_model(config=...)` sends it, turned into a session spec.

Only what a Mohawk session has a setting for is read: `max_batch_size`, `dynamic_batching`
(queue delay, queue size, timeout), `instance_group` (count, kind, gpus). The fields that
describe the model itself (name, platform, backend, inputs, outputs, version policy) are
taken from the model file, so they are accepted and left unused, which is what lets the
config `GET .../config` returned come back unchanged. Anything else is refused with its name:
silently ignoring a setting would serve something other than what was asked for.
"""

from __future__ import annotations

import json
import math

from mohawk_engine.errors import BadRequest
from mohawk_engine.schemas import BatchingConfig, DeviceMap, SessionSpec

DESCRIPTIVE = frozenset({"name", "platform", "backend", "version_policy", "input", "output"})
SUPPORTED = frozenset({"max_batch_size", "dynamic_batching", "instance_group"}) | DESCRIPTIVE
_DYNAMIC_BATCHING = frozenset({"max_queue_delay_microseconds", "preserve_ordering", "default_queue_policy"})
_QUEUE_POLICY = frozenset({"max_queue_size", "default_timeout_microseconds"})
_INSTANCE_GROUP = frozenset({"name", "kind", "count", "gpus"})
_UNLIMITED_QUEUE = 1_000_000


def parse_config(text: object, model: str) -> dict:
    """The `config` load parameter: a JSON object given as a string."""
    if not isinstance(text, str):
        raise BadRequest(f"the load parameter 'config' must be a JSON object in a string, got {type(text).__name__}")
    try:
        config = json.loads(text)
    except ValueError as exc:
        raise BadRequest(f"the load parameter 'config' is not valid JSON: {exc}") from None
    if not isinstance(config, dict):
        raise BadRequest("the load parameter 'config' must be a JSON object")
    unknown = sorted(set(config) - SUPPORTED)
    if unknown:
        raise BadRequest(
            f"config field(s) {', '.join(unknown)} are not supported; a session takes max_batch_size, "
            "dynamic_batching and instance_group (the model's name, platform, inputs and outputs come from its file)"
        )
    if "name" in config and config["name"] != model:
        raise BadRequest(f"the config names model {config['name']!r} but the load is for {model!r}")
    return config


def apply_config(spec: SessionSpec, config: dict) -> SessionSpec:
    """`spec` with the config's settings; as in Triton, no `dynamic_batching` means none."""
    batching = _batching(spec.batching, config)
    device_map = _device_map(spec.device_map, config["instance_group"]) if "instance_group" in config else spec.device_map
    return spec.model_copy(update={"batching": batching, "device_map": device_map})


def _batching(current: BatchingConfig, config: dict) -> BatchingConfig:
    update: dict = {"enabled": "dynamic_batching" in config}
    max_batch_size = config.get("max_batch_size")
    if max_batch_size is not None:
        if not isinstance(max_batch_size, int) or max_batch_size < 0:
            raise BadRequest(f"config max_batch_size must be a whole number >= 0, got {max_batch_size!r}")
        if max_batch_size == 0:
            update["enabled"] = False
        else:
            update["max_batch_size"] = max_batch_size
    dynamic = config.get("dynamic_batching")
    if dynamic is not None:
        update.update(_dynamic_batching(dynamic))
    try:
        return BatchingConfig.model_validate({**current.model_dump(), **update})
    except ValueError as exc:
        raise BadRequest(f"config does not make a valid batching setting: {_first_error(exc)}") from None


def _dynamic_batching(dynamic: object) -> dict:
    if not isinstance(dynamic, dict):
        raise BadRequest("config dynamic_batching must be an object")
    _refuse_unknown(dynamic, _DYNAMIC_BATCHING, "dynamic_batching")
    if dynamic.get("preserve_ordering") is False:
        raise BadRequest("config dynamic_batching.preserve_ordering false is not supported: replies always keep order")
    update = {}
    if "max_queue_delay_microseconds" in dynamic:
        update["max_queue_delay_us"] = dynamic["max_queue_delay_microseconds"]
    policy = dynamic.get("default_queue_policy") or {}
    if not isinstance(policy, dict):
        raise BadRequest("config dynamic_batching.default_queue_policy must be an object")
    _refuse_unknown(policy, _QUEUE_POLICY, "dynamic_batching.default_queue_policy")
    if "max_queue_size" in policy:
        update["max_queue_size"] = policy["max_queue_size"] or _UNLIMITED_QUEUE  # Triton: 0 = no limit
    timeout_us = policy.get("default_timeout_microseconds")
    if timeout_us:  # Triton: 0 = no timeout, which leaves the session's own limit
        update["timeout_ms"] = math.ceil(timeout_us / 1000) if isinstance(timeout_us, int) else timeout_us
    return update


def _device_map(current: DeviceMap, groups: object) -> DeviceMap:
    if not isinstance(groups, list) or not groups:
        raise BadRequest("config instance_group must be a non-empty list")
    devices: list[str] = []
    counts = set()
    for group in groups:
        if not isinstance(group, dict):
            raise BadRequest("each config instance_group entry must be an object")
        _refuse_unknown(group, _INSTANCE_GROUP, "instance_group")
        count = group.get("count", 1)
        if not isinstance(count, int) or isinstance(count, bool):
            raise BadRequest(f"config instance_group count must be a whole number, got {count!r}")
        counts.add(count)
        kind = group.get("kind", "KIND_AUTO")
        if kind in ("KIND_CPU", "KIND_AUTO"):
            devices.append("cpu")
        elif kind == "KIND_GPU":
            gpus = group.get("gpus") or [0]
            if not isinstance(gpus, list) or not all(isinstance(g, int) and g >= 0 for g in gpus):
                raise BadRequest(f"config instance_group gpus must be a list of GPU indices, got {gpus!r}")
            devices += [f"cuda:{gpu}" for gpu in gpus]
        else:
            raise BadRequest(f"config instance_group kind {kind!r} is not supported; use KIND_CPU, KIND_GPU or KIND_AUTO")
    if len(counts) != 1:
        raise BadRequest(f"config instance_group counts differ ({sorted(counts)}); a session has one count per device")
    try:
        return DeviceMap.model_validate(
            {**current.model_dump(), "devices": list(dict.fromkeys(devices)), "replicas_per_device": counts.pop()}
        )
    except ValueError as exc:
        raise BadRequest(f"config does not make a valid device map: {_first_error(exc)}") from None


def _refuse_unknown(section: dict, known: frozenset[str], where: str) -> None:
    unknown = sorted(set(section) - known)
    if unknown:
        raise BadRequest(f"config {where} field(s) {', '.join(unknown)} are not supported; known: {', '.join(sorted(known))}")


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(exc)

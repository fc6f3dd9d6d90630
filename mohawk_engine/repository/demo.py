"""Deterministic demo models, written without any download.

- mlp-tiny (ONNX) and mlp-tiny-ts (TorchScript, same weights): 512 -> 1024 -> 1024 -> 10
- mlp-large (ONNX): 2048 -> 4096 -> 4096 -> 1000, about 117 MB of weights
- add-sub (ONNX): OUTPUT0 = INPUT0 + INPUT1, OUTPUT1 = INPUT0 - INPUT1 on [-1, 16] FP32
- identity-mixed (ONNX): passes through one tensor of each of several datatypes
- identity-bf16 (ONNX): passes through a BF16 tensor
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = [helper.make_opsetid("", 17)]
IR_VERSION = 8
TINY_LAYERS = (512, 1024, 1024, 10)
LARGE_LAYERS = (2048, 4096, 4096, 1000)


def mlp_weights(layers: tuple[int, ...], seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(W [in, out], b [out]) per layer, scaled so activations stay near unit size."""
    rng = np.random.default_rng(seed)
    weights = []
    for fan_in, fan_out in zip(layers, layers[1:]):
        w = rng.standard_normal((fan_in, fan_out), dtype=np.float32) * np.float32(1.0 / np.sqrt(fan_in))
        b = rng.standard_normal(fan_out, dtype=np.float32) * np.float32(0.01)
        weights.append((w, b))
    return weights


def mlp_onnx(weights: list[tuple[np.ndarray, np.ndarray]], name: str) -> onnx.ModelProto:
    nodes, initializers = [], []
    current = "input"
    for i, (w, b) in enumerate(weights):
        last = i == len(weights) - 1
        initializers += [numpy_helper.from_array(w, f"fc{i}.weight"), numpy_helper.from_array(b, f"fc{i}.bias")]
        matmul, added = f"fc{i}.matmul", "output" if last else f"fc{i}.out"
        nodes.append(helper.make_node("MatMul", [current, f"fc{i}.weight"], [matmul], name=f"fc{i}_matmul"))
        nodes.append(helper.make_node("Add", [matmul, f"fc{i}.bias"], [added], name=f"fc{i}_add"))
        current = added
        if not last:
            nodes.append(helper.make_node("Relu", [added], [f"relu{i}"], name=f"relu{i}"))
            current = f"relu{i}"
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", weights[0][0].shape[0]])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch", weights[-1][0].shape[1]])],
        initializers,
    )
    return _model(graph)


def mlp_torchscript(weights: list[tuple[np.ndarray, np.ndarray]]):
    import torch

    layers: list[torch.nn.Module] = []
    for i, (w, b) in enumerate(weights):
        linear = torch.nn.Linear(w.shape[0], w.shape[1])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(w.T.copy()))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if i < len(weights) - 1:
            layers.append(torch.nn.ReLU())
    return torch.jit.script(torch.nn.Sequential(*layers).eval())


def add_sub_onnx() -> onnx.ModelProto:
    spec = ["batch", 16]
    graph = helper.make_graph(
        [
            helper.make_node("Add", ["INPUT0", "INPUT1"], ["OUTPUT0"], name="add"),
            helper.make_node("Sub", ["INPUT0", "INPUT1"], ["OUTPUT1"], name="sub"),
        ],
        "add-sub",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, spec) for n in ("INPUT0", "INPUT1")],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, spec) for n in ("OUTPUT0", "OUTPUT1")],
    )
    return _model(graph)


MIXED_TYPES = {
    "FP32": TensorProto.FLOAT,
    "FP16": TensorProto.FLOAT16,
    "FP64": TensorProto.DOUBLE,
    "INT8": TensorProto.INT8,
    "INT32": TensorProto.INT32,
    "INT64": TensorProto.INT64,
    "UINT8": TensorProto.UINT8,
    "BOOL": TensorProto.BOOL,
    "BYTES": TensorProto.STRING,
}


def identity_mixed_onnx() -> onnx.ModelProto:
    names = [name.lower() for name in MIXED_TYPES]
    graph = helper.make_graph(
        [helper.make_node("Identity", [f"in_{n}"], [f"out_{n}"], name=f"id_{n}") for n in names],
        "identity-mixed",
        [helper.make_tensor_value_info(f"in_{n}", t, ["batch", 4]) for n, t in zip(names, MIXED_TYPES.values())],
        [helper.make_tensor_value_info(f"out_{n}", t, ["batch", 4]) for n, t in zip(names, MIXED_TYPES.values())],
    )
    return _model(graph)


def identity_bf16_onnx() -> onnx.ModelProto:
    graph = helper.make_graph(
        [helper.make_node("Identity", ["in_bf16"], ["out_bf16"], name="id_bf16")],
        "identity-bf16",
        [helper.make_tensor_value_info("in_bf16", TensorProto.BFLOAT16, ["batch", 4])],
        [helper.make_tensor_value_info("out_bf16", TensorProto.BFLOAT16, ["batch", 4])],
    )
    return _model(graph)


def _model(graph: onnx.GraphProto) -> onnx.ModelProto:
    model = helper.make_model(graph, opset_imports=OPSET, producer_name="mohawk-demo")
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    return model


def _sidecar(layers: tuple[int, ...], description: str) -> dict:
    return {
        "inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, layers[0]]}],
        "outputs": [{"name": "output", "datatype": "FP32", "shape": [-1, layers[-1]]}],
        "description": description,
    }


DEMO_FILES = (
    "mlp-tiny.onnx", "mlp-large.onnx", "add-sub.onnx", "identity-mixed.onnx", "identity-bf16.onnx",
    "mlp-tiny-ts.pt", "mlp-tiny-ts.json",
)  # fmt: skip


def demo_models_present(root: Path) -> bool:
    return all((root / name).is_file() for name in DEMO_FILES)


def write_demo_models(root: Path) -> list[Path]:
    """Write every demo model into `root` (created if needed); returns the files written."""
    root.mkdir(parents=True, exist_ok=True)
    tiny = mlp_weights(TINY_LAYERS, seed=0)
    written = []
    for name, model in (
        ("mlp-tiny.onnx", mlp_onnx(tiny, "mlp-tiny")),
        ("mlp-large.onnx", mlp_onnx(mlp_weights(LARGE_LAYERS, seed=1), "mlp-large")),
        ("add-sub.onnx", add_sub_onnx()),
        ("identity-mixed.onnx", identity_mixed_onnx()),
        ("identity-bf16.onnx", identity_bf16_onnx()),
    ):
        onnx.save(model, str(root / name))
        written.append(root / name)
    mlp_torchscript(tiny).save(str(root / "mlp-tiny-ts.pt"))
    sidecar = _sidecar(TINY_LAYERS, "mlp-tiny as TorchScript: the same weights as mlp-tiny.onnx")
    (root / "mlp-tiny-ts.json").write_text(json.dumps(sidecar, indent=2) + "\n")
    written += [root / "mlp-tiny-ts.pt", root / "mlp-tiny-ts.json"]
    return written

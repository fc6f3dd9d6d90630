"""Reading a model file's signature: its tensors, weight bytes and where it can be cut.

ONNX files carry their signature. TorchScript carries none, so a sidecar JSON next to the
file (`model.pt` + `model.json`) names its inputs and outputs; the same sidecar may also
override an ONNX file's description.
"""

from __future__ import annotations

import json
from pathlib import Path

import onnx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mohawk_engine.runtime.onnx_graph import cut_candidates, initializer_bytes
from mohawk_engine.schemas import CutPoint, ModelFormat, ModelInfo, TensorSpec

_ONNX_TYPES = {
    onnx.TensorProto.BOOL: "BOOL",
    onnx.TensorProto.UINT8: "UINT8",
    onnx.TensorProto.UINT16: "UINT16",
    onnx.TensorProto.UINT32: "UINT32",
    onnx.TensorProto.UINT64: "UINT64",
    onnx.TensorProto.INT8: "INT8",
    onnx.TensorProto.INT16: "INT16",
    onnx.TensorProto.INT32: "INT32",
    onnx.TensorProto.INT64: "INT64",
    onnx.TensorProto.FLOAT16: "FP16",
    onnx.TensorProto.FLOAT: "FP32",
    onnx.TensorProto.DOUBLE: "FP64",
    onnx.TensorProto.BFLOAT16: "BF16",
    onnx.TensorProto.STRING: "BYTES",
}


class Sidecar(BaseModel):
    """What `<model>.json` may say about the model beside it."""

    model_config = ConfigDict(extra="forbid")

    inputs: list[TensorSpec] | None = None
    outputs: list[TensorSpec] | None = None
    batchable: bool | None = None
    description: str = ""


class SignatureError(ValueError):
    pass


def read_sidecar(model_path: Path) -> Sidecar | None:
    path = model_path.with_suffix(".json")
    if not path.is_file():
        return None
    try:
        return Sidecar.model_validate(json.loads(path.read_text()))
    except (ValueError, ValidationError) as exc:
        raise SignatureError(f"sidecar {path.name} is invalid: {exc}") from exc


def describe(name: str, path: Path, relative: str) -> ModelInfo:
    """The ModelInfo of one file; an unreadable file gives a ModelInfo with `error` set."""
    model_format = ModelFormat.ONNX if path.suffix == ".onnx" else ModelFormat.TORCHSCRIPT
    base = {"name": name, "format": model_format, "path": relative, "size_bytes": path.stat().st_size}
    try:
        sidecar = read_sidecar(path)
        details = _onnx_details(path) if model_format is ModelFormat.ONNX else _torch_details(path)
        details = _apply_sidecar(details, sidecar, model_format)
    except (SignatureError, OSError) as exc:
        return ModelInfo(**base, inputs=[], outputs=[], error=str(exc))
    return ModelInfo(**base, **details)


def _apply_sidecar(details: dict, sidecar: Sidecar | None, model_format: ModelFormat) -> dict:
    if sidecar is None:
        if model_format is ModelFormat.TORCHSCRIPT:
            raise SignatureError("TorchScript carries no signature: add a sidecar JSON naming inputs and outputs")
        return details
    for key in ("inputs", "outputs", "batchable"):
        value = getattr(sidecar, key)
        if value is not None:
            details[key] = value
    if not details.get("inputs") or not details.get("outputs"):
        raise SignatureError("the sidecar must name at least one input and one output")
    details["description"] = sidecar.description
    return details


def _onnx_details(path: Path) -> dict:
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as exc:
        raise SignatureError(f"not a readable ONNX file: {str(exc).strip().splitlines()[0] if str(exc) else exc!r}")
    graph = model.graph
    weights = {t.name for t in graph.initializer}
    inputs = [_onnx_tensor(v) for v in graph.input if v.name not in weights]
    outputs = [_onnx_tensor(v) for v in graph.output]
    tensors = inputs + outputs
    return {
        "parameter_bytes": sum(initializer_bytes(t) for t in graph.initializer),
        "inputs": inputs,
        "outputs": outputs,
        "batchable": bool(tensors) and all(t.shape and t.shape[0] == -1 for t in tensors),
        "sequential": True,
        "cut_points": [CutPoint(name=n, parameter_bytes_before=b) for n, b in cut_candidates(model)],
    }


def _onnx_tensor(value: onnx.ValueInfoProto) -> TensorSpec:
    tensor_type = value.type.tensor_type
    datatype = _ONNX_TYPES.get(tensor_type.elem_type)
    if datatype is None:
        raise SignatureError(f"tensor '{value.name}' has an element type the v2 protocol cannot carry")
    shape = [dim.dim_value if dim.HasField("dim_value") else -1 for dim in tensor_type.shape.dim]
    return TensorSpec(name=value.name, datatype=datatype, shape=shape)


def _torch_details(path: Path) -> dict:
    import torch

    try:
        module = torch.jit.load(str(path), map_location="cpu")
    except Exception as exc:
        text = str(exc).strip().splitlines()
        raise SignatureError(f"not a readable TorchScript file: {text[0] if text else exc!r}") from None
    parameter_bytes = sum(p.numel() * p.element_size() for p in module.parameters())
    cuts: list[CutPoint] = []
    sequential = getattr(module, "original_name", "") == "Sequential"
    if sequential:
        children = [child for _, child in module.named_children()]
        before = 0
        for index, child in enumerate(children[:-1]):
            before += sum(p.numel() * p.element_size() for p in child.parameters())
            cuts.append(CutPoint(name=str(index), parameter_bytes_before=before))
    return {"parameter_bytes": parameter_bytes, "sequential": sequential, "cut_points": cuts}

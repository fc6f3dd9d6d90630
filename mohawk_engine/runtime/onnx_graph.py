"""ONNX graph surgery for the pipeline strategy: where a graph can be cut, and its stages.

A cut point is a tensor that, at some position in the (topologically sorted) node list,
is the only value flowing from the nodes before to the nodes after. Cutting there gives
stages that each take one tensor and give one tensor on to the next.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import ModelProto, helper


def initializer_bytes(tensor: onnx.TensorProto) -> int:
    dtype = helper.tensor_dtype_to_np_dtype(tensor.data_type)
    return int(np.prod(tensor.dims, dtype=np.int64)) * np.dtype(dtype).itemsize


def cut_candidates(model: ModelProto) -> list[tuple[str, int]]:
    """(tensor name, bytes of weights used before it) for every single-tensor cut, in graph order."""
    graph = model.graph
    weights = {t.name: initializer_bytes(t) for t in graph.initializer}
    graph_outputs = {o.name for o in graph.output}
    last_use: dict[str, int] = {}
    for index, node in enumerate(graph.node):
        for name in node.input:
            last_use[name] = index
    live: set[str] = {i.name for i in graph.input if i.name not in weights}
    seen_weights: set[str] = set()
    cuts: list[tuple[str, int]] = []
    for index, node in enumerate(graph.node[:-1]):
        seen_weights.update(name for name in node.input if name in weights)
        live.update(node.output)
        live = {name for name in live if last_use.get(name, -1) > index or name in graph_outputs}
        if len(live) == 1:
            (name,) = live
            if name not in graph_outputs:
                cuts.append((name, sum(weights[w] for w in seen_weights)))
    return cuts


def extract_stage(model: ModelProto, inputs: list[str], outputs: list[str]) -> ModelProto:
    """The sub-graph computing `outputs` from `inputs`, with the weights it needs."""
    inferred = onnx.shape_inference.infer_shapes(model)
    stage = onnx.utils.Extractor(inferred).extract_model(inputs, outputs)
    stage.ir_version = model.ir_version
    del stage.opset_import[:]
    stage.opset_import.extend(model.opset_import)
    return stage


def stage_models(model: ModelProto, cuts: list[str]) -> list[ModelProto]:
    """Split `model` at the cut tensors, in order, into len(cuts) + 1 stage models."""
    weights = {t.name for t in model.graph.initializer}
    model_inputs = [i.name for i in model.graph.input if i.name not in weights]
    model_outputs = [o.name for o in model.graph.output]
    bounds = [model_inputs, *([cut] for cut in cuts), model_outputs]
    return [extract_stage(model, bounds[i], bounds[i + 1]) for i in range(len(bounds) - 1)]



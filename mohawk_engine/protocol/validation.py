"""Checking decoded tensors against a model's signature.

BYTES inputs must hold UTF-8 text: the only runtime here that takes them is onnxruntime,
whose string tensors hold text (TorchScript takes no BYTES). Checking before the batch turns
bad bytes into a 400 for that caller alone, instead of a runtime error that breaks a batch.
"""

from __future__ import annotations

import math

import numpy as np

from mohawk_engine.protocol.codec import ProtocolError, RequestedOutput, Tensor
from mohawk_engine.protocol.datatypes import numpy_dtype
from mohawk_engine.schemas import TensorSpec


def validate_inputs(
    inputs: list[Tensor], specs: list[TensorSpec], batchable: bool, model_name: str
) -> dict[str, np.ndarray]:
    """Match `inputs` to the model's input specs; returns name -> C-contiguous array of the spec's shape and dtype."""
    given = _by_name(inputs, specs, model_name)
    arrays: dict[str, np.ndarray] = {}
    for spec in specs:
        tensor = given[spec.name]
        _check_datatype(tensor, spec, model_name)
        _check_shape(tensor, spec)
        arrays[spec.name] = _as_array(tensor, spec)
    if batchable:
        _check_batch(inputs, model_name)
    return arrays


def select_outputs(requested: list[RequestedOutput] | None, specs: list[TensorSpec], model_name: str) -> list[str]:
    """The output names to return: the requested ones in request order, or every output when none are named."""
    available = [spec.name for spec in specs]
    if not requested:
        return available
    names: list[str] = []
    for output in requested:
        if output.name not in available:
            raise ProtocolError(
                f"model '{model_name}' has no output '{output.name}'; available outputs: {_quoted(available)}"
            )
        if output.name in names:
            raise ProtocolError(f"output '{output.name}' is requested more than once; expected each output once")
        names.append(output.name)
    return names


def _by_name(inputs: list[Tensor], specs: list[TensorSpec], model_name: str) -> dict[str, Tensor]:
    expected = [spec.name for spec in specs]
    given: dict[str, Tensor] = {}
    for tensor in inputs:
        if tensor.name not in expected:
            raise ProtocolError(
                f"model '{model_name}' has no input '{tensor.name}'; it expects input(s) {_quoted(expected)}"
            )
        if tensor.name in given:
            raise ProtocolError(f"input '{tensor.name}' appears more than once; expected each input once")
        given[tensor.name] = tensor
    missing = [name for name in expected if name not in given]
    if missing:
        raise ProtocolError(f"model '{model_name}' expects input(s) {_quoted(expected)}; missing {_quoted(missing)}")
    return given


def _check_datatype(tensor: Tensor, spec: TensorSpec, model_name: str) -> None:
    if tensor.datatype != spec.datatype:
        raise ProtocolError(
            f"input '{spec.name}' of model '{model_name}' is {spec.datatype}, got {tensor.datatype}"
        )


def _check_shape(tensor: Tensor, spec: TensorSpec) -> None:
    shape = list(tensor.shape)
    fits = len(shape) == len(spec.shape) and all(want in (-1, got) for want, got in zip(spec.shape, shape))
    if not fits:
        raise ProtocolError(f"input '{spec.name}' expects shape {list(spec.shape)}, got {shape}")


def _check_batch(inputs: list[Tensor], model_name: str) -> None:
    sizes = {tensor.name: tensor.shape[0] for tensor in inputs if len(tensor.shape) > 0}
    for name, size in sizes.items():
        if size < 1:
            raise ProtocolError(f"input '{name}' has batch size {size}; expected dimension 0 to be at least 1")
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"'{name}': {size}" for name, size in sizes.items())
        raise ProtocolError(f"inputs of model '{model_name}' must share one batch size (dimension 0); got {listed}")


def _as_array(tensor: Tensor, spec: TensorSpec) -> np.ndarray:
    data = np.asarray(tensor.data)
    if data.size != math.prod(tensor.shape):
        raise ProtocolError(
            f"input '{spec.name}': shape {list(tensor.shape)} holds {math.prod(tensor.shape)} elements "
            f"but data has {data.size}"
        )
    array = data.reshape(tensor.shape)
    if spec.datatype == "BYTES":
        _check_utf8(array, spec.name)
    return np.ascontiguousarray(array, dtype=numpy_dtype(spec.datatype))


def _check_utf8(array: np.ndarray, name: str) -> None:
    for position, value in enumerate(array.flat):
        if isinstance(value, bytes | bytearray):
            try:
                value.decode("utf-8")
            except UnicodeDecodeError as exc:
                index = list(np.unravel_index(position, array.shape)) if array.ndim else []
                raise ProtocolError(
                    f"input '{name}' element {[int(i) for i in index]} is not valid UTF-8 ({exc.reason} at byte "
                    f"{exc.start}); BYTES inputs of this model must be UTF-8 encoded text"
                ) from None


def _quoted(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)

"""Input tensors for a load run: v2 datatypes, shapes, random data (seeded) and given data files."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_NUMPY = {
    "BOOL": np.bool_, "UINT8": np.uint8, "UINT16": np.uint16, "UINT32": np.uint32, "UINT64": np.uint64,
    "INT8": np.int8, "INT16": np.int16, "INT32": np.int32, "INT64": np.int64,
    "FP16": np.float16, "FP32": np.float32, "FP64": np.float64, "BF16": np.uint16, "BYTES": np.object_,
}  # fmt: skip
_BYTES_LENGTH = 8


class InputError(ValueError):
    """The inputs cannot be built: the message says which input and what was expected."""


@dataclass(frozen=True)
class InputSpec:
    """An input as the model metadata describes it; -1 marks a variable dimension."""

    name: str
    datatype: str
    shape: list[int]


@dataclass
class InputTensor:
    """An input with its data: uint16 bit patterns for BF16, an object array of bytes for BYTES."""

    name: str
    datatype: str
    array: np.ndarray

    @property
    def shape(self) -> list[int]:
        return list(self.array.shape)


def numpy_dtype(datatype: str) -> np.dtype:
    if datatype not in _NUMPY:
        raise InputError(f"unknown datatype {datatype!r}; expected one of {', '.join(_NUMPY)}")
    return np.dtype(_NUMPY[datatype])


def v2_datatype(dtype: np.dtype) -> str:
    """The v2 datatype carrying a numpy dtype (strings and objects are BYTES)."""
    dtype = np.dtype(dtype)
    if dtype.kind in "OSU":
        return "BYTES"
    for name, candidate in _NUMPY.items():
        if name != "BF16" and np.dtype(candidate) == dtype:
            return name
    raise InputError(f"numpy dtype {dtype} has no Open Inference Protocol datatype")


def resolve_shape(spec: InputSpec, batch: int, override: list[int] | None) -> list[int]:
    """The concrete shape to send: a leading -1 is the batch, other -1s must be given in `override`."""
    if override is not None:
        if len(override) != len(spec.shape) or any(d < 0 for d in override):
            raise InputError(f"shape {override} for input '{spec.name}' does not fit the model's {spec.shape}")
        return list(override)
    shape = list(spec.shape)
    if shape and shape[0] == -1:
        shape[0] = batch
    if any(d < 0 for d in shape):
        raise InputError(
            f"input '{spec.name}' has variable dimensions {spec.shape}; give its shape (e.g. --shape {spec.name}:1,16)"
        )
    return shape


def random_inputs(
    specs: list[InputSpec], batch: int, seed: int, shapes: dict[str, list[int]] | None = None
) -> list[InputTensor]:
    """Random data for every input, the same for the same seed."""
    rng = np.random.default_rng(seed)
    shapes = shapes or {}
    unknown = set(shapes) - {spec.name for spec in specs}
    if unknown:
        raise InputError(f"shapes given for inputs the model does not have: {', '.join(sorted(unknown))}")
    return [
        InputTensor(spec.name, spec.datatype, _random_array(spec.datatype, resolve_shape(spec, batch, shapes.get(spec.name)), rng))
        for spec in specs
    ]


def _random_array(datatype: str, shape: list[int], rng: np.random.Generator) -> np.ndarray:
    if datatype == "BYTES":
        letters = rng.integers(ord("a"), ord("z") + 1, size=(*shape, _BYTES_LENGTH), dtype=np.uint8)
        array = np.empty(shape, dtype=object)
        array.reshape(-1)[:] = [row.tobytes() for row in letters.reshape(-1, _BYTES_LENGTH)]
        return array
    if datatype == "BOOL":
        return rng.integers(0, 2, size=shape).astype(np.bool_)
    if datatype == "BF16":
        values = rng.standard_normal(shape, dtype=np.float32)
        return (values.view(np.uint32) >> np.uint32(16)).astype(np.uint16)
    dtype = numpy_dtype(datatype)
    if dtype.kind == "f":
        return rng.standard_normal(shape).astype(dtype)
    return rng.integers(0, 100, size=shape).astype(dtype)


def load_inputs(path: Path, specs: list[InputSpec] | None) -> list[InputTensor]:
    """Inputs from a .npy (a model with one input), .npz or JSON file mapping input names to arrays.

    Without `specs` (no metadata read), the arrays' own dtypes give the datatypes; JSON data
    then needs the metadata.
    """
    arrays = _read_arrays(path, specs)
    by_name = {spec.name: spec for spec in specs or ()}
    if specs is not None:
        missing = set(by_name) - set(arrays)
        if missing:
            raise InputError(f"{path} has no data for inputs {', '.join(sorted(missing))}")
        unknown = set(arrays) - set(by_name)
        if unknown:
            raise InputError(f"{path} has data for inputs the model does not have: {', '.join(sorted(unknown))}")
    tensors = []
    for name, array in arrays.items():
        spec = by_name.get(name)
        datatype = spec.datatype if spec else v2_datatype(array.dtype)
        tensors.append(InputTensor(name, datatype, _as_datatype(name, array, datatype)))
    return tensors


def _read_arrays(path: Path, specs: list[InputSpec] | None) -> dict[str, np.ndarray]:
    suffix = path.suffix.lower()
    if suffix == ".npz":
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    if suffix == ".npy":
        if not specs or len(specs) != 1:
            raise InputError(f"{path}: a .npy file holds one array, so it needs a model with exactly one input")
        return {specs[0].name: np.load(path, allow_pickle=False)}
    if suffix == ".json":
        if specs is None:
            raise InputError(f"{path}: JSON data needs the model metadata for its datatypes")
        document = json.loads(path.read_text())
        if not isinstance(document, dict):
            raise InputError(f"{path} must hold a JSON object mapping input names to (nested) lists")
        return {name: np.asarray(value) for name, value in document.items()}
    raise InputError(f"{path}: expected a .npy, .npz or .json data file")


def _as_datatype(name: str, array: np.ndarray, datatype: str) -> np.ndarray:
    if datatype == "BYTES":
        if array.dtype.kind not in "OSU":
            raise InputError(f"input '{name}' is BYTES but its data holds {array.dtype} values")
        out = np.empty(array.shape, dtype=object)
        out.reshape(-1)[:] = [v if isinstance(v, bytes) else str(v).encode() for v in array.reshape(-1)]
        return out
    if datatype == "BF16" and array.dtype.kind == "f":
        return (array.astype(np.float32).view(np.uint32) >> np.uint32(16)).astype(np.uint16)
    return array.astype(numpy_dtype(datatype), copy=False)


def items_per_request(tensors: list[InputTensor], specs: list[InputSpec] | None) -> int:
    """Rows per request: the leading dimension when the model batches (its first dimension is -1), else 1."""
    if not tensors:
        return 1
    batched = specs is None or all(spec.shape[:1] == [-1] for spec in specs)
    shape = tensors[0].shape
    return shape[0] if batched and shape else 1

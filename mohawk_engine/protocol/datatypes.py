"""Open Inference Protocol v2 datatypes and the numpy dtypes that carry them.

BF16 has no numpy dtype: it travels as uint16 bit patterns (the high half of a float32).
BYTES travels as an object array of `bytes`.
"""

from __future__ import annotations

import numpy as np

_NUMPY: dict[str, np.dtype] = {
    "BOOL": np.dtype(np.bool_),
    "UINT8": np.dtype(np.uint8),
    "UINT16": np.dtype(np.uint16),
    "UINT32": np.dtype(np.uint32),
    "UINT64": np.dtype(np.uint64),
    "INT8": np.dtype(np.int8),
    "INT16": np.dtype(np.int16),
    "INT32": np.dtype(np.int32),
    "INT64": np.dtype(np.int64),
    "FP16": np.dtype(np.float16),
    "FP32": np.dtype(np.float32),
    "FP64": np.dtype(np.float64),
    "BF16": np.dtype(np.uint16),
    "BYTES": np.dtype(object),
}

DATATYPES: tuple[str, ...] = tuple(_NUMPY)

_V2: dict[tuple[str, int], str] = {
    (dtype.kind, dtype.itemsize): name for name, dtype in _NUMPY.items() if name not in ("BF16", "BYTES")
}


def numpy_dtype(datatype: str) -> np.dtype:
    """The numpy dtype that holds `datatype` (uint16 for BF16, object for BYTES)."""
    dtype = _NUMPY.get(datatype) if isinstance(datatype, str) else None
    if dtype is None:
        raise ValueError(f"unknown datatype {datatype!r}; expected one of {', '.join(DATATYPES)}")
    return dtype


def v2_datatype(dtype: np.dtype) -> str:
    """The v2 datatype for a numpy dtype; object, bytes and str arrays are BYTES."""
    dtype = np.dtype(dtype)
    if dtype.kind in "OSU":
        return "BYTES"
    name = _V2.get((dtype.kind, dtype.itemsize))
    if name is None:
        raise ValueError(f"numpy dtype {dtype} has no Open Inference Protocol datatype")
    return name


def element_size(datatype: str) -> int | None:
    """Bytes per element on the wire; None for BYTES, whose elements vary in size."""
    dtype = numpy_dtype(datatype)
    return None if datatype == "BYTES" else dtype.itemsize


def bf16_to_fp32(bits: np.ndarray) -> np.ndarray:
    """Widen BF16 bit patterns (uint16) to float32 values of the same shape."""
    wide = np.asarray(bits, dtype=np.uint16).astype(np.uint32) << np.uint32(16)
    return wide.view(np.float32)


def fp32_to_bf16(values: np.ndarray) -> np.ndarray:
    """Round float32 values to BF16 bit patterns (uint16), to nearest, ties to even; NaN stays NaN."""
    values = np.asarray(values, dtype=np.float32)
    bits = values.view(np.uint32).astype(np.uint64)
    rounded = (bits + np.uint64(0x7FFF) + ((bits >> np.uint64(16)) & np.uint64(1))) >> np.uint64(16)
    quiet_nan = (bits >> np.uint64(16)) | np.uint64(0x0040)
    return np.where(np.isnan(values), quiet_nan, rounded).astype(np.uint16)

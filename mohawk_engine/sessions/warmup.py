"""Synthetic inputs that exercise a model once before it is declared READY."""

from __future__ import annotations

import numpy as np

from mohawk_engine.protocol.datatypes import numpy_dtype
from mohawk_engine.schemas import TensorSpec


def warmup_inputs(specs: list[TensorSpec], rows: int) -> dict[str, np.ndarray]:
    inputs = {}
    for spec in specs:
        shape = [rows if i == 0 and dim == -1 else max(dim, 1) for i, dim in enumerate(spec.shape)]
        if spec.datatype == "BYTES":
            inputs[spec.name] = np.full(shape, b"", dtype=object)
        else:
            inputs[spec.name] = np.zeros(shape, dtype=numpy_dtype(spec.datatype))
    return inputs

"""Models in the repository and the tensors they take and give."""

from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field

V2Datatype = Literal[
    "BOOL",
    "UINT8",
    "UINT16",
    "UINT32",
    "UINT64",
    "INT8",
    "INT16",
    "INT32",
    "INT64",
    "FP16",
    "FP32",
    "FP64",
    "BF16",
    "BYTES",
]


class ModelFormat(str, Enum):
    ONNX = "onnx"
    TORCHSCRIPT = "torchscript"


class TensorSpec(BaseModel):
    """One input or output: its name, Open Inference Protocol datatype and shape.

    A dimension of -1 is variable; for batchable models dimension 0 is the batch.
    """

    name: str
    datatype: V2Datatype
    shape: list[int]


class CutPoint(BaseModel):
    """A place where the pipeline strategy may cut the model into stages."""

    name: str = Field(description="Tensor name (ONNX) or layer index (TorchScript) the cut falls after")
    parameter_bytes_before: int = Field(description="Bytes of weights that lie before the cut")


class ModelInfo(BaseModel):
    name: str
    format: ModelFormat
    path: str = Field(description="Path relative to the model repository root")
    size_bytes: int
    parameter_bytes: int = Field(0, description="Bytes held by weights (initializers / parameters)")
    inputs: list[TensorSpec]
    outputs: list[TensorSpec]
    batchable: bool = Field(True, description="Dimension 0 of every input and output is the batch")
    sequential: bool = Field(
        False, description="The model is a chain of layers that the pipeline strategy can split"
    )
    cut_points: list[CutPoint] = Field(default_factory=list, description="Where a pipeline may split it")
    description: str = ""
    error: str | None = Field(None, description="Why the file could not be read; sessions of it will fail")

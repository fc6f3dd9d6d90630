"""Sessions: what an operator deploys, where it is placed and how it batches."""

from __future__ import annotations

import re
from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from mohawk_engine.schemas.models import TensorSpec

Strategy = Literal["replicate", "pipeline", "auto"]
_DEVICE_RE = re.compile(r"^(cpu|cuda:\d+)$")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class SessionState(str, Enum):
    LOADING = "LOADING"
    READY = "READY"
    DRAINING = "DRAINING"
    STOPPED = "STOPPED"
    FAILED = "FAILED"


class DeviceMap(BaseModel):
    """Where a session's model runs.

    replicate: `replicas_per_device` copies on each device; a batch goes to the least-busy one.
    pipeline: the model is cut into one stage per listed device (a device may repeat) and
    micro-batches stream through the stages so they overlap.
    auto: replicate on the device with the most free memory when the model fits there,
    otherwise pipeline across the devices.
    """

    devices: list[str] = Field(default_factory=lambda: ["cpu"], min_length=1)
    strategy: Strategy = "replicate"
    replicas_per_device: int = Field(1, ge=1, le=64)
    threads_per_replica: int = Field(
        1, ge=0, le=256, description="Intra-op threads per replica; 0 lets the runtime decide"
    )
    cut_points: list[str] | None = Field(
        None, description="pipeline: tensor names (ONNX) or layer indices (TorchScript) to cut at"
    )
    micro_batch_size: int | None = Field(None, ge=1, description="pipeline: rows per micro-batch")
    max_memory: dict[str, int] = Field(
        default_factory=dict, description="Cap on the bytes a device may use, by device name"
    )
    tensorrt: bool = Field(False, description="Use TensorRT's execution provider on CUDA devices")

    @field_validator("devices")
    @classmethod
    def _devices_known(cls, devices: list[str]) -> list[str]:
        for device in devices:
            if not _DEVICE_RE.match(device):
                raise ValueError(f"device {device!r} is not 'cpu' or 'cuda:N'")
        return devices


class BatchingConfig(BaseModel):
    enabled: bool = True
    max_batch_size: int = Field(32, ge=1, le=65536)
    max_queue_delay_us: int = Field(
        0,
        ge=0,
        le=10_000_000,
        description="How long a batch may wait for more requests once a replica is free; "
        "batches still form while every replica is busy",
    )
    max_queue_size: int = Field(1024, ge=1, le=1_000_000)
    timeout_ms: int = Field(30_000, ge=1, le=3_600_000, description="Per-request time limit")


class SessionSpec(BaseModel):
    name: str
    model: str
    device_map: DeviceMap = Field(default_factory=DeviceMap)
    batching: BatchingConfig = Field(default_factory=BatchingConfig)

    @field_validator("name")
    @classmethod
    def _name_ok(cls, name: str) -> str:
        if not _NAME_RE.match(name):
            raise ValueError(
                "name must start with a letter or digit and hold at most 64 letters, digits, '_', '.' or '-'"
            )
        return name


class DevicePlacement(BaseModel):
    device: str
    role: Literal["replica", "stage"]
    index: int = Field(description="Replica number on the device, or stage number in the pipeline")
    parameter_bytes: int
    estimated_bytes: int
    free_bytes: int | None = None
    first_cut: str | None = Field(None, description="pipeline: the cut this stage starts after (None: model inputs)")
    last_cut: str | None = Field(None, description="pipeline: the cut this stage ends at (None: model outputs)")


class PlacementPlan(BaseModel):
    strategy: Literal["replicate", "pipeline"]
    requested_strategy: Strategy
    placements: list[DevicePlacement]
    estimated_bytes: int
    fits: bool
    notes: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_placements(self) -> "PlacementPlan":
        if not self.placements:
            raise ValueError("a plan places the model on at least one device")
        return self


class SessionInfo(BaseModel):
    spec: SessionSpec
    state: SessionState
    reason: str | None = Field(None, description="Why the session FAILED, in plain words")
    version: int = 1
    format: str | None = None
    inputs: list[TensorSpec] = Field(default_factory=list)
    outputs: list[TensorSpec] = Field(default_factory=list)
    plan: PlacementPlan | None = None
    created_at: float
    updated_at: float

    @property
    def name(self) -> str:
        return self.spec.name

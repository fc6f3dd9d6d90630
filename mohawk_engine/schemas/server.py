"""Engine-wide wire types."""

from __future__ import annotations

from pydantic import BaseModel


class ErrorBody(BaseModel):
    """Every error the engine returns, v1 and v2 alike: Triton's shape."""

    error: str


class ServerInfo(BaseModel):
    name: str = "mohawk"
    version: str
    worker_id: str
    model_repository: str
    state_dir: str
    started_at: float

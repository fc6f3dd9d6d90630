"""Engine-wide wire types."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

# `mohawk-engine serve` ends (SIGTERM) when the process with this PID exits: set by a console
# for the engine it bundles, unless that engine is to keep running after the console.
PARENT_PID_ENV = "MOHAWK_PARENT_PID"


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
    tls_not_after: datetime | None = Field(None, description="When the serving certificate expires; None over HTTP")
    tls_subject: str | None = Field(None, description="The serving certificate's subject (RFC 4514); None over HTTP")
    auth: bool | None = Field(
        None, description="Whether /v1 calls need an API key; None when unknown (an older engine, a plain v2 server)"
    )

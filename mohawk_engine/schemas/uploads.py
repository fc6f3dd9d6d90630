"""Wire types of resumable model uploads (/v1/uploads): start, append chunks, commit, abort."""

from __future__ import annotations

from pydantic import BaseModel, Field

from mohawk_engine.schemas.models import ModelFormat
from mohawk_engine.schemas.server import ErrorBody

SHA256_PATTERN = r"^[0-9a-fA-F]{64}$"


class UploadRequest(BaseModel):
    """POST /v1/uploads: what will arrive, so the engine can refuse it before any byte is sent."""

    name: str = Field(description="Model name (a file stem; '.onnx' or '.pt' may be appended)")
    size: int = Field(ge=1, description="The file's exact size in bytes")
    sha256: str = Field(pattern=SHA256_PATTERN, description="Hex SHA-256 of the whole file, checked at commit")
    format: ModelFormat | None = Field(
        None, description="onnx or torchscript; default: the name's suffix, else sniffed from the file"
    )
    overwrite: bool = False


class UploadStatus(BaseModel):
    """An upload in progress: `received` is where the next chunk must start."""

    id: str
    name: str
    size: int
    received: int
    sha256: str
    format: ModelFormat | None = None
    overwrite: bool = False
    committed: bool = Field(False, description="The file was verified and installed as the model")
    expires_at: float = Field(description="Unix time after which an idle upload is deleted")


class UploadOffsetConflict(ErrorBody):
    """409 on PUT /v1/uploads/{id}: the chunk did not start where the upload stands."""

    received: int = Field(description="The offset the next chunk must start at")

"""Wire types of the engine's API keys and audit log, and the format of a key's secret.

A secret reads `mhk_<prefix>_<random>`: the 8-hex-character prefix names the key in lists,
the audit log and `DELETE /v1/keys/{prefix}`; the engine keeps only the secret's SHA-256.
"""

from __future__ import annotations

import re
import secrets
from typing import Literal

from pydantic import BaseModel, Field, field_validator

Scope = Literal["read", "infer", "admin"]
SCOPES: tuple[str, ...] = ("read", "infer", "admin")
SECRET_MARK = "mhk"
BOOTSTRAP_ENV = "MOHAWK_BOOTSTRAP_KEY"  # a secret the engine makes an admin key at start (the bundled console's)
_SECRET = re.compile(r"^mhk_([0-9a-f]{8})_[A-Za-z0-9_-]{20,}$")


def new_secret() -> str:
    """A fresh key secret: 8 hex characters of prefix, 256 random bits after it."""
    return f"{SECRET_MARK}_{secrets.token_hex(4)}_{secrets.token_urlsafe(32)}"


def secret_prefix(secret: str) -> str | None:
    """The prefix of a well-formed secret; None for anything else."""
    match = _SECRET.match(secret)
    return match.group(1) if match else None


class ApiKeyRequest(BaseModel):
    label: str = Field(min_length=1, max_length=100, description="What the key is for, e.g. 'grafana scraper'")
    scopes: list[Scope] = Field(min_length=1, description="read, infer and/or admin (admin implies the others)")

    @field_validator("label")
    @classmethod
    def _label_not_blank(cls, label: str) -> str:
        label = label.strip()
        if not label:
            raise ValueError("label must not be blank")
        return label

    @field_validator("scopes")
    @classmethod
    def _unique(cls, scopes: list[str]) -> list[str]:
        return sorted(set(scopes), key=SCOPES.index)


class ApiKeyInfo(BaseModel):
    prefix: str
    label: str
    scopes: list[Scope]
    created: float
    last_used: float | None = None
    revoked: bool = False
    revoked_at: float | None = None


class ApiKeyCreated(ApiKeyInfo):
    secret: str = Field(description="The whole secret; the engine shows it this once and keeps only its hash")


class AuditRecord(BaseModel):
    id: int
    timestamp: float
    key: str = Field(description="Prefix of the API key used, or 'anonymous'")
    action: str = Field(description="e.g. session.create, key.revoke, or 'METHOD /route' for others")
    target: str | None = None
    result: int = Field(description="HTTP status of the answer")
    client: str | None = Field(None, description="Caller's address and port")

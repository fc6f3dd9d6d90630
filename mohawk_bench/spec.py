"""What a load run does: the target, the load shape, the request and its bounds."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

MAX_DURATION_S = 24 * 3600.0
MAX_TIMEOUT_S = 600.0


class TlsOptions(BaseModel):
    """TLS for https endpoints: a CA bundle, verification on or off, an optional client certificate."""

    model_config = ConfigDict(extra="forbid")

    ca_file: Path | None = None
    verify: bool = True
    cert_file: Path | None = None
    key_file: Path | None = None


class LoadSpec(BaseModel):
    """One load run against an Open Inference Protocol v2 endpoint.

    Closed loop keeps `concurrency` requests in flight; open loop sends `rate` requests per
    second (constant or Poisson arrivals) over at most `max_in_flight` connections. A run is
    bounded by `duration_s` or by `requests`, both counted after `warmup_s`.
    """

    model_config = ConfigDict(extra="forbid")

    url: str
    model: str = Field(min_length=1)
    model_version: str | None = None
    mode: Literal["closed", "open"] = "closed"
    concurrency: int = Field(1, ge=1, le=4096)
    rate: float | None = Field(None, gt=0)
    arrival: Literal["constant", "poisson"] = "constant"
    max_in_flight: int = Field(64, ge=1, le=4096)
    duration_s: float | None = Field(None, gt=0, le=MAX_DURATION_S)
    requests: int | None = Field(None, ge=1, le=10**9)
    warmup_s: float = Field(0.0, ge=0, le=3600)
    binary: bool = True
    batch: int = Field(1, ge=1)
    shapes: dict[str, list[int]] = Field(default_factory=dict)
    data_file: Path | None = None
    seed: int = 0
    timeout_s: float = Field(30.0, gt=0, le=MAX_TIMEOUT_S)
    processes: int = Field(1, ge=1, le=64)
    token: SecretStr | None = Field(None, exclude=True)
    tls: TlsOptions = Field(default_factory=TlsOptions)

    @field_validator("url")
    @classmethod
    def _check_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url must be http://host[:port] or https://host[:port], got {url!r}")
        return url.rstrip("/")

    @model_validator(mode="after")
    def _check_shape(self) -> LoadSpec:
        if (self.duration_s is None) == (self.requests is None):
            raise ValueError("give exactly one of duration_s and requests")
        if self.mode == "open" and self.rate is None:
            raise ValueError("open loop needs a rate (requests per second)")
        slots = self.concurrency if self.mode == "closed" else self.max_in_flight
        if self.processes > slots:
            raise ValueError(f"processes ({self.processes}) cannot exceed the connections to share ({slots})")
        return self

    @property
    def tls_enabled(self) -> bool:
        return urlsplit(self.url).scheme == "https"

    def token_value(self) -> str | None:
        return self.token.get_secret_value() if self.token else None

"""Engine configuration: a TOML file, then command-line overrides."""

from __future__ import annotations

import ipaddress
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator


class ConfigError(ValueError):
    """The configuration file is missing, unreadable or invalid; the message says where."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ServerConfig(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8003, ge=0, le=65535)
    max_request_bytes: int = Field(64 * 1024 * 1024, ge=1024)
    keep_alive_s: float = Field(30.0, gt=0)
    max_upload_bytes: int = Field(2 * 1024**3, ge=1024, description="Largest model file PUT /v1/models/{name} takes")
    upload_expiry_s: float = Field(
        86400.0, gt=0, description="Seconds an unfinished resumable upload (/v1/uploads) may sit idle before it is deleted"
    )


class PathsConfig(_Section):
    model_repository: Path = Path("models")
    state_dir: Path = Path("state")


class RuntimeConfig(_Section):
    torch_threads: int = Field(0, ge=0, description="torch intra-op threads for the process; 0 = torch's default")
    warmup_batches: int = Field(2, ge=0, le=100)


class LoggingConfig(_Section):
    level: str = Field("info", pattern="^(debug|info|warning|error)$")


class TelemetryConfig(_Section):
    log_file_max_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    log_file_backups: int = Field(5, ge=0, le=100)
    log_buffer_records: int = Field(5000, ge=100, le=1_000_000)
    stream_send_timeout_s: float = Field(10.0, gt=0, le=300)
    stream_buffer_records: int = Field(1000, ge=10, le=100_000)
    stream_ping_interval_s: float = Field(10.0, gt=0, le=300)
    stream_max_clients: int = Field(64, ge=1, le=10_000)
    memory_warning_pct: float = Field(75.0, gt=0, le=100)
    memory_critical_pct: float = Field(90.0, gt=0, le=100)
    cpu_warning_pct: float = Field(90.0, gt=0, le=100)
    cpu_critical_pct: float = Field(98.0, gt=0, le=100)
    cpu_sustain_s: float = Field(
        30.0, ge=0, le=3600, description="Seconds CPU must stay at a level before health counts it; 0 = at once"
    )
    disk_free_warning_pct: float = Field(10.0, ge=0, lt=100)
    disk_free_critical_pct: float = Field(5.0, ge=0, lt=100)
    gpu_memory_warning_pct: float = Field(90.0, gt=0, le=100)
    gpu_memory_critical_pct: float = Field(97.0, gt=0, le=100)
    queue_warning_pct: float = Field(50.0, gt=0, le=100)
    queue_critical_pct: float = Field(90.0, gt=0, le=100)

    @model_validator(mode="after")
    def _warning_before_critical(self) -> "TelemetryConfig":
        for check in ("memory", "cpu", "gpu_memory", "queue"):
            warning, critical = getattr(self, f"{check}_warning_pct"), getattr(self, f"{check}_critical_pct")
            if warning > critical:
                raise ValueError(f"{check}_warning_pct ({warning}) must not be above {check}_critical_pct ({critical})")
        if self.disk_free_warning_pct < self.disk_free_critical_pct:
            raise ValueError(
                f"disk_free_warning_pct ({self.disk_free_warning_pct}) must not be below "
                f"disk_free_critical_pct ({self.disk_free_critical_pct}): less free disk is worse"
            )
        return self


def is_loopback(host: str) -> bool:
    """Whether `host` keeps the engine on this machine (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class SecurityConfig(_Section):
    auth: Literal["auto", "on", "off"] = "auto"
    v2_auth: bool = False
    allow_insecure_bind: bool = False
    allowed_origins: list[str] = Field(default_factory=list)

    def auth_enabled(self, host: str) -> bool:
        """With "auto", API keys are needed whenever other machines can reach the engine."""
        return self.auth == "on" or (self.auth == "auto" and not is_loopback(host))


class TlsConfig(_Section):
    """HTTPS / WSS serving; empty strings in the file mean unset (plain HTTP)."""

    cert_file: Path | None = None
    key_file: Path | None = None
    client_ca_file: Path | None = Field(None, description="When set, clients must present a certificate it signed")
    tuning_cert_file: Path | None = Field(
        None, description="With mutual TLS: the client certificate the engine's own tuning bench presents"
    )
    tuning_key_file: Path | None = None

    @field_validator("cert_file", "key_file", "client_ca_file", "tuning_cert_file", "tuning_key_file", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _complete(self) -> "TlsConfig":
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError("cert_file and key_file go together: set both to serve HTTPS, or neither")
        if self.client_ca_file is not None and self.cert_file is None:
            raise ValueError("client_ca_file (mutual TLS) needs cert_file and key_file")
        if (self.tuning_cert_file is None) != (self.tuning_key_file is None):
            raise ValueError("tuning_cert_file and tuning_key_file go together: set both, or neither")
        if self.tuning_cert_file is not None and self.client_ca_file is None:
            raise ValueError(
                "tuning_cert_file is the tuning bench's certificate for mutual TLS; it needs client_ca_file"
            )
        return self

    @property
    def tuning_certificate(self) -> tuple[Path, Path] | None:
        """(certificate, key) the tuning bench presents, when set."""
        if self.tuning_cert_file is None or self.tuning_key_file is None:
            return None
        return self.tuning_cert_file, self.tuning_key_file


class EngineConfig(_Section):
    server: ServerConfig = Field(default_factory=ServerConfig)
    paths: PathsConfig = Field(default_factory=PathsConfig)
    runtime: RuntimeConfig = Field(default_factory=RuntimeConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    telemetry: TelemetryConfig = Field(default_factory=TelemetryConfig)
    tls: TlsConfig = Field(default_factory=TlsConfig)
    security: SecurityConfig = Field(default_factory=SecurityConfig)


def load_config(path: Path | None) -> EngineConfig:
    """Read `path` (or defaults when None); relative paths resolve against the file's folder."""
    if path is None:
        return EngineConfig()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    try:
        config = EngineConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"config file {path} is invalid: {problems}") from exc
    base = path.parent
    config.paths.model_repository = (base / config.paths.model_repository).resolve()
    config.paths.state_dir = (base / config.paths.state_dir).resolve()
    for option in ("cert_file", "key_file", "client_ca_file", "tuning_cert_file", "tuning_key_file"):
        if (value := getattr(config.tls, option)) is not None:
            setattr(config.tls, option, (base / value).resolve())
    return config

"""The console's configuration: what `console.toml` may hold, validated with pydantic."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_WORKER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

# Settings that only take effect after the console restarts (the local engine is started once).
RESTART_REQUIRED: tuple[str, ...] = (
    "bundled_engine.enabled",
    "bundled_engine.port",
    "bundled_engine.demo_models",
    "bundled_engine.data_dir",
    "bundled_engine.start_timeout_s",
)


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TlsSettings(_Section):
    verify: bool = Field(True, description="Check the worker's certificate")
    ca: Path | None = Field(None, description="CA bundle (PEM) that signed the worker's certificate")
    cert: Path | None = Field(None, description="Client certificate (PEM) for mutual TLS")
    key: Path | None = Field(None, description="Private key (PEM) of the client certificate")

    @model_validator(mode="after")
    def _key_needs_cert(self) -> TlsSettings:
        if self.key is not None and self.cert is None:
            raise ValueError("a client key needs its client certificate (tls.cert)")
        return self


class WorkerSettings(_Section):
    name: str
    url: str
    token: str | None = Field(None, description="API token sent as 'Authorization: Bearer'")
    tls: TlsSettings = Field(default_factory=TlsSettings)
    kind: Literal["mohawk", "v2"] = Field(
        "mohawk", description="'mohawk': a Mohawk engine; 'v2': any Open Inference Protocol v2 server (monitor only)"
    )
    models: list[str] = Field(
        default_factory=list, description="kind 'v2': the models to monitor when the server has no repository index"
    )

    @field_validator("name")
    @classmethod
    def _name_ok(cls, name: str) -> str:
        if not _WORKER_NAME.match(name):
            raise ValueError("name must start with a letter or digit and hold at most 64 letters, digits, '_', '.' or '-'")
        return name

    @field_validator("url")
    @classmethod
    def _url_ok(cls, url: str) -> str:
        url = url.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s:]+(:\d{1,5})?(/\S*)?$", url):
            raise ValueError("url must look like http://host:port or https://host:port")
        return url

    @field_validator("token")
    @classmethod
    def _empty_token_is_none(cls, token: str | None) -> str | None:
        return token or None


class RefreshSettings(_Section):
    heartbeat_s: float = Field(1.0, ge=0.1, le=60, description="Health check and RTT measurement interval")
    sessions_s: float = Field(2.0, ge=0.2, le=60, description="Session list refresh interval")
    metrics_hz: float = Field(10.0, gt=0, le=50, description="Live metrics rate")
    devices_hz: float = Field(2.0, gt=0, le=50, description="Live device utilization rate")
    request_timeout_s: float = Field(5.0, ge=0.5, le=120, description="Time limit for one request to a worker")
    reconnect_max_s: float = Field(30.0, ge=1, le=600, description="Longest wait between reconnect attempts")
    chart_span_s: int = Field(600, ge=30, le=86_400, description="Seconds of history the charts keep")


class AlertSettings(_Section):
    """Each rule's threshold, how long its condition must hold before it fires ("for", seconds), and its switch."""

    offline_enabled: bool = Field(True, description="Alert when a worker stops answering")
    offline_for_s: float = Field(0.0, ge=0, le=3600, description="Seconds offline before it alerts (0: at once)")
    session_failed_enabled: bool = Field(True, description="Alert when a session enters FAILED")
    latency_enabled: bool = Field(True, description="Alert on a session's p99 latency")
    latency_p99_ms: float = Field(250.0, gt=0, description="A session's p99 latency above this raises an alert")
    latency_for_s: float = Field(30.0, ge=0, le=3600, description="Seconds the p99 stays above it before it alerts")
    error_rate_enabled: bool = Field(True, description="Alert on a session's share of failed requests")
    error_rate_pct: float = Field(1.0, ge=0, le=100, description="Failed requests above this share raise an alert")
    error_rate_for_s: float = Field(30.0, ge=0, le=3600, description="Seconds the rate stays above it before it alerts")
    host_memory_enabled: bool = Field(True, description="Alert on a worker host's memory use")
    host_memory_pct: float = Field(90.0, gt=0, le=100, description="Host memory use above this share raises an alert")
    host_memory_for_s: float = Field(60.0, ge=0, le=3600, description="Seconds memory stays above it before it alerts")
    gpu_temperature_enabled: bool = Field(True, description="Alert on a GPU's temperature")
    gpu_temperature_c: float = Field(85.0, gt=0, le=150, description="A GPU hotter than this (°C) raises an alert")
    gpu_temperature_for_s: float = Field(30.0, ge=0, le=3600, description="Seconds a GPU stays that hot before it alerts")
    cert_expiry_enabled: bool = Field(True, description="Alert when a worker's TLS certificate nears its end")
    cert_expiry_days: float = Field(14.0, ge=0, le=3650, description="Alert when it expires within this many days")
    rtt_ms: float = Field(200.0, gt=0, description="A worker's round trip above this raises an alert")
    gpu_memory_pct: float = Field(90.0, gt=0, le=100, description="GPU memory use above this raises an alert")
    queue_depth: int = Field(512, ge=1, description="A session's queue deeper than this raises an alert")
    notifications: bool = Field(True, description="Show a desktop notification (system tray) when an alert fires")
    notify_interval_s: float = Field(
        10.0, ge=0, le=3600, description="At most one desktop notification per this many seconds; the rest are summed up"
    )


class AppearanceSettings(_Section):
    theme: Literal["dark", "light"] = Field("dark", description="Colour theme: dark or light (applies at once)")


class BundledEngineSettings(_Section):
    enabled: bool = Field(True, description="Start a local engine when no worker is configured")
    keep_running: bool = Field(False, description="Leave the local engine running when the console exits")
    port: int = Field(0, ge=0, le=65535, description="Loopback port; 0 picks a free one")
    demo_models: bool = Field(True, description="Write the demo models into the local model repository")
    data_dir: Path | None = Field(None, description="Where its models and state live; empty: the user data dir")
    start_timeout_s: float = Field(60.0, ge=1, le=600)


class ConsoleConfig(_Section):
    workers: list[WorkerSettings] = Field(default_factory=list)
    refresh: RefreshSettings = Field(default_factory=RefreshSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    appearance: AppearanceSettings = Field(default_factory=AppearanceSettings)
    bundled_engine: BundledEngineSettings = Field(default_factory=BundledEngineSettings)

    @model_validator(mode="after")
    def _unique_worker_names(self) -> ConsoleConfig:
        seen: set[str] = set()
        for worker in self.workers:
            if worker.name in seen:
                raise ValueError(f"two workers are named {worker.name!r}; names must be unique")
            seen.add(worker.name)
        return self

    def worker(self, name: str) -> WorkerSettings | None:
        return next((worker for worker in self.workers if worker.name == name), None)


def restart_required(before: ConsoleConfig, after: ConsoleConfig) -> list[str]:
    """The changed settings (dotted paths) that only apply after a restart."""
    return [path for path in RESTART_REQUIRED if _lookup(before, path) != _lookup(after, path)]


def _lookup(config: ConsoleConfig, path: str) -> object:
    value: object = config
    for part in path.split("."):
        value = getattr(value, part)
    return value

"""Read and write `console.toml`: validate first, write atomically, keep a backup, keep comments."""

from __future__ import annotations

import os
import tempfile
import tomllib
from pathlib import Path

import tomlkit
from pydantic import ValidationError

from mohawk_gui.services.config import ConsoleConfig
from mohawk_gui.services.toml_merge import merge_into

DEFAULT_CONFIG_TEXT = """\
# Mohawk console configuration. The console validates this file before it saves it and
# keeps the previous version next to it as console.toml.bak. Every option is listed with
# its default; commented lines show optional ones.

# Workers the console connects to. With none listed, the console starts a local engine.
# [[workers]]
# name = "gpu-box-1"
# url = "https://gpu-box-1:8003"
# token = "..."                      # sent as 'Authorization: Bearer ...'
# kind = "mohawk"                    # "mohawk", or "v2": any Open Inference Protocol v2 server
#                                    # (Triton, MLServer, KServe), monitored and load-tested only
# models = ["resnet50"]              # kind "v2": models to monitor when the server has no repository index
# [workers.tls]
# verify = true                      # check the worker's certificate
# ca = "/etc/mohawk/ca.pem"          # CA bundle that signed the worker's certificate
# cert = "/etc/mohawk/client.pem"    # client certificate for mutual TLS (optional)
# key = "/etc/mohawk/client.key"     # its private key

[refresh]
heartbeat_s = 1.0        # health check and round-trip measurement
sessions_s = 2.0         # session list
metrics_hz = 10.0        # live metrics
devices_hz = 2.0         # device utilization
request_timeout_s = 5.0  # time limit for one request to a worker
reconnect_max_s = 30.0   # longest wait between reconnect attempts
chart_span_s = 600       # history the charts keep

# Alert rules: each has a switch, a threshold, and how long ("for", seconds) its condition
# must hold before it fires.
[alerts]
offline_enabled = true
offline_for_s = 0.0              # seconds a worker is offline before it alerts (0: at once)
session_failed_enabled = true    # a session entering FAILED
latency_enabled = true
latency_p99_ms = 250.0           # a session's p99 latency above this
latency_for_s = 30.0
error_rate_enabled = true
error_rate_pct = 1.0             # share of failed requests (%) over the last error_rate_for_s seconds
error_rate_for_s = 30.0
host_memory_enabled = true
host_memory_pct = 90.0           # a worker host's memory use (%)
host_memory_for_s = 60.0
gpu_temperature_enabled = true
gpu_temperature_c = 85.0         # a GPU hotter than this (°C)
gpu_temperature_for_s = 30.0
cert_expiry_enabled = true
cert_expiry_days = 14.0          # a worker's TLS certificate expiring within this many days
rtt_ms = 200.0                   # a worker's round trip above this
gpu_memory_pct = 90.0            # GPU memory use (%) above this
queue_depth = 512                # a session's queue deeper than this
notifications = true             # desktop notifications (system tray) when an alert fires
notify_interval_s = 10.0         # at most one notification per this many seconds; the rest are summed up

[appearance]
theme = "dark"           # "dark" or "light"; applies at once

# The local engine started when no worker is listed. keep_running applies when the
# console exits; the other options after a restart.
[bundled_engine]
enabled = true
keep_running = false     # leave it running when the console exits
port = 0                 # 0 picks a free loopback port
demo_models = true       # write the demo models into its model repository
# data_dir = "/srv/mohawk"  # where its models and state live; unset: the user data folder
start_timeout_s = 60.0   # how long it may take to start
"""


class ConfigInvalid(ValueError):
    """The text is not valid TOML or not a valid console configuration; `problems` says where."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_config(text: str) -> ConsoleConfig:
    """Validate TOML text as a console configuration; raises ConfigInvalid."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigInvalid([f"not valid TOML: {exc}"]) from exc
    return validate_config(raw)


def validate_config(raw: dict) -> ConsoleConfig:
    """Validate plain data (parsed TOML, or the form's values); raises ConfigInvalid."""
    try:
        return ConsoleConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigInvalid([_describe(error, raw) for error in exc.errors()]) from exc


def _describe(error: dict, raw: dict) -> str:
    """'refresh.heartbeat_s: …', and for a worker 'worker 2 "gpu-b" url: …' (counted from 1, with its name)."""
    location = [str(part) for part in error["loc"]]
    if len(location) >= 2 and location[0] == "workers" and location[1].isdigit():
        position = int(location[1])
        workers = raw.get("workers")
        entry = workers[position] if isinstance(workers, list) and position < len(workers) else {}
        name = entry.get("name") if isinstance(entry, dict) else None
        label = f'worker {position + 1}' + (f' "{name}"' if name else "")
        location = [label + (" " + ".".join(location[2:]) if location[2:] else "")]
    message = error["msg"].removeprefix("Value error, ")
    return f"{'.'.join(location)}: {message}" if location else message


def render_config(config: ConsoleConfig, original_text: str) -> str:
    """`config` written over `original_text`, keeping its comments, ordering and untouched values."""
    document = tomlkit.parse(original_text)
    full = config.model_dump(mode="json")
    sparse = config.model_dump(mode="json", exclude_defaults=True)
    merge_into(document, full, sparse)
    return tomlkit.dumps(document)


class ConfigStore:
    """The console's config file, with one backup (`<name>.bak`) beside it."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.backup_path = self.path.with_name(self.path.name + ".bak")

    def ensure_exists(self) -> None:
        if not self.path.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(self.path, DEFAULT_CONFIG_TEXT)

    def read_text(self) -> str:
        return self.path.read_text(encoding="utf-8") if self.path.exists() else DEFAULT_CONFIG_TEXT

    def load(self) -> ConsoleConfig:
        return parse_config(self.read_text())

    def save_text(self, text: str) -> ConsoleConfig:
        """Validate, back up the current file, then replace it atomically. Invalid text writes nothing."""
        config = parse_config(text)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            _write_atomically(self.backup_path, self.path.read_text(encoding="utf-8"))
        _write_atomically(self.path, text)
        return config

    def save(self, config: ConsoleConfig) -> ConsoleConfig:
        """Write `config` into the file, keeping the operator's comments and ordering."""
        return self.save_text(render_config(config, self.read_text()))

    def has_backup(self) -> bool:
        return self.backup_path.exists()

    def restore_backup(self) -> ConsoleConfig:
        """Swap the backup and the current file (so a restore can itself be undone)."""
        if not self.backup_path.exists():
            raise FileNotFoundError(f"no backup at {self.backup_path}")
        backup_text = self.backup_path.read_text(encoding="utf-8")
        config = parse_config(backup_text)
        current_text = self.read_text()
        _write_atomically(self.path, backup_text)
        _write_atomically(self.backup_path, current_text)
        return config


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, flush it to disk, then rename it over `path`."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)

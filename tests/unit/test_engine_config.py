"""The engine's TOML config: the example documents every option, bad files get clear errors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from mohawk_engine.config import ConfigError, EngineConfig, load_config

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def option_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    paths = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            paths |= option_paths(annotation, f"{prefix}{name}.")
        else:
            paths.add(f"{prefix}{name}")
    return paths


def toml_paths(table: dict, prefix: str = "") -> set[str]:
    paths = set()
    for key, value in table.items():
        if isinstance(value, dict):
            paths |= toml_paths(value, f"{prefix}{key}.")
        else:
            paths.add(f"{prefix}{key}")
    return paths


def test_example_documents_every_option_with_its_default():
    documented = toml_paths(tomllib.loads(EXAMPLE.read_text()))
    assert documented == option_paths(EngineConfig)
    example = load_config(EXAMPLE)
    assert example.model_dump(exclude={"paths"}) == EngineConfig().model_dump(exclude={"paths"})


def test_unknown_option_is_named(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[server]\nhots = '0.0.0.0'\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "server.hots" in str(error.value)


def test_invalid_value_and_invalid_toml(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[server]\nport = 70000\n")
    with pytest.raises(ConfigError, match="server.port"):
        load_config(path)
    path.write_text("[server\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_health_thresholds_must_be_in_order(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[telemetry]\ncpu_warning_pct = 99.0\ncpu_critical_pct = 95.0\n")
    with pytest.raises(ConfigError, match=r"cpu_warning_pct \(99.0\) must not be above cpu_critical_pct \(95.0\)"):
        load_config(path)
    path.write_text("[telemetry]\ndisk_free_warning_pct = 2.0\n")
    with pytest.raises(ConfigError, match="disk_free_warning_pct .* less free disk is worse"):
        load_config(path)


def test_tls_files_resolve_against_the_config_files_folder(tmp_path):
    folder = tmp_path / "conf"
    folder.mkdir()
    config = folder / "engine.toml"
    config.write_text(
        '[tls]\ncert_file = "tls/server.pem"\nkey_file = "tls/server-key.pem"\nclient_ca_file = "tls/ca.pem"\n'
        'tuning_cert_file = "tls/client.pem"\ntuning_key_file = "tls/client-key.pem"\n'
    )
    tls = load_config(config).tls
    assert tls.tuning_certificate == (folder / "tls/client.pem", folder / "tls/client-key.pem")
    assert tls.client_ca_file == folder / "tls/ca.pem"

"""The console.toml written on first run: it parses into the defaults and mentions every option, the
optional ones commented (the option list comes from the pydantic models, so a new option must be added)."""

from __future__ import annotations

import re
import typing

from pydantic import BaseModel

from mohawk_gui.services.config import ConsoleConfig
from mohawk_gui.services.config_store import DEFAULT_CONFIG_TEXT, parse_config

_HEADER = re.compile(r"^\[{1,2}([a-z_.]+)\]{1,2}$")
_KEY = re.compile(r"^([a-z0-9_]+)\s*=")


def _options(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every option's dotted path; list sections (workers) count as one section."""
    options: set[str] = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        inner = typing.get_args(annotation)[0] if typing.get_origin(annotation) is list else annotation
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            options |= _options(inner, f"{prefix}{name}.")
        else:
            options.add(f"{prefix}{name}")
    return options


def _mentioned(text: str) -> set[str]:
    """Every key the text sets or shows in a comment, under the section header (also commented) above it."""
    mentioned: set[str] = set()
    section = ""
    for raw in text.splitlines():
        line = raw.strip().removeprefix("#").strip()
        if header := _HEADER.match(line):
            section = header.group(1) + "."
        elif key := _KEY.match(line):
            mentioned.add(section + key.group(1))
    return mentioned


def test_the_default_text_parses_into_the_defaults():
    assert parse_config(DEFAULT_CONFIG_TEXT) == ConsoleConfig()


def test_the_default_text_mentions_exactly_every_option():
    options = _options(ConsoleConfig)
    assert {"alerts.error_rate_for_s", "appearance.theme", "workers.kind", "workers.models", "workers.tls.ca"} <= options
    assert _mentioned(DEFAULT_CONFIG_TEXT) == options


def test_the_worker_example_is_commented_and_valid_once_uncommented():
    lines = DEFAULT_CONFIG_TEXT.splitlines()
    block = lines[lines.index("# [[workers]]") :]
    block = block[: block.index("")]
    example = "\n".join(line.removeprefix("# ").split("  #")[0] for line in block if not line.startswith("#  "))
    assert "[[workers]]" not in [line.strip() for line in lines], "no worker by default"
    config = parse_config(example.replace('kind = "mohawk"', 'kind = "v2"'))
    worker = config.workers[0]
    assert (worker.name, worker.kind, worker.models) == ("gpu-box-1", "v2", ["resnet50"])
    assert str(worker.tls.ca) == "/etc/mohawk/ca.pem" and worker.tls.verify

"""The import-linter contract that keeps the console on the engine's client covers every engine module."""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import mohawk_engine

CONTRACT = "The console reaches engines only through the client and the wire contract"
ALLOWED = {"mohawk_engine.client", "mohawk_engine.schemas", "mohawk_engine.__main__"}


def test_every_engine_module_but_the_client_and_schemas_is_forbidden_to_the_console():
    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    contract = next(c for c in pyproject["tool"]["importlinter"]["contracts"] if c["name"] == CONTRACT)
    assert contract["source_modules"] == ["mohawk_gui"]
    engine_modules = {f"mohawk_engine.{info.name}" for info in pkgutil.iter_modules(mohawk_engine.__path__)}
    assert set(contract["forbidden_modules"]) == engine_modules - ALLOWED

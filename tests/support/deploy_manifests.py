"""Reading the deployment files under deploy/: YAML documents, manifests by kind, shipped engine TOMLs."""

from __future__ import annotations

from pathlib import Path

import yaml

from mohawk_engine.config import EngineConfig, load_config

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def all_documents() -> list[tuple[Path, dict]]:
    return [(path, doc) for path in sorted(DEPLOY.rglob("*.y*ml")) for doc in documents(path)]


def manifests() -> list[tuple[Path, dict]]:
    """The documents that are objects with a kind (not the JSON patch lists)."""
    return [(path, doc) for path, doc in all_documents() if isinstance(doc, dict) and "kind" in doc]


def of_kind(kind: str) -> list[dict]:
    return [doc for _, doc in manifests() if doc["kind"] == kind]


def only(kind: str, under: str) -> dict:
    found = [doc for path, doc in manifests() if doc["kind"] == kind and under in str(path)]
    assert len(found) == 1, f"expected one {kind} under {under}, found {len(found)}"
    return found[0]


def engine_toml(text: str, tmp_path: Path) -> EngineConfig:
    """Load a TOML the deployment ships with the engine's own loader (unknown options fail)."""
    path = tmp_path / "engine.toml"
    path.write_text(text)
    return load_config(path)

"""docs/api.md documents every HTTP and WebSocket route the engine serves, and no route it lacks.

The route list comes from the real application at test time (an engine over an empty
model repository, not started), so a route added without docs fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.routing import APIRoute, APIWebSocketRoute

from mohawk_engine.api.app import create_app
from mohawk_engine.config import EngineConfig, PathsConfig
from mohawk_engine.engine import Engine

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
FRAMEWORK_ROUTES = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
_DOCUMENTED = re.compile(r"^#{3,4} `(GET|POST|PUT|PATCH|DELETE|WS) (/\S*?)`", re.MULTILINE)


def _routes_holder(asgi: object) -> object:
    """Unwrap middleware (the infer fast path, auth, ...) down to the app that holds the routes."""
    for _ in range(10):
        if hasattr(asgi, "routes"):
            return asgi
        asgi = getattr(asgi, "app", None) or getattr(asgi, "_app", None)
    raise AssertionError("no application with routes inside create_app's result")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    root = tmp_path_factory.mktemp("api-docs")
    (root / "models").mkdir()
    engine = Engine(EngineConfig(paths=PathsConfig(model_repository=root / "models", state_dir=root / "state")))
    served = set()
    for entry in _leaf_routes(_routes_holder(create_app(engine)).routes):
        route = getattr(entry, "original_route", entry)
        path = getattr(entry, "path", None) or route.path
        if isinstance(route, APIRoute) and path not in FRAMEWORK_ROUTES:
            served |= {f"{method} {path}" for method in (entry.methods or route.methods) - {"HEAD"}}
        elif isinstance(route, APIWebSocketRoute):
            served.add(f"WS {path}")
    return served


def _leaf_routes(routes: list) -> Iterator[object]:
    """Routes, with included routers expanded (FastAPI 0.16x includes routers lazily)."""
    for route in routes:
        if hasattr(route, "effective_route_contexts"):
            yield from route.effective_route_contexts()
        else:
            yield route


def documented() -> set[str]:
    return {f"{method} {path}" for method, path in _DOCUMENTED.findall(DOC.read_text())}


def test_app_serves_v1_v2_and_metrics(served: set[str]):
    assert {"GET /v1/server", "POST /v2/models/{name}/infer", "GET /metrics", "WS /v1/stream"} <= served


def test_every_route_is_documented(served: set[str]):
    missing = sorted(served - documented())
    assert not missing, f"docs/api.md has no '### `METHOD /path`' heading for: {missing}"


def test_every_documented_route_is_served(served: set[str]):
    stale = sorted(documented() - served)
    assert not stale, f"docs/api.md documents routes the engine does not serve: {stale}"

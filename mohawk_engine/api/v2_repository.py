"""Triton's model repository extension over sessions: the index, load and unload.

A Mohawk session is what Triton calls a loaded model: `load` deploys the model of that name
as a session (with the settings of a `config` parameter, see api/triton_config.py) and
answers once it is READY or has FAILED; `unload` drains and stops it. Load and unload change
what the engine serves, so they are control calls: with auth on they need an admin key and
are audited, whatever `v2_auth` says (api/auth.py).
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Request, Response

from mohawk_engine.api.routing import engine_of
from mohawk_engine.api.triton_config import apply_config, parse_config
from mohawk_engine.errors import BadRequest, NotFound
from mohawk_engine.schemas import SessionInfo, SessionSpec, SessionState
from mohawk_engine.sessions.manager import SessionManager
from mohawk_engine.sessions.session import Session

_INDEX_STATES = {SessionState.READY: "READY", SessionState.LOADING: "LOADING", SessionState.DRAINING: "UNLOADING"}


def build_v2_repository_router() -> APIRouter:
    router = APIRouter(prefix="/v2/repository", tags=["v2"])

    @router.post("/index")
    async def repository_index(request: Request) -> list[dict]:
        """Every session as {name, version, state[, reason]}; body {"ready": true} for READY ones only."""
        ready_only = _ready_only(await request.body())
        index = [_index_entry(info) for info in engine_of(request).sessions.list()]
        return [entry for entry in index if entry["state"] == "READY"] if ready_only else index

    @router.post("/models/{name}/load")
    async def load(name: str, request: Request) -> Response:
        """Serve model `name` as a session of that name; parameters.config (a Triton config) sets it up."""
        config = _load_config(await request.body(), name)
        await _load(engine_of(request).sessions, name, config)
        return Response(status_code=200)

    @router.post("/models/{name}/unload")
    async def unload(name: str, request: Request) -> Response:
        """Drain the session and stop it; unloading an unloaded model is no error, an unknown one a 404."""
        sessions = engine_of(request).sessions
        if _held(sessions, name) is not None:
            await sessions.delete(name)
        elif name not in sessions:
            sessions.get(name)  # raises the 404, naming the sessions there are
        return Response(status_code=200)

    return router


async def _load(sessions: SessionManager, name: str, config: dict | None) -> None:
    current = _held(sessions, name)
    base = current.spec if current is not None else _default_spec(name)
    spec = apply_config(base, config) if config is not None else base
    if current is not None and current.state is SessionState.LOADING:
        await sessions.wait_loaded(name)
        current = _held(sessions, name)
    if current is not None and current.state is SessionState.READY:
        if config is not None and spec != current.spec:
            await sessions.reconfigure(name, spec)  # the serving version stays until the new one is READY
        return
    if current is None or current.state is SessionState.FAILED:
        await sessions.create(spec)
    await sessions.wait_loaded(name)
    loaded = sessions.get(name)
    if loaded.state is not SessionState.READY:
        raise BadRequest(f"failed to load '{name}': {loaded.reason or loaded.state.value}")


def _held(sessions: SessionManager, name: str) -> Session | None:
    """The session of that name unless there is none or it has stopped (unloaded)."""
    try:
        return sessions.get(name)
    except NotFound:
        return None


def _default_spec(name: str) -> SessionSpec:
    try:
        return SessionSpec(name=name, model=name)
    except ValueError as exc:
        raise BadRequest(f"model '{name}' cannot be loaded as a session of that name: {exc.errors()[0]['msg']}") from None


def _load_config(body: bytes, name: str) -> dict | None:
    """The `config` parameter of a load request body {"parameters": {...}}, parsed; None when absent."""
    if not body.strip():
        return None
    try:
        parameters = json.loads(body).get("parameters", {})
    except (ValueError, AttributeError):
        raise BadRequest('the load body must be JSON like {"parameters": {"config": "<model config JSON>"}}') from None
    if not isinstance(parameters, dict):
        raise BadRequest("the load body's 'parameters' must be an object")
    files = sorted(key for key in parameters if key.startswith("file:"))
    if files:
        raise BadRequest(
            f"model files in the load request ({', '.join(files)}) are not taken; "
            "upload the model with PUT /v1/models/{name} first"
        )
    return parse_config(parameters["config"], name) if "config" in parameters else None


def _ready_only(body: bytes) -> bool:
    """The optional request body {"ready": bool}; anything else is a 400 naming what was expected."""
    if not body.strip():
        return False
    try:
        parsed = json.loads(body)
    except ValueError:
        raise BadRequest("the repository index body must be JSON like {\"ready\": true}, or empty") from None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("ready", False), bool):
        raise BadRequest(f"the repository index body must be an object with a boolean 'ready', got {body[:80]!r}")
    return parsed.get("ready", False)


def _index_entry(info: SessionInfo) -> dict:
    entry = {"name": info.name, "version": str(info.version), "state": _INDEX_STATES.get(info.state, "UNAVAILABLE")}
    if info.reason:
        entry["reason"] = info.reason
    return entry

"""The control API: models in the repository and the sessions that serve them."""

from __future__ import annotations

from fastapi import APIRouter, Request

from mohawk_engine.api.routing import engine_of, error_responses
from mohawk_engine.schemas import ModelInfo, PlacementPlan, ServerInfo, SessionInfo, SessionSpec

_ERRORS = error_responses(400, 404, 409, 503)


def build_v1_router() -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["v1"], responses=_ERRORS)

    @router.get("/server", response_model=ServerInfo)
    async def server_info(request: Request) -> ServerInfo:
        return engine_of(request).server_info()

    @router.get("/models", response_model=list[ModelInfo])
    async def list_models(request: Request) -> list[ModelInfo]:
        return engine_of(request).repository.list()

    @router.get("/models/{name}", response_model=ModelInfo)
    async def get_model(name: str, request: Request) -> ModelInfo:
        return engine_of(request).sessions.model(name)

    @router.get("/sessions", response_model=list[SessionInfo])
    async def list_sessions(request: Request) -> list[SessionInfo]:
        return engine_of(request).sessions.list()

    @router.post("/sessions/plan", response_model=PlacementPlan)
    async def plan_session(spec: SessionSpec, request: Request) -> PlacementPlan:
        return engine_of(request).sessions.plan(spec)

    @router.post("/sessions", response_model=SessionInfo, status_code=201)
    async def create_session(spec: SessionSpec, request: Request) -> SessionInfo:
        request.state.audit_target = spec.name
        return await engine_of(request).sessions.create(spec)

    @router.get("/sessions/{name}", response_model=SessionInfo)
    async def get_session(name: str, request: Request) -> SessionInfo:
        return engine_of(request).sessions.get(name).info()

    @router.put("/sessions/{name}", response_model=SessionInfo)
    async def reconfigure_session(name: str, spec: SessionSpec, request: Request) -> SessionInfo:
        """Apply a new spec to a READY session without dropping requests; answers once the new version serves."""
        return await engine_of(request).sessions.reconfigure(name, spec)

    @router.delete("/sessions/{name}", response_model=SessionInfo)
    async def delete_session(name: str, request: Request) -> SessionInfo:
        return await engine_of(request).sessions.delete(name)

    return router

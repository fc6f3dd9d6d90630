"""REST snapshots of what the engine observes, and the Prometheus scrape endpoint."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from mohawk_engine.api.routing import engine_of, error_responses
from mohawk_engine.errors import BadRequest
from mohawk_engine.schemas.telemetry import (
    DevicesSnapshot,
    HealthReport,
    LogRecord,
    MetricsSnapshot,
    SessionEvent,
    SessionHistory,
)
from mohawk_engine.telemetry.logs import LEVELS
from mohawk_engine.telemetry.prometheus import exposition

PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"


def build_observability_router() -> APIRouter:
    router = APIRouter(tags=["observability"], responses=error_responses(400, 404))

    @router.get("/v1/metrics", response_model=MetricsSnapshot)
    async def metrics(request: Request) -> MetricsSnapshot:
        return engine_of(request).metrics()

    @router.get("/v1/devices", response_model=DevicesSnapshot)
    async def devices(request: Request) -> DevicesSnapshot:
        return engine_of(request).devices()

    @router.get("/v1/health", response_model=HealthReport)
    async def health(request: Request) -> HealthReport:
        return engine_of(request).health_report()

    @router.get("/v1/stats")
    async def stats(request: Request) -> dict:
        """Triton-format statistics of every session, as GET /v2/models/stats gives them."""
        sessions = engine_of(request).sessions.all_sessions()
        return {"model_stats": [s.triton_stats() for s in sessions]}

    @router.get("/v1/sessions/{name}/events", response_model=list[SessionEvent])
    async def session_events(name: str, request: Request, limit: int = Query(500, ge=1, le=10_000)):
        return engine_of(request).sessions.events(name, limit)

    @router.get("/v1/history", response_model=list[SessionHistory])
    async def history(request: Request, limit: int = Query(100, ge=1, le=1000)):
        return engine_of(request).sessions.history(limit)

    @router.get("/v1/logs", response_model=list[LogRecord])
    async def logs(
        request: Request,
        since: float | None = None,
        level: str | None = None,
        source: str | None = None,
        text: str | None = None,
        limit: int = Query(1000, ge=1, le=100_000),
    ) -> list[LogRecord]:
        if level is not None and level.upper() not in LEVELS:
            raise BadRequest(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
        return engine_of(request).log_hub.query(since, level, source, text, limit)

    @router.get("/metrics", include_in_schema=False)
    async def prometheus(request: Request) -> Response:
        engine = engine_of(request)
        return Response(exposition(engine.sessions.all_sessions, engine.devices), media_type=PROMETHEUS_TEXT)

    return router

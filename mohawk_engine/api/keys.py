"""/v1/keys (create, list, revoke API keys) and /v1/audit; the security middleware asks admin for all."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from mohawk_engine.api.routing import engine_of, error_responses
from mohawk_engine.errors import NotFound
from mohawk_engine.schemas.security import ApiKeyCreated, ApiKeyInfo, ApiKeyRequest, AuditRecord

_ERRORS = error_responses(400, 401, 403, 404)


def build_keys_router() -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["security"], responses=_ERRORS)

    @router.post("/keys", response_model=ApiKeyCreated, status_code=201)
    async def create_key(body: ApiKeyRequest, request: Request) -> ApiKeyCreated:
        """The answer holds the key's secret; it is not shown again."""
        created = engine_of(request).keys.create(body.label, body.scopes)
        request.state.audit_target = created.prefix
        return created

    @router.get("/keys", response_model=list[ApiKeyInfo])
    async def list_keys(request: Request) -> list[ApiKeyInfo]:
        return engine_of(request).keys.list()

    @router.delete("/keys/{prefix}", response_model=ApiKeyInfo)
    async def revoke_key(prefix: str, request: Request) -> ApiKeyInfo:
        revoked = engine_of(request).keys.revoke(prefix)
        if revoked is None:
            raise NotFound(f"no API key with prefix '{prefix}'; GET /v1/keys lists them")
        return revoked

    @router.get("/audit", response_model=list[AuditRecord])
    async def audit(
        request: Request,
        limit: int = Query(100, ge=1, le=10_000),
        since: float | None = Query(None, description="only records after this Unix time"),
    ) -> list[AuditRecord]:
        """Newest first."""
        return engine_of(request).audit.query(limit, since)

    return router

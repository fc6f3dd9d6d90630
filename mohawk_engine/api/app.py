"""The engine's ASGI application: v1 control API, v2 data plane, error mapping, lifespan."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from mohawk_engine import __version__
from mohawk_engine.api.auth import SecurityMiddleware, SecurityPolicy
from mohawk_engine.api.errors import install_error_handlers
from mohawk_engine.api.infer import InferFastPath, InferHandler
from mohawk_engine.api.models_upload import build_models_upload_router
from mohawk_engine.api.model_uploads import build_model_uploads_router
from mohawk_engine.api.keys import build_keys_router
from mohawk_engine.api.observability import build_observability_router
from mohawk_engine.api.stream import build_stream_router
from mohawk_engine.api.tuning import build_tuning_router
from mohawk_engine.api.v1 import build_v1_router
from mohawk_engine.api.v2 import build_v2_router
from mohawk_engine.api.v2_repository import build_v2_repository_router
from mohawk_engine.engine import Engine


def create_app(engine: Engine) -> InferFastPath | SecurityMiddleware:
    @asynccontextmanager
    async def lifespan(_: FastAPI):
        await engine.start()
        try:
            yield
        finally:
            await engine.stop()

    app = FastAPI(title="Mohawk engine", version=__version__, lifespan=lifespan)
    app.state.engine = engine
    handler = InferHandler(engine)
    limit = engine.config.server.max_request_bytes
    install_error_handlers(app)
    app.include_router(build_v1_router())
    app.include_router(build_models_upload_router())
    app.include_router(build_model_uploads_router())
    app.include_router(build_keys_router())
    app.include_router(build_observability_router())
    app.include_router(build_stream_router(engine))
    app.include_router(build_tuning_router())
    app.include_router(build_v2_router(handler, limit))
    app.include_router(build_v2_repository_router())
    policy = SecurityPolicy(engine.config.security, engine.config.server.host, engine.keys)
    if policy.v2:  # inference needs a key: the checks go in front of the fast path
        return SecurityMiddleware(InferFastPath(app, handler, limit), policy, engine.audit)
    return InferFastPath(SecurityMiddleware(app, policy, engine.audit), handler, limit)


def direct_infer_handler(engine: Engine) -> InferHandler | None:
    """The handler the HTTP protocol may answer v2 infer calls with itself, skipping ASGI.

    None when v2 calls need an API key: those go through `SecurityMiddleware` like any other.
    """
    if SecurityPolicy(engine.config.security, engine.config.server.host, engine.keys).v2:
        return None
    return InferHandler(engine)

"""Putting model files into the repository and taking them out: PUT / DELETE /v1/models/{name}.

The body is the raw file, streamed to a temporary file inside the repository (never held in
memory), counted against `server.max_upload_bytes` (413 the moment it passes) and hashed; it
must match `X-Content-SHA256`, pass the format's check (run in a thread), and is then renamed
into place. No endpoint fetches a model from a URL.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable

from fastapi import APIRouter, Header, Request
from pydantic import ValidationError

from mohawk_engine.api.routing import error_responses
from mohawk_engine.engine import Engine
from mohawk_engine.errors import BadRequest, Conflict, EngineError, NotFound, PayloadTooLarge
from mohawk_engine.repository.model_check import InvalidModelFile, check_model_file, sniff_format
from mohawk_engine.repository.repository import ModelExists, ModelNotFound, resolve_upload_target
from mohawk_engine.repository.signatures import Sidecar
from mohawk_engine.repository.uploads import ChecksumMismatch, IncomingModel, UploadTooLarge
from mohawk_engine.schemas import ModelInfo, SessionState

_ERRORS = error_responses(400, 404, 409, 413)
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_IDLE = (SessionState.STOPPED, SessionState.FAILED)
SIDECAR_MAX_BYTES = 1 << 20


class InsufficientStorage(EngineError):
    """The repository's disk could not take the file."""

    status = 507


def build_models_upload_router() -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["v1"], responses=_ERRORS)

    @router.put("/models/{name}", response_model=ModelInfo, status_code=201)
    async def upload_model(
        name: str,
        request: Request,
        overwrite: bool = False,
        x_content_sha256: str | None = Header(None),
        x_model_format: str | None = Header(None),
    ) -> ModelInfo:
        """Upload a model file (raw bytes). The format comes from X-Model-Format, the name's
        extension (.onnx, .pt), or the file itself."""
        engine: Engine = request.app.state.engine
        stem, model_format = resolve_upload_target(name, x_model_format)
        if x_content_sha256 is None or not _SHA256.match(x_content_sha256):
            raise BadRequest("header X-Content-SHA256 is required: the 64-digit hex SHA-256 of the body")
        if not overwrite and engine.repository.find(stem) is not None:
            raise Conflict(f"model '{stem}' exists; upload with overwrite=true to replace it")
        limit = engine.config.server.max_upload_bytes
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise PayloadTooLarge(
                f"the file is {declared} bytes; this engine takes at most {limit} (server.max_upload_bytes)"
            )
        incoming = IncomingModel(engine.repository.root, limit)
        try:
            async for chunk in request.stream():
                await incoming.write(chunk)
            await incoming.finish(x_content_sha256)
            model_format = model_format or await asyncio.to_thread(sniff_format, incoming.path)
            await asyncio.to_thread(check_model_file, incoming.path, model_format)
            async with engine.repository.install_lock:
                engine.repository.install(incoming.path, stem, model_format, overwrite)
        except UploadTooLarge as exc:
            raise PayloadTooLarge(str(exc)) from exc
        except (ChecksumMismatch, InvalidModelFile) as exc:
            raise BadRequest(f"model '{stem}' refused: {exc}") from exc
        except ModelExists as exc:
            raise Conflict(str(exc)) from exc
        except OSError as exc:
            raise InsufficientStorage(f"cannot store model '{stem}': {exc.strerror or exc}") from exc
        finally:
            incoming.discard()
        return engine.repository.get(stem)

    @router.put("/models/{name}/signature", response_model=ModelInfo)
    async def put_signature(name: str, request: Request) -> ModelInfo:
        """The sidecar JSON (inputs, outputs, batchable, description) for a model; TorchScript needs one."""
        engine: Engine = request.app.state.engine
        body = await request.body()
        if len(body) > SIDECAR_MAX_BYTES:
            raise PayloadTooLarge(f"a signature is at most {SIDECAR_MAX_BYTES} bytes of JSON")
        try:
            sidecar = Sidecar.model_validate_json(body)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
            raise BadRequest(f"invalid signature: {problems}") from exc
        text = json.dumps(sidecar.model_dump(mode="json", exclude_none=True), indent=2) + "\n"
        async with engine.repository.install_lock:
            return await asyncio.to_thread(_guarded, engine.repository.write_sidecar, name, text)

    @router.delete("/models/{name}", response_model=ModelInfo)
    async def delete_model(name: str, request: Request) -> ModelInfo:
        """Remove a model file and its sidecar; 409 while a session uses it."""
        engine: Engine = request.app.state.engine
        async with engine.repository.install_lock:
            sessions = engine.sessions.all_sessions()
            users = [s.spec.name for s in sessions if s.spec.model == name and s.state not in _IDLE]
            if users:
                raise Conflict(f"model '{name}' is in use by session(s) {', '.join(sorted(users))}; delete them first")
            return _guarded(engine.repository.remove, name)

    return router


def _guarded(action: Callable[..., ModelInfo], *args: str) -> ModelInfo:
    """Run a repository action, turning its errors into HTTP ones."""
    try:
        return action(*args)
    except ModelNotFound as exc:
        raise NotFound(str(exc.args[0])) from exc
    except ValueError as exc:
        raise BadRequest(str(exc)) from exc

"""Resumable model uploads: /v1/uploads.

`POST /v1/uploads` announces a file (name, size, SHA-256) and is refused up front when the
name is bad, the model exists (without overwrite), the size passes `server.max_upload_bytes`
or the disk cannot hold it. `PUT /v1/uploads/{id}` appends one chunk, `Content-Range: bytes
START-END/TOTAL`, where START must be the bytes received so far (else 409 naming the offset;
`GET /v1/uploads/{id}` tells it too). `POST /v1/uploads/{id}/commit` checks the SHA-256 and
the model, as PUT /v1/models/{name} does, and installs the file atomically. `DELETE` aborts.
"""

from __future__ import annotations

import asyncio
import re
import shutil

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.requests import ClientDisconnect

from mohawk_engine.api.models_upload import InsufficientStorage
from mohawk_engine.api.routing import error_responses
from mohawk_engine.engine import Engine
from mohawk_engine.errors import BadRequest, Conflict, NotFound, PayloadTooLarge
from mohawk_engine.repository.model_check import InvalidModelFile, check_model_file, sniff_format
from mohawk_engine.repository.repository import ModelExists, ModelNotFound, resolve_upload_target
from mohawk_engine.repository.resumable import (
    BadChunk,
    OffsetMismatch,
    PartialUpload,
    ResumableUploads,
    UploadNotFound,
)
from mohawk_engine.repository.uploads import ChecksumMismatch
from mohawk_engine.schemas import ModelFormat, ModelInfo
from mohawk_engine.schemas.uploads import UploadOffsetConflict, UploadRequest, UploadStatus

_ERRORS = error_responses(400, 404, 409, 413, 507)
_CONTENT_RANGE = re.compile(r"^\s*bytes\s+(\d+)-(\d+)/(\d+)\s*$")
RANGE_FORMAT = "'bytes START-END/TOTAL' (END inclusive, TOTAL the announced size)"


def build_model_uploads_router() -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["v1"], responses=_ERRORS)

    @router.post("/uploads", response_model=UploadStatus, status_code=201)
    async def start_upload(body: UploadRequest, request: Request) -> UploadStatus:
        """Announce a file to send in chunks; nothing is accepted that could not be installed."""
        engine: Engine = request.app.state.engine
        stem, model_format = resolve_upload_target(body.name, body.format.value if body.format else None)
        request.state.audit_target = stem
        limit = engine.config.server.max_upload_bytes
        if body.size > limit:
            raise PayloadTooLarge(
                f"the file is {body.size} bytes; this engine takes at most {limit} (server.max_upload_bytes)"
            )
        if not body.overwrite and engine.repository.find(stem) is not None:
            raise Conflict(f"model '{stem}' exists; upload with overwrite=true to replace it")
        store = _store(request)
        store.sweep()
        store.folder.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(store.folder).free
        if body.size > free:
            raise InsufficientStorage(f"the file is {body.size} bytes; the repository's disk has {free} free")
        upload = store.create(stem, body.size, body.sha256, model_format, body.overwrite)
        return store.status(upload)

    @router.get("/uploads", response_model=list[UploadStatus])
    async def list_uploads(request: Request) -> list[UploadStatus]:
        """Uploads not yet expired: in progress, and committed ones (kept until they expire)."""
        store = _store(request)
        return [store.status(upload) for upload in store.all()]

    @router.get("/uploads/{upload_id}", response_model=UploadStatus)
    async def get_upload(upload_id: str, request: Request) -> UploadStatus:
        """Where the upload stands: `received` is the offset the next chunk starts at."""
        store = _store(request)
        return store.status(_find(store, upload_id))

    @router.put(
        "/uploads/{upload_id}",
        response_model=UploadStatus,
        responses={409: {"model": UploadOffsetConflict}},
    )
    async def put_chunk(upload_id: str, request: Request):
        """Append the bytes START..END (inclusive) given by Content-Range."""
        store = _store(request)
        upload = _find(store, upload_id)
        request.state.audit_target = upload.name
        start, end = _chunk_range(request, upload)
        async with store.lock(upload_id):
            upload = _find(store, upload_id)
            if upload.committed:
                raise Conflict(f"upload '{upload_id}' is committed already as model '{upload.name}'")
            try:
                await store.append(upload, start, end - start + 1, request.stream())
            except OffsetMismatch as exc:
                return JSONResponse({"error": str(exc), "received": exc.received}, status_code=409)
            except BadChunk as exc:
                raise BadRequest(f"chunk refused: {exc}") from exc
            except ClientDisconnect:  # the prefix that arrived is kept: the client resumes from it
                return Response(status_code=400)
            except OSError as exc:
                raise InsufficientStorage(f"cannot store the chunk: {exc.strerror or exc}") from exc
            return store.status(upload)

    @router.post("/uploads/{upload_id}/commit", response_model=ModelInfo, status_code=201)
    async def commit_upload(upload_id: str, request: Request) -> ModelInfo:
        """Verify the whole file's SHA-256, check the model, install it. Repeating a commit that
        succeeded answers the installed model again."""
        engine: Engine = request.app.state.engine
        store = _store(request)
        _find(store, upload_id)
        async with store.lock(upload_id):
            upload = _find(store, upload_id)
            request.state.audit_target = upload.name
            if not upload.committed:
                await _install(engine, store, upload)
            try:
                return engine.repository.get(upload.name)
            except ModelNotFound as exc:
                raise NotFound(f"upload '{upload_id}' was committed, but model '{upload.name}' is gone since") from exc

    @router.delete("/uploads/{upload_id}", response_model=UploadStatus)
    async def abort_upload(upload_id: str, request: Request) -> UploadStatus:
        """Drop an upload and its partial file."""
        store = _store(request)
        _find(store, upload_id)
        async with store.lock(upload_id):
            upload = _find(store, upload_id)
            request.state.audit_target = upload.name
            status = store.status(upload)
            store.discard(upload_id)
        return status

    return router


async def _install(engine: Engine, store: ResumableUploads, upload: PartialUpload) -> None:
    """Checksum, model check and atomic install; a file that fails the checks is dropped."""
    received = store.received(upload)
    if received != upload.size:
        raise Conflict(
            f"upload '{upload.id}' is incomplete: {received} of {upload.size} bytes received; "
            f"send the rest from byte {received}, then commit"
        )
    try:
        path = await store.verify(upload)
        model_format = ModelFormat(upload.format) if upload.format else await asyncio.to_thread(sniff_format, path)
        await asyncio.to_thread(check_model_file, path, model_format)
        async with engine.repository.install_lock:
            engine.repository.install(path, upload.name, model_format, upload.overwrite)
    except (ChecksumMismatch, InvalidModelFile) as exc:
        store.discard(upload.id)
        raise BadRequest(f"model '{upload.name}' refused: {exc}") from exc
    except ModelExists as exc:
        store.discard(upload.id)
        raise Conflict(str(exc)) from exc
    except OSError as exc:
        raise InsufficientStorage(f"cannot store model '{upload.name}': {exc.strerror or exc}") from exc
    store.mark_committed(upload)


def _store(request: Request) -> ResumableUploads:
    """The app's upload store, made on first use (it keeps the per-upload locks)."""
    state = request.app.state
    store = getattr(state, "resumable_uploads", None)
    if store is None:
        engine: Engine = state.engine
        store = ResumableUploads(engine.repository.root, engine.config.server.upload_expiry_s)
        state.resumable_uploads = store
    return store


def _find(store: ResumableUploads, upload_id: str) -> PartialUpload:
    try:
        return store.get(upload_id)
    except UploadNotFound as exc:
        raise NotFound(str(exc.args[0])) from exc


def _chunk_range(request: Request, upload: PartialUpload) -> tuple[int, int]:
    """START and END (inclusive) from Content-Range, checked against the upload; raises BadRequest."""
    header = request.headers.get("content-range")
    if header is None:
        raise BadRequest(f"header Content-Range is required: {RANGE_FORMAT}")
    match = _CONTENT_RANGE.match(header)
    if match is None:
        raise BadRequest(f"Content-Range '{header}' is malformed; expected {RANGE_FORMAT}")
    start, end, total = (int(group) for group in match.groups())
    if total != upload.size:
        raise BadRequest(f"Content-Range total {total} differs from the upload's announced size {upload.size}")
    if start > end or end >= total:
        raise BadRequest(f"Content-Range '{header}' is not a range inside 0-{total - 1} with START <= END")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) != end - start + 1:
        raise BadRequest(f"Content-Length {declared} differs from the {end - start + 1} bytes Content-Range names")
    return start, end

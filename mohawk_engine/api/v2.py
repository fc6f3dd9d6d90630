"""Open Inference Protocol v2: health, server and model metadata, Triton-style model config.

Inference itself is served by api/infer.py; the route declared here documents it in the
OpenAPI schema and serves it when the fast path is not mounted.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from mohawk_engine import __version__
from mohawk_engine.api.infer import InferHandler, read_body
from mohawk_engine.api.routing import engine_of
from mohawk_engine.errors import NotFound, SessionNotReady
from mohawk_engine.schemas import TensorSpec
from mohawk_engine.sessions.session import Session

EXTENSIONS = ["binary_tensor_data", "model_configuration", "model_repository", "statistics"]
_PLATFORMS = {"onnx": ("onnxruntime_onnx", "onnxruntime"), "torchscript": ("pytorch_libtorch", "pytorch")}
_CONFIG_TYPES = {"BYTES": "TYPE_STRING"}


def _session(request: Request, name: str, version: str | None) -> Session:
    session = engine_of(request).sessions.get(name)
    if version and version != str(session.version):
        raise NotFound(f"model '{name}' has no version '{version}'; serving version {session.version}")
    return session


def model_metadata(session: Session) -> dict:
    platform, _ = _PLATFORMS[session.model.format.value]
    return {
        "name": session.name,
        "versions": [str(session.version)],
        "platform": platform,
        "inputs": [spec.model_dump() for spec in session.model.inputs],
        "outputs": [spec.model_dump() for spec in session.model.outputs],
    }


def _config_tensor(spec: TensorSpec, batched: bool) -> dict:
    dims = spec.shape[1:] if batched else spec.shape
    return {"name": spec.name, "data_type": _CONFIG_TYPES.get(spec.datatype, f"TYPE_{spec.datatype}"), "dims": dims}


def model_config(session: Session) -> dict:
    """The session described as a Triton model configuration (what perf_analyzer reads)."""
    platform, backend = _PLATFORMS[session.model.format.value]
    batching = session.spec.batching
    batched = session.model.batchable
    device_map = session.spec.device_map
    config = {
        "name": session.name,
        "platform": platform,
        "backend": backend,
        "version_policy": {"latest": {"num_versions": 1}},
        "max_batch_size": batching.max_batch_size if batched else 0,
        "input": [_config_tensor(s, batched) for s in session.model.inputs],
        "output": [_config_tensor(s, batched) for s in session.model.outputs],
        "instance_group": [
            {
                "name": f"{session.name}_{device.replace(':', '_')}",
                "kind": "KIND_GPU" if device.startswith("cuda") else "KIND_CPU",
                "count": device_map.replicas_per_device,
                "gpus": [int(device.split(":")[1])] if device.startswith("cuda") else [],
            }
            for device in dict.fromkeys(device_map.devices)
        ],
    }
    if batched and batching.enabled:
        config["dynamic_batching"] = {
            "max_queue_delay_microseconds": batching.max_queue_delay_us,
            "preserve_ordering": True,
            "default_queue_policy": {
                "max_queue_size": batching.max_queue_size,
                "default_timeout_microseconds": batching.timeout_ms * 1000,
            },
        }
    return config


def build_v2_router(handler: InferHandler, max_request_bytes: int) -> APIRouter:
    router = APIRouter(prefix="/v2", tags=["v2"])

    @router.get("")
    async def server_metadata() -> dict:
        return {"name": "mohawk", "version": __version__, "extensions": EXTENSIONS}

    @router.get("/health/live")
    async def live(request: Request) -> Response:
        return Response(status_code=200 if engine_of(request).live else 503)

    @router.get("/health/ready")
    async def ready(request: Request) -> Response:
        engine = engine_of(request)
        return Response(status_code=200 if engine.live and engine.sessions.all_settled() else 503)

    @router.get("/models/stats")
    async def all_stats(request: Request) -> dict:
        sessions = engine_of(request).sessions
        return {"model_stats": [sessions.get(info.name).triton_stats() for info in sessions.list()]}

    @router.get("/models/{name}")
    @router.get("/models/{name}/versions/{version}")
    async def metadata(name: str, request: Request, version: str | None = None) -> dict:
        return model_metadata(_session(request, name, version))

    @router.get("/models/{name}/ready")
    @router.get("/models/{name}/versions/{version}/ready")
    async def model_ready(name: str, request: Request, version: str | None = None) -> Response:
        try:
            engine_of(request).sessions.ready(name)
        except SessionNotReady:
            return Response(status_code=400)
        _session(request, name, version)
        return Response(status_code=200)

    @router.get("/models/{name}/config")
    @router.get("/models/{name}/versions/{version}/config")
    async def config(name: str, request: Request, version: str | None = None) -> dict:
        return model_config(_session(request, name, version))

    @router.get("/models/{name}/stats")
    @router.get("/models/{name}/versions/{version}/stats")
    async def stats(name: str, request: Request, version: str | None = None) -> dict:
        return {"model_stats": [_session(request, name, version).triton_stats()]}

    @router.post("/models/{name}/infer")
    @router.post("/models/{name}/versions/{version}/infer")
    async def infer(name: str, request: Request, version: str | None = None) -> Response:
        declared = request.headers.get("content-length")
        body = await read_body(request.receive, declared.encode() if declared else None, max_request_bytes)
        reply = await handler.handle(
            name,
            version,
            body,
            request.headers.get("inference-header-content-length"),
            request.headers.get("content-encoding"),
        )
        headers = {k.decode(): v.decode() for k, v in reply.headers() if k != b"content-length"}
        return Response(content=reply.body, status_code=reply.status, headers=headers)

    return router

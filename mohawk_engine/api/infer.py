"""The inference data path: HTTP body -> session -> batcher -> replica -> runner -> HTTP body.

`InferHandler` is framework-free. The engine's HTTP protocol (api/infer_protocol.py) hands
v2 infer calls to it straight from the parser. `InferFastPath` is the ASGI way to it, for
the calls that protocol leaves to uvicorn (v2 behind API keys, pipelined requests, the h11
fallback): it skips the web framework's routing and validation, which would otherwise cost
more than the tiny models themselves; everything else goes to FastAPI.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable
from dataclasses import dataclass

import numpy as np

from mohawk_engine.api.content_encoding import decode_content
from mohawk_engine.api.request_plans import RequestPlan, RequestPlans
from mohawk_engine.engine import Engine
from mohawk_engine.errors import (
    BadRequest,
    EngineError,
    InferenceFailed,
    NotFound,
    PayloadTooLarge,
    QueueFull,
    RequestTimeout,
    SessionNotReady,
    UnsupportedMediaType,
)
from mohawk_engine.protocol.codec import (
    ProtocolError,
    Tensor,
    decode_infer_request,
    encode_infer_response,
    error_body,
)
from mohawk_engine.protocol.validation import select_outputs, validate_inputs
from mohawk_engine.sessions.session import Session
from mohawk_engine.telemetry.session_meter import SessionMeter

INFER_PATH = re.compile(r"^/v2/models/([^/]+)(?:/versions/([^/]+))?/infer$")
HEADER_LENGTH = "inference-header-content-length"
_JSON = b"application/json"
_BINARY = b"application/octet-stream"


@dataclass(slots=True)
class InferReply:
    status: int
    body: bytes
    header_length: int | None = None

    def headers(self) -> list[tuple[bytes, bytes]]:
        headers = [(b"content-length", str(len(self.body)).encode())]
        if self.header_length is None:
            headers.append((b"content-type", _JSON))
        else:
            headers.append((b"content-type", _BINARY))
            headers.append((HEADER_LENGTH.encode(), str(self.header_length).encode()))
        return headers


class InferHandler:
    def __init__(self, engine: Engine) -> None:
        self._sessions = engine.sessions
        self._limit = engine.config.server.max_request_bytes
        self._plans = RequestPlans()

    def answer(
        self,
        model: str,
        version: str | None,
        body: bytes,
        header_length: str | None,
        content_encoding: str | None = None,
    ) -> InferReply | Awaitable[InferReply]:
        """The reply at once when the session runs the request on the spot (see
        `DynamicBatcher.run_now`), else an awaitable of it. `header_length` and
        `content_encoding`: the request's Inference-Header-Content-Length and Content-Encoding
        headers, if sent."""
        started = time.perf_counter_ns()
        try:
            session = self._sessions.ready(model)
        except EngineError as exc:
            return InferReply(exc.status, error_body(exc.message))
        try:
            call = self._decode(session, version, body, header_length, content_encoding)
            entered = time.perf_counter_ns()
            results = session.infer_now(call.inputs)
        except (ProtocolError, EngineError) as exc:
            return _refusal(session.meter, exc)
        if results is None:
            return self._answer_later(session, call, started)
        return self._reply(session, call, results, started, time.perf_counter_ns() - entered)

    async def handle(
        self,
        model: str,
        version: str | None,
        body: bytes,
        header_length: str | None,
        content_encoding: str | None = None,
    ) -> InferReply:
        reply = self.answer(model, version, body, header_length, content_encoding)
        return reply if isinstance(reply, InferReply) else await reply

    def _decode(
        self, session: Session, version: str | None, body: bytes, header_length: str | None, content_encoding: str | None
    ) -> _Call:
        if version and version != str(session.version):
            raise NotFound(f"model '{session.name}' has no version '{version}'; serving version {session.version}")
        json_length = _parse_header_length(header_length)
        if content_encoding is None:
            plan = self._plans.find(session, body, json_length)
            if plan is not None:
                return _Call(plan.request_id, plan.arrays(body), plan.outputs, plan.binary_outputs, plan.rows, plan)
        body = decode_content(body, content_encoding, self._limit)
        request = decode_infer_request(body, json_length)
        signature = session.model
        inputs = validate_inputs(request.inputs, signature.inputs, signature.batchable, session.name)
        outputs = select_outputs(request.outputs, signature.outputs, session.name)
        rows = next(iter(inputs.values())).shape[0] if signature.batchable and inputs else 1
        binary = _binary_outputs(request, outputs)
        if content_encoding is None:
            self._plans.learn(session, body, json_length, request, outputs, binary, rows)
        return _Call(request.id, inputs, outputs, binary, rows)

    async def _answer_later(self, session: Session, call: _Call, started: int) -> InferReply:
        meter = session.meter
        meter.in_flight += 1
        try:
            entered = time.perf_counter_ns()
            results = await session.infer(call.inputs)
        except EngineError as exc:
            return _refusal(meter, exc)
        finally:
            meter.in_flight -= 1
        return self._reply(session, call, results, started, time.perf_counter_ns() - entered)

    def _reply(
        self, session: Session, call: _Call, results: dict[str, np.ndarray], started: int, inside_ns: int
    ) -> InferReply:
        """Encode the outputs and count the request; `inside_ns`: the time spent inside the session."""
        try:
            body, json_length = self._encode(session, call, results)
        except ProtocolError as exc:
            return _refusal(session.meter, exc)
        total_ns = time.perf_counter_ns() - started
        session.meter.record_success(total_ns, call.rows, total_ns - inside_ns)
        return InferReply(200, body, json_length)

    @staticmethod
    def _encode(session: Session, call: _Call, results: dict[str, np.ndarray]) -> tuple[bytes, int | None]:
        plan = call.plan
        if plan is not None and (encoded := plan.encode_reply(results)) is not None:
            return encoded
        specs = {spec.name: spec for spec in session.model.outputs}
        tensors = [Tensor(n, specs[n].datatype, results[n].shape, results[n]) for n in call.outputs]
        version = str(session.version)
        body, json_length = encode_infer_response(session.name, version, call.request_id, tensors, call.binary)
        if plan is not None:
            plan.keep_reply_header(results, body, json_length)
        return body, json_length


@dataclass(slots=True)
class _Call:
    """A decoded, validated infer request: its id, inputs, the outputs to return and which go as binary data."""

    request_id: str | None
    inputs: dict[str, np.ndarray]
    outputs: list[str]
    binary: set[str]
    rows: int
    plan: RequestPlan | None = None


def _refusal(meter: SessionMeter, exc: Exception) -> InferReply:
    if isinstance(exc, ProtocolError):
        meter.record_failure("bad_input")
        return InferReply(400, error_body(str(exc)))
    meter.record_failure(_FAILURE_REASONS.get(type(exc), "runtime_error"))
    return InferReply(exc.status, error_body(exc.message))


_FAILURE_REASONS: dict[type, str] = {
    QueueFull: "rejected",
    SessionNotReady: "rejected",
    RequestTimeout: "timeout",
    BadRequest: "bad_input",
    NotFound: "bad_input",
    PayloadTooLarge: "bad_input",
    UnsupportedMediaType: "bad_input",
    InferenceFailed: "runtime_error",
}


def _parse_header_length(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise ProtocolError(f"Inference-Header-Content-Length must be an integer, got {value!r}") from None


def _binary_outputs(request, names: list[str]) -> set[str]:
    explicit = {out.name: out.binary for out in request.outputs or ()}
    binary = set()
    for name in names:
        choice = explicit.get(name)
        if choice if choice is not None else request.binary_output_default:
            binary.add(name)
    return binary


class InferFastPath:
    """ASGI middleware: POST /v2/models/{name}[/versions/{v}]/infer bypasses FastAPI."""

    def __init__(self, app, handler: InferHandler, max_request_bytes: int) -> None:
        self._app = app
        self._handler = handler
        self._limit = max_request_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            match = INFER_PATH.match(scope["path"])
            if match:
                await self._serve(scope, receive, send, match.group(1), match.group(2))
                return
        await self._app(scope, receive, send)

    async def _serve(self, scope, receive, send, model: str, version: str | None) -> None:
        header_length = content_encoding = declared = None
        for key, value in scope["headers"]:
            if key == b"inference-header-content-length":
                header_length = value.decode("latin-1")
            elif key == b"content-encoding":
                content_encoding = value.decode("latin-1")
            elif key == b"content-length":
                declared = value
        try:
            body = await read_body(receive, declared, self._limit)
        except EngineError as exc:
            reply = InferReply(exc.status, error_body(exc.message))
        except _Disconnected:
            return
        else:
            reply = await self._handler.handle(model, version, body, header_length, content_encoding)
        await send({"type": "http.response.start", "status": reply.status, "headers": reply.headers()})
        await send({"type": "http.response.body", "body": reply.body})


class _Disconnected(Exception):
    pass


async def read_body(receive, declared_length: bytes | None, limit: int) -> bytes:
    """Read the whole request body, refusing (413) anything over `limit` before buffering it."""
    if declared_length is not None and declared_length.isdigit() and int(declared_length) > limit:
        raise oversized_declared_body(int(declared_length), limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise oversized_body(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def oversized_declared_body(declared: int, limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"request body of {declared} bytes exceeds the limit of {limit} bytes")


def oversized_body(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"request body exceeds the limit of {limit} bytes")

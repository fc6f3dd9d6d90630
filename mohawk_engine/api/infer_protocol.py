"""The engine's HTTP protocol: uvicorn's, with v2 infer calls answered straight from the parser.

For a small model the web stack costs more than the model. For every request uvicorn builds
an ASGI scope, a request/response cycle, message dicts for the body and the reply, and
checks and encodes each response header; the ASGI fast path (`InferFastPath`) only skips
the framework after all that. An infer call needs none of it: once its body is in,
`InferHandler` answers it and the reply leaves in one write. Everything else (v1, the other
v2 routes, WebSockets, and infer calls when v2 needs an API key) goes through uvicorn and
FastAPI as before, and so does a call that arrives pipelined behind another on its connection.

`_InferCall` takes the place of uvicorn's cycle object on the connection while an infer call
is on it, so uvicorn's own bookkeeping (keep-alive timer, pipelining, disconnects, graceful
shutdown) applies to it unchanged.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE

from mohawk_engine.api.http_protocol import CoalescingHttpToolsProtocol
from mohawk_engine.api.infer import INFER_PATH, InferHandler, InferReply, oversized_body, oversized_declared_body
from mohawk_engine.protocol.codec import error_body

logger = logging.getLogger(__name__)

_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class _NoEvent:
    """uvicorn wakes its cycle's reader on disconnect; an infer call has no reader to wake."""

    @staticmethod
    def set() -> None:
        pass


class _InferCall:
    __slots__ = (
        "model", "version", "header_length", "content_encoding", "keep_alive", "chunks", "size",
        "response_complete", "disconnected", "message_event",
    )  # fmt: skip

    def __init__(self, model: str, version: str | None, headers: list[tuple[bytes, bytes]], keep_alive: bool) -> None:
        self.model = model
        self.version = version
        self.header_length = _header(headers, b"inference-header-content-length")
        self.content_encoding = _header(headers, b"content-encoding")
        self.keep_alive = keep_alive
        self.chunks: list[bytes] = []
        self.size = 0
        self.response_complete = False
        self.disconnected = False
        self.message_event = _NoEvent


class InferHttpProtocol(CoalescingHttpToolsProtocol):
    """Bound to an engine by `infer_http_protocol`."""

    infer_handler: InferHandler
    max_request_bytes: int

    def on_headers_complete(self) -> None:
        call = self._infer_call()
        if call is None:
            super().on_headers_complete()
            return
        self.cycle = call  # type: ignore[assignment]
        declared = _header(self.headers, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_request_bytes:
            self._reply(call, _refusal(oversized_declared_body(int(declared), self.max_request_bytes)))
        elif self.expect_100_continue:
            self.transport.write(_CONTINUE)

    def on_body(self, body: bytes) -> None:
        call = self.cycle
        if not isinstance(call, _InferCall):
            super().on_body(body)
            return
        if call.response_complete:
            return  # refused already: the rest of the body is read and dropped
        call.size += len(body)
        if call.size > self.max_request_bytes:
            call.chunks.clear()
            self._reply(call, _refusal(oversized_body(self.max_request_bytes)))
            return
        call.chunks.append(body)

    def on_message_complete(self) -> None:
        call = self.cycle
        if not isinstance(call, _InferCall):
            super().on_message_complete()
            return
        if call.response_complete:
            return
        body = call.chunks[0] if len(call.chunks) == 1 else b"".join(call.chunks)
        call.chunks = []
        try:
            reply = self.infer_handler.answer(
                call.model, call.version, body, call.header_length, call.content_encoding
            )
        except Exception:
            reply = _internal_error(call.model)
        if isinstance(reply, InferReply):
            self._reply(call, reply)
            return
        task = self.loop.create_task(self._answer_later(call, reply))
        task.add_done_callback(self.tasks.discard)
        self.tasks.add(task)  # uvicorn's graceful shutdown waits for these

    def _infer_call(self) -> _InferCall | None:
        """An `_InferCall` when this request is a v2 infer call this protocol may answer itself."""
        if self.parser.get_method() != b"POST" or self.parser.should_upgrade():
            return None
        if self.pipeline or not (self.cycle is None or self.cycle.response_complete):
            return None  # pipelined behind another request: uvicorn keeps the replies in order
        target = _infer_target(self.url)
        if target is None:
            return None
        keep_alive = self.parser.get_http_version() != "1.0" and self.parser.should_keep_alive()
        return _InferCall(*target, self.headers, keep_alive)

    async def _answer_later(self, call: _InferCall, reply: Awaitable[InferReply]) -> None:
        try:
            answered = await reply
        except Exception:
            answered = _internal_error(call.model)
        self._reply(call, answered)

    def _reply(self, call: _InferCall, reply: InferReply) -> None:
        call.response_complete = True
        if call.disconnected or self.transport.is_closing():
            return
        head = [STATUS_LINE[reply.status]]
        for name, value in (*self.server_state.default_headers, *reply.headers()):
            head += [name, b": ", value, b"\r\n"]
        if not call.keep_alive:
            head.append(b"connection: close\r\n")
        head += [b"\r\n", reply.body]
        self.transport.write(b"".join(head))
        if call.keep_alive:
            self.on_response_complete()
        else:
            self.transport.close()


def infer_http_protocol(handler: InferHandler, max_request_bytes: int) -> type[InferHttpProtocol]:
    """The protocol class uvicorn instantiates per connection, bound to this engine's handler."""
    return type(
        "InferHttpProtocol", (InferHttpProtocol,), {"infer_handler": handler, "max_request_bytes": max_request_bytes}
    )


@functools.lru_cache(maxsize=1024)
def _infer_target(url: bytes) -> tuple[str, str | None] | None:
    """(model, version) when `url` is a v2 infer call's; a client sends the same one call after call."""
    path = httptools.parse_url(url).path
    if b"%" in path:
        return None  # percent-encoded: left to uvicorn, which decodes it
    match = INFER_PATH.match(path.decode("ascii", "replace"))
    return None if match is None else (match.group(1), match.group(2))


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


def _internal_error(model: str) -> InferReply:
    logger.exception("infer call to model %r failed", model)
    return InferReply(500, error_body(f"internal error while serving model '{model}'; see the engine log"))


def _refusal(error) -> InferReply:
    return InferReply(error.status, error_body(error.message))

"""A server that does no work: uvloop + httptools answering with replies recorded from the engine.

It stands for the cheapest server this machine can have, so a benchmark can tell the loopback
round trip and the client's own cost apart from the engine's.
"""

from __future__ import annotations

import asyncio
import json
import threading

import httptools
import httpx
import numpy as np

from mohawk_engine.protocol.datatypes import numpy_dtype


class CannedServer:
    """Answers every infer call with one recorded reply, other paths with theirs; counts the calls."""

    def __init__(self, replies: dict[str, bytes], infer_reply: bytes) -> None:
        self._replies = replies
        self._infer = infer_reply
        self.port = 0
        self.infer_calls = 0
        self.thread_id = 0  # the serving thread's native id, to read its CPU time
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        threading.Thread(target=self._serve, daemon=True).start()
        self._ready.wait(10)

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)

    def _serve(self) -> None:
        import uvloop

        self.thread_id = threading.get_native_id()
        self._loop = uvloop.new_event_loop()
        server = self._loop.run_until_complete(self._loop.create_server(self._protocol, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    def _protocol(self) -> asyncio.Protocol:
        canned = self

        class Canned(asyncio.Protocol):
            def connection_made(self, transport) -> None:
                self.transport = transport
                self.parser = httptools.HttpRequestParser(self)
                self.url = b""

            def data_received(self, data: bytes) -> None:
                self.parser.feed_data(data)

            def on_url(self, url: bytes) -> None:
                self.url += url

            def on_message_complete(self) -> None:
                path, self.url = self.url.decode().split("?")[0], b""
                if path.endswith("/infer"):
                    canned.infer_calls += 1
                    reply = canned._infer
                else:
                    reply = canned._replies.get(path)
                self.transport.write(reply or http_reply(404, b'{"error":"not canned"}', b"application/json"))

        return Canned()


def http_reply(status: int, body: bytes, content_type: bytes, extra: bytes = b"") -> bytes:
    head = b"HTTP/1.1 %d X\r\ncontent-length: %d\r\ncontent-type: %s\r\n%s\r\n" % (status, len(body), content_type, extra)
    return head + body


def record_replies(url: str, model: str) -> tuple[dict[str, bytes], bytes]:
    """The engine's replies for `model`: metadata, config and stats (also under /versions/1, which
    perf_analyzer asks for when given `-x 1`), and one binary infer call with one row of zeros."""
    replies = {}
    for path in ("/v2", "/v2/health/ready"):
        replies[path] = _recorded(url, path)
    for base in (f"/v2/models/{model}", f"/v2/models/{model}/versions/1"):
        for suffix in ("", "/config", "/stats"):
            replies[base + suffix] = _recorded(url, base + suffix)
    metadata = httpx.get(f"{url}/v2/models/{model}").json()
    inputs, blobs = [], []
    for spec in metadata["inputs"]:
        shape = [1 if d == -1 else d for d in spec["shape"]]
        blob = np.zeros(shape, numpy_dtype(spec["datatype"])).tobytes()
        params = {"binary_data_size": len(blob)}
        inputs.append({"name": spec["name"], "datatype": spec["datatype"], "shape": shape, "parameters": params})
        blobs.append(blob)
    outputs = [{"name": spec["name"], "parameters": {"binary_data": True}} for spec in metadata["outputs"]]
    header = json.dumps({"inputs": inputs, "outputs": outputs}).encode()
    response = httpx.post(
        f"{url}/v2/models/{model}/infer",
        content=header + b"".join(blobs),
        headers={"Inference-Header-Content-Length": str(len(header))},
    )
    length = response.headers["inference-header-content-length"].encode()
    extra = b"inference-header-content-length: %s\r\n" % length
    return replies, http_reply(200, response.content, b"application/octet-stream", extra)


def _recorded(url: str, path: str) -> bytes:
    response = httpx.get(url + path)
    return http_reply(response.status_code, response.content, b"application/json")

"""v2 infer calls answered by the engine's own HTTP protocol, seen from a raw socket.

The protocol answers infer calls without ASGI (api/infer_protocol.py); these tests hold it
to what HTTP/1.1 clients rely on: keep-alive, `Connection: close`, HTTP/1.0, `Expect:
100-continue`, pipelined requests answered in order, size limits, chunked bodies, and a
connection that stays usable after an error.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket

import numpy as np
import pytest

from tests.support.deploy import deploy

LIMIT = 4096


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory, demo_repo):
    from tests.support.engine_process import EngineProcess

    config = tmp_path_factory.mktemp("config") / "engine.toml"
    config.write_text(f"[server]\nmax_request_bytes = {LIMIT}\n")
    process = EngineProcess(demo_repo, tmp_path_factory.mktemp("state"), "--config", str(config))
    url = process.start()
    asyncio.run(deploy(url, "add-sub", "add-sub"))
    yield process.port
    process.kill()


def add_sub_body(values: np.ndarray, request_id: str) -> bytes:
    return json.dumps(
        {
            "id": request_id,
            "inputs": [
                {"name": "INPUT0", "datatype": "FP32", "shape": [1, 16], "data": values.tolist()},
                {"name": "INPUT1", "datatype": "FP32", "shape": [1, 16], "data": [1.0] * 16},
            ],
        }
    ).encode()


def request(body: bytes, *, model: str = "add-sub", version: str = "HTTP/1.1", headers: str = "") -> bytes:
    head = f"POST /v2/models/{model}/infer {version}\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n{headers}\r\n"
    return head.encode() + body


class Reader:
    """Reads HTTP/1.1 responses with a Content-Length off a socket, one at a time."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def response(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
        length = int(headers.get("content-length", "0"))
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(status_line.split()[1]), headers, body

    def closed(self) -> bool:
        self.sock.settimeout(5)
        return self.buffer == b"" and self.sock.recv(1) == b""

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed with {len(self.buffer)} bytes unread")
        self.buffer += chunk


def connect(port: int) -> tuple[socket.socket, Reader]:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    return sock, Reader(sock)


def outputs(body: bytes) -> dict[str, list[float]]:
    return {out["name"]: out["data"] for out in json.loads(body)["outputs"]}


def test_keep_alive_serves_many_calls_on_one_connection(port):
    sock, reader = connect(port)
    with sock:
        for i in range(20):
            values = np.arange(16, dtype=np.float32) * i
            sock.sendall(request(add_sub_body(values, f"call-{i}")))
            status, headers, body = reader.response()
            assert status == 200, body
            assert headers["content-type"] == "application/json"
            assert "connection" not in headers
            assert json.loads(body)["id"] == f"call-{i}"
            assert outputs(body)["OUTPUT0"] == (values + 1).tolist()


def test_pipelined_calls_are_answered_in_order(port):
    """Three requests in one write: each reply matches its own request, in the order sent."""
    sock, reader = connect(port)
    with sock:
        sent = [np.full(16, i, dtype=np.float32) for i in range(3)]
        sock.sendall(b"".join(request(add_sub_body(values, f"p{i}")) for i, values in enumerate(sent)))
        for i, values in enumerate(sent):
            status, _, body = reader.response()
            assert status == 200, body
            assert json.loads(body)["id"] == f"p{i}"
            assert outputs(body)["OUTPUT1"] == (values - 1).tolist()


def test_connection_close_and_http_1_0_end_the_connection_after_the_reply(port):
    for version, headers in (("HTTP/1.1", "Connection: close\r\n"), ("HTTP/1.0", "")):
        sock, reader = connect(port)
        with sock:
            sock.sendall(request(add_sub_body(np.zeros(16, np.float32), "last"), version=version, headers=headers))
            status, reply_headers, body = reader.response()
            assert status == 200, body
            assert reply_headers["connection"] == "close"
            assert reader.closed()


def test_expect_100_continue_gets_an_interim_reply_before_the_body(port):
    sock, reader = connect(port)
    with sock:
        body = add_sub_body(np.ones(16, np.float32), "expect")
        head = request(b"", headers="Expect: 100-continue\r\n")
        sock.sendall(head.replace(b"Content-Length: 0", b"Content-Length: %d" % len(body)))
        status, _, _ = reader.response()
        assert status == 100
        sock.sendall(body)
        status, _, reply = reader.response()
        assert status == 200, reply
        assert outputs(reply)["OUTPUT0"] == [2.0] * 16


def test_body_over_the_limit_is_413_and_the_connection_stays_usable(port):
    sock, reader = connect(port)
    with sock:
        sock.sendall(request(b"x" * (LIMIT + 1)))
        status, _, body = reader.response()
        assert status == 413
        assert f"limit of {LIMIT} bytes" in json.loads(body)["error"]
        sock.sendall(request(add_sub_body(np.zeros(16, np.float32), "after")))
        status, _, body = reader.response()
        assert status == 200, body
        assert json.loads(body)["id"] == "after"


def test_chunked_body_over_the_limit_is_413(port):
    sock, reader = connect(port)
    with sock:
        chunk = b"y" * 1024
        head = b"POST /v2/models/add-sub/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        frames = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(LIMIT // 1024 + 1)) + b"0\r\n\r\n"
        sock.sendall(head + frames)
        status, _, body = reader.response()
        assert status == 413
        assert "exceeds the limit" in json.loads(body)["error"]


def test_chunked_body_within_the_limit_is_served(port):
    sock, reader = connect(port)
    with sock:
        body = add_sub_body(np.full(16, 3, np.float32), "chunked")
        head = b"POST /v2/models/add-sub/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        halves = (body[:100], body[100:])
        sock.sendall(head + b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in halves) + b"0\r\n\r\n")
        status, _, reply = reader.response()
        assert status == 200, reply
        assert outputs(reply)["OUTPUT0"] == [4.0] * 16


def test_errors_are_json_and_leave_the_connection_open(port):
    sock, reader = connect(port)
    with sock:
        sock.sendall(request(b"{not json"))
        status, _, body = reader.response()
        assert status == 400
        assert "invalid JSON" in json.loads(body)["error"]
        sock.sendall(request(add_sub_body(np.zeros(16, np.float32), "x"), model="missing"))
        status, _, body = reader.response()
        assert status == 404
        assert "missing" in json.loads(body)["error"]
        sock.sendall(request(add_sub_body(np.zeros(16, np.float32), "v"), model="add-sub/versions/1"))
        status, _, body = reader.response()
        assert status == 200, body
        assert json.loads(body)["model_version"] == "1"


def test_percent_encoded_path_is_served_through_the_framework(port):
    """A path the protocol does not take itself still reaches the same handler."""
    sock, reader = connect(port)
    with sock:
        raw = request(add_sub_body(np.zeros(16, np.float32), "enc")).replace(b"/add-sub/", b"/add%2Dsub/", 1)
        sock.sendall(raw)
        status, _, body = reader.response()
        assert status == 200, body
        assert json.loads(body)["model_name"] == "add-sub"


def test_gzip_body_is_served_on_both_paths(port):
    """The first call is answered by the protocol, the pipelined second by the ASGI fast path."""
    sock, reader = connect(port)
    with sock:
        compressed = [gzip.compress(add_sub_body(np.full(16, i, np.float32), f"gz{i}")) for i in range(2)]
        sock.sendall(b"".join(request(body, headers="Content-Encoding: gzip\r\n") for body in compressed))
        for i in range(2):
            status, _, body = reader.response()
            assert status == 200, body
            assert json.loads(body)["id"] == f"gz{i}"
            assert outputs(body)["OUTPUT0"] == [i + 1.0] * 16


def test_unsupported_content_encoding_is_415(port):
    sock, reader = connect(port)
    with sock:
        sock.sendall(request(b"\x00\x01", headers="Content-Encoding: br\r\n"))
        status, _, body = reader.response()
        assert status == 415
        assert "gzip or deflate" in json.loads(body)["error"]


def test_gzip_body_inflating_past_the_limit_is_413(port):
    sock, reader = connect(port)
    with sock:
        bomb = gzip.compress(b" " * (LIMIT * 50))
        assert len(bomb) < LIMIT
        sock.sendall(request(bomb, headers="Content-Encoding: gzip\r\n"))
        status, _, body = reader.response()
        assert status == 413
        assert "decompressed request body exceeds" in json.loads(body)["error"]

"""HTTP/1.1 reply parsing: heads, Content-Length and chunked bodies split across reads, v2 checks."""

from __future__ import annotations

import pytest

from mohawk_bench.http1 import Connection
from mohawk_bench.response import classify, dechunk, parse_head

OK_BODY = b'{"model_name":"m","outputs":[{"name":"y","datatype":"FP32","shape":[1],"data":[1.0]}]}'


class FakeTransport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.aborted = self.closed = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def abort(self) -> None:
        self.aborted = True

    def close(self) -> None:
        self.closed = True


def _connection() -> tuple[Connection, list, FakeTransport]:
    outcomes: list = []
    connection = Connection(lambda kind, detail: outcomes.append((kind, detail)))
    transport = FakeTransport()
    connection.connection_made(transport)
    connection.send(b"POST ...")
    return connection, outcomes, transport


def _feed(connection: Connection, reply: bytes, step: int) -> None:
    for i in range(0, len(reply), step):
        connection.data_received(reply[i : i + step])


def _chunked(body: bytes, size: int) -> bytes:
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"


def test_parse_head_reads_status_and_body_framing():
    head = parse_head(b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\nInference-Header-Content-Length: 5\r\nConnection: close")
    assert head == (200, 12, 5, False, True)
    assert parse_head(b"HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked").chunked


@pytest.mark.parametrize("head", [b"SSH-2.0-OpenSSH", b"HTTP/1.1 2x0 OK", b"HTTP/1.1 200 OK\r\nno colon"])
def test_parse_head_refuses_what_is_not_http(head):
    with pytest.raises(ValueError):
        parse_head(head)


def test_dechunk_waits_for_the_last_chunk_and_reads_trailers():
    data = b"HEAD" + _chunked(OK_BODY, 10)
    assert dechunk(data[:-3], 4) is None
    assert dechunk(data, 4) == (OK_BODY, len(data))
    with_trailer = b"HEAD" + _chunked(b"abc", 2)[:-2] + b"X-T: 1\r\n\r\n"
    assert dechunk(with_trailer, 4) == (b"abc", len(with_trailer))


@pytest.mark.parametrize("bad", [b"zz\r\nabc\r\n0\r\n\r\n", b"-3\r\nabc\r\n0\r\n\r\n", b"3\r\nabcd\r\n0\r\n\r\n"])
def test_dechunk_refuses_malformed_chunks(bad):
    with pytest.raises(ValueError):
        dechunk(bad, 0)


def test_classify_names_error_kinds_and_keeps_the_body_as_detail():
    assert classify(200, OK_BODY, None) == (None, None)
    assert classify(404, b'{"error":"unknown model"}', None) == ("http_4xx", '404: {"error":"unknown model"}')
    assert classify(503, b"busy", None)[0] == "http_5xx"
    assert classify(200, b"not json", None)[0] == "bad_response"
    assert classify(200, b'{"error":"x"}', None) == ("bad_response", 'response has no outputs list: {"error":"x"}')
    assert classify(200, OK_BODY, len(OK_BODY) + 1)[0] == "bad_response"


@pytest.mark.parametrize("step", [1, 7, 10_000])
def test_content_length_reply_split_across_reads(step):
    connection, outcomes, _ = _connection()
    _feed(connection, b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(OK_BODY), OK_BODY), step)
    assert outcomes == [(None, None)]
    assert connection.open and not connection.waiting


@pytest.mark.parametrize("step", [1, 5, 10_000])
def test_chunked_reply_split_across_reads(step):
    connection, outcomes, _ = _connection()
    _feed(connection, b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + _chunked(OK_BODY, 16), step)
    assert outcomes == [(None, None)]


def test_error_reply_with_connection_close_ends_the_connection():
    connection, outcomes, transport = _connection()
    connection.data_received(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\nConnection: close\r\n\r\noops")
    assert outcomes == [("http_5xx", "500: oops")]
    assert not connection.open and transport.closed


def test_body_without_length_runs_to_the_end_of_the_connection():
    connection, outcomes, _ = _connection()
    connection.data_received(b"HTTP/1.0 200 OK\r\n\r\n" + OK_BODY[:20])
    connection.data_received(OK_BODY[20:])
    assert outcomes == []
    connection.connection_lost(None)
    assert outcomes == [(None, None)]


def test_server_closing_mid_reply_is_a_connection_error():
    connection, outcomes, _ = _connection()
    connection.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
    connection.connection_lost(ConnectionResetError("reset"))
    assert outcomes == [("connection", "connection closed by the server: reset")]


def test_extra_bytes_and_garbage_are_bad_responses_and_drop_the_connection():
    connection, outcomes, transport = _connection()
    connection.data_received(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}EXTRA")
    assert outcomes == [("bad_response", "bytes after the end of the response")]
    assert transport.aborted and not connection.open
    connection, outcomes, _ = _connection()
    connection.data_received(b"garbage\r\n\r\n")
    assert outcomes[0][0] == "bad_response" and "not an HTTP/1.x status line" in outcomes[0][1]


def test_a_timeout_reports_once_even_when_the_connection_then_drops():
    connection, outcomes, transport = _connection()
    connection.fail("timeout", "no response within 1 s")
    connection.connection_lost(None)
    assert outcomes == [("timeout", "no response within 1 s")]
    assert transport.aborted

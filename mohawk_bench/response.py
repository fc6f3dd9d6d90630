"""Minimal HTTP/1.1 response parsing and the check that a reply is a proper v2 infer response."""

from __future__ import annotations

from typing import NamedTuple

import orjson

ERROR_KINDS = ("http_1xx", "http_3xx", "http_4xx", "http_5xx", "timeout", "connection", "bad_response")
_DETAIL_CHARS = 300


class Head(NamedTuple):
    """What the response head says about the body that follows."""

    status: int
    content_length: int | None
    header_length: int | None
    chunked: bool
    close: bool


def parse_head(head: bytes) -> Head:
    """Parse a status line and headers (without the blank line); ValueError when malformed."""
    lines = head.split(b"\r\n")
    status_line = lines[0]
    if (
        not status_line.startswith(b"HTTP/1.")
        or not status_line[9:12].isdigit()
        or status_line[12:13] not in (b"", b" ")
    ):
        raise ValueError(f"not an HTTP/1.x status line: {status_line[:80]!r}")
    status = int(status_line[9:12])
    content_length = header_length = None
    chunked = close = False
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon:
            raise ValueError(f"malformed header line: {line[:80]!r}")
        name = name.strip().lower()
        if name == b"content-length":
            content_length = int(value)
        elif name == b"inference-header-content-length":
            header_length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            close = b"close" in value.lower()
    if content_length is not None and content_length < 0:
        raise ValueError(f"negative Content-Length {content_length}")
    return Head(status, content_length, header_length, chunked, close)


def dechunk(buffer: bytes | bytearray | memoryview, start: int) -> tuple[bytes, int] | None:
    """Decode a chunked body beginning at `start`: (body, end offset), or None while incomplete."""
    parts = []
    position = start
    data = bytes(buffer)
    while True:
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            return None
        size_text = data[position:line_end].split(b";", 1)[0].strip()
        if not size_text or not all(c in b"0123456789abcdefABCDEF" for c in size_text):
            raise ValueError(f"chunk size {size_text[:20]!r} is not a hexadecimal number")
        size = int(size_text, 16)
        position = line_end + 2
        if size == 0:
            trailer_end = data.find(b"\r\n\r\n", position - 2)
            return (b"".join(parts), trailer_end + 4) if trailer_end >= 0 else None
        if len(data) < position + size + 2:
            return None
        if data[position + size : position + size + 2] != b"\r\n":
            raise ValueError(f"chunk of {size} bytes is not followed by CRLF")
        parts.append(data[position : position + size])
        position += size + 2


def classify(status: int, body: bytes | memoryview, header_length: int | None) -> tuple[str | None, str | None]:
    """(None, None) for a proper v2 infer response, else (error kind, detail)."""
    if status != 200:
        kind = "bad_response" if 200 <= status < 300 else f"http_{status // 100}xx"
        return kind, f"{status}: {bytes(body[:_DETAIL_CHARS]).decode('utf-8', 'replace')}"
    if header_length is not None and not 0 < header_length <= len(body):
        return "bad_response", f"Inference-Header-Content-Length {header_length} outside a body of {len(body)} bytes"
    header = body if header_length is None else body[:header_length]
    try:
        document = orjson.loads(header)
    except orjson.JSONDecodeError as exc:
        return "bad_response", f"response header is not JSON: {exc}"
    if not isinstance(document, dict) or not isinstance(document.get("outputs"), list):
        return "bad_response", f"response has no outputs list: {bytes(header[:_DETAIL_CHARS]).decode('utf-8', 'replace')}"
    return None, None

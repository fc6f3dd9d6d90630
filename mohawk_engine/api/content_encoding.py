"""Compressed request bodies: `Content-Encoding: gzip` or `deflate`, as tritonclient sends with
`request_compression_algorithm`. Responses go uncompressed: `Accept-Encoding` allows
compression but does not demand it, and tensors of floats barely compress.
"""

from __future__ import annotations

import zlib

from mohawk_engine.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

_WINDOW_BITS = {"gzip": (31,), "deflate": (15, -15)}  # deflate: zlib-wrapped as the RFC says, or raw


def decode_content(body: bytes, encoding: str | None, limit: int) -> bytes:
    """The body as sent before compression; at most `limit` bytes of it (413 beyond)."""
    if encoding is None or encoding.strip().lower() in ("", "identity"):
        return body
    name = encoding.strip().lower()
    if name not in _WINDOW_BITS:
        raise UnsupportedMediaType(
            f"Content-Encoding {encoding!r} is not supported; send the body uncompressed, gzip or deflate"
        )
    error: zlib.error | None = None
    for wbits in _WINDOW_BITS[name]:
        try:
            return _inflate(body, wbits, limit)
        except zlib.error as exc:
            error = error or exc
    raise BadRequest(f"request body is not valid {name} data ({error}); expected the Content-Encoding it names")


def _inflate(body: bytes, wbits: int, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    data = inflater.decompress(body, limit + 1)
    if len(data) > limit or inflater.unconsumed_tail:
        raise PayloadTooLarge(f"decompressed request body exceeds the limit of {limit} bytes")
    if not inflater.eof:
        raise zlib.error("the compressed data ends early")
    return data

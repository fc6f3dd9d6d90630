"""Compressed infer request bodies: gzip and deflate in, a clear error for anything else."""

from __future__ import annotations

import gzip
import zlib

import pytest

from mohawk_engine.api.content_encoding import decode_content
from mohawk_engine.errors import BadRequest, PayloadTooLarge, UnsupportedMediaType

BODY = b'{"inputs": []}' * 100


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-15)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "compressed"),
    [("gzip", gzip.compress(BODY)), ("GZIP ", gzip.compress(BODY)), ("deflate", zlib.compress(BODY)),
     ("deflate", raw_deflate(BODY)), (None, BODY), ("identity", BODY)],
)  # fmt: skip
def test_supported_encodings_give_back_the_body(encoding, compressed):
    assert decode_content(compressed, encoding, limit=len(BODY)) == BODY


def test_unknown_encoding_is_415_naming_what_is_supported():
    with pytest.raises(UnsupportedMediaType) as refused:
        decode_content(b"...", "br", limit=1024)
    assert refused.value.status == 415
    assert "'br'" in refused.value.message and "gzip or deflate" in refused.value.message


@pytest.mark.parametrize("data", [b"not gzip at all", gzip.compress(BODY)[:-12]])
def test_corrupt_or_truncated_data_is_400(data):
    with pytest.raises(BadRequest) as refused:
        decode_content(data, "gzip", limit=len(BODY))
    assert "not valid gzip data" in refused.value.message


def test_a_body_that_inflates_past_the_limit_is_413_without_inflating_it_all():
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024))  # 64 MiB of zeros in ~64 KiB
    with pytest.raises(PayloadTooLarge) as refused:
        decode_content(bomb, "gzip", limit=1024 * 1024)
    assert "limit of 1048576 bytes" in refused.value.message


def test_a_body_exactly_at_the_limit_is_accepted():
    assert decode_content(gzip.compress(BODY), "gzip", limit=len(BODY)) == BODY
    with pytest.raises(PayloadTooLarge):
        decode_content(gzip.compress(BODY), "gzip", limit=len(BODY) - 1)

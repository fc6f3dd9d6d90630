"""Encode a v2 infer request once, as the exact HTTP/1.1 bytes every send reuses."""

from __future__ import annotations

import struct

import numpy as np
import orjson

from mohawk_bench.endpoint import Endpoint
from mohawk_bench.tensors import InputTensor, numpy_dtype


def encode_body(tensors: list[InputTensor], binary: bool) -> tuple[bytes, int | None]:
    """The request body and, for binary tensors, its JSON header length (Inference-Header-Content-Length)."""
    entries = []
    blobs = []
    for tensor in tensors:
        entry: dict = {"name": tensor.name, "datatype": tensor.datatype, "shape": tensor.shape}
        if binary:
            blob = _binary_data(tensor)
            entry["parameters"] = {"binary_data_size": len(blob)}
            blobs.append(blob)
        else:
            entry["data"] = _json_data(tensor)
        entries.append(entry)
    document = {"inputs": entries}
    if binary:
        document["parameters"] = {"binary_data_output": True}
    header = orjson.dumps(document)
    if not binary:
        return header, None
    return b"".join([header, *blobs]), len(header)


def _binary_data(tensor: InputTensor) -> bytes:
    flat = tensor.array.reshape(-1)
    if tensor.datatype == "BYTES":
        return b"".join(struct.pack("<I", len(item)) + item for item in flat)
    return flat.astype(numpy_dtype(tensor.datatype).newbyteorder("<"), copy=False).tobytes()


def _json_data(tensor: InputTensor) -> list:
    flat = tensor.array.reshape(-1)
    if tensor.datatype == "BYTES":
        return [item.decode("utf-8", "replace") for item in flat]
    if tensor.datatype == "BF16":
        return (flat.astype(np.uint32) << np.uint32(16)).view(np.float32).tolist()
    if tensor.datatype == "FP16":
        return flat.astype(np.float32).tolist()
    return flat.tolist()


def http_request(
    endpoint: Endpoint, path: str, body: bytes, header_length: int | None, token: str | None = None
) -> bytes:
    """A complete HTTP/1.1 keep-alive POST, ready to write to the socket as is."""
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {endpoint.authority}",
        "User-Agent: mohawk-bench",
        "Accept: */*",
        f"Content-Type: {'application/json' if header_length is None else 'application/octet-stream'}",
        f"Content-Length: {len(body)}",
    ]
    if header_length is not None:
        lines.append(f"Inference-Header-Content-Length: {header_length}")
    if token:
        lines.append(f"Authorization: Bearer {token}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

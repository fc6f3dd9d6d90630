"""Model and upload calls are audited under names; upload chunks only when refused or failed."""

from __future__ import annotations

import hashlib
import time

import pytest

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas import ModelFormat
from tests.integration.test_auth import start_engine


async def test_model_and_upload_actions_are_named_and_good_chunks_are_not_recorded(model_repo, tmp_path):
    process, admin = start_engine(model_repo, tmp_path / "state")
    try:
        data = (model_repo / "mlp-tiny.onnx").read_bytes()
        digest, half = hashlib.sha256(data).hexdigest(), len(data) // 2
        started = time.time()
        async with EngineClient(process.url, token=admin) as client:
            await client.upload_model("copy", model_repo / "mlp-tiny.onnx")
            await client.put_model_signature("copy", {"description": "a copy"})
            await client.delete_model("copy")
            upload = await client.start_upload("chunked", len(data), digest, model_format=ModelFormat.ONNX)
            await client.upload_chunk(upload.id, 0, data[:half], len(data))
            with pytest.raises(EngineClientError) as repeated:
                await client.upload_chunk(upload.id, 0, data[:half], len(data))
            assert repeated.value.status == 409
            await client.upload_chunk(upload.id, half, data[half:], len(data))
            await client.commit_upload(upload.id)
            dropped = await client.start_upload("dropped", len(data), digest, model_format=ModelFormat.ONNX)
            await client.abort_upload(dropped.id)
            records = await client.audit(since=started)
    finally:
        process.kill()
    rows = [(r.action, r.target, r.result) for r in reversed(records)]
    assert rows == [
        ("model.upload", "copy", 201),
        ("model.signature", "copy", 200),
        ("model.delete", "copy", 200),
        ("model.upload.start", "chunked", 201),
        ("model.upload.chunk", "chunked", 409),
        ("model.upload.commit", "chunked", 201),
        ("model.upload.start", "dropped", 201),
        ("model.upload.abort", "dropped", 200),
    ]

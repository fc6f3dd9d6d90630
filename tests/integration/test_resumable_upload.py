"""/v1/uploads (resumable model uploads) on a real engine through the real client."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas import SessionState
from tests.support.deploy import deploy
from tests.support.engine_process import EngineProcess

LIMIT = 8 * 1024 * 1024  # mlp-tiny.onnx (about 6.3 MB) fits
CHUNK = 1 << 20


def _engine(base: Path, demo_repo: Path) -> EngineProcess:
    repo = base / "models"
    repo.mkdir()
    shutil.copy(demo_repo / "add-sub.onnx", repo)
    config = base / "engine.toml"
    config.write_text(f"[server]\nmax_upload_bytes = {LIMIT}\n")
    return EngineProcess(repo, base / "state", "--config", str(config))


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, demo_repo: Path):
    process = _engine(tmp_path_factory.mktemp("resumable"), demo_repo)
    process.start()
    yield process
    process.kill()


@pytest.fixture(scope="module")
def tiny(demo_repo: Path) -> tuple[bytes, str]:
    body = (demo_repo / "mlp-tiny.onnx").read_bytes()
    return body, hashlib.sha256(body).hexdigest()


def _partials(engine: EngineProcess) -> list[str]:
    folder = engine.model_repo / ".uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


async def _send(client: EngineClient, upload_id: str, body: bytes, start: int, stop: int) -> int:
    received = start
    for offset in range(start, stop, CHUNK):
        piece = body[offset : min(offset + CHUNK, stop)]
        received = (await client.upload_chunk(upload_id, offset, piece, len(body))).received
        assert received == offset + len(piece)
    return received


async def test_chunked_upload_and_commit_is_listed_and_deployable(engine, tiny):
    body, digest = tiny
    async with EngineClient(engine.url) as client:
        started = await client.start_upload("chunked.onnx", len(body), digest)
        assert started.received == 0 and started.name == "chunked" and started.size == len(body)
        assert await _send(client, started.id, body, 0, len(body)) == len(body)
        info = await client.commit_upload(started.id)
        assert info.name == "chunked" and info.error is None and info.size_bytes == len(body)
        assert "chunked" in {m.name for m in await client.list_models()}
        again = await client.commit_upload(started.id)  # a commit repeated after a lost answer
        assert again.name == "chunked"
        actions = [record.action for record in await client.audit(limit=50)]
        assert {"model.upload.start", "model.upload.commit"} <= set(actions)
        assert "model.upload.chunk" not in actions, "chunks that succeed are not audited (see api/auth.py)"
    assert (engine.model_repo / "chunked.onnx").read_bytes() == body
    assert not any(name.endswith(".part") for name in _partials(engine))
    session = await deploy(engine.url, "from-chunks", "chunked")
    assert session.state is SessionState.READY, session.reason


async def test_wrong_offset_is_409_with_the_expected_offset(engine, tiny):
    body, digest = tiny
    async with EngineClient(engine.url) as client:
        upload = await client.start_upload("offsets", len(body), digest)
        await _send(client, upload.id, body, 0, CHUNK)
        headers = {"Content-Range": f"bytes {3 * CHUNK}-{4 * CHUNK - 1}/{len(body)}"}
        piece = body[3 * CHUNK : 4 * CHUNK]
        response = await client._http.put(f"/v1/uploads/{upload.id}", content=piece, headers=headers)
        assert response.status_code == 409
        assert response.json()["received"] == CHUNK and f"must start at byte {CHUNK}" in response.json()["error"]
        headers = {"Content-Range": f"bytes 0-9/{len(body) + 1}"}
        bad_total = await client._http.put(f"/v1/uploads/{upload.id}", content=body[:10], headers=headers)
        assert bad_total.status_code == 400 and "announced size" in bad_total.json()["error"]
        no_range = await client._http.put(f"/v1/uploads/{upload.id}", content=body[:10])
        assert no_range.status_code == 400 and "Content-Range is required" in no_range.json()["error"]
        early = await client._http.post(f"/v1/uploads/{upload.id}/commit")
        assert early.status_code == 409 and f"{CHUNK} of {len(body)} bytes" in early.json()["error"]
        assert (await client.upload_status(upload.id)).received == CHUNK
        await client.abort_upload(upload.id)


async def test_checksum_mismatch_at_commit_is_400_and_installs_nothing(engine, tiny):
    body, _ = tiny
    wrong = "ab" * 32
    async with EngineClient(engine.url) as client:
        upload = await client.start_upload("bad-sum", len(body), wrong, overwrite=True)
        await _send(client, upload.id, body, 0, len(body))
        with pytest.raises(EngineClientError) as error:
            await client.commit_upload(upload.id)
        assert error.value.status == 400
        assert wrong in error.value.message and hashlib.sha256(body).hexdigest() in error.value.message
        with pytest.raises(EngineClientError) as gone:
            await client.upload_status(upload.id)
        assert gone.value.status == 404
    assert not (engine.model_repo / "bad-sum.onnx").exists()
    assert not any(upload.id in name for name in _partials(engine))


async def test_abort_removes_the_partial_file(engine, tiny):
    body, digest = tiny
    async with EngineClient(engine.url) as client:
        upload = await client.start_upload("aborted", len(body), digest)
        await _send(client, upload.id, body, 0, 2 * CHUNK)
        assert f"{upload.id}.part" in _partials(engine)
        aborted = await client.abort_upload(upload.id)
        assert aborted.received == 2 * CHUNK
        assert not any(upload.id in name for name in _partials(engine))
        with pytest.raises(EngineClientError) as error:
            await client.upload_chunk(upload.id, 2 * CHUNK, body[2 * CHUNK : 3 * CHUNK], len(body))
        assert error.value.status == 404 and upload.id in error.value.message
        assert upload.id not in {u.id for u in await client.list_uploads()}


async def test_refused_up_front(engine, tiny):
    body, digest = tiny
    async with EngineClient(engine.url) as client:
        cases = [
            ({"name": "huge", "size": LIMIT + 1, "sha256": digest}, 413, "max_upload_bytes"),
            ({"name": "add-sub", "size": len(body), "sha256": digest}, 409, "overwrite=true"),
            ({"name": "bad name!", "size": len(body), "sha256": digest}, 400, "not a plain file name"),
            ({"name": "x.onnx", "size": 10, "sha256": digest, "format": "torchscript"}, 400, "says onnx"),
            ({"name": "nosum", "size": 10, "sha256": "xyz"}, 400, "sha256"),
            ({"name": "empty", "size": 0, "sha256": digest}, 400, "size"),
        ]
        for body_json, status, words in cases:
            response = await client._http.post("/v1/uploads", json=body_json)
            assert response.status_code == status, (body_json, response.text)
            assert words in response.json()["error"], response.text
    assert not any(p.name.startswith("huge") for p in engine.model_repo.iterdir())


async def test_upload_resumes_after_the_engine_restarts(engine, tiny):
    body, digest = tiny
    async with EngineClient(engine.url) as client:
        upload = await client.start_upload("survivor", len(body), digest)
        half = await _send(client, upload.id, body, 0, 3 * CHUNK)
    assert engine.stop() == 0
    engine.start()
    async with EngineClient(engine.url) as client:
        status = await client.upload_status(upload.id)
        assert status.received == half and not status.committed
        await _send(client, upload.id, body, half, len(body))
        info = await client.commit_upload(upload.id)
    assert info.name == "survivor" and info.error is None
    assert (engine.model_repo / "survivor.onnx").read_bytes() == body

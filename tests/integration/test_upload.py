"""PUT / DELETE /v1/models/{name} on a real engine through the real client."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import torch

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas import SessionSpec, SessionState
from tests.support.deploy import deploy
from tests.support.engine_process import EngineProcess

LIMIT = 8 * 1024 * 1024  # mlp-tiny.onnx (about 6.3 MB) fits


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, demo_repo: Path):
    base = tmp_path_factory.mktemp("upload")
    repo = base / "models"
    repo.mkdir()
    shutil.copy(demo_repo / "add-sub.onnx", repo)
    config = base / "engine.toml"
    config.write_text(f"[server]\nmax_upload_bytes = {LIMIT}\n")
    process = EngineProcess(repo, base / "state", "--config", str(config))
    process.start()
    yield process
    process.kill()


def _leftovers(engine: EngineProcess) -> list[str]:
    return sorted(p.name for p in engine.model_repo.iterdir() if p.name.startswith(".upload-"))


async def _status_of(call) -> EngineClientError:
    with pytest.raises(EngineClientError) as error:
        await call
    return error.value


async def test_upload_is_listed_and_deployable(engine, demo_repo):
    seen: list[tuple[int, int]] = []
    source = demo_repo / "mlp-tiny.onnx"
    async with EngineClient(engine.url) as client:
        info = await client.upload_model("up-tiny", source, progress=lambda sent, total: seen.append((sent, total)))
        assert info.name == "up-tiny" and info.format.value == "onnx" and info.error is None
        assert info.inputs[0].shape == [-1, 512] and info.size_bytes == source.stat().st_size
        assert seen[-1] == (source.stat().st_size,) * 2 and len(seen) > 1
        assert "up-tiny" in {m.name for m in await client.list_models()}
    assert (engine.model_repo / "up-tiny.onnx").read_bytes() == source.read_bytes()
    session = await deploy(engine.url, "from-upload", "up-tiny")
    assert session.state is SessionState.READY, session.reason
    assert _leftovers(engine) == []


async def test_bad_checksum_is_refused_naming_both_digests(engine, demo_repo):
    body = (demo_repo / "add-sub.onnx").read_bytes()
    wrong = "0" * 64
    async with EngineClient(engine.url) as client:
        response = await client._http.put(
            "/v1/models/bad-sum", content=body, headers={"X-Content-SHA256": wrong, "X-Model-Format": "onnx"}
        )
        assert response.status_code == 400
        message = response.json()["error"]
        assert wrong in message and hashlib.sha256(body).hexdigest() in message
        missing = await client._http.put("/v1/models/no-sum.onnx", content=body)
        assert missing.status_code == 400 and "X-Content-SHA256 is required" in missing.json()["error"]
    assert not (engine.model_repo / "bad-sum.onnx").exists() and _leftovers(engine) == []


async def test_over_the_limit_is_413_and_leaves_nothing(engine, tmp_path):
    big = tmp_path / "big.onnx"
    big.write_bytes(b"\0" * (LIMIT + 1))
    async with EngineClient(engine.url) as client:
        error = await _status_of(client.upload_model("big", big))
        assert error.status == 413 and str(LIMIT) in error.message

        async def chunks():  # no Content-Length: the engine counts as the body arrives
            for _ in range(LIMIT // 65536 + 8):
                yield b"\0" * 65536

        digest = hashlib.sha256(b"x").hexdigest()
        headers = {"X-Content-SHA256": digest}
        response = await client._http.put("/v1/models/big-chunked.onnx", content=chunks(), headers=headers)
        assert response.status_code == 413 and "max_upload_bytes" in response.json()["error"]
    assert _leftovers(engine) == []
    assert not any(p.stem.startswith("big") for p in engine.model_repo.iterdir())


async def test_existing_model_is_409_unless_overwrite(engine, demo_repo):
    source = demo_repo / "add-sub.onnx"
    async with EngineClient(engine.url) as client:
        error = await _status_of(client.upload_model("add-sub", source))
        assert error.status == 409 and "overwrite=true" in error.message
        replaced = await client.upload_model("add-sub", source, overwrite=True)
        assert replaced.name == "add-sub" and replaced.error is None
        other_format = await _status_of(client.upload_model("add-sub", demo_repo / "mlp-tiny-ts.pt", overwrite=True))
        assert other_format.status == 409 and "another format" in other_format.message


@pytest.mark.parametrize("name", ["-dash", "bad name!", ".hidden", "a" * 200])
async def test_bad_name_is_400(engine, demo_repo, name):
    async with EngineClient(engine.url) as client:
        error = await _status_of(client.upload_model(name, demo_repo / "add-sub.onnx"))
    assert error.status == 400 and "not a plain file name" in error.message


async def test_corrupt_or_unsafe_files_are_400_with_the_reason(engine, tmp_path):
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x08\x07" * 5000)
    pickle = tmp_path / "pickle.pt"
    torch.save({"weights": torch.zeros(4)}, pickle)  # a pickle, not TorchScript
    async with EngineClient(engine.url) as client:
        onnx_error = await _status_of(client.upload_model("junk", junk))
        assert onnx_error.status == 400 and "ONNX" in onnx_error.message
        torch_error = await _status_of(client.upload_model("pickled", pickle))
        assert torch_error.status == 400 and "not a TorchScript archive" in torch_error.message
        header_error = await _status_of(client._send("PUT", "/v1/models/x", headers={"X-Model-Format": "tflite"}))
        assert header_error.status == 400 and "onnx, torchscript" in header_error.message
    assert _leftovers(engine) == []
    assert not any(p.stem in ("junk", "pickled") for p in engine.model_repo.iterdir())


async def test_torchscript_upload_with_its_signature(engine, demo_repo):
    async with EngineClient(engine.url) as client:
        uploaded = await client.upload_model("ts-up", demo_repo / "mlp-tiny-ts.pt")
        assert uploaded.format.value == "torchscript" and "sidecar" in uploaded.error
        signature = (demo_repo / "mlp-tiny-ts.json").read_text()
        described = await client.put_model_signature("ts-up", json.loads(signature))
        assert described.error is None and described.inputs[0].shape == [-1, 512]
        bad = await _status_of(client.put_model_signature("ts-up", {"inputs": "nope"}))
        assert bad.status == 400 and "inputs" in bad.message


async def test_sessions_keep_serving_during_uploads_and_delete_waits_for_them(engine, demo_repo):
    await deploy(engine.url, "busy", "add-sub")
    payload = {
        "inputs": [{"name": n, "datatype": "FP32", "shape": [1, 16], "data": [1.0] * 16} for n in ("INPUT0", "INPUT1")]
    }
    async with EngineClient(engine.url) as client:

        async def infer_loop() -> list[int]:
            codes = []
            while not upload.done():
                codes.append((await client._http.post("/v2/models/busy/infer", json=payload)).status_code)
            return codes

        upload = asyncio.ensure_future(client.upload_model("during", demo_repo / "mlp-tiny.onnx"))
        codes = await infer_loop()
        assert (await upload).error is None
        assert codes and set(codes) == {200}
        in_use = await _status_of(client.delete_model("add-sub"))
        assert in_use.status == 409 and "busy" in in_use.message
        await client.delete_session("busy")
        removed = await client.delete_model("add-sub")
        assert removed.name == "add-sub" and not (engine.model_repo / "add-sub.onnx").exists()
        missing = await _status_of(client.delete_model("add-sub"))
        assert missing.status == 404


async def test_a_link_out_of_the_repository_is_listed_as_refused_and_never_served(engine):
    (engine.model_repo / "passwd.onnx").symlink_to("/etc/passwd")
    try:
        async with EngineClient(engine.url) as client:
            listed = {m.name: m for m in await client.list_models()}
            assert "outside the model repository" in listed["passwd"].error
            error = await _status_of(client.get_model("passwd"))
            assert error.status == 400 and "/etc/passwd" in error.message
            deploy_error = await _status_of(client.create_session(SessionSpec(name="leak", model="passwd")))
            assert deploy_error.status == 400 and "refused" in deploy_error.message
    finally:
        (engine.model_repo / "passwd.onnx").unlink()


async def _put(url: str, name: str, source: Path) -> int:
    async with EngineClient(url) as client:
        try:
            await client.upload_model(name, source)
        except EngineClientError as exc:
            assert exc.status != 409 or "exists" in exc.message, exc.message
            return exc.status
        return 201


async def _commit(url: str, name: str, source: Path) -> int:
    """A resumable upload sent whole, then committed: the commit is what races."""
    body = source.read_bytes()
    async with EngineClient(url) as client:
        started = await client.start_upload(name, len(body), hashlib.sha256(body).hexdigest())
        await client.upload_chunk(started.id, 0, body, len(body))
        try:
            await client.commit_upload(started.id)
        except EngineClientError as exc:
            assert exc.status != 409 or "exists" in exc.message, exc.message
            return exc.status
        return 201


@pytest.mark.parametrize("second", ["put", "resumable"])
async def test_two_installs_of_one_new_name_at_once_are_one_201_and_one_409(engine, demo_repo, second):
    """PUT /v1/models and the resumable commit share the repository's install lock."""
    name, source = f"race-{second}", demo_repo / "add-sub.onnx"
    other = _put(engine.url, name, source) if second == "put" else _commit(engine.url, name, source)
    statuses = await asyncio.gather(_put(engine.url, name, source), other)
    assert sorted(statuses) == [201, 409]
    assert (engine.model_repo / f"{name}.onnx").read_bytes() == source.read_bytes()
    assert _leftovers(engine) == []

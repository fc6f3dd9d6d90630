"""API keys on a real engine with auth on: 401/403, scopes, revocation, the stream handshake, v2."""

from __future__ import annotations

import asyncio
import contextlib
import io
from pathlib import Path

import httpx
import pytest
import websockets

from mohawk_engine.cli import main as cli
from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.client.stream import EngineStream, stream_url
from mohawk_engine.schemas import SessionSpec
from tests.support.engine_process import EngineProcess

INFER_BODY = {"inputs": [{"name": "input", "shape": [1, 512], "datatype": "FP32", "data": [0.5] * 512}]}


def create_key_with_cli(state_dir: Path, *scopes: str, label: str = "ops") -> str:
    out = io.StringIO()
    args = ["keys", "create", "--label", label, "--state-dir", str(state_dir)]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert cli([*args, *(a for s in scopes for a in ("--scope", s))]) == 0
    return out.getvalue().strip()


def start_engine(repo: Path, state_dir: Path, *args: str) -> tuple[EngineProcess, str]:
    """An engine with auth on and an admin key made by the CLI before it starts."""
    admin = create_key_with_cli(state_dir, "admin")
    process = EngineProcess(repo, state_dir, "--auth", "on", *args)
    process.start()
    return process, admin


@pytest.fixture(scope="module")
def secured(tmp_path_factory, demo_repo):
    process, admin = start_engine(demo_repo, tmp_path_factory.mktemp("state"))
    yield process, admin
    process.kill()


@pytest.fixture(scope="module")
def v2_secured(tmp_path_factory, demo_repo):
    config = tmp_path_factory.mktemp("conf") / "engine.toml"
    config.write_text("[security]\nv2_auth = true\n")
    process, admin = start_engine(demo_repo, tmp_path_factory.mktemp("state"), "--config", str(config))
    yield process, admin
    process.kill()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def deploy_tiny(url: str, admin: str, name: str) -> None:
    async with EngineClient(url, token=admin) as client:
        with contextlib.suppress(EngineClientError):
            await client.create_session(SessionSpec(name=name, model="mlp-tiny"))
        await client.wait_for_state(name, timeout=120)


def test_banner_says_auth_is_on(secured):
    process, _ = secured
    assert "auth:             on (control API; v2 data plane open; 1 active key(s))" in process.output()


async def test_control_api_needs_a_valid_key(secured):
    process, admin = secured
    async with httpx.AsyncClient(base_url=process.url) as http:
        forged = bearer("mhk_00000000_" + "x" * 43)
        for headers in ({}, {"Authorization": "Basic b3BzOm9wcw=="}, forged, bearer("junk")):
            for method, path in (("GET", "/v1/sessions"), ("GET", "/v1/keys"), ("POST", "/v1/sessions"),
                                 ("GET", "/metrics"), ("GET", "/v1/health")):  # fmt: skip
                answer = await http.request(method, path, headers=headers)
                assert answer.status_code == 401, (method, path, headers)
                assert answer.headers["www-authenticate"].startswith("Bearer")
                assert "API key" in answer.json()["error"]
        assert (await http.get("/v1/server", headers=bearer(admin))).status_code == 200
        assert (await http.get("/v1/server", params={"token": admin})).status_code == 401  # WebSockets only
        assert (await http.get("/metrics", headers=bearer(admin))).text.startswith("#")
        assert (await http.get("/v2/health/live")).status_code == 200
        assert (await http.get("/v2/health/ready")).status_code == 200


async def test_scopes_decide_what_a_key_may_do(secured):
    process, admin = secured
    async with EngineClient(process.url, token=admin) as client:
        reader = await client.create_key("dashboard", ["read"])
        inferer = await client.create_key("batch job", ["infer"])
        assert reader.secret.startswith(f"mhk_{reader.prefix}_") and reader.scopes == ["read"]
        with pytest.raises(EngineClientError) as bad:
            await client.create_key("x", ["root"])
        assert bad.value.status == 400 and "'read', 'infer' or 'admin'" in bad.value.message
    async with EngineClient(process.url, token=reader.secret) as client:
        assert isinstance(await client.list_sessions(), list)
        for call in (client.keys(), client.audit(), client.create_session(SessionSpec(name="x", model="mlp-tiny"))):
            with pytest.raises(EngineClientError) as refused:
                await call
            assert refused.value.status == 403
            assert f"'{reader.prefix}' lacks the 'admin' scope" in refused.value.message
    async with EngineClient(process.url, token=inferer.secret) as client:
        with pytest.raises(EngineClientError, match="lacks the 'read' scope that GET /v1/server needs"):
            await client.server_info()


async def test_revoking_takes_effect_at_once_by_api_and_by_cli(secured):
    process, admin = secured
    async with EngineClient(process.url, token=admin) as client:
        first = await client.create_key("temp", ["read"])
        second = await client.create_key("temp2", ["read"])
        async with EngineClient(process.url, token=first.secret) as temp:
            await temp.server_info()
            assert (await client.revoke_key(first.prefix)).revoked
            with pytest.raises(EngineClientError) as refused:
                await temp.server_info()
            assert refused.value.status == 401 and "revoked" in refused.value.message
        listed = {key.prefix: key for key in await client.keys()}
        assert listed[first.prefix].revoked and listed[first.prefix].last_used is not None
        raw = (await client._http.get("/v1/keys")).text
        assert "secret" not in raw and "hash" not in raw and first.secret not in raw
        with pytest.raises(EngineClientError) as missing:
            await client.revoke_key("ffffffff")
        assert missing.value.status == 404
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli(["keys", "revoke", second.prefix, "--state-dir", str(process.state_dir)]) == 0
        assert cli(["keys", "list", "--state-dir", str(process.state_dir)]) == 0
    assert f"{second.prefix}  read" in out.getvalue() and "revoked" in out.getvalue()
    async with EngineClient(process.url, token=second.secret) as temp:
        with pytest.raises(EngineClientError, match="revoked"):
            await temp.server_info()


async def test_stream_handshake_needs_a_key(secured):
    process, admin = secured
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with EngineStream(process.url):
            pass
    assert refused.value.response.status_code == 401
    async with EngineStream(process.url, token=admin) as stream:
        await stream.subscribe("health")
        first = await asyncio.wait_for(anext(aiter(stream)), 10)
        assert first.type == "subscribed"
    async with websockets.connect(f"{stream_url(process.url)}?token={admin}") as ws:
        await ws.send('{"op": "subscribe", "topic": "health"}')
        assert "subscribed" in await asyncio.wait_for(ws.recv(), 10)


async def test_v2_is_open_unless_v2_auth(secured):
    process, admin = secured
    await deploy_tiny(process.url, admin, "open")
    async with httpx.AsyncClient(base_url=process.url) as http:
        assert (await http.post("/v2/models/open/infer", json=INFER_BODY)).status_code == 200
        assert (await http.get("/v2/models/open")).status_code == 200


async def test_v2_auth_protects_the_data_plane_but_not_the_probes(v2_secured):
    process, admin = v2_secured
    assert "control API and v2 data plane" in process.output()
    await deploy_tiny(process.url, admin, "guarded")
    async with EngineClient(process.url, token=admin) as client:
        reader = (await client.create_key("metadata", ["read"])).secret
        inferer = (await client.create_key("traffic", ["infer"])).secret
    async with httpx.AsyncClient(base_url=process.url) as http:
        infer, metadata = "/v2/models/guarded/infer", "/v2/models/guarded"
        assert (await http.get("/v2/health/live")).status_code == 200
        assert (await http.get("/v2/health/ready")).status_code == 200
        assert (await http.post(infer, json=INFER_BODY)).status_code == 401
        assert (await http.get(metadata)).status_code == 401
        refused = await http.post(infer, json=INFER_BODY, headers=bearer(reader))
        assert refused.status_code == 403 and "'infer' scope" in refused.json()["error"]
        assert (await http.get(metadata, headers=bearer(reader))).status_code == 200
        assert (await http.post(infer, json=INFER_BODY, headers=bearer(inferer))).status_code == 200
        assert (await http.get(metadata, headers=bearer(inferer))).status_code == 403
        assert (await http.post(infer, json=INFER_BODY, headers=bearer(admin))).status_code == 200

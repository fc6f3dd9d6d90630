"""Safe by default: no open API on the network, and no control calls from other sites' pages."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
import websockets

from mohawk_engine.cli import _unsafe_start
from mohawk_engine.client.stream import stream_url
from mohawk_engine.config import EngineConfig
from tests.support.engine_process import EngineProcess

ALLOWED = "http://console.example"


def serve(tmp_path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "mohawk_engine", "serve", "--port", "0", "--model-repo", str(tmp_path / "m"),
               "--state-dir", str(tmp_path / "s"), *args]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=60, env={**os.environ, **(env or {})})


def test_a_network_bind_with_auth_off_is_refused(tmp_path):
    config = tmp_path / "engine.toml"
    config.write_text('[server]\nhost = "0.0.0.0"\n[security]\nauth = "off"\n')
    for args in (("--host", "0.0.0.0", "--auth", "off"), ("--config", str(config))):
        result = serve(tmp_path, *args)
        assert result.returncode == 2
        assert result.stdout == ""
        (line,) = result.stderr.strip().splitlines()
        assert "refusing to bind 0.0.0.0 with auth off" in line
        assert "--auth on" in line and "--allow-insecure-bind" in line
    assert not (tmp_path / "s" / "engine.json").exists()


def test_what_may_start():
    config = EngineConfig()
    assert _unsafe_start(config) is None  # loopback, auth auto (off)
    config.server.host = "0.0.0.0"
    assert _unsafe_start(config) is None  # auto turns auth on
    config.security.auth = "off"
    assert "refusing to bind" in _unsafe_start(config)
    config.security.allow_insecure_bind = True
    assert _unsafe_start(config) is None


def test_a_malformed_bootstrap_key_is_refused(tmp_path):
    result = serve(tmp_path, env={"MOHAWK_BOOTSTRAP_KEY": "hunter2"})
    assert result.returncode == 2
    assert "MOHAWK_BOOTSTRAP_KEY is not an API key secret" in result.stderr


@pytest.fixture(scope="module")
def engine(tmp_path_factory, demo_repo):
    config = tmp_path_factory.mktemp("conf") / "engine.toml"
    config.write_text(f'[security]\nallowed_origins = ["{ALLOWED}/"]\n')
    process = EngineProcess(demo_repo, tmp_path_factory.mktemp("state"), "--config", str(config))
    process.start()
    yield process
    process.kill()


async def test_pages_of_other_sites_are_refused(engine):
    assert "auth:             off" in engine.output()
    async with httpx.AsyncClient(base_url=engine.url) as http:
        browser_pages = (
            {"Origin": "http://evil.example"},
            {"Origin": "null"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
            {"Origin": ALLOWED, "Sec-Fetch-Site": "cross-site"},
        )
        for headers in browser_pages:
            for method, path in (("GET", "/v1/server"), ("GET", "/metrics"), ("POST", "/v1/sessions/plan")):
                answer = await http.request(method, path, headers=headers)
                assert answer.status_code == 403, (headers, path)
                assert answer.json()["error"]
        evil = await http.get("/v1/server", headers={"Origin": "http://evil.example"})
        assert "'http://evil.example'" in evil.json()["error"] and "allowed_origins" in evil.json()["error"]
        for headers in ({}, {"Origin": ALLOWED}, {"Sec-Fetch-Site": "same-origin"}, {"Sec-Fetch-Site": "none"}):
            assert (await http.get("/v1/server", headers=headers)).status_code == 200, headers
        assert (await http.get("/v2/health/live", headers={"Origin": "http://evil.example"})).status_code == 200
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with websockets.connect(stream_url(engine.url), origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 403


async def test_foreign_host_names_are_refused_on_loopback(engine):
    async with httpx.AsyncClient(base_url=engine.url) as http:
        for host in ("evil.example", f"evil.example:{engine.port}", "10.0.0.1:80", "localhost.evil.example"):
            answer = await http.get("/v1/server", headers={"Host": host})
            assert answer.status_code == 403, host
            assert "localhost, 127.0.0.1 (any 127.x.y.z) or [::1]" in answer.json()["error"]
        for host in ("localhost", f"localhost:{engine.port}", "127.0.0.1:1", "127.0.0.3:8003", "[::1]", "[::1]:8003", "LOCALHOST"):
            assert (await http.get("/v1/server", headers={"Host": host})).status_code == 200, host

"""The bundled local engine: a real subprocess in a temporary data dir."""

from __future__ import annotations

import os
import stat

import pytest

from mohawk_engine.client import EngineClient, EngineClientError
from mohawk_engine.schemas.security import secret_prefix
from mohawk_gui.services.bundled_engine import TOKEN_FILE, BundledEngine, BundledEngineError, load_or_create_token


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"


def test_demo_models_are_written_only_into_an_empty_repository(tmp_path):
    engine = BundledEngine(tmp_path / "data")
    assert "--demo-models" in engine.command()
    engine.model_repo.mkdir(parents=True)
    (engine.model_repo / "mine.onnx").write_bytes(b"")
    assert "--demo-models" not in engine.command()
    assert "--demo-models" not in BundledEngine(tmp_path / "other", demo_models=False).command()
    assert "--auth on" in " ".join(engine.command())


def test_the_token_is_made_once_and_kept_private(tmp_path):
    path = tmp_path / "data" / TOKEN_FILE
    token = load_or_create_token(path)
    assert secret_prefix(token) is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    assert load_or_create_token(path) == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.write_text("garbled")
    replacement = load_or_create_token(path)
    assert replacement != token and secret_prefix(replacement) is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_starts_is_adopted_when_kept_running_and_stops_by_pid(tmp_path, model_repo):
    (tmp_path / "data").mkdir()
    model_repo.rename(tmp_path / "data" / "models")  # a repository from an earlier run: no demo models to write
    engine = BundledEngine(tmp_path / "data")
    url = await engine.start(timeout_s=60)
    try:
        assert url.startswith("http://127.0.0.1:")
        async with EngineClient(url) as anonymous:
            with pytest.raises(EngineClientError) as refused:
                await anonymous.server_info()
        assert refused.value.status == 401  # auth is on, even on loopback
        assert engine.token == (tmp_path / "data" / TOKEN_FILE).read_text().strip()
        async with EngineClient(url, token=engine.token) as client:
            info = await client.server_info()
            (key,) = await client.keys()
        assert key.label == "console (bundled)" and key.scopes == ["admin"]
        assert key.prefix == secret_prefix(engine.token)
        assert info.state_dir == str(tmp_path / "data" / "state")
        assert info.model_repository == str(tmp_path / "data" / "models")
        assert any("listening on" in line for line in engine.output)

        second = BundledEngine(tmp_path / "data")
        assert await second.start() == url
        assert second.adopted and second.pid == engine.pid and second.token == engine.token
    finally:
        engine.stop()
    assert not _alive(engine.pid)
    assert BundledEngine(tmp_path / "data").find_running() is None


async def test_an_engine_that_cannot_start_raises_with_its_output(tmp_path):
    engine = BundledEngine(tmp_path / "data", python="/bin/false")
    with pytest.raises(BundledEngineError, match="exited with status 1"):
        await engine.start(timeout_s=10)


CONSOLE_STAND_IN = """
import asyncio, sys
from pathlib import Path
from mohawk_gui.services.bundled_engine import BundledEngine

async def main():
    engine = BundledEngine(Path(sys.argv[1]), demo_models=False, die_with_console=sys.argv[2] == "dies")
    await engine.start()
    print(engine.pid, flush=True)
    await asyncio.sleep(600)

asyncio.run(main())
"""


@pytest.mark.parametrize("mode", ["dies", "keeps running"])
def test_a_console_killed_outright_leaves_no_engine_unless_it_is_kept_running(tmp_path, mode):
    """kill -9 of the console (or its display going away) skips every clean-up: the engine must still end."""
    import signal
    import subprocess
    import sys
    import time

    console = subprocess.Popen(
        [sys.executable, "-c", CONSOLE_STAND_IN, str(tmp_path / "data"), mode], stdout=subprocess.PIPE, text=True
    )
    engine_pid = int(console.stdout.readline())
    assert _alive(engine_pid)
    console.kill()
    console.wait(10)
    deadline = time.monotonic() + (15 if mode == "dies" else 2)
    while _alive(engine_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    try:
        if mode == "dies":
            assert not _alive(engine_pid), "the bundled engine outlived its console"
        else:
            assert _alive(engine_pid), "keep_running: the engine stays for the next console to adopt"
    finally:
        if _alive(engine_pid):
            os.kill(engine_pid, signal.SIGTERM)

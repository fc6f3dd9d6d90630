"""The bundled local engine: a real subprocess in a temporary data dir."""

from __future__ import annotations

import os

import pytest

from mohawk_engine.client import EngineClient
from mohawk_gui.services.bundled_engine import BundledEngine, BundledEngineError


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


async def test_starts_is_adopted_when_kept_running_and_stops_by_pid(tmp_path, model_repo):
    (tmp_path / "data").mkdir()
    model_repo.rename(tmp_path / "data" / "models")  # a repository from an earlier run: no demo models to write
    engine = BundledEngine(tmp_path / "data")
    url = await engine.start(timeout_s=60)
    try:
        assert url.startswith("http://127.0.0.1:")
        async with EngineClient(url) as client:
            info = await client.server_info()
        assert info.state_dir == str(tmp_path / "data" / "state")
        assert info.model_repository == str(tmp_path / "data" / "models")
        assert any("listening on" in line for line in engine.output)

        second = BundledEngine(tmp_path / "data")
        assert await second.start() == url
        assert second.adopted and second.pid == engine.pid
    finally:
        engine.stop()
    assert not _alive(engine.pid)
    assert BundledEngine(tmp_path / "data").find_running() is None


async def test_an_engine_that_cannot_start_raises_with_its_output(tmp_path):
    engine = BundledEngine(tmp_path / "data", python="/bin/false")
    with pytest.raises(BundledEngineError, match="exited with status 1"):
        await engine.start(timeout_s=10)
